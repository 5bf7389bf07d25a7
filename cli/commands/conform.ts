/**
 * `pistack conform SESSION... [--profile P] [--stack S] [--tolerance F] [--shrink] [--diagnose]
 * [--json] [--junit FILE] [--out DIR] [--overwrite]`: replay recorded sessions against the model
 * in virtual time and say whether it conforms; shrink the first divergence, diagnose the ASSUMED
 * profile field behind it and propose a profile patch (hil/conform/conform.ts). Exit 0 when the
 * model conforms, 1 when it diverges (even with a proposed patch), 2 for bad input. Output files
 * are checked before the run and never replace a file without --overwrite.
 */
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import type { ConformReport } from '../../hil/conform/conform.ts';
import { junitXml } from '../junit.ts';
import { CliError, printJson, printLines, withJson } from '../output.ts';
import { checkOutputDir, checkOutputFile, refuseToReplace, withOverwrite, writeOutputFile, type InputFile } from '../outputPaths.ts';

interface ConformCliOptions {
  profile?: string;
  stack?: string;
  tolerance?: string;
  shrink?: boolean;
  diagnose?: boolean;
  json?: boolean;
  junit?: string;
  out?: string;
  overwrite?: boolean;
}

/** Exit code of bad input (a missing or invalid file, a session the model cannot be set up for). */
const BAD_INPUT = 2;

/** Default folder of the shrunk session and the proposed profile. */
const DEFAULT_OUT = 'conform-out';

/** The proposed profile's file name inside --out. */
export const PROPOSED_FILE = 'proposed-profile.json';

function shrunkName(file: string): string {
  return `${basename(file).replace(/\.[^.]*$/, '')}.shrunk.jsonl`;
}

