/**
 * Test and bench helper (never shipped): `node bin/pistack.js pdu ARGS` as a child process,
 * ready once it prints where it listens. Stop it with child.kill('SIGTERM') (by its own PID).
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A running `pistack pdu` child. */
export interface PduChild {
  readonly child: ChildProcess;
  /** Resolves with the base URL (no trailing slash) once it listens; rejects after `readyMs` or an early exit. */
  readonly ready: Promise<string>;
  /** The exit code. */
  readonly exited: Promise<number | null>;
  out(): string;
  err(): string;
}

/** Start `pistack pdu` with `args` (give --port and --listen 127.0.0.1:0). */
export function startPduChild(bin: string, args: readonly string[], readyMs = 60_000): PduChild {
  const child = spawn(process.execPath, [bin, 'pdu', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pdu not listening within ${readyMs} ms; out: ${out} err: ${err}`)), readyMs);
    child.stdout.on('data', () => {
      const url = /pistack pdu: (http:\/\/\S+?)\/? switching/.exec(out)?.[1];
      if (url !== undefined && /Ctrl-C or SIGTERM stops/.test(out)) (clearTimeout(timer), resolve(url));
    });
    child.once('exit', () => (clearTimeout(timer), reject(new Error(`pdu exited early: ${out} ${err}`))));
  });
  ready.catch(() => undefined);
  return { child, ready, exited, out: () => out, err: () => err };
}
