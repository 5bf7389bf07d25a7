/**
 * The student's session as a scenario file that `pistack sim --scenario` runs: the start (the
 * lesson's own file, or the page's stack, profile and seed) plus one step per recorded input at
 * its time, host commands as `host` steps and faults as `fault` steps (board-model/scenario.ts),
 * running until the session's current time. Browser-safe.
 */
import { COMMANDS } from '../../bus-protocol/commands.ts';
import { FAULTS } from '../../board-model/faults.ts';
import { BUILTIN_PROFILES } from '../../board-model/profiles.ts';
import type { Scenario } from '../../board-model/scenario.ts';
import type { Input } from './inputs.ts';

/** Why a session cannot be written as a scenario file. */
export class ExportError extends Error {}

/** One recorded input as a scenario step object. */
export function inputStep(input: Input): Record<string, unknown> {
  if (input.kind === 'host') {
    const fields = COMMANDS[input.command].request.filter((f) => f.name !== 'pi').map((f) => input.args[f.name] ?? 0);
    const pi = input.args['pi'];
    return {
      at: input.at, host: input.command, id: input.id, ...(pi === undefined ? {} : { pi }),
      ...(fields.length === 0 ? {} : { value: fields.length === 1 ? fields[0] : fields }),
    };
  }
  const target = FAULTS[input.fault].target;
  return {
    at: input.at, fault: input.fault, ...(target === 'stack' ? {} : { board: input.board }), ...(target === 'pi' ? { pi: input.pi } : {}),
    ...(input.value === undefined ? {} : { value: input.value }),
  };
}

/** The parts a session export needs. */
export interface ExportSource {
  /** The scenario the session started from (normalised). */
  readonly scenario: Scenario;
  /** The lesson's file as written, when the session is a lesson (its steps and expectations are kept). */
  readonly lessonJson?: unknown;
  /** Recorded inputs, in time order. */
  readonly inputs: readonly Input[];
  /** Virtual time the session has reached (ms): the export's duration (at least the lesson's). */
  readonly nowMs: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Merge two time-ordered step lists (lesson steps first at equal times). */
function merge(a: ReadonlyArray<{ at: number; step: unknown }>, b: ReadonlyArray<{ at: number; step: unknown }>): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.at <= b[j]!.at)) out.push(a[i++]!.step);
    else out.push(b[j++]!.step);
  }
  return out;
}

/** The scenario file object (JSON-able) for a session; throws ExportError when its start cannot be written. */
export function exportScenario(source: ExportSource): Record<string, unknown> {
  const { scenario, inputs } = source;
  const mine = inputs.map((input) => ({ at: input.at, step: inputStep(input) }));
  const last = inputs.reduce((t, i) => Math.max(t, i.at), 0);
  if (source.lessonJson !== undefined) {
    if (!isObject(source.lessonJson)) throw new ExportError('the lesson file is not a scenario object');
    const raw = Array.isArray(source.lessonJson['steps']) ? source.lessonJson['steps'] : [];
    const theirs = raw.map((step, k) => ({ at: scenario.steps[k]?.atMs ?? 0, step }));
    return {
      ...source.lessonJson, name: `${scenario.name} (student session)`, seed: scenario.seed,
      duration: Math.max(scenario.durationMs, source.nowMs, last), steps: merge(theirs, mine),
    };
  }
  // The page's start arrives as JSON (data.js): compare by value, not identity.
  const profile = BUILTIN_PROFILES[scenario.profile.name];
  if (profile === undefined || JSON.stringify(profile) !== JSON.stringify(scenario.profile)) throw new ExportError(`the profile "${scenario.profile.name}" is not a builtin one, so it cannot be named in the file`);
  const { name, ...stack } = scenario.stack;
  return {
    name: `${scenario.name} (student session)`,
    description: `Recorded on the pistack viz page: ${inputs.length} input(s) on stack "${name}".`,
    stack: { name, ...stack }, profile: scenario.profile.name, seed: scenario.seed,
    ...(scenario.pollMs === undefined ? {} : { poll: scenario.pollMs }),
    duration: Math.max(source.nowMs, last), steps: mine.map((m) => m.step),
  };
}
