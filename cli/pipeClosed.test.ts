/**
 * Closed and full stdout, on real processes (issue 10, item 6): every command that prints and
 * ends by itself runs as bin/pistack.js with its stdout a pipe that the reader closes after the
 * first chunk (`pistack ... | head -c 1`). It must end quietly: no stack trace, no EPIPE, its normal
 * exit code, and its --record session closed with its trailer. A full disk (/dev/full) is one
 * error line and exit code 1.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './testing/runCli.ts';

const BIN = fileURLToPath(new URL('../bin/pistack.js', import.meta.url));
const REPO = fileURLToPath(new URL('..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'pistack-pipes-'));
const fixtures = { session: join(root, 'session.jsonl') };

test.before(async () => {
  const recorded = await cli('errors', '--port', 'sim:', '--id', '0', '--record', fixtures.session);
  assert.is(recorded.code, 0, recorded.err);
});

/** Every command that prints and ends by itself, with a line that succeeds on sim:. */
const PRINTING: ReadonlyArray<{ argv: (scratch: string) => string[]; record?: boolean; mayFail?: RegExp }> = [
  { argv: () => ['demo'] },
  { argv: () => ['sim', '--duration', '10s', '--poll', '2s'] },
  { argv: (s) => ['viz', '--out', join(s, 'viz')] },
  { argv: (s) => ['chart', '--dot-only', '--out', join(s, 'charts')] },
  { argv: () => ['scan', '--port', 'sim:'], record: true },
  { argv: () => ['status', '--port', 'sim:', '--id', '0'], record: true },
  { argv: () => ['pi-on', '--port', 'sim:', '--id', '0', '--pi', '0'], record: true },
  { argv: () => ['pi-off', '--port', 'sim:', '--id', '0', '--pi', '0'], record: true },
  { argv: () => ['pi-force-off', '--port', 'sim:', '--id', '0', '--pi', '0'], record: true },
  { argv: () => ['send-sig', '--port', 'sim:', '--id', '0', '--pi', '0'], record: true },
  { argv: () => ['get', 'HBT_TIME', '--port', 'sim:', '--id', '0'], record: true },
  { argv: () => ['set', 'HBT_TIME', '30', '--pi', '0', '--port', 'sim:', '--id', '0'], record: true },
  { argv: () => ['errors', '--port', 'sim:', '--id', '0'], record: true },
  { argv: () => ['ports'], mayFail: /^error: cannot list serial ports: `udevadm` is not on PATH/ }, // a machine without udev
  { argv: () => ['replay', fixtures.session, '--port', 'sim:'], record: true },
  { argv: (s) => ['bench', '--port', 'sim:', '--id', '0', '--no-prompt', '--report', join(s, 'reports')] },
  { argv: (s) => ['characterize', '--port', 'sim:', '--id', '0', '--out', join(s, 'measured.json')] },
  { argv: (s) => ['fuzz', '--runs', '10', '--seed', '1', '--workers', '1', '--target', 'parser', '--out', join(s, 'found')] },
  { argv: () => ['encode', 'PI_ON', '--id', '0', '--pi', '1'] },
  { argv: () => ['decode', '02 00 03 AD', '00 FF 04 04 88', '11 00 04 01 D2'] },
  { argv: () => ['check-vectors'] },
  { argv: () => ['check-vectors', '--json'] },
];

interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  err: string;
}

/** Run bin/pistack.js with stdout a pipe that the reader closes after the first chunk. */
function runWithClosedStdout(argv: readonly string[]): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PISTACK_DEBUG: '' } });
    let err = '';
    child.stdout.once('data', () => child.stdout.destroy());
    child.stderr.on('data', (chunk: Buffer) => void (err += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pistack ${argv.join(' ')}: still running after 60 s with its stdout closed`));
    }, 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, err });
    });
  });
}

/** Run `jobs` with at most `limit` at a time (real processes on a shared machine). */
async function pool<T>(jobs: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

test('every command that prints ends quietly when its reader goes away (regression: EPIPE stack traces), recordings closed', async () => {
  const runs = await pool(PRINTING.map(({ argv, record, mayFail }) => async () => {
    const scratch = mkdtempSync(join(root, 'pipe-'));
    const recording = join(scratch, 'session.jsonl');
    const line = [...argv(scratch), ...(record ? ['--record', recording] : [])];
    const exited = await runWithClosedStdout(line);
    return { line, exited, mayFail, trailer: record ? readFileSync(recording, 'utf8').trimEnd().split('\n').at(-1) : undefined };
  }), 3);
  for (const { line, exited, mayFail, trailer } of runs) {
    const what = `pistack ${line.join(' ')}: ${JSON.stringify(exited.err.slice(0, 600))}`;
    assert.is(exited.signal, null, what);
    assert.is(exited.code, mayFail?.test(exited.err) ? 1 : 0, what);
    assert.not.match(exited.err, /^\s+at |node:internal|EPIPE|internal error/m, what);
    if (trailer !== undefined) assert.match(trailer, /^\{"end":"closed"/, `${what}: the recording ends with its trailer`);
  }
});

test('a full disk on stdout (/dev/full) is one error line and exit code 1, no stack trace', async () => {
  const full = openSync('/dev/full', 'w');
  try {
    const exited = await new Promise<Exited>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'check-vectors'], { cwd: REPO, stdio: ['ignore', full, 'pipe'] });
      let err = '';
      child.stderr!.on('data', (chunk: Buffer) => void (err += chunk.toString()));
      child.on('close', (code, signal) => resolve({ code, signal, err }));
    });
    assert.is(exited.code, 1, exited.err);
    assert.is(exited.err, 'error: cannot write to standard output: ENOSPC: no space left on device, write\n');
  } finally {
    closeSync(full);
  }
});

test.after(() => rmSync(root, { recursive: true, force: true }));

test.run();
