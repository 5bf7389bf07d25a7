/**
 * What the page gets from the build besides its code: the statecharts as SVG, the lessons
 * (fixtures/scenarios as JSON) and what to run first. `pistack viz` writes it as data.js, a
 * plain script setting `window.PISTACK_VIZ`, so the page also works from file://.
 */
import type { Scenario } from '../board-model/scenario.ts';
import type { ChartKey } from './chart/machines.ts';

/** Name of the global the data script sets. */
export const VIZ_DATA_GLOBAL = 'PISTACK_VIZ';

/** One statechart, drawn by Graphviz at build time. */
export interface VizChart {
  readonly key: ChartKey;
  readonly title: string;
  /** The SVG element's markup (no XML prolog), its groups' ids from statechart.ts. */
  readonly svg: string;
}

/** One lesson: a scenario file as written (parsed in the page when loaded). */
export interface VizLesson {
  /** File name, e.g. "watchdog-cycle.json". */
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly json: unknown;
}

/** One guided lesson file (fixtures/lessons) as written, validated at build, parsed in the page when loaded. */
export interface VizGuidedLesson {
  /** File name, e.g. "02-heartbeat-watchdog.json" (its number orders the curriculum). */
  readonly file: string;
  readonly title: string;
  readonly level: string;
  /** Minutes a class should plan for it. */
  readonly minutes: number;
  readonly json: unknown;
}

/** Everything the page is built with. */
export interface VizData {
  readonly charts: readonly VizChart[];
  readonly lessons: readonly VizLesson[];
  /** The curriculum: guided lessons in order, each naming one of `lessons` as its script. */
  readonly guided: readonly VizGuidedLesson[];
  /** The stack, profile and seed to start with (and steps and expectations when --scenario was given). */
  readonly start: Scenario;
  /** True when `start` came from --scenario: the page runs it as a lesson. */
  readonly startIsLesson: boolean;
}