function quote(arg: string): string {
  return /^[\w./:@=-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The report as text lines. */
export function reportLines(r: ConformReport): string[] {
  const lines: string[] = [];
  for (const s of r.sessions) {
    lines.push(`${s.file}: ${s.exchanges} exchange${s.exchanges === 1 ? '' : 's'}, model: ${s.startingPoint.join('; ')}`);
    lines.push(s.firstDivergence ? `  diverges (${s.mismatched} differing): ${s.firstDivergence.words}` : '  conforms');
  }
  if (r.shrunk) lines.push(`shrunk: ${r.shrunk.exchanges} exchange${r.shrunk.exchanges === 1 ? '' : 's'} (of ${r.shrunk.originalExchanges})${r.shrunk.file ? `: ${r.shrunk.file}` : ''}`);
  if (r.diagnosis) {
    if (r.suspects.length === 0) lines.push(`suspects: none (${r.diagnosis.unexplained ?? 'no field explains the divergence'})`);
    else lines.push('suspects (most likely first):', ...r.suspects.slice(0, 10).map((s, i) => `  ${i + 1}. ${s.field} = ${JSON.stringify(s.value)} (explains ${s.explains === 'all sessions' ? 'every session' : 'the shrunk session only'})`));
    if (r.suspects.length === 0 && r.diagnosis.pairs) lines.push('  (no single field explains it; pairs of the most promising fields were tried too)');
    lines.push(`diagnosis: ${r.diagnosis.trials} replays in ${r.diagnosis.rounds} round${r.diagnosis.rounds === 1 ? '' : 's'}`);
    const p = r.proposedProfile;
    lines.push(p ? `proposed profile${p.file ? ` (${p.file})` : ''}: ${JSON.stringify(p.patch)}` : 'proposed profile: none found under which every session conforms');
    if (p?.verify) lines.push(`verify: ${p.verify}`);
  }
  return lines;
}

function junitReport(r: ConformReport, started: Date): string {
  const cases = r.sessions.map((s) => ({
    name: `${basename(s.file)} conforms to the model`, classname: 'conform', timeSeconds: 0,
    ...(s.firstDivergence ? { failure: { message: s.firstDivergence.words, type: 'divergence', text: [s.firstDivergence.words, `model: ${s.startingPoint.join('; ')}`].join('\n') } } : {}),
  }));
  const properties: Record<string, string> = { sessions: String(r.sessions.length), exchanges: String(r.exchanges) };
  if (r.suspects[0]) properties['suspect'] = `${r.suspects[0].field} = ${JSON.stringify(r.suspects[0].value)}`;
  if (r.proposedProfile) properties['proposedProfile'] = JSON.stringify(r.proposedProfile.patch);
  return junitXml({ name: 'pistack conform', timestamp: started, timeSeconds: 0, properties, cases });
}

/** Register `pistack conform`. */
export function register(program: Command): void {
  const cmd = program
    .command('conform')
    .description('replay recorded sessions against the model in virtual time; shrink, diagnose and propose a profile (exit 0 conforms, 1 diverges, 2 bad input)')
    .argument('<SESSION...>', 'session files (--record, tap --out) or fuzz regression files')
    .option('--profile <P>', 'start the model from this profile (builtin name or file) instead of what the sessions say')
    .option('--stack <S>', 'and on this stack (builtin name or file) instead of the boards that answered')
    .option('--tolerance <FILE>', 'tolerance file as for replay (default: the session header\'s, else replay\'s defaults)')
    .option('--shrink', 'cut the first divergence down to the smallest session that still shows it, written to --out')
    .option('--diagnose', 'name the ASSUMED profile fields that explain the divergence and propose a profile, written to --out')
    .option('--junit <FILE>', 'also write a JUnit XML report (one testcase per session)')
    .option('--out <DIR>', `folder for the shrunk session and ${PROPOSED_FILE} (default ${DEFAULT_OUT})`)
    .addHelpText('after', '\nExample:\n  pistack status --port /dev/ttyUSB0 --id 3 --record s.jsonl\n  pistack conform s.jsonl --shrink --diagnose --out conform-out');
  withJson(withOverwrite(cmd, 'the --junit file and the files in --out')).action(async function (this: Command, files: string[], options: ConformCliOptions) {
    const { conformSessions } = await import('../../hil/conform/conform.ts');
    const { loadRecording } = await import('../../hil/conform/loadSession.ts');
    const { ConformInputError } = await import('../../hil/conform/startingPoint.ts');
    const { loadProfile, loadStack, readText } = await import('../simFiles.ts');
    const { parseTolerance } = await import('../../hil/session/tolerance.ts');
    const overwrite = options.overwrite === true;
    const badInput = (e: unknown): never => {
      if (e instanceof CliError) throw new CliError(e.message, BAD_INPUT);
      if (e instanceof ConformInputError || (e instanceof Error && e.name === 'ConfigError')) throw new CliError(e.message, BAD_INPUT);
      throw e;
    };
    const writes = options.shrink === true || options.diagnose === true;
    const outDir = options.out ?? DEFAULT_OUT;
    const inputs: InputFile[] = files.map((f) => ({ path: f, what: 'a session being checked' }));
    let loaded;
    try {
      for (const [option, path] of [['--out', options.out], ['--junit', options.junit]] as const) {
        // commander takes the next word as the value: `--out -- s.jsonl` is a forgotten folder, not a folder named "--"
        if (path?.startsWith('-')) throw new CliError(`"${option}" needs a ${option === '--out' ? 'folder' : 'file name'}, got "${path}" (an option?)`);
      }
      if (options.junit !== undefined) checkOutputFile(options.junit, '--junit', { overwrite, inputs });
      if (writes) {
        checkOutputDir(outDir, '--out');
        refuseToReplace(outDir, [...(options.shrink ? files.map(shrunkName) : []), ...(options.diagnose ? [PROPOSED_FILE] : [])], overwrite);
      }
      const profile = options.profile === undefined ? undefined : loadProfile(options.profile);
      const stack = options.stack === undefined ? undefined : loadStack(options.stack, profile);
      const tolerance = options.tolerance === undefined ? undefined : parseTolerance(readText(options.tolerance, '--tolerance'), options.tolerance);
      const sessions = files.map(loadRecording);
      loaded = { sessions, profile, stack, tolerance };
    } catch (e) {
      return badInput(e);
    }
    const started = new Date();
    let outcome;
    try {
      outcome = conformSessions(loaded.sessions, { profile: loaded.profile, stack: loaded.stack, tolerance: loaded.tolerance, shrink: options.shrink === true, diagnose: options.diagnose === true });
    } catch (e) {
      return badInput(e);
    }
    const { report } = outcome;
    const { mkdirSync } = await import('node:fs');
    const { formatSession } = await import('../../hil/session/sessionFormat.ts');
    let shrunk = report.shrunk;
    let proposed = report.proposedProfile;
    if (writes && (outcome.shrunkSession && shrunk || outcome.proposed && proposed)) mkdirSync(outDir, { recursive: true });
    if (shrunk && outcome.shrunkSession) {
      const diverging = report.sessions.find((s) => s.diverged)!.file;
      const file = join(outDir, shrunkName(diverging));
      writeOutputFile(file, formatSession(outcome.shrunkSession), '--out', overwrite);
      shrunk = { ...shrunk, file };
    }
    if (proposed) {
      const file = join(outDir, PROPOSED_FILE);
      writeOutputFile(file, `${JSON.stringify(proposed.patch, null, 2)}\n`, '--out', overwrite);
      const verify = ['pistack', 'conform', ...files, '--profile', file, ...(options.stack ? ['--stack', options.stack] : []), ...(options.tolerance ? ['--tolerance', options.tolerance] : [])].map(quote).join(' ');
      proposed = { ...proposed, file, verify };
    }
    const final: ConformReport = { ...report, shrunk, proposedProfile: proposed };
    if (options.junit !== undefined) writeOutputFile(options.junit, junitReport(final, started), '--junit', overwrite);
    if (options.json) printJson(this, final);
    else printLines(this, reportLines(final));
    if (final.diverged) {
      const n = final.sessions.filter((s) => s.diverged).length;
      throw new CliError(`the model diverges from ${n} of ${final.sessions.length} session${final.sessions.length === 1 ? '' : 's'}${proposed ? ' (adopt the proposed profile to make it conform)' : ''}`);
    }

  });
}
