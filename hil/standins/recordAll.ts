/**
 * Recording the stand-ins (standins.ts) into a folder: output files checked before anything is
 * recorded, each stand-in's profile file written, its sequence recorded on a stack served with
 * that profile (the opener: `pistack serve --pty` in recordStandins.ts, `sim:` in the tests),
 * and recorded again, up to `attempts` times, while the take does not replay cleanly on its own
 * profile (on a loaded machine a served PTY can answer later than the replay tolerance allows:
 * a fixture must show the field, not the load).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { V4_REFERENCE, parseProfile } from '../../board-model/profiles.ts';
import { CliError } from '../../cli/output.ts';
import { checkOutputFile } from '../../cli/outputPaths.ts';
import type { HostPort } from '../ports.ts';
import type { ModelReplayResult } from '../session/modelReplay.ts';
import { parseSession } from '../session/sessionFormat.ts';
import { recordSequence, replayStandin, standinTolerance } from './recordSequence.ts';
import { STANDINS, standinProfileJson, type Standin } from './standins.ts';

/** A served stack running the profile in `profileFile`: its open port, the port's name for the session header, and how to stop it. */
export type ServedOpener = (profileFile: string) => Promise<{ port: HostPort; portName: string; stop(): Promise<void> }>;

/** What to record, where, and how. */
export interface RecordAllOptions {
  /** The folder (it holds tolerance.json, the replay tolerance of the stand-ins). */
  readonly dir: string;
  /** Stand-in names (default all). */
  readonly names?: readonly string[];
  readonly overwrite: boolean;
  /** Takes per stand-in at most (>= 1). */
  readonly attempts: number;
  readonly open: ServedOpener;
  /** One summary per stand-in. */
  readonly log: (text: string) => void;
}

function firstDiff(r: ModelReplayResult): string {
  const first = r.results.find((x) => x.diffs.length > 0);
  return first === undefined ? '' : `; first #${first.exchange.index} ${first.exchange.label}: ${first.diffs.map((d) => `${d.field} recorded ${d.recorded}, now ${d.now}`).join('; ')}`;
}

async function recordOnce(s: Standin, session: string, profileFile: string, errorLogSize: number, open: ServedOpener): Promise<void> {
  const served = await open(profileFile);
  try {
    await recordSequence(s, served.port, { path: session, portName: served.portName, overwrite: true, errorLogSize });
  } finally {
    await served.stop();
  }
}

/** Record one stand-in; returns its summary (attempts, then what a replay against v4-reference reports). */
async function recordOne(s: Standin, options: RecordAllOptions): Promise<string> {
  const session = join(options.dir, `standin-${s.name}.jsonl`);
  const profileFile = join(options.dir, `standin-${s.name}.profile.json`);
  writeFileSync(profileFile, `${JSON.stringify(standinProfileJson(s), null, 2)}\n`);
  const profile = parseProfile(standinProfileJson(s), profileFile);
  const tolerance = standinTolerance(options.dir);
  const rejected: string[] = [];
  for (let attempt = 1; ; attempt++) {
    await recordOnce(s, session, profileFile, profile.errorLog.size, options.open);
    const parsed = parseSession(readFileSync(session, 'utf8'), session);
    const onOwn = await replayStandin(parsed, profile, tolerance);
    if (onOwn.mismatched > 0 && attempt < options.attempts) {
      rejected.push(`attempt ${attempt}: ${onOwn.mismatched} mismatched on its own profile${firstDiff(onOwn)}`);
      continue;
    }
    const onReference = await replayStandin(parsed, V4_REFERENCE, tolerance);
    return [
      `${s.name}: ${onReference.exchanges} exchanges, attempt ${attempt}; against its own profile ${onOwn.mismatched} mismatched; against v4-reference ${onReference.mismatched} mismatched${firstDiff(onReference)}`,
      ...rejected.map((r) => `  re-recorded after ${r}`),
    ].join('\n');
  }
}

/** Record the chosen stand-ins; every output is checked first (CliError naming the file: exists without --overwrite, unknown name). */
export async function recordStandins(options: RecordAllOptions): Promise<void> {
  const unknown = (options.names ?? []).filter((n) => !STANDINS.some((s) => s.name === n));
  if (unknown.length > 0) throw new CliError(`"--only": unknown stand-in ${unknown.join(', ')} (known: ${STANDINS.map((s) => s.name).join(', ')})`);
  const chosen = options.names === undefined ? STANDINS : STANDINS.filter((s) => options.names!.includes(s.name));
  for (const s of chosen) {
    checkOutputFile(join(options.dir, `standin-${s.name}.jsonl`), 'session', { overwrite: options.overwrite });
    checkOutputFile(join(options.dir, `standin-${s.name}.profile.json`), 'profile', { overwrite: options.overwrite });
  }
  for (const s of chosen) options.log(await recordOne(s, options));
}
