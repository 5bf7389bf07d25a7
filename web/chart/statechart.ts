/**
 * Reading an XState machine definition as a chart: its states and transitions with stable ids
 * and labels, walked from `machine.root`. The DOT writer (toDot.ts) and the live page (which
 * lights states and marks transitions by these ids) share this walk, so the diagram and the
 * page always agree with the code. Browser-safe: no Node imports.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition, StateValue } from 'xstate';

/** One state of a chart. */
export interface ChartState {
  /** XState's state id, e.g. "powerPort.power.on.alive". */
  readonly id: string;
  /** DOM/SVG id of the state's node or cluster, e.g. "st-powerPort-power-on-alive". */
  readonly domId: string;
  readonly key: string;
  readonly kind: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** XState id of the parent state; undefined for the machine's root. */
  readonly parent: string | undefined;
  /** Child state ids in definition order. */
  readonly children: readonly string[];
  /** Initial child's id (compound states). */
  readonly initial: string | undefined;
  /** True for a region of a parallel state. */
  readonly region: boolean;
  /** Lines describing entry/exit actions and invoked actors, e.g. "entry / switchOn". */
  readonly notes: readonly string[];
}

/** One transition of a chart. */
export interface ChartTransition {
  /** DOM/SVG id of the edge, e.g. "tr-powerPort-power-on-2" (source and index in its source). */
  readonly domId: string;
  readonly source: string;
  /** Target state ids; empty for a targetless transition (actions only). */
  readonly targets: readonly string[];
  /** "PI_ON", "after hbtDelay", "always". */
  readonly event: string;
  /** Guard wording, e.g. "cyclesOnExpiry", "!daemonInstalled", "in power.on.alive"; empty without one. */
  readonly guard: string;
  /** Action wording, e.g. ["startPulse", "emit power-cycle"]. */
  readonly actions: readonly string[];
  /** Whole label: "EVENT [guard] / actions" (an edge leaves out plain "assign"). */
  readonly label: string;
  /** True when the transition re-enters its source (exits and enters again). */
  readonly reenter: boolean;
}

/** A machine as a chart: states in document order, transitions in definition order. */
export interface Chart {
  readonly machineId: string;
  readonly root: string;
  readonly states: readonly ChartState[];
  readonly transitions: readonly ChartTransition[];
}

/** DOM id of a state: "st-" and its XState id with dots as dashes (state keys are identifiers). */
export function stateDomId(stateId: string): string {
  return `st-${stateId.replace(/\./g, '-')}`;
}

/** Every transition of one state node in a fixed order: event transitions (delayed ones included), then eventless. */
export function ownTransitions(node: AnyStateNode): AnyTransitionDefinition[] {
  return [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
}

function eventLabel(t: AnyTransitionDefinition): string {
  const type = String(t.eventType);
  if (type === '') return 'always';
  const after = 'xstate.after.';
  if (type.startsWith(after)) {
    const delay = type.slice(after.length, type.length - t.source.id.length - 1);
    return /^\d+$/.test(delay) ? `after ${delay} ms` : `after ${delay}`;
  }
  return type;
}

type Labelled = { type?: unknown; name?: unknown; guards?: unknown; stateValue?: unknown; event?: unknown };

function stateValueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    const [key, inner] = Object.entries(value)[0] ?? ['?', ''];
    return `${key}.${stateValueText(inner)}`;
  }
  return String(value);
}

/** Wording of a guard: its name, a parameterised guard's type, not/and/or and stateIn spelled out. */
export function guardLabel(guard: unknown): string {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return guard;
  const g = guard as Labelled;
  if (typeof guard === 'function') {
    const inner = Array.isArray(g.guards) ? (g.guards as unknown[]).map(guardLabel) : [];
    if (g.name === 'not') return `!${inner[0] ?? '?'}`;
    if (g.name === 'and') return inner.join(' && ');
    if (g.name === 'or') return inner.join(' || ');
    if (g.stateValue !== undefined) return `in ${stateValueText(g.stateValue)}`;
    return typeof g.name === 'string' && g.name !== '' ? g.name : 'guard';
  }
  return typeof g.type === 'string' ? g.type : 'guard';
}

