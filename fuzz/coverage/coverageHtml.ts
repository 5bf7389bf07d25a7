/**
 * Joined coverage as one self-contained HTML file: each machine's statechart drawn by the viz
 * page's chart code (web/chart: the same DOT, ids `st-…` and `tr-…`, rendered by Graphviz) with
 * every state and transition coloured by where it was covered (both, simulator only, hardware
 * only, never), the legend, and the same facts as tables (colour is never the only cue: never
 * covered is also dashed, simulator-only dotted). No script, no external file.
 */
import type { AnyStateMachine } from 'xstate';
import { CHARTS, chartDot } from '../../web/chart/machines.ts';
import { chartOf, stateDomId, transitionDomIds } from '../../web/chart/statechart.ts';
import { renderSvg } from '../../web/node/renderSvg.ts';
import { COVERAGE_GROUPS, type Coverage, type JoinedCoverage } from './joined.ts';
import type { CoverageSource } from './joinedReport.ts';
import { machineGraph } from './machineGraph.ts';

/** Legend wording of each group. */
export const GROUP_LABEL: Readonly<Record<Coverage, string>> = {
  both: 'simulator and hardware', simulatorOnly: 'simulator only', hardwareOnly: 'hardware only', never: 'never',
};

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.chart svg { max-width: 100%; height: auto; border: 1px solid #ddd; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
td.n { text-align: right; }
.legend span { display: inline-block; margin-right: 1rem; padding: 0 .5rem; border: 2px solid; }
.k-both { background: #cdeccd; border-color: #2e7d32 !important; }
.k-simulatorOnly { background: #fff0b3; border-color: #b58900 !important; border-style: dotted !important; }
.k-hardwareOnly { background: #d6e4ff; border-color: #1a5fd0 !important; }
.k-never { background: #f8d7d7; border-color: #c62828 !important; border-style: dashed !important; }
g.node.cov-both > path, g.node.cov-both > polygon { fill: #cdeccd; stroke: #2e7d32; stroke-width: 2px; }
g.node.cov-simulatorOnly > path, g.node.cov-simulatorOnly > polygon { fill: #fff0b3; stroke: #b58900; stroke-width: 2px; stroke-dasharray: 2 2; }
g.node.cov-hardwareOnly > path, g.node.cov-hardwareOnly > polygon { fill: #d6e4ff; stroke: #1a5fd0; stroke-width: 2px; }
g.node.cov-never > path, g.node.cov-never > polygon { fill: #f8d7d7; stroke: #c62828; stroke-width: 2px; stroke-dasharray: 6 3; }
g.cluster.cov-both > path, g.cluster.cov-both > polygon { fill: #eef8ee; stroke: #2e7d32; stroke-width: 2px; }
g.cluster.cov-simulatorOnly > path, g.cluster.cov-simulatorOnly > polygon { fill: #fffae6; stroke: #b58900; stroke-width: 2px; stroke-dasharray: 2 2; }
g.cluster.cov-hardwareOnly > path, g.cluster.cov-hardwareOnly > polygon { fill: #eef3ff; stroke: #1a5fd0; stroke-width: 2px; }
g.cluster.cov-never > path, g.cluster.cov-never > polygon { fill: #fcefef; stroke: #c62828; stroke-width: 2px; stroke-dasharray: 6 3; }
g.edge.cov-both > path { stroke: #2e7d32; stroke-width: 2px; } g.edge.cov-both > polygon { fill: #2e7d32; stroke: #2e7d32; } g.edge.cov-both > text { fill: #1b5e20; }
g.edge.cov-simulatorOnly > path { stroke: #b58900; stroke-width: 2px; stroke-dasharray: 2 2; } g.edge.cov-simulatorOnly > polygon { fill: #b58900; stroke: #b58900; } g.edge.cov-simulatorOnly > text { fill: #7a5c00; }
g.edge.cov-hardwareOnly > path { stroke: #1a5fd0; stroke-width: 2px; } g.edge.cov-hardwareOnly > polygon { fill: #1a5fd0; stroke: #1a5fd0; } g.edge.cov-hardwareOnly > text { fill: #0b3d91; }
g.edge.cov-never > path { stroke: #c62828; stroke-width: 2px; stroke-dasharray: 6 3; } g.edge.cov-never > polygon { fill: #c62828; stroke: #c62828; } g.edge.cov-never > text { fill: #8e0000; }
`;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** SVG element id -> coverage group of one machine: states, and each transition's edge(s). */
export function svgClasses(machine: AnyStateMachine, joined: JoinedCoverage): Map<string, Coverage> {
  const m = joined.machines.find((x) => x.id === machine.id);
  const out = new Map<string, Coverage>();
  if (m === undefined) return out;
  const groupOf = new Map<string, Coverage>();
  for (const g of COVERAGE_GROUPS) {
    for (const s of m.states[g]) out.set(stateDomId(s), g);
    for (const t of m.transitions[g]) groupOf.set(t, g);
  }
  const keys = machineGraph(machine).byDefinition;
  const chart = chartOf(machine);
  const targets = new Map(chart.transitions.map((t) => [t.domId, t.targets.length]));
  for (const [definition, domId] of transitionDomIds(machine)) {
    const group = groupOf.get(keys.get(definition) ?? '');
    if (group === undefined) continue;
    out.set(domId, group);
    for (let k = 1; k < (targets.get(domId) ?? 1); k++) out.set(`${domId}-${k}`, group);
  }
  return out;
}

/** Add `cov-<group>` to the class of every SVG group whose id has a coverage group (Graphviz writes `-` in ids as `&#45;`). */
export function colourSvg(svg: string, classes: ReadonlyMap<string, Coverage>): string {
  return svg.replace(/<g id="([^"]+)" class="([^"]+)"/g, (whole, id: string, cls: string) => {
    const group = classes.get(id.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))));
    return group === undefined ? whole : `<g id="${id}" class="${cls} cov-${group}"`;
  });
}

function groupTable(joined: JoinedCoverage, id: string): string {
  const m = joined.machines.find((x) => x.id === id)!;
  const rows = COVERAGE_GROUPS.flatMap((g) => [
    ...m.states[g].map((s) => `<tr><td>state</td><td><code>${esc(s)}</code></td><td class="k-${g}">${GROUP_LABEL[g]}</td></tr>`),
    ...m.transitions[g].map((t) => `<tr><td>transition</td><td><code>${esc(t)}</code></td><td class="k-${g}">${GROUP_LABEL[g]}</td></tr>`),
  ]);
  return `<details><summary>${m.states.total} states, ${m.transitions.total} transitions as a table</summary><table><tr><th></th><th>name</th><th>covered on</th></tr>${rows.join('')}</table></details>`;
}

/** The HTML page; `render` turns DOT into SVG markup (default Graphviz `dot`, which must be installed). */
export async function coverageHtml(joined: JoinedCoverage, sources: readonly CoverageSource[], render: (dot: string) => Promise<string> = renderSvg): Promise<string> {
  const totals = joined.totals;
  const count = (t: typeof totals.states) => COVERAGE_GROUPS.map((g) => `<td class="n">${t[g]}</td>`).join('');
  const sections = await Promise.all(CHARTS.map(async (spec) => {
    const svg = colourSvg(await render(chartDot(spec)), svgClasses(spec.machine, joined));
    return `<section><h2>${esc(spec.title)}</h2><div class="chart">${svg}</div>${groupTable(joined, spec.machine.id)}</section>`;
  }));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pistack model coverage</title><style>${STYLE}</style></head><body>
<h1>Model coverage: simulator and hardware</h1>
<p>Sources:</p><ul>${sources.map((s) => `<li>${s.side}: ${s.kind === 'fuzz' ? 'fuzz run' : 'session'} <code>${esc(s.path)}</code> (${esc(s.detail)})</li>`).join('')}</ul>
<p class="legend">${COVERAGE_GROUPS.map((g) => `<span class="k-${g}">${GROUP_LABEL[g]}</span>`).join('')}</p>
<table><tr><th></th><th>total</th>${COVERAGE_GROUPS.map((g) => `<th>${GROUP_LABEL[g]}</th>`).join('')}</tr>
<tr><td>states</td><td class="n">${totals.states.total}</td>${count(totals.states)}</tr>
<tr><td>transitions</td><td class="n">${totals.transitions.total}</td>${count(totals.transitions)}</tr></table>
<p>Targetless transitions (actions only) are lines inside their state's box; the table under each chart gives every one.${joined.excluded.length > 0 ? ` Excluded (unreachable in a board): ${joined.excluded.map((e) => `<code>${esc(e.transition)}</code>`).join(', ')}.` : ''}</p>
${sections.join('\n')}
</body></html>
`;
}
