/**
 * The scenario file: a stack and a firmware profile (inline or builtin by name), a timed list
 * of host commands and injected faults, and expectations about the events that follow.
 * parseScenario validates everything and returns one normalised object, all times in ms.
 */
import { z } from 'zod';
import { ConfigError, check, describeValue, joinPath, parseJsonText, withoutSchemaKey } from './ConfigError.ts';
import type { ConfigIssue } from './ConfigError.ts';
import { bootWindowWarnings } from './bootWindow.ts';
import { formatDuration } from './duration.ts';
import { durationField, nonEmpty, seedField, u8 } from './fields.ts';
import type { FirmwareProfile } from './profileSchema.ts';
import { BUILTIN_PROFILES, V4_REFERENCE, parseProfile } from './profiles.ts';
import { EVENTS, EVENT_TYPES } from './scenarioEvents.ts';
import type { EventType } from './scenarioEvents.ts';
import { parseSteps } from './scenarioSteps.ts';
import { pollProblem } from './sim/pollCycle.ts';
import type { ScenarioStep } from './scenarioSteps.ts';
import { BUILTIN_STACKS, DEFAULT_STACK, parseStack } from './stack.ts';
import type { Stack } from './stack.ts';

/** Seed used when neither the scenario nor its stack gives one. */
export const DEFAULT_SEED = 1;

/** Without an explicit duration a scenario runs this long past the last time it mentions (ms). */
export const DEFAULT_TAIL_MS = 60_000;

/** "Event `event` (for board `id`, Pi `pi` when given) happens count.min..count.max times within withinMs" (ms, inclusive). */
export interface Expectation {
  readonly event: EventType;
  readonly id?: number;
  readonly pi?: 0 | 1;
  readonly withinMs: readonly [from: number, to: number];
  /** max undefined = no upper bound; `never` is { min: 0, max: 0 }; no count is { min: 1 }. */
  readonly count: { readonly min: number; readonly max?: number };
}

/** A validated, normalised scenario; every time is in ms. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly stack: Stack;
  readonly profile: FirmwareProfile;
  readonly seed: number;
  readonly durationMs: number;
  /** Interval of the host's status polling (ms, at least one poll cycle), or undefined for no polling (`"poll": 0` or none). */
  readonly pollMs?: number;
  readonly steps: readonly ScenarioStep[];
  readonly expect: readonly Expectation[];
  /** Problems found at load time that do not stop a run (host steps inside an MCU boot window); absent when none. */
  readonly warnings?: readonly string[];
}

/** Zod schema of a scenario file's top level (steps, expectations, stack and profile are checked one by one below). */
export const scenarioSchema = z.strictObject({
  /** Name for reports (default: the file name). */
  name: nonEmpty.optional(),
  /** What the scenario shows, for people. */
  description: z.string().optional(),
  /** The stack: a builtin name ("default", "single") or a stack description (default "default"). */
  stack: z.unknown().optional(),
  /** Default firmware profile of the boards: a builtin name or a (partial) profile (default "v4-reference"). */
  profile: z.unknown().optional(),
  /** Seed of every random stream (u32; default the stack's, else 1). */
  seed: seedField.optional(),
  /** Virtual time to run (e.g. "10m"; default the last step plus a tail). */
  duration: durationField.optional(),
  /** The host reads every board's status this often (e.g. "60s"; 0 or absent: no polling). */
  poll: durationField.optional(),
  /** Host commands and faults, each at a virtual time "at". */
  steps: z.array(z.unknown()).default([]),
  /** Expectations checked after the run: events, when and how often. */
  expect: z.array(z.unknown()).default([]),
});

const countBound = z.number().int().min(0);
const countSchema = z.union([countBound, z.strictObject({ min: countBound.optional(), max: countBound.optional() })]);

/** Zod schema of one expectation (`expect[i]`) before normalisation. */
export const expectSchema = z.strictObject({
  /** The event type expected (scenarioEvents.ts). */
  event: z.enum(EVENT_TYPES),
  /** Only events of the board with this ID (0..254). */
  id: u8.optional(),
  /** Only events of this Pi (0 or 1; Pi events only). */
  pi: z.literal([0, 1]).optional(),
  /** Only events in this window of virtual time, [from, to] (durations, inclusive). */
  within: z.tuple([durationField, durationField]).optional(),
  /** How many: a whole number (exactly) or { "min"?, "max"? } (default: at least 1). */
  count: z.unknown().optional(),
  /** true: the event must not happen (count 0). */
  never: z.literal(true).optional(),
});

/** Merge issues of a nested ConfigError (from parseProfile or parseStack) under `prefix`. */
function nested<T>(prefix: string, issues: ConfigIssue[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    issues.push(...e.issues.map((i) => ({ path: joinPath(prefix, i.path), message: i.message })));
    return undefined;
  }
}

function named<T>(kind: string, name: string, table: Readonly<Record<string, T>>, issues: ConfigIssue[]): T | undefined {
  const found = table[name];
  if (found === undefined) issues.push({ path: kind, message: `unknown builtin ${kind} ${describeValue(name)} (builtin: ${Object.keys(table).join(', ')})` });
  return found;
}

