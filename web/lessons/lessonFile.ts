/**
 * The lesson file (fixtures/lessons/NN-name.json): a guided lesson around one scenario of
 * fixtures/scenarios, whose steps stay its script and whose expectations stay its checks.
 * The file adds the teaching: a goal, a prediction question, the key events to pause at with a
 * callout template filled with live numbers, the board and Pi to look at, a conclusion and an
 * optional exercise judged by expectations. parseLesson validates it all and names every bad
 * field (`03-watchdog.json: pauses[1].say: unknown placeholder {hbt}`). Browser-safe.
 */
import { z } from 'zod';
import { ConfigError, check, describeValue, parseJsonText, withoutSchemaKey, type ConfigIssue } from '../../board-model/ConfigError.ts';
import type { SimEventType } from '../../board-model/events.ts';
import { durationField, nonEmpty, u8 } from '../../board-model/fields.ts';
import { parseScenario, type Scenario } from '../../board-model/scenario.ts';
import { PLACEHOLDERS, placeholdersOf } from './callout.ts';

/** Every event type the simulator logs (the lesson file's `pauses[].on`), with the callout's heading for it. */
export const PAUSE_EVENTS = {
  'pi-crashed': 'crash',
  'watchdog-expired': 'watchdog expiry',
  'power-cycle': 'power cycle',
  'shutdown-signal': 'signal pulse from the board',
  'shutdown-requested': 'the Pi asks for power-down',
  'pi-halted': 'halt',
  'power-off': 'power removed',
  'power-on': 'power on',
  'unsafe-power-loss': 'unsafe power loss',
  'power-lost': 'power lost (the Pi was halted or crashed)',
  brownout: 'brownout: the 5 V rail collapsed',
  'regulator-recovered': 'the 5 V rail is back',
  uvlo: 'input below the regulator UVLO',
  undervoltage: 'undervoltage',
  collision: 'collision on the bus',
  'heartbeat-ok': 'heartbeat in time',
  'heartbeat-lost': 'heartbeat lost',
  'pi-booted': 'the Pi booted',
  'pi-powered': 'the Pi got power',
  'mcu-boot': 'the board MCU booted',
  'mcu-off': 'the board MCU lost its supply',
  'config-restored': 'config restored to defaults',
  'errors-restored': 'error log reset',
  'torn-write': 'torn flash write',
  fault: 'fault injected',
  'host-request': 'request sent',
  'host-reply': 'reply',
  'host-error': 'error reply',
  'host-timeout': 'no reply',
  warning: 'warning',
} as const satisfies Record<SimEventType, string>;

/** An event type a pause can wait for. */
export type PauseEvent = keyof typeof PAUSE_EVENTS;

const PAUSE_EVENT_NAMES = Object.keys(PAUSE_EVENTS) as [PauseEvent, ...PauseEvent[]];

/** Stop the run at each matching event (up to `times`) and show `say` with live numbers. */
export interface LessonPause {
  readonly on: PauseEvent;
  readonly id?: number;
  readonly pi?: 0 | 1;
  /** Event details that must match (e.g. { cause: "watchdog" }, { command: "PI_OFF" }). */
  readonly where: Readonly<Record<string, string | number>>;
  /** Only events in this window of virtual time count (ms, inclusive). */
  readonly withinMs: readonly [from: number, to: number];
  /** Most pauses this entry makes (default: every matching event). */
  readonly times: number;
  /** Callout template: one or two sentences with {placeholders} (callout.ts). */
  readonly say: string;
}

/** The question asked before the run, and its answer shown in the conclusion. */
export interface Prediction {
  readonly question: string;
  /** Choices to pick from; absent: the student types an answer. */
  readonly choices?: readonly string[];
  /** The right answer (one of the choices, when there are choices). */
  readonly answer: string;
  readonly explanation: string;
}

/** One expectation of an exercise with the plain words shown when it fails. */
export interface ExerciseCheck {
  /** Index into the exercise scenario's `expect`. */
  readonly index: number;
  /** Why it failed, in plain words; may use {count} and {at}. */
  readonly why: string;
}

