/**
 * A Chart (statechart.ts) as Graphviz DOT: atomic states are nodes, compound states and the
 * regions of parallel states are clusters, each with its initial dot; transitions are edges
 * (to and from clusters through lhead/ltail). Every state and edge carries the id the live
 * page lights (`st-…`, `tr-…`); `dot -Tsvg` keeps them as the SVG groups' ids. Targetless
 * transitions (actions only) are lines in their state's label. Browser-safe.
 */
import type { AnyStateMachine } from 'xstate';
import { chartOf, type Chart, type ChartState, type ChartTransition } from './statechart.ts';

const FONT = 'Helvetica';

/** Escape text for a Graphviz HTML-like label. */
function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Quote a DOT ID. */
function q(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Anchor node inside a cluster: the initial dot of a compound state, an invisible point in a parallel one. */
function anchorOf(state: ChartState): string {
  return `${state.id}#initial`;
}

/** "From any state inside" node of a cluster, the source of its transitions to its own descendants. */
function anyOf(state: ChartState): string {
  return `${state.id}#any`;
}

/** True when a cluster has a transition to one of its own descendants (or itself): it gets an "any state" node. */
function hasInnerTransition(chart: Chart, byId: Map<string, ChartState>, state: ChartState): boolean {
  return chart.transitions.some((t) => t.source === state.id && t.targets.some((to) => to === state.id || isAncestor(byId, state.id, to)));
}

function label(title: string, lines: readonly string[]): string {
  const small = lines.map((l) => `<BR ALIGN="LEFT"/><FONT POINT-SIZE="8" COLOR="#555555">${html(l)}</FONT>`).join('');
  return `<<B>${html(title)}</B>${small}${lines.length > 0 ? '<BR ALIGN="LEFT"/>' : ''}>`;
}

function isAncestor(chart: Map<string, ChartState>, ancestor: string, of: string): boolean {
  for (let s = chart.get(of)?.parent; s !== undefined; s = chart.get(s)?.parent) if (s === ancestor) return true;
  return false;
}

/** Targetless transitions of a state as label lines, e.g. "RAIL / trackRail". */
function internalLines(chart: Chart, state: ChartState, labelOf: LabelOf = (t) => t.label): string[] {
  return chart.transitions.filter((t) => t.source === state.id && t.targets.length === 0).map(labelOf);
}

/** Text of a transition's label (default: its own label; the page passes one with the profile's values). */
type LabelOf = (t: ChartTransition) => string;

function edgeLines(chart: Chart, byId: Map<string, ChartState>, t: ChartTransition, indent: string, labelOf: LabelOf): string[] {
  const source = byId.get(t.source)!;
  return t.targets.map((targetId, k) => {
    const target = byId.get(targetId)!;
    const attrs = [`id=${q(k === 0 ? t.domId : `${t.domId}-${k}`)}`, `label=${q(labelOf(t))}`];
    let from = t.source;
    let to = targetId;
    if (source.kind === 'compound' || source.kind === 'parallel') {
      const inside = isAncestor(byId, source.id, targetId) || source.id === targetId;
      from = inside ? anyOf(source) : anchorOf(source);
      if (!inside) attrs.push(`ltail=${q(`cluster_${source.id}`)}`);
    }
    if (target.kind === 'compound' || target.kind === 'parallel') {
      to = anchorOf(target);
      if (!isAncestor(byId, target.id, t.source) && source.id !== targetId) attrs.push(`lhead=${q(`cluster_${target.id}`)}`);
    }
    if (t.reenter) attrs.push('style="bold"');
    return `${indent}${q(from)} -> ${q(to)} [${attrs.join(', ')}];`;
  });
}

function stateLines(chart: Chart, byId: Map<string, ChartState>, state: ChartState, indent: string, labelOf: LabelOf): string[] {
  const lines = [...state.notes, ...internalLines(chart, state, labelOf)];
  if (state.kind === 'atomic' || state.kind === 'final' || state.kind === 'history') {
    const shape = state.kind === 'final' ? ', peripheries=2' : '';
    return [`${indent}${q(state.id)} [id=${q(state.domId)}, label=${label(state.key, lines)}${shape}];`];
  }
  const inner = `${indent}  `;
  const out = [
    `${indent}subgraph ${q(`cluster_${state.id}`)} {`,
    `${inner}id=${q(state.domId)}; label=${label(state.key, lines)}; labeljust="l"; style=${q(state.region ? 'rounded,dashed' : 'rounded')};`,
  ];
  if (state.kind === 'compound' && state.initial !== undefined) {
    out.push(`${inner}${q(anchorOf(state))} [shape=point, width=0.08, id=${q(`init-${state.domId.slice(3)}`)}];`);
    const initial = byId.get(state.initial)!;
    const to = initial.kind === 'atomic' || initial.kind === 'final' ? initial.id : anchorOf(initial);
    const head = to === initial.id ? '' : `, lhead=${q(`cluster_${initial.id}`)}`;
    out.push(`${inner}${q(anchorOf(state))} -> ${q(to)} [id=${q(`init-edge-${state.domId.slice(3)}`)}${head}];`);
  } else {
    out.push(`${inner}${q(anchorOf(state))} [shape=point, style=invis, width=0.01];`);
  }
  if (hasInnerTransition(chart, byId, state)) {
    out.push(`${inner}${q(anyOf(state))} [shape=circle, label="*", width=0.22, height=0.22, fixedsize=true, fontsize=10, tooltip="any state in ${state.key}", id=${q(`any-${state.domId.slice(3)}`)}];`);
  }
  for (const child of state.children) out.push(...stateLines(chart, byId, byId.get(child)!, inner, labelOf));
  out.push(`${indent}}`);
  return out;
}

/** Layout choices of a drawing. */
export interface DotOptions {
  /** Heading of the graph (default: the machine id). */
  title?: string;
  /** Graphviz rank direction (default TB: top to bottom). */
  rankdir?: 'TB' | 'LR';
  /** Label text of each transition (default: its label; the page gives the start profile's values, so Graphviz leaves room for them). */
  labelOf?: LabelOf;
}

/** Graphviz DOT text of a chart. */
export function chartToDot(chart: Chart, options: DotOptions = {}): string {
  const title = options.title ?? chart.machineId;
  const byId = new Map(chart.states.map((s) => [s.id, s]));
  const root = byId.get(chart.root)!;
  const labelOf = options.labelOf ?? ((t: ChartTransition) => t.label);
  const out = [
    `digraph ${q(chart.machineId)} {`,
    `  graph [id=${q(`chart-${chart.machineId}`)}, compound=true, rankdir=${options.rankdir ?? 'TB'}, nodesep=0.3, ranksep=0.35, fontname=${q(FONT)}, fontsize=11, labelloc="t", labeljust="l", label=${label(title, [...root.notes, ...internalLines(chart, root, labelOf)])}];`,
    `  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#444444", fontname=${q(FONT)}, fontsize=10, margin="0.12,0.04"];`,
    `  edge [color="#555555", fontname=${q(FONT)}, fontsize=8, arrowsize=0.6];`,
  ];
  if (root.kind === 'compound' && root.initial !== undefined) {
    out.push(`  ${q(anchorOf(root))} [shape=point, width=0.08, id=${q(`init-${root.domId.slice(3)}`)}];`);
    const initial = byId.get(root.initial)!;
    out.push(`  ${q(anchorOf(root))} -> ${q(initial.kind === 'atomic' ? initial.id : anchorOf(initial))} [id=${q(`init-edge-${root.domId.slice(3)}`)}];`);
  }
  for (const child of root.children) out.push(...stateLines(chart, byId, byId.get(child)!, '  ', labelOf));
  for (const t of chart.transitions) out.push(...edgeLines(chart, byId, t, '  ', labelOf));
  out.push('}', '');
  return out.join('\n');
}

/** DOT text of a machine, walked from its definition. */
export function machineToDot(machine: AnyStateMachine, options: DotOptions = {}): string {
  return chartToDot(chartOf(machine), options);
}