/** Wording of an action: its name, a parameterised action's type, builtins as "emit power-cycle", "assign". */
export function actionLabel(action: unknown): string {
  if (typeof action === 'string') return action;
  const a = action as Labelled;
  const type = typeof a.type === 'string' ? a.type : '';
  if (typeof action !== 'function') return type || 'action';
  if (type.startsWith('xstate.')) {
    const builtin = type.slice('xstate.'.length);
    const event = a.event as { type?: unknown } | undefined;
    return (builtin === 'emit' || builtin === 'raise') && typeof event?.type === 'string' ? `${builtin} ${event.type}` : builtin;
  }
  return typeof a.name === 'string' && a.name !== '' ? a.name : 'action';
}

function notes(node: AnyStateNode): string[] {
  const config = node.config as { entry?: unknown; exit?: unknown };
  const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const out: string[] = [];
  const entry = list(config.entry).map(actionLabel);
  const exit = list(config.exit).map(actionLabel);
  if (entry.length > 0) out.push(`entry / ${entry.join(', ')}`);
  if (exit.length > 0) out.push(`exit / ${exit.join(', ')}`);
  for (const invoke of node.invoke) out.push(`invoke ${typeof invoke.src === 'string' ? invoke.src : 'actor'}`);
  return out;
}

/** Walk a machine into a Chart (states depth-first in definition order). */
export function chartOf(machine: AnyStateMachine): Chart {
  const states: ChartState[] = [];
  const transitions: ChartTransition[] = [];
  const visit = (node: AnyStateNode): void => {
    const children = Object.values(node.states) as AnyStateNode[];
    states.push({
      id: node.id, domId: stateDomId(node.id), key: node.key, kind: node.type,
      parent: node.parent?.id, children: children.map((c) => c.id),
      initial: node.type === 'compound' ? node.initial.target[0]?.id : undefined,
      region: node.parent?.type === 'parallel', notes: notes(node),
    });
    ownTransitions(node).forEach((t, i) => {
      const event = eventLabel(t);
      const guard = guardLabel(t.guard);
      const actions = t.actions.map(actionLabel);
      // On an edge, a bare context update says nothing the arrow does not; on a targetless line it is all there is.
      const shown = t.target ? actions.filter((a) => a !== 'assign') : actions;
      const label = `${event}${guard ? ` [${guard}]` : ''}${shown.length > 0 ? ` / ${shown.join(', ')}` : ''}`;
      transitions.push({
        domId: `tr-${node.id.replace(/\./g, '-')}-${i}`, source: node.id, targets: (t.target ?? []).map((s) => s.id),
        event, guard, actions, label, reenter: t.reenter,
      });
    });
    for (const child of children) visit(child);
  };
  visit(machine.root);
  return { machineId: machine.id, root: machine.root.id, states, transitions };
}

/** Map from a machine's transition definitions (as XState reports them in microsteps) to their edge DOM ids. */
export function transitionDomIds(machine: AnyStateMachine): Map<AnyTransitionDefinition, string> {
  const ids = new Map<AnyTransitionDefinition, string>();
  const visit = (node: AnyStateNode): void => {
    ownTransitions(node).forEach((t, i) => ids.set(t, `tr-${node.id.replace(/\./g, '-')}-${i}`));
    for (const child of Object.values(node.states) as AnyStateNode[]) visit(child);
  };
  visit(machine.root);
  return ids;
}

/** XState ids of every state active in a state value, root first, e.g. ["pi", "pi.running", "pi.running.daemon"]. */
export function activeStateIds(machine: AnyStateMachine, value: StateValue): string[] {
  const out: string[] = [machine.root.id];
  const visit = (node: AnyStateNode, v: StateValue): void => {
    if (typeof v === 'string') {
      const child = node.states[v] as AnyStateNode | undefined;
      if (child) out.push(child.id);
      return;
    }
    for (const [key, inner] of Object.entries(v)) {
      const child = node.states[key] as AnyStateNode | undefined;
      if (!child) continue;
      out.push(child.id);
      if (inner !== undefined) visit(child, inner);
    }
  };
  visit(machine.root, value);
  return out;
}