/** A task the student does themselves on a fresh stack, judged at its end. */
export interface Exercise {
  readonly task: string;
  /** The exercise's own scenario: the lesson's stack, profile and seed, the setup steps, the checks. */
  readonly scenario: Scenario;
  /** That scenario as a scenario file's object (what "Export as scenario" starts from). */
  readonly json: Readonly<Record<string, unknown>>;
  readonly checks: readonly ExerciseCheck[];
  /** Shown when every check passes. */
  readonly success: string;
}

/** A validated guided lesson. */
export interface Lesson {
  /** File name, e.g. "02-watchdog.json"; its number orders the curriculum. */
  readonly file: string;
  /** Position in the curriculum (the file name's number). */
  readonly order: number;
  readonly title: string;
  readonly level: 'first steps' | 'basics' | 'intermediate' | 'advanced';
  /** Scenario file name in fixtures/scenarios. */
  readonly scenarioFile: string;
  readonly scenario: Scenario;
  readonly goal: string;
  readonly prediction: Prediction;
  readonly pauses: readonly LessonPause[];
  /** Board (index in the stack) and Pi the lesson looks at first. */
  readonly select: { readonly board: number; readonly pi: 0 | 1 };
  readonly conclusion: string;
  readonly exercise?: Exercise;
  /** Minutes a class should plan for (reading, predicting, running, discussing). */
  readonly minutes: number;
}

const text = nonEmpty;
/** Zod schema of one pause of a lesson (`pauses[i]`). */
export const pauseSchema = z.strictObject({
  /** The event the run pauses on. */
  on: z.enum(PAUSE_EVENT_NAMES),
  /** Only events of the board with this ID (0..254). */
  id: u8.optional(),
  /** Only events of this Pi (0 or 1). */
  pi: z.literal([0, 1]).optional(),
  /** Event details that must match (e.g. { "cause": "watchdog" }, { "command": "PI_OFF" }). */
  where: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  /** Only events in this window of virtual time, [from, to] (durations, inclusive). */
  within: z.tuple([durationField, durationField]).optional(),
  /** Most pauses this entry makes (default: every matching event). */
  times: z.number().int().min(1).optional(),
  /** Callout: one or two sentences with {placeholders}. */
  say: text,
});
/** Zod schema of a lesson file's top level (pauses and the exercise's steps are checked one by one). */
export const lessonSchema = z.strictObject({
  /** Title of the lesson. */
  title: text,
  /** Where it sits in the curriculum. */
  level: z.enum(['first steps', 'basics', 'intermediate', 'advanced']),
  /** Scenario file name in fixtures/scenarios that the lesson runs. */
  scenario: text,
  /** What the student learns, one sentence. */
  goal: text,
  /** Minutes a class should plan for (1..45). */
  minutes: z.number().int().min(1).max(45),
  /** The question asked before the run, and its answer shown in the conclusion. */
  prediction: z.strictObject({
    /** The question. */
    question: text,
    /** Choices to pick from (at least 2); absent: the student types an answer. */
    choices: z.array(text).min(2).optional(),
    /** The right answer (one of the choices, when there are choices). */
    answer: text,
    /** Why, shown with the answer. */
    explanation: text,
  }),
  /** Board (index in the stack) and Pi the lesson looks at first. */
  select: z.strictObject({
    /** Index of the board in the stack. */
    board: z.number().int().min(0),
    /** Pi 0 or 1. */
    pi: z.literal([0, 1]),
  }).optional(),
  /** Where the run pauses to explain, in order (at least one). */
  pauses: z.array(z.unknown()).min(1),
  /** Said at the end of the run. */
  conclusion: text,
  /** A task the student does themselves on a fresh stack, judged at its end. */
  exercise: z.strictObject({
    /** What to do, for the student. */
    task: text,
    /** Virtual time the exercise runs. */
    duration: durationField,
    /** Setup steps (as a scenario's steps). */
    steps: z.array(z.unknown()).default([]),
    /** The checks (as a scenario's expectations, each with "why" in plain words). */
    expect: z.array(z.unknown()).min(1),
    /** Shown when every check passes. */
    success: text,
  }).optional(),
});

const FILE_NAME = /^(\d+)-[a-z0-9-]+\.json$/;

