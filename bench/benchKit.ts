/**
 * What the benches share: `node bin/pistack.js serve --pty` as a child process, the aligned
 * three-column tables they print (figure, value, note), and the V8 flag the CLI runs with.
 * Bench code only (Node).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The V8 flag bin/pistack.js sets for every command (it cannot be imported from there: that
 * would run the CLI): no allocation-site pretenuring. Benches that time the simulator or the
 * fuzzer as the CLI runs them start their child processes with it.
 */
export const CLI_V8_FLAG = '--no-allocation-site-pretenuring';

/** The CLI's entry point in this checkout. */
export const BIN = resolve(fileURLToPath(import.meta.url), '../../bin/pistack.js');

/** A running `serve --pty` child; stop() sends SIGTERM and waits for it to exit. */
export interface ServeChild {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Start `node bin/pistack.js serve --pty LINK` (extra environment in `env`) and wait until it
 * prints that it serves; rejects with its output if it exits first or takes over `timeoutMs`.
 */
export async function startServeChild(link: string, timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<ServeChild> {
  const child = spawn(process.execPath, [BIN, 'serve', '--pty', link], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = performance.now() + timeoutMs;
  while (!out.includes('Ctrl-C or SIGTERM stops')) {
    if (performance.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`serve did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, stop };
}

/** Rows of (figure, value, note) as aligned lines: names padded, values right-aligned. */
export function alignedRows(rows: ReadonlyArray<readonly [string, string, string]>): string[] {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
}
