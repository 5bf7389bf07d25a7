/**
 * Joined model coverage (issue 12 item 2): simulator coverage (fuzz runs, `sim:` sessions) and
 * hardware coverage (real-board sessions replayed in the model) side by side, per machine: which
 * states and transitions were covered on both, on the simulator only, on hardware only, and never.
 * "Simulator only" is what the real board has never been tested on.
 */
import { EXCLUDED_TRANSITIONS } from './exclusions.ts';
import { machineGraph, BOARD_MACHINES, type MachineGraph } from './machineGraph.ts';
import type { CoverageKeys } from './ModelCoverage.ts';

/** Where an item was covered. */
export type Coverage = 'both' | 'simulatorOnly' | 'hardwareOnly' | 'never';

/** The four groups, in report order. */
export const COVERAGE_GROUPS: readonly Coverage[] = ['both', 'simulatorOnly', 'hardwareOnly', 'never'];

/** Items (state ids or transition keys) by where they were covered, and how many there are. */
export type Grouped = { total: number } & Record<Coverage, string[]>;

/** One machine's joined coverage; excluded transitions (exclusions.ts) are in none of the groups. */
export interface JoinedMachine {
  readonly id: string;
  readonly states: Grouped;
  readonly transitions: Grouped & { excluded: string[] };
}

/** Every machine's joined coverage and the counts over all of them. */
export interface JoinedCoverage {
  readonly machines: JoinedMachine[];
  readonly totals: { states: { total: number } & Record<Coverage, number>; transitions: { total: number } & Record<Coverage, number> };
  readonly excluded: Array<{ transition: string; why: string }>;
}

/** Where `key` was covered. */
function classify(key: string, simulator: ReadonlySet<string>, hardware: ReadonlySet<string>): Coverage {
  const s = simulator.has(key);
  const h = hardware.has(key);
  return s && h ? 'both' : s ? 'simulatorOnly' : h ? 'hardwareOnly' : 'never';
}

function group(keys: readonly string[], simulator: ReadonlySet<string>, hardware: ReadonlySet<string>): Grouped {
  const out: Grouped = { total: keys.length, both: [], simulatorOnly: [], hardwareOnly: [], never: [] };
  for (const k of keys) out[classify(k, simulator, hardware)].push(k);
  return out;
}

function counts(list: readonly Grouped[]): { total: number } & Record<Coverage, number> {
  const sum = (f: (g: Grouped) => number) => list.reduce((n, g) => n + f(g), 0);
  return { total: sum((g) => g.total), both: sum((g) => g.both.length), simulatorOnly: sum((g) => g.simulatorOnly.length), hardwareOnly: sum((g) => g.hardwareOnly.length), never: sum((g) => g.never.length) };
}

/** Join simulator and hardware coverage keys over the board machines' graphs. */
export function joinCoverage(simulator: CoverageKeys, hardware: CoverageKeys, graphs: readonly MachineGraph[] = BOARD_MACHINES.map(machineGraph)): JoinedCoverage {
  const sim = { states: new Set(simulator.states), transitions: new Set(simulator.transitions) };
  const hw = { states: new Set(hardware.states), transitions: new Set(hardware.transitions) };
  const excluded = new Set(EXCLUDED_TRANSITIONS.map((e) => e.transition));
  const machines = graphs.map((g): JoinedMachine => {
    const keys = g.transitions.map((t) => t.key);
    return {
      id: g.id,
      states: group(g.states, sim.states, hw.states),
      transitions: { ...group(keys.filter((k) => !excluded.has(k)), sim.transitions, hw.transitions), excluded: keys.filter((k) => excluded.has(k)) },
    };
  });
  return {
    machines,
    totals: { states: counts(machines.map((m) => m.states)), transitions: counts(machines.map((m) => m.transitions)) },
    excluded: EXCLUDED_TRANSITIONS.map((e) => ({ ...e })),
  };
}