function pauseOf(raw: unknown, path: string, issues: ConfigIssue[]): LessonPause | undefined {
  const p = check(pauseSchema, raw, path, issues);
  if (p === undefined) return undefined;
  for (const name of placeholdersOf(p.say)) {
    if (!PLACEHOLDERS.has(name)) issues.push({ path: `${path}.say`, message: `unknown placeholder {${name}} (known: ${[...PLACEHOLDERS].join(', ')})` });
  }
  return { on: p.on, ...(p.id === undefined ? {} : { id: p.id }), ...(p.pi === undefined ? {} : { pi: p.pi }), where: p.where ?? {}, withinMs: p.within ?? [0, Number.POSITIVE_INFINITY], times: p.times ?? Number.POSITIVE_INFINITY, say: p.say };
}

/** Split an exercise's `expect` into scenario expectations and their plain-words `why`. */
function exerciseOf(raw: NonNullable<z.output<typeof lessonSchema>['exercise']>, base: Scenario, json: Record<string, unknown>, source: string, issues: ConfigIssue[]): Exercise | undefined {
  const checks: ExerciseCheck[] = [];
  const expect = raw.expect.map((e, i) => {
    if (e === null || typeof e !== 'object' || Array.isArray(e)) return e;
    const { why, ...rest } = e as Record<string, unknown>;
    if (typeof why !== 'string' || why === '') issues.push({ path: `exercise.expect[${i}].why`, message: `needs the plain words shown when this check fails, got ${describeValue(why)}` });
    else checks.push({ index: i, why });
    return rest;
  });
  try {
    const file = {
      name: `${base.name} (exercise)`, description: raw.task, stack: json['stack'], profile: json['profile'], seed: base.seed,
      duration: raw.duration, steps: raw.steps, expect,
    };
    const scenario = parseScenario(file, source);
    return { task: raw.task, scenario, json: file, checks, success: raw.success };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    issues.push(...e.issues.map((i) => ({ path: `exercise.${i.path}`, message: i.message })));
    return undefined;
  }
}

/**
 * Validate a lesson file. `scenarios` maps scenario file names to their raw JSON (the lesson's
 * script must be one of them). Throws a ConfigError naming the file and every bad field.
 */
export function parseLesson(fileJson: unknown, file: string, scenarios: ReadonlyMap<string, unknown>): Lesson {
  const json = withoutSchemaKey(fileJson);
  const issues: ConfigIssue[] = [];
  const name = FILE_NAME.exec(file);
  if (!name) issues.push({ path: '', message: 'the file name must be NN-name.json (NN orders the curriculum)' });
  const top = check(lessonSchema, json, '', issues);
  if (top === undefined) throw new ConfigError(file, issues);
  const scenarioJson = scenarios.get(top.scenario);
  let scenario: Scenario | undefined;
  if (scenarioJson === undefined) issues.push({ path: 'scenario', message: `no scenario ${describeValue(top.scenario)} in fixtures/scenarios (known: ${[...scenarios.keys()].join(', ')})` });
  else {
    try {
      scenario = parseScenario(scenarioJson, top.scenario);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      issues.push({ path: 'scenario', message: `${top.scenario} does not load: ${e.message}` });
    }
  }
  const pauses = top.pauses.map((p, i) => pauseOf(p, `pauses[${i}]`, issues));
  const select = top.select ?? { board: 0, pi: 0 as const };
  if (scenario && select.board >= scenario.stack.boards.length) issues.push({ path: 'select.board', message: `no boards[${select.board}]: the stack has ${scenario.stack.boards.length} boards` });
  if (top.prediction.choices && !top.prediction.choices.includes(top.prediction.answer)) {
    issues.push({ path: 'prediction.answer', message: `must be one of the choices, got ${describeValue(top.prediction.answer)}` });
  }
  const exercise = top.exercise && scenario ? exerciseOf(top.exercise, scenario, scenarioJson as Record<string, unknown>, file, issues) : undefined;
  if (issues.length > 0 || !scenario) throw new ConfigError(file, issues);
  return {
    file, order: Number(name![1]), title: top.title, level: top.level, scenarioFile: top.scenario, scenario, goal: top.goal,
    prediction: top.prediction, pauses: pauses as LessonPause[], select, conclusion: top.conclusion, minutes: top.minutes,
    ...(exercise ? { exercise } : {}),
  };
}

/** Parse a lesson file's text (line and column for bad JSON), then parseLesson. */
export function lessonFromText(text: string, file: string, scenarios: ReadonlyMap<string, unknown>): Lesson {
  return parseLesson(parseJsonText(text, file), file, scenarios);
}
