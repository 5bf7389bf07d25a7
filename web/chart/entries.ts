/**
 * When each active state was entered, as XState enters them: a targeted transition exits and
 * re-enters every active state below its domain (XState v5's getTransitionDomain: the source
 * for a transition into its own descendants without `reenter`, else the least common compound
 * ancestor). The countdown of a delayed transition starts at its source's entry. Pure.
 */
import type { Chart, ChartState, ChartTransition } from './statechart.ts';

function ancestors(byId: ReadonlyMap<string, ChartState>, id: string): string[] {
  const out: string[] = [];
  for (let s = byId.get(id)?.parent; s !== undefined; s = byId.get(s)?.parent) out.push(s);
  return out;
}

function isDescendant(byId: ReadonlyMap<string, ChartState>, id: string, of: string): boolean {
  return ancestors(byId, id).includes(of);
}

/** The state whose strict descendants a transition exits and enters (undefined: the whole machine). */
export function transitionDomain(chart: Chart, byId: ReadonlyMap<string, ChartState>, t: ChartTransition): string | undefined {
  if (!t.reenter && t.targets.every((to) => to === t.source || isDescendant(byId, to, t.source))) return t.source;
  const states = [t.source, ...t.targets];
  for (const a of ancestors(byId, t.source)) {
    const s = byId.get(a);
    if ((s?.kind === 'compound' || a === chart.root) && states.every((id) => isDescendant(byId, id, a))) return a;
  }
  return undefined;
}

/** Entry times (ms) of an actor's active states, kept up to date transition by transition. */
export class StateEntries {
  private readonly byId: ReadonlyMap<string, ChartState>;
  private readonly at = new Map<string, number>();

  constructor(private readonly chart: Chart) {
    this.byId = new Map(chart.states.map((s) => [s.id, s]));
  }

  /** After a microstep at `now`: `active` the state ids active now, `taken` the targeted transitions just taken. */
  update(now: number, active: readonly string[], taken: readonly ChartTransition[]): void {
    const set = new Set(active);
    for (const id of [...this.at.keys()]) if (!set.has(id)) this.at.delete(id);
    for (const id of active) if (!this.at.has(id)) this.at.set(id, now);
    for (const t of taken) {
      if (t.targets.length === 0) continue;
      const domain = transitionDomain(this.chart, this.byId, t);
      for (const id of active) if (domain === undefined || isDescendant(this.byId, id, domain)) this.at.set(id, now);
    }
  }

  /** When the state was entered (ms), if it is active. */
  enteredAt(stateId: string): number | undefined {
    return this.at.get(stateId);
  }
}