/** Normalise `count`: n means exactly n; { min?, max? } a range (min default 0, max default unbounded). */
function countOf(raw: unknown, path: string, issues: ConfigIssue[]): Expectation['count'] | undefined {
  if (typeof raw !== 'number' && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
    issues.push({ path, message: `must be a whole number >= 0 or { "min"?, "max"? }, got ${describeValue(raw)}` });
    return undefined;
  }
  const c = check(countSchema, raw, path, issues);
  if (c === undefined) return undefined;
  if (typeof c === 'number') return { min: c, max: c };
  const min = c.min ?? 0;
  if (c.max === undefined) return { min };
  if (min > c.max) issues.push({ path, message: `min ${min} is above max ${c.max}` });
  return { min, max: c.max };
}

function expectation(raw: unknown, path: string, issues: ConfigIssue[]): Omit<Expectation, 'withinMs'> & { within?: [number, number] } | undefined {
  const e = check(expectSchema, raw, path, issues);
  if (e === undefined) return undefined;
  const before = issues.length;
  if (e.pi !== undefined && EVENTS[e.event].scope !== 'pi') issues.push({ path: `${path}.pi`, message: `${e.event} is a board event; remove "pi"` });
  if (e.within && e.within[0] > e.within[1]) {
    const [from, to] = e.within.map(formatDuration);
    issues.push({ path: `${path}.within`, message: `starts after it ends (${from} > ${to})` });
  }
  let count: Expectation['count'] = { min: 1 };
  if (e.never && e.count !== undefined) issues.push({ path: `${path}.never`, message: 'give "never" or "count", not both' });
  else if (e.never) count = { min: 0, max: 0 };
  else if (e.count !== undefined) count = countOf(e.count, `${path}.count`, issues) ?? count;
  if (issues.length > before) return undefined;
  return { event: e.event, ...(e.id === undefined ? {} : { id: e.id }), ...(e.pi === undefined ? {} : { pi: e.pi }), ...(e.within ? { within: e.within } : {}), count };
}

/**
 * Validate and normalise a scenario object. `stack` and `profile` may be builtin names
 * ("default", "v3") or inline objects (a partial profile over its base); the scenario's
 * profile is the default for its stack's boards. Throws a ConfigError naming every problem,
 * e.g. `scn.json: steps[2].at: "5x" is not a duration (units ms, s, m, h)`.
 */
export function parseScenario(file: unknown, source: string): Scenario {
  const json = withoutSchemaKey(file);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigError(source, [{ path: '', message: `expected a scenario object, got ${describeValue(json)}` }]);
  }
  const issues: ConfigIssue[] = [];
  const top = check(scenarioSchema, json, '', issues);
  if (top === undefined) throw new ConfigError(source, issues);
  let profile: FirmwareProfile | undefined = V4_REFERENCE;
  if (typeof top.profile === 'string') profile = named('profile', top.profile, BUILTIN_PROFILES, issues);
  else if (top.profile !== undefined) profile = nested('profile', issues, () => parseProfile(top.profile, source));
  if (profile === undefined) throw new ConfigError(source, issues);
  const profiles = { ...BUILTIN_PROFILES, [profile.name]: profile };
  let stack: Stack | undefined = DEFAULT_STACK;
  if (typeof top.stack === 'string') stack = named('stack', top.stack, BUILTIN_STACKS, issues);
  else if (top.stack !== undefined) stack = nested('stack', issues, () => parseStack(top.stack, source, { profiles, defaultProfile: profile }));
  if (stack === undefined) throw new ConfigError(source, issues);

  const steps = parseSteps(top.steps, { stack, profiles, defaultProfile: profile, durationMs: top.duration }, issues);
  const expects = top.expect.map((raw, i) => expectation(raw, `expect[${i}]`, issues));
  const pollIssue = top.poll === undefined ? undefined : pollProblem(top.poll, stack, profile);
  if (pollIssue !== undefined) issues.push({ path: 'poll', message: pollIssue });
  const times = [...steps.map((s) => s.atMs), ...expects.map((e) => e?.within?.[1] ?? 0)];
  const latest = times.reduce((a, b) => Math.max(a, b), 0);
  const durationMs = top.duration ?? latest + DEFAULT_TAIL_MS;
  expects.forEach((e, i) => {
    if (e?.within && e.within[1] > durationMs) {
      const message = `ends at ${formatDuration(e.within[1])}, after the end of the scenario (duration ${formatDuration(durationMs)})`;
      issues.push({ path: `expect[${i}].within`, message });
    }
  });
  if (issues.length > 0) throw new ConfigError(source, issues);
  const warnings = bootWindowWarnings(steps, stack, profiles, profile).map((w) => `${source}: ${w}`);
  return {
    name: top.name ?? source,
    description: top.description ?? '',
    stack,
    profile,
    seed: top.seed ?? stack.seed ?? DEFAULT_SEED,
    durationMs,
    ...(top.poll === undefined || top.poll === 0 ? {} : { pollMs: top.poll }),
    steps,
    expect: expects.map((e) => {
      const { within, ...rest } = e as NonNullable<typeof e>;
      return { ...rest, withinMs: within ?? [0, durationMs] };
    }),
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

/** Parse a scenario file's JSON text (line and column for bad JSON), then parseScenario. */
export function scenarioFromText(text: string, source: string): Scenario {
  return parseScenario(parseJsonText(text, source), source);
}
