/**
 * Parallel regions of a chart: each region (a child of a parallel state, or the whole machine)
 * has its own latest transition, so the port's power and signal regions are marked separately.
 * Pure and browser-safe.
 */
import type { Chart } from './statechart.ts';

/** The region a state belongs to: its nearest ancestor-or-self whose parent is parallel, else the root. */
export function regionOf(chart: Chart, stateId: string): string {
  const byId = new Map(chart.states.map((s) => [s.id, s]));
  for (let s = byId.get(stateId); s !== undefined; s = s.parent === undefined ? undefined : byId.get(s.parent)) {
    if (s.region) return s.id;
  }
  return chart.root;
}

/** The latest transition of each region among `recent` (oldest first), by the region of its source. */
export function latestPerRegion<T extends { readonly source: string }>(recent: readonly T[], regions: ReadonlyMap<string, string>): T[] {
  const latest = new Map<string, T>();
  for (const t of recent) latest.set(regions.get(t.source) ?? '', t);
  return [...latest.values()];
}
