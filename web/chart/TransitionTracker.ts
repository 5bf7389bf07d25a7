/**
 * Which transitions each actor took last, from XState's inspection events (`@xstate.microstep`
 * carries the transition definitions taken), and when each of its active states was entered
 * (the start of a delayed transition's countdown). The page marks the latest transition of
 * each parallel region in the chart and lists the recent ones. Only transitions with a target
 * count: targetless ones (a RAIL that only records the voltage) would hide every state change.
 * Browser-safe.
 */
import type { AnyStateMachine, AnyTransitionDefinition, InspectionEvent, StateValue } from 'xstate';
import { StateEntries } from './entries.ts';
import { activeStateIds, chartOf, transitionDomIds, type Chart, type ChartTransition } from './statechart.ts';

/** One transition taken: when, which edge, from which state to which. */
export interface TakenTransition {
  /** Virtual time (ms). */
  readonly t: number;
  /** Edge DOM id in the chart. */
  readonly edgeId: string;
  /** Source state's XState id, e.g. "powerPort.power.on". */
  readonly source: string;
  /** Source and target states relative to the machine, e.g. "power.on" → "power.cycling". */
  readonly from: string;
  readonly to: string;
  /** Event wording, e.g. "WATCHDOG_EXPIRED", "after cycleOffTime". */
  readonly event: string;
}

/** Transitions kept per actor. */
export const HISTORY = 8;

function relative(stateId: string): string {
  const dot = stateId.indexOf('.');
  return dot < 0 ? stateId : stateId.slice(dot + 1);
}

interface Known {
  readonly machine: AnyStateMachine;
  readonly chart: Chart;
}

/** Records the targeted transitions every inspected actor takes, and its states' entry times. */
export class TransitionTracker {
  /** Virtual clock of the current session (ms). */
  now: () => number = () => 0;
  private readonly edges = new Map<AnyTransitionDefinition, ChartTransition>();
  private readonly machines = new Map<unknown, Known>();
  private readonly taken = new WeakMap<object, TakenTransition[]>();
  private readonly entries = new WeakMap<object, StateEntries>();

  constructor(machines: readonly AnyStateMachine[]) {
    for (const machine of machines) {
      const chart = chartOf(machine);
      this.machines.set(machine, { machine, chart });
      const byDomId = new Map(chart.transitions.map((t) => [t.domId, t]));
      for (const [definition, domId] of transitionDomIds(machine)) this.edges.set(definition, byDomId.get(domId)!);
    }
  }

  /** The inspection callback to give SimStack (`inspect`). */
  readonly inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.microstep' && event.type !== '@xstate.snapshot') return;
    const actor = event.actorRef;
    const known = this.machines.get((actor as { logic?: unknown }).logic);
    if (!known) return;
    const edges = event.type === '@xstate.microstep' ? event._transitions.map((d) => this.edges.get(d)).filter((e): e is ChartTransition => e !== undefined && e.targets.length > 0) : [];
    let entries = this.entries.get(actor);
    if (entries && edges.length === 0) return; // a targetless step (or a plain snapshot) enters nothing
    if (!entries) this.entries.set(actor, (entries = new StateEntries(known.chart)));
    const snapshot = event.snapshot as { value?: StateValue; status?: string };
    const now = this.now();
    if (snapshot.status === 'active' && snapshot.value !== undefined) entries.update(now, activeStateIds(known.machine, snapshot.value), edges);
    if (edges.length === 0) return;
    let list = this.taken.get(actor);
    if (!list) this.taken.set(actor, (list = []));
    for (const edge of edges) list.push({ t: now, edgeId: edge.domId, source: edge.source, from: relative(edge.source), to: edge.targets.map(relative).join(', '), event: edge.event });
    while (list.length > HISTORY) list.shift();
  };

  /** The actor's recent transitions, oldest first (empty when it took none yet). */
  recent(actor: object): readonly TakenTransition[] {
    return this.taken.get(actor) ?? [];
  }

  /** When the actor entered a state it is in now (ms); undefined if not active or never seen. */
  enteredAt(actor: object, stateId: string): number | undefined {
    return this.entries.get(actor)?.enteredAt(stateId);
  }
}
