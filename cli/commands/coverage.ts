/**
 * `pistack coverage [--fuzz RUN_DIR] [--session FILE...] [--stack S] [--profile P] [--json]
 * [--html FILE] [--overwrite]`: state and transition coverage of the board machines, joined from
 * fuzz runs (their run folders, simulator) and recorded sessions replayed in the model in virtual
 * time with their recorded timing (hardware when recorded on a real port, simulator on `sim:`):
 * per machine, what was covered on both, on the simulator only, on hardware only, and never.
 */
import type { Command } from 'commander';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import { DEFAULT_STACK } from '../../board-model/stack.ts';
import { CoverageFileError, loadFuzzCoverage } from '../../fuzz/coverage/coverageFile.ts';
import { joinCoverage } from '../../fuzz/coverage/joined.ts';
import { joinedCoverageLines, type CoverageSource } from '../../fuzz/coverage/joinedReport.ts';
import type { CoverageKeys } from '../../fuzz/coverage/ModelCoverage.ts';
import { sessionCoverage, sessionSide } from '../../fuzz/coverage/sessionCoverage.ts';
import { SessionFormatError, parseSession } from '../../hil/session/sessionFormat.ts';
import { GraphvizError } from '../../web/node/renderSvg.ts';
import { CliError, ioOf, printJson, printLines, withJson } from '../output.ts';
import { checkOutputFile, withOverwrite, writeOutputFile } from '../outputPaths.ts';
import { loadProfile, loadStack, readText } from '../simFiles.ts';

interface CoverageOptions {
  fuzz?: string[];
  session?: string[];
  stack?: string;
  profile?: string;
  json?: boolean;
  html?: string;
  overwrite?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function addKeys(into: { states: Set<string>; transitions: Set<string> }, keys: CoverageKeys): void {
  for (const s of keys.states) into.states.add(s);
  for (const t of keys.transitions) into.transitions.add(t);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function coverage(cmd: Command, options: CoverageOptions): Promise<void> {
  const runs = options.fuzz ?? [];
  const sessions = options.session ?? [];
  if (runs.length === 0 && sessions.length === 0) throw new CliError('nothing to report: give "--fuzz RUN_DIR" (a fuzz run folder) and/or "--session FILE..." (recorded sessions)', 2);
  const profile = options.profile === undefined ? V4_REFERENCE : loadProfile(options.profile);
  const stack = options.stack === undefined ? DEFAULT_STACK : loadStack(options.stack, profile);
  if (options.html !== undefined) {
    const inputs = [...sessions.map((path) => ({ path, what: 'a --session file' })), { path: options.profile, what: 'the --profile file' }, { path: options.stack, what: 'the --stack file' }];
    checkOutputFile(options.html, '--html', { overwrite: options.overwrite === true, inputs });
  }
  const sides = { simulator: { states: new Set<string>(), transitions: new Set<string>() }, hardware: { states: new Set<string>(), transitions: new Set<string>() } };
  const sources: CoverageSource[] = [];
  for (const run of runs) {
    let files;
    try {
      files = loadFuzzCoverage(run);
    } catch (e) {
      if (e instanceof CoverageFileError) throw new CliError(`"--fuzz": ${e.message}`);
      throw e;
    }
    for (const f of files) addKeys(sides.simulator, f);
    const seeds = files.map((f) => f.seed);
    const cases = files.reduce((n, f) => n + f.runs, 0);
    sources.push({ kind: 'fuzz', side: 'simulator', path: run, detail: `${plural(files.length, 'run')}, seed ${seeds.join(', ')}, ${cases} cases, profile ${files.map((f) => f.profile).join(', ')}`, seeds, cases });
  }
  const io = ioOf(cmd);
  for (const path of sessions) {
    let session;
    try {
      session = parseSession(readText(path, '--session'), path);
    } catch (e) {
      if (e instanceof SessionFormatError) throw new CliError(`"--session": ${e.message}`);
      throw e;
    }
    const side = sessionSide(session);
    const { keys, replay } = await sessionCoverage(session, { stack, profile });
    addKeys(sides[side], keys);
    if (replay.mismatched > 0) io.err(`warning: ${path}: ${plural(replay.mismatched, 'exchange')} of ${replay.exchanges} replied differently in the model (pistack replay ${path} --port sim: shows them); its coverage is the model's path\n`);
    const stopped = replay.aborted === undefined ? '' : `, stopped: ${replay.aborted}`;
    sources.push({
      kind: 'session', side, path, detail: `${plural(replay.exchanges, 'exchange')} recorded on ${session.header.port}, ${replay.mismatched} mismatched in the model${stopped}`,
      recordedOn: session.header.port, exchanges: replay.exchanges, mismatched: replay.mismatched,
    });
  }
  const joined = joinCoverage({ states: [...sides.simulator.states], transitions: [...sides.simulator.transitions] }, { states: [...sides.hardware.states], transitions: [...sides.hardware.transitions] });
  if (options.html !== undefined) {
    const { coverageHtml } = await import('../../fuzz/coverage/coverageHtml.ts');
    let html: string;
    try {
      html = await coverageHtml(joined, sources);
    } catch (e) {
      if (e instanceof GraphvizError) throw new CliError(`"--html": ${e.message}`);
      throw e;
    }
    writeOutputFile(options.html, html, '--html', options.overwrite === true);
  }
  if (options.json) {
    printJson(cmd, { stack: stack.name, profile: profile.name, sources, ...joined, html: options.html ?? null });
  } else {
    printLines(cmd, [`model coverage (stack ${stack.name}, profile ${profile.name})`, ...joinedCoverageLines(joined, sources), ...(options.html === undefined ? [] : ['', `wrote ${options.html}`])]);
  }
}

/** Register `coverage` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('coverage')
    .description('state and transition coverage of the model machines: fuzz runs (simulator) joined with recorded sessions (hardware or simulator)')
    .option('--fuzz <RUN_DIR>', 'a fuzz run folder (pistack fuzz --out RUN_DIR writes RUN_DIR/coverage/), or one coverage file; repeatable', collect)
    .option('--session <FILE...>', 'recorded sessions (JSON Lines), replayed in the model in virtual time; hardware when recorded on a real port, simulator on sim:')
    .option('--stack <FILE>', 'stack the sessions are replayed on (JSON or builtin name: default, single); default the built-in default stack')
    .option('--profile <FILE>', 'firmware profile of the model (JSON or builtin name); default v4-reference')
    .option('--html <FILE>', 'also write one self-contained HTML file: the statecharts coloured by coverage');
  withOverwrite(withJson(cmd), 'the --html file')
    .addHelpText('after', '\nExample:\n  pistack fuzz --runs 50 --out /tmp/run && pistack coverage --fuzz /tmp/run --session board.jsonl --html coverage.html')
    .action(async function (this: Command, options: CoverageOptions) {
      await coverage(this, options);
    });
}
