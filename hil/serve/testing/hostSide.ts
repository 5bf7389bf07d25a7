/**
 * Test helpers (hil/serve/testing only, never shipped): the host's side of a served link. A
 * ByteCollector gathers received bytes with their arrival times and waits for conditions on
 * real I/O events, always with a bounded timeout (no fixed sleeps).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync } from 'node:fs';

/** Bytes received from a link, with the wall time (performance.now, ms) the latest chunk arrived. */
export class ByteCollector {
  /** Every byte received since the last clear(). */
  bytes: number[] = [];
  /** performance.now() of the latest chunk (ms), or undefined. */
  lastAt: number | undefined;
  readonly #waiters = new Set<() => void>();

  /** Feed a received chunk (wire this to the port's or socket's 'data' event). */
  push(chunk: ArrayLike<number>): void {
    this.bytes.push(...Array.from(chunk));
    this.lastAt = performance.now();
    for (const wake of [...this.#waiters]) wake();
  }

  /** Forget what was received so far (the original host library flushes its input before each command). */
  clear(): void {
    this.bytes = [];
    this.lastAt = undefined;
  }

  /** Resolve with the arrival time (ms) of the chunk that made at least `count` bytes; reject after timeoutMs. */
  waitForBytes(count: number, timeoutMs = 2000): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.bytes.length < count) return;
        done();
        resolve(this.lastAt!);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} bytes; got ${hex(this.bytes)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Resolve once no byte has arrived for `quietMs` (the host library's "read until 0.1 s of silence"); reject after timeoutMs. */
  silence(quietMs = 100, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      let quiet: ReturnType<typeof setTimeout>;
      const arm = () => {
        clearTimeout(quiet);
        quiet = setTimeout(() => {
          done();
          resolve();
        }, quietMs);
      };
      const limit = setTimeout(() => {
        done();
        reject(new Error(`no ${quietMs} ms of silence within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(quiet);
        clearTimeout(limit);
        this.#waiters.delete(arm);
      };
      this.#waiters.add(arm);
      arm();
    });
  }
}

/** Poll `condition` every 10 ms until it holds; reject after timeoutMs naming `what`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `count` pseudo-random bytes from a seed (xorshift32): the same flood every run. */
export function seededBytes(count: number, seed: number): Uint8Array {
  let x = seed >>> 0 || 1;
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Bytes as spaced upper-case hex. */
export function hex(bytes: ArrayLike<number>): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
}

/** True when something (a file, or a link even if dangling) exists at `path`. */
export function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** True when no process has the PID any more (kill(pid, 0) says ESRCH). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A `pistack serve` child process started by startServeChild. */
export interface ServeChild {
  readonly child: ChildProcess;
  /** Resolves once the start-up lines are out (the server is listening); rejects after startTimeoutMs (default 10 s) or an early exit. */
  readonly started: Promise<void>;
  /** The exit code. */
  readonly exited: Promise<number | null>;
  /** Everything printed so far on stdout and stderr. */
  out(): string;
  err(): string;
}

/** Run `node bin/pistack.js serve ARGS` as a child, collecting its output. */
export function startServeChild(bin: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, startTimeoutMs = 10_000): ServeChild {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line within ${startTimeoutMs / 1000} s; out: ${out} err: ${err}`)), startTimeoutMs);
    child.stdout.on('data', () => /Ctrl-C or SIGTERM stops/.test(out) && (clearTimeout(timer), resolve()));
    child.once('exit', () => (clearTimeout(timer), reject(new Error(`exited early: ${out} ${err}`))));
  });
  return { child, started, exited, out: () => out, err: () => err };
}
