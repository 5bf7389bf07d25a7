/**
 * Shared output for CLI commands: text or --json to stdout, errors to stderr with exit code 1.
 * Commands write through the commander output configuration of their own Command, so a test
 * can capture everything by configuring the program's output once (see createProgram).
 */
import type { Command } from 'commander';
import { safeLines } from '../bus-protocol/safeText.ts';

/** Where a program writes: stdout-like and stderr-like text sinks. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** What happened to the process's stdout: still open, closed by its reader (EPIPE), or failed (a full disk). */
export interface StdoutState {
  closed: boolean;
  /** Why writing failed, when it was not the reader going away (e.g. "ENOSPC: no space left on device"). */
  failure?: string;
}

/** The state of process.stdout as seen by processIo (run() reads `failure` to set the exit code). */
export const stdoutState: StdoutState = { closed: false };
let stderrClosed = false;
let guarded = false;

/**
 * Watch both process streams once: a reader that goes away (`| head -1`, EPIPE) closes the stream
 * quietly; the command goes on to its end, its recordings closed properly, and later output is
 * dropped. Any other failure (a full disk) is kept in stdoutState.failure for run() to report.
 */
function guardStreams(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    stdoutState.closed = true;
    if (e.code !== 'EPIPE' && stdoutState.failure === undefined) stdoutState.failure = e.message;
  });
  process.stderr.on('error', () => void (stderrClosed = true));
}

function writeTo(stream: NodeJS.WriteStream, text: string): void {
  try {
    stream.write(text);
  } catch {
    // a stream destroyed under us: the 'error' listener above records why
  }
}

/** Wait until everything written to process.stdout is out (or failed), so that stdoutState is final. */
export async function flushProcessStdout(): Promise<void> {
  if (!guarded || stdoutState.closed) return;
  await new Promise<void>((resolve) => {
    try {
      process.stdout.write('', () => resolve());
    } catch {
      resolve();
    }
  });
  await new Promise((resolve) => setImmediate(resolve)); // the stream's 'error' event comes a tick after the callback
}

/** The real process streams (output to a closed stdout or stderr is dropped, see guardStreams). */
export const processIo: Io = {
  out: (text) => {
    guardStreams();
    if (!stdoutState.closed) writeTo(process.stdout, text);
  },
  err: (text) => {
    guardStreams();
    if (!stderrClosed) writeTo(process.stderr, text);
  },
};

/** A user-facing failure: printed as "error: <message>" on stderr, exit code 1 (or `exitCode`). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** The writers configured on a command (inherited from the program), falling back to the process streams. */
export function ioOf(cmd: Command): Io {
  const config = cmd.configureOutput();
  return {
    out: (text) => (config.writeOut ?? processIo.out)(text),
    err: (text) => (config.writeErr ?? processIo.err)(text),
  };
}

/** Add the shared `--json` flag to a command. */
export function withJson(cmd: Command): Command {
  return cmd.option('--json', 'print machine-readable JSON instead of text');
}

/** Print lines of text, each ending in a newline. */
export function printLines(cmd: Command, lines: readonly string[]): void {
  const io = ioOf(cmd);
  for (const line of lines) io.out(`${line}\n`);
}

/** Print a value as indented JSON, turning byte arrays into spaced hex strings. */
export function printJson(cmd: Command, value: unknown): void {
  ioOf(cmd).out(`${JSON.stringify(value, jsonBytes, 2)}\n`);
}

function jsonBytes(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return [...value].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
  return value;
}

/**
 * Print an error message the way every command does: "error: ..." on stderr. Control
 * characters that reached the message from a file are escaped here as a last resort (loaders
 * quote file content through safeExcerpt already).
 */
export function printError(io: Io, message: string): void {
  io.err(`error: ${safeLines(message)}\n`);
}

/**
 * Parse an integer typed by the user: decimal or 0x hex, optionally negative (so that range
 * checks can say "out of range" rather than "not a number"). `option` names it in errors.
 */
export function parseInteger(text: string, option: string, range?: { min: number; max: number; hint?: string }): number {
  const t = text.trim();
  if (!/^-?(0x[0-9a-f]+|[0-9]+)$/i.test(t)) throw new CliError(`"${option}" must be a number (decimal or 0x hex), got "${text}"`);
  const negative = t.startsWith('-');
  const digits = negative ? t.slice(1) : t;
  const magnitude = /^0x/i.test(digits) ? parseInt(digits.slice(2), 16) : parseInt(digits, 10);
  const value = negative ? -magnitude : magnitude;
  if (range && (value < range.min || value > range.max)) {
    throw new CliError(`"${option}" must be ${range.min}..${range.max}${range.hint ? ` (${range.hint})` : ''}, got ${text}`);
  }
  return value;
}

/** "1 byte", "2 bytes". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
