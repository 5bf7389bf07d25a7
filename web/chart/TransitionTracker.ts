/**
 * Which transitions each actor took last, from XState's inspection events (`@xstate.microstep`
 * carries the transition definitions taken). The page marks the latest one in the chart and
 * lists the recent ones. Only transitions with a target count: targetless ones (a RAIL that
 * only records the voltage) would hide every state change. Browser-safe.
 */
import type { AnyStateMachine, AnyTransitionDefinition, InspectionEvent } from 'xstate';
import { chartOf, transitionDomIds, type ChartTransition } from './statechart.ts';

/** One transition taken: when, which edge, from which state to which. */
export interface TakenTransition {
  /** Virtual time (ms). */
  readonly t: number;
  /** Edge DOM id in the chart. */
  readonly edgeId: string;
  /** Source and target states relative to the machine, e.g. "power.on" → "power.cycling". */
  readonly from: string;
  readonly to: string;
  /** Event wording, e.g. "WATCHDOG_EXPIRED", "after cycleOffTime". */
  readonly event: string;
}

/** Transitions kept per actor. */
export const HISTORY = 6;

function relative(stateId: string): string {
  const dot = stateId.indexOf('.');
  return dot < 0 ? stateId : stateId.slice(dot + 1);
}

/** Records the targeted transitions every inspected actor takes. */
export class TransitionTracker {
  /** Virtual clock of the current session (ms). */
  now: () => number = () => 0;
  private readonly edges = new Map<AnyTransitionDefinition, ChartTransition>();
  private readonly taken = new WeakMap<object, TakenTransition[]>();

  constructor(machines: readonly AnyStateMachine[]) {
    for (const machine of machines) {
      const byDomId = new Map(chartOf(machine).transitions.map((t) => [t.domId, t]));
      for (const [definition, domId] of transitionDomIds(machine)) this.edges.set(definition, byDomId.get(domId)!);
    }
  }

  /** The inspection callback to give SimStack (`inspect`). */
  readonly inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.microstep') return;
    for (const definition of event._transitions) {
      const edge = this.edges.get(definition);
      if (!edge || edge.targets.length === 0) continue;
      let list = this.taken.get(event.actorRef);
      if (!list) this.taken.set(event.actorRef, (list = []));
      list.push({ t: this.now(), edgeId: edge.domId, from: relative(edge.source), to: edge.targets.map(relative).join(', '), event: edge.event });
      if (list.length > HISTORY) list.shift();
    }
  };

  /** The actor's recent transitions, oldest first (empty when it took none yet). */
  recent(actor: object): readonly TakenTransition[] {
    return this.taken.get(actor) ?? [];
  }
}
