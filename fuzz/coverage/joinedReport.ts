/**
 * Joined coverage as text: the sources, a table per machine (states and transitions covered on
 * both, simulator only, hardware only, never), then the lists that matter to a firmware
 * developer: what the real board was never driven through (simulator only, never).
 */
import type { JoinedCoverage } from './joined.ts';

/** One source of coverage, for the report and the JSON. */
export interface CoverageSource {
  readonly kind: 'fuzz' | 'session';
  readonly side: 'simulator' | 'hardware';
  readonly path: string;
  /** For people: `seed 42, 300 runs`, `22 exchanges on /dev/ttyUSB0, 0 mismatched in the model`. */
  readonly detail: string;
  /** Fuzz run: the seeds of its coverage files and the cases run. */
  readonly seeds?: readonly number[];
  readonly cases?: number;
  /** Session: the port in its header, its exchanges, and how many replied differently in the model (its coverage is then the model's path). */
  readonly recordedOn?: string;
  readonly exchanges?: number;
  readonly mismatched?: number;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
}

/** The report's lines. */
export function joinedCoverageLines(joined: JoinedCoverage, sources: readonly CoverageSource[]): string[] {
  const lines = ['sources:', ...sources.map((s) => `  ${s.side.padEnd(9)}  ${s.kind === 'fuzz' ? 'fuzz run' : 'session'} ${s.path} (${s.detail})`)];
  if (!sources.some((s) => s.side === 'hardware')) lines.push('  (no hardware session: everything covered is "simulator only")');
  if (!sources.some((s) => s.side === 'simulator')) lines.push('  (no simulator coverage: pass --fuzz RUN_DIR or a session recorded on sim:)');
  const head = ['machine', 'states', 'both', 'sim only', 'hw only', 'never', 'transitions', 'both', 'sim only', 'hw only', 'never'];
  const row = (name: string, s: JoinedCoverage['totals']['states'], t: JoinedCoverage['totals']['transitions']): string[] =>
    [name, String(s.total), String(s.both), String(s.simulatorOnly), String(s.hardwareOnly), String(s.never), String(t.total), String(t.both), String(t.simulatorOnly), String(t.hardwareOnly), String(t.never)];
  const count = (g: { total: number; both: string[]; simulatorOnly: string[]; hardwareOnly: string[]; never: string[] }) =>
    ({ total: g.total, both: g.both.length, simulatorOnly: g.simulatorOnly.length, hardwareOnly: g.hardwareOnly.length, never: g.never.length });
  lines.push('', ...table([head, ...joined.machines.map((m) => row(m.id, count(m.states), count(m.transitions))), row('total', joined.totals.states, joined.totals.transitions)]));
  const list = (title: string, pick: (m: JoinedCoverage['machines'][number]) => string[]): void => {
    const items = joined.machines.flatMap(pick);
    if (items.length > 0) lines.push('', `${title} (${items.length}):`, ...items.map((k) => `  ${k}`));
  };
  list('never on hardware, only on the simulator', (m) => [...m.states.simulatorOnly.map((s) => `state ${s}`), ...m.transitions.simulatorOnly]);
  list('on hardware only', (m) => [...m.states.hardwareOnly.map((s) => `state ${s}`), ...m.transitions.hardwareOnly]);
  list('never covered', (m) => [...m.states.never.map((s) => `state ${s}`), ...m.transitions.never]);
  if (joined.excluded.length > 0) lines.push('', 'excluded (unreachable in a board):', ...joined.excluded.map((e) => `  ${e.transition}`));
  return lines;
}
