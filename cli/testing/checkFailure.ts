/**
 * The robustness suite's verdict on one bad command line run in-process: what a user must see
 * when they get something wrong (cli/robustness.test.ts). Returns the problems, empty when fine.
 */
import type { Ran } from './runCli.ts';

/** Wall-time bound of one bad-argv case, ms: a hang guard, generous for a busy machine. */
export const CASE_TIMEOUT_MS = 20_000;

/** Longest acceptable error output, characters (a message, not a dump of the file). */
export const MAX_ERROR_CHARS = 4000;

/** Most lines an error may take (one line, or a file's problems one per line, capped). */
export const MAX_ERROR_LINES = 25;

/** A Node stack frame or internal module in the output. */
const STACK = /^\s+at |node:internal/m;

/** Raw control characters other than newline and tab: an escape sequence reached the terminal. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** What is wrong with how a bad command line failed (exit code, message, stack, length). */
export function failureProblems(ran: Ran, names: readonly string[]): string[] {
  const problems: string[] = [];
  if (ran.code !== 1 && ran.code !== 2) problems.push(`exit code ${ran.code}, expected 1 (or 2 for usage)`);
  if (STACK.test(ran.err) || STACK.test(ran.out)) problems.push('a stack trace was printed');
  if (ran.err.includes('internal error')) problems.push('it fell through to the last-resort "internal error" net instead of a specific message');
  if (RAW_CONTROL.test(ran.err)) problems.push('a raw control character reached stderr');
  if (ran.err.length > MAX_ERROR_CHARS) problems.push(`${ran.err.length} characters of error output`);
  const lines = ran.err.trimEnd().split('\n');
  if (lines.length > MAX_ERROR_LINES) problems.push(`${lines.length} lines of error output`);
  const firstError = lines.find((l) => l.startsWith('error: '));
  if (firstError === undefined) problems.push('no "error: " line');
  if (!names.some((n) => ran.err.includes(n))) problems.push(`the message names none of ${names.map((n) => JSON.stringify(n)).join(', ')}`);
  return problems;
}
