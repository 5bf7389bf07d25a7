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
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseInteger } from '../../cli/output.ts';
import { encodeRequest } from '../../bus-protocol/frame.ts';
import { openPort, type HostPort } from '../ports.ts';
import { recordStandins, type ServedOpener } from './recordAll.ts';
import { STANDIN_BOARD } from './standins.ts';

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

/** Serve the profile on a fresh PTY, open it with the real serialport bindings and warm the link up. */
const servedPty: ServedOpener = async (profileFile) => {
  const tmp = mkdtempSync(join(tmpdir(), 'pistack-standin-'));
  const pty = join(tmp, 'ttyPISTACK');
  const cleanUp = () => rmSync(tmp, { recursive: true, force: true });
  let server: { stop: () => Promise<void> } | undefined;
  try {
    server = await startServe(pty, profileFile);
    const port = await openPort(pty);
    const stop = async (): Promise<void> => {
      await port.close();
      await server!.stop();
      cleanUp();
    };
    await warmUp(port).catch(async (e: unknown) => (await stop(), Promise.reject(e)));
    return { port, portName: pty, stop };
  } catch (e) {
    await server?.stop();
    cleanUp();
    throw e;
  }
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { overwrite: { type: 'boolean' }, only: { type: 'string' }, out: { type: 'string' }, attempts: { type: 'string' } } });
  const attempts = values.attempts === undefined ? 8 : parseInteger(values.attempts, '--attempts', { min: 1, max: 50 });
  const dir = values.out ?? DEFAULT_OUT;
  const names = values.only?.split(',').map((n) => n.trim()).filter(Boolean);
  console.log(`recording stand-ins into ${dir}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  await recordStandins({ dir, ...(names === undefined ? {} : { names }), overwrite: values.overwrite === true, attempts, open: servedPty, log: (line) => console.log(line) });
}

main().catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
