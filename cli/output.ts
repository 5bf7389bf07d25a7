/**
 * Shared output for CLI commands: text or --json to stdout, errors to stderr with exit code 1.
 * Commands write through the commander output configuration of their own Command, so a test
 * can capture everything by configuring the program's output once (see createProgram).
 */
import type { Command } from 'commander';

/** Where a program writes: stdout-like and stderr-like text sinks. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** The real process streams. */
export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
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

/** Print an error message the way every command does: "error: ..." on stderr. */
export function printError(io: Io, message: string): void {
  io.err(`error: ${message}\n`);
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
