/** Model coverage as a text table (one row per machine, then what was missed) or JSON. */
import type { CoverageReport } from './ModelCoverage.ts';

function cell(visited: number, total: number): string {
  const pct = total === 0 ? 100 : (100 * visited) / total;
  return `${visited}/${total} (${pct.toFixed(1)} %)`;
}

/** An aligned table: machine, states, transitions; a total row; then missed and excluded keys. */
export function coverageTable(report: CoverageReport): string[] {
  const rows = [
    ['machine', 'states', 'transitions'],
    ...report.machines.map((m) => [m.id, cell(m.states.visited, m.states.total), cell(m.transitions.visited, m.transitions.total)]),
    ['total', cell(report.states.visited, report.states.total), cell(report.transitions.visited, report.transitions.total)],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
  const missed = report.machines.flatMap((m) => [...m.states.missed.map((s) => `state ${s}`), ...m.transitions.missed]);
  if (missed.length > 0) lines.push('missed:', ...missed.map((k) => `  ${k}`));
  if (report.excluded.length > 0) lines.push('excluded (unreachable in a board):', ...report.excluded.map((e) => `  ${e.transition}`));
  return lines;
}
