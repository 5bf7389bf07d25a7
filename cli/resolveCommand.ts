/** Turn a user-typed command name into a CommandName, with "did you mean" suggestions. */
import { COMMAND_NAMES, parseCommandName, type CommandName } from '../bus-protocol/index.ts';
import { CliError } from './output.ts';

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Up to `max` command names close to the text (edit distance, or containing it), best first. */
export function suggestCommands(text: string, max = 3): CommandName[] {
  const wanted = text.trim().toUpperCase().replace(/-/g, '_');
  if (wanted === '') return [];
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return COMMAND_NAMES.map((name) => ({ name, d: name.includes(wanted) ? 0.5 : distance(wanted, name) }))
    .filter((c) => c.d <= limit)
    .sort((x, y) => x.d - y.d || x.name.localeCompare(y.name))
    .slice(0, max)
    .map((c) => c.name);
}

/** Resolve a command name (case-insensitive, '-' or '_'); throws a CliError naming `option` and suggesting close names. */
export function resolveCommand(text: string, option = 'COMMAND'): CommandName {
  const name = parseCommandName(text);
  if (name !== undefined) return name;
  const close = suggestCommands(text);
  const hint = close.length ? `; did you mean ${close.join(', ')}?` : '; the commands are listed in PROTOCOL.md section 5';
  throw new CliError(`"${option}": unknown command "${text}"${hint}`);
}
