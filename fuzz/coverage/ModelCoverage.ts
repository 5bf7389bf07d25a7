/**
 * Model coverage: which states and transitions of the board's machines a run visits, counted
 * from XState's inspection events ('@xstate.snapshot' for the active states, '@xstate.microstep'
 * for the transitions taken) through the `inspect` hook SimStack attaches to every actor.
 * Counts merge across runs and worker threads (plain key lists).
 */
import type { InspectionEvent } from 'xstate';
import { BOARD_MACHINES, machineGraph, type MachineGraph } from './machineGraph.ts';
import { EXCLUDED_TRANSITIONS } from './exclusions.ts';

/** Visited state and transition keys, as sent between workers. */
export interface CoverageKeys {
  states: string[];
  transitions: string[];
}

/** Figures of one machine. */
export interface MachineCoverage {
  id: string;
  states: { total: number; visited: number; missed: string[] };
  transitions: { total: number; visited: number; excluded: string[]; missed: string[] };
}

/** Figures of all machines: per machine and summed (excluded transitions are not in the totals). */
export interface CoverageReport {
  machines: MachineCoverage[];
  states: { total: number; visited: number; percent: number };
  transitions: { total: number; visited: number; percent: number };
  excluded: Array<{ transition: string; why: string }>;
}

/** Collects what runs visit; `hook` goes to SimStack's `inspect` option. */
export class ModelCoverage {
  readonly graphs: MachineGraph[];
  readonly states = new Set<string>();
  readonly transitions = new Set<string>();
  private readonly byMachine = new Map<object, MachineGraph>();

  constructor(machines = BOARD_MACHINES) {
    this.graphs = machines.map(machineGraph);
    for (const g of this.graphs) this.byMachine.set(g.machine, g);
  }

  /** The inspection callback. */
  readonly hook = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.snapshot' && event.type !== '@xstate.microstep') return;
    const snapshot = event.snapshot as { machine?: object; _nodes?: ReadonlyArray<{ id: string }> };
    const graph = snapshot.machine ? this.byMachine.get(snapshot.machine) : undefined;
    if (!graph) return; // callback actors (heartbeat daemon, watchdog) have no states
    if (snapshot._nodes) for (const node of snapshot._nodes) this.states.add(node.id);
    if (event.type === '@xstate.microstep') {
      for (const t of event._transitions) {
        const key = graph.byDefinition.get(t);
        if (key !== undefined) this.transitions.add(key);
      }
    }
  };

  /** Add keys visited elsewhere (another worker). */
  merge(keys: CoverageKeys): void {
    for (const s of keys.states) this.states.add(s);
    for (const t of keys.transitions) this.transitions.add(t);
  }

  /** Visited keys, for sending to another thread. */
  keys(): CoverageKeys {
    return { states: [...this.states], transitions: [...this.transitions] };
  }

  /** Figures per machine and in total. */
  report(): CoverageReport {
    const excluded = new Map(EXCLUDED_TRANSITIONS.map((e) => [e.transition, e.why]));
    const machines = this.graphs.map((g): MachineCoverage => {
      const counted = g.transitions.filter((t) => !excluded.has(t.key));
      return {
        id: g.id,
        states: { total: g.states.length, visited: g.states.filter((s) => this.states.has(s)).length, missed: g.states.filter((s) => !this.states.has(s)) },
        transitions: {
          total: counted.length,
          visited: counted.filter((t) => this.transitions.has(t.key)).length,
          excluded: g.transitions.filter((t) => excluded.has(t.key)).map((t) => t.key),
          missed: counted.filter((t) => !this.transitions.has(t.key)).map((t) => t.key),
        },
      };
    });
    const sum = (pick: (m: MachineCoverage) => { total: number; visited: number }) => {
      const total = machines.reduce((n, m) => n + pick(m).total, 0);
      const visited = machines.reduce((n, m) => n + pick(m).visited, 0);
      return { total, visited, percent: total === 0 ? 100 : Math.round((1000 * visited) / total) / 10 };
    };
    return { machines, states: sum((m) => m.states), transitions: sum((m) => m.transitions), excluded: EXCLUDED_TRANSITIONS.map((e) => ({ ...e })) };
  }
}
