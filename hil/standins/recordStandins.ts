/**
 * Record the stand-in sessions of fixtures/sessions/ (issue 12 item 3): for each stand-in of
 * standins.ts, write its profile file, start `pistack serve --pty PATH --stack single --profile
 * FILE` as a child, open PATH with the real serialport bindings (the served link is paced like a
 * 9600-baud wire), record the sequence as `--record` does, stop the server by its PID, then say
 * what a replay against `sim:` v4-reference reports. Real time: about a minute for all of them.
 *
 *   npx tsx hil/standins/recordStandins.ts [--overwrite] [--only NAME,...] [--out DIR] [--attempts N]
 *
 * Existing files are refused before anything is recorded unless --overwrite is given. A recording
 * that does not replay cleanly on its own profile (the served PTY was late under load) is
 * recorded again, up to --attempts times (default 8); the summary says how many it took.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { V4_REFERENCE, parseProfile } from '../../board-model/profiles.ts';
import { CliError, parseInteger } from '../../cli/output.ts';
import { checkOutputFile } from '../../cli/outputPaths.ts';
import { encodeRequest } from '../../bus-protocol/frame.ts';
import { openPort, type HostPort } from '../ports.ts';
import type { ModelReplayResult } from '../session/modelReplay.ts';
import { parseSession } from '../session/sessionFormat.ts';
import { recordSequence, replayStandin, standinTolerance } from './recordSequence.ts';
import { STANDIN_BOARD, STANDINS, standinProfileJson, type Standin } from './standins.ts';

const BIN = fileURLToPath(new URL('../../bin/pistack.js', import.meta.url));
const DEFAULT_OUT = fileURLToPath(new URL('../../fixtures/sessions/', import.meta.url));

/** Start `pistack serve --pty` and resolve once it serves; reject after 30 s or an early exit. */
function startServe(pty: string, profileFile: string): Promise<{ stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--pty', pty, '--stack', 'single', '--profile', profileFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void stop().then(() => reject(new Error(`pistack serve did not start within 30 s: ${out}`))), 30_000);
    child.stdout.on('data', () => {
      if (/Ctrl-C or SIGTERM stops/.test(out)) {
        clearTimeout(timer);
        resolve({ stop });
      }
    });
    child.once('exit', () => (clearTimeout(timer), reject(new Error(`pistack serve exited: ${out}`))));
  });
}

/** One unrecorded GET_SW_VERSION first: the first write on a fresh serial link is slow (about 25 ms more), which is the link warming up, not the board. */
async function warmUp(port: HostPort): Promise<void> {
  let received = 0;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, 2000);
    const off = port.transport.onData((bytes) => {
      received += bytes.length;
      if (received >= 5) done();
    });
    function done(): void {
      clearTimeout(timer);
      off();
      resolve();
    }
    void port.transport.write(encodeRequest('GET_SW_VERSION', STANDIN_BOARD));
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Record one stand-in into `session` over a freshly served PTY. */
async function recordOnce(s: Standin, session: string, profileFile: string, errorLogSize: number): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'pistack-standin-'));
  const pty = join(tmp, 'ttyPISTACK');
  const server = await startServe(pty, profileFile);
  try {
    const port = await openPort(pty);
    try {
      await warmUp(port);
      await recordSequence(s, port, { path: session, portName: pty, overwrite: true, errorLogSize });
    } finally {
      await port.close();
    }
  } finally {
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

function firstDiff(r: ModelReplayResult): string {
  const first = r.results.find((x) => x.diffs.length > 0);
  return first === undefined ? '' : `; first #${first.exchange.index} ${first.exchange.label}: ${first.diffs.map((d) => `${d.field} recorded ${d.recorded}, now ${d.now}`).join('; ')}`;
}

/**
 * Record one stand-in into `dir`, again (up to `attempts` times) while the recording does not
 * replay cleanly on its own profile: on a loaded machine the served PTY's reply times can be late
 * by more than the replay's 20 ms, and a fixture must show the field, not the load. Returns a
 * one-line summary: attempts, and what a replay against v4-reference reports.
 */
async function recordOne(s: Standin, dir: string, attempts: number): Promise<string> {
  const session = join(dir, `standin-${s.name}.jsonl`);
  const profileFile = join(dir, `standin-${s.name}.profile.json`);
  writeFileSync(profileFile, `${JSON.stringify(standinProfileJson(s), null, 2)}\n`);
  const profile = parseProfile(standinProfileJson(s), profileFile);
  const tolerance = standinTolerance(dir);
  const rejected: string[] = [];
  for (let attempt = 1; ; attempt++) {
    await recordOnce(s, session, profileFile, profile.errorLog.size);
    const parsed = parseSession(readFileSync(session, 'utf8'), session);
    const onOwn = await replayStandin(parsed, profile, tolerance);
    if (onOwn.mismatched > 0 && attempt < attempts) {
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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { overwrite: { type: 'boolean' }, only: { type: 'string' }, out: { type: 'string' }, attempts: { type: 'string' } } });
  const attempts = values.attempts === undefined ? 8 : parseInteger(values.attempts, '--attempts', { min: 1, max: 50 });
  const dir = values.out ?? DEFAULT_OUT;
  const names = values.only?.split(',').map((n) => n.trim()).filter(Boolean);
  const chosen = names === undefined ? STANDINS : STANDINS.filter((s) => names.includes(s.name));
  const unknown = (names ?? []).filter((n) => !STANDINS.some((s) => s.name === n));
  if (unknown.length > 0) throw new CliError(`"--only": unknown stand-in ${unknown.join(', ')} (known: ${STANDINS.map((s) => s.name).join(', ')})`);
  const overwrite = values.overwrite === true;
  for (const s of chosen) {
    checkOutputFile(join(dir, `standin-${s.name}.jsonl`), 'session', { overwrite });
    checkOutputFile(join(dir, `standin-${s.name}.profile.json`), 'profile', { overwrite });
  }
  console.log(`recording ${chosen.length} stand-in(s) into ${dir}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const s of chosen) console.log(await recordOne(s, dir, attempts));
}

main().catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
