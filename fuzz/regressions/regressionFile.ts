/**
 * A saved fuzz failure (fixtures/regressions/*.json, format `pistack-fuzz-regression` v1): the
 * target, the fast-check seed and path that replay the shrunk counterexample, the board profile
 * it failed on (as a patch over v4-reference), the commands it ran and the session it recorded
 * (docs/session-format.md lines: the host frames with times, the bus bytes) plus the faults.
 */
import { z } from 'zod';
import { V4_REFERENCE, parseProfile } from '../../board-model/profiles.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { validate } from '../../board-model/ConfigError.ts';
import { formatSession, parseSession, type Session } from '../../hil/session/sessionFormat.ts';
import type { SessionLog } from '../harness/SessionLog.ts';

/** The `format` tag of a regression file. */
export const REGRESSION_FORMAT = 'pistack-fuzz-regression';

/** The layout version this build writes and reads. */
export const REGRESSION_VERSION = 1;

const plain = z.record(z.string(), z.unknown());

const schema = z.strictObject({
  format: z.literal(REGRESSION_FORMAT),
  version: z.literal(REGRESSION_VERSION),
  /** True for a case found on a deliberately broken board and kept as an example of the format: it must still fail there. */
  example: z.boolean().default(false),
  /** Free text for people. */
  note: z.string().optional(),
  /** The fuzz target (`model`, `replies`, ...). */
  target: z.string().min(1),
  /** fast-check seed and counterexample path: `fc.check(property, { seed, path, numRuns })` replays it. */
  seed: z.number().int(),
  path: z.string().min(1),
  numRuns: z.number().int().positive(),
  /** Model-based target: fast-check's commands replayPath (which generated commands ran), needed with seed and path. */
  replayPath: z.string().optional(),
  /** The board's firmware profile as a patch over v4-reference (`{}` for the reference itself). */
  profile: plain,
  /** The model-based target varied the profile's behaviour knobs per run. */
  variants: z.boolean(),
  /** The property's failure message. */
  error: z.string(),
  /** The shrunk counterexample as fast-check prints it. */
  counterexample: z.string(),
  /** Model-based commands the failing run executed, in order. */
  commands: z.array(z.string()),
  /** The shell command that replays this file. */
  replay: z.string(),
  /** The simulated stack the recorded run used (boards, SimStack seed, effective profile patch, clock time of the session's t = 0). */
  sim: z.strictObject({ boards: z.array(z.unknown()), seed: z.number().int(), profile: plain, originMs: z.number().min(0) }).optional(),
  /** Faults applied during the run: ms since its start, name, parameters. */
  faults: z.array(z.strictObject({ t: z.number().min(0), fault: z.string(), params: z.record(z.string(), z.union([z.number(), z.string()])) })),
  /** The recorded session, one object per line of a `pistack-session` file. */
  session: z.array(plain).min(1),
});

/** A parsed regression file. */
export type Regression = z.output<typeof schema>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The fields of `value` that differ from `base`, recursively (arrays compared whole). */
export function patchOver(base: unknown, value: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const d = patchOver(base[k], v);
      if (d !== undefined) out[k] = d;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return JSON.stringify(base) === JSON.stringify(value) ? undefined : value;
}

/** A profile as a patch over v4-reference (the name left out). */
export function profilePatch(profile: FirmwareProfile): Record<string, unknown> {
  const { name: _name, description: _description, ...rest } = profile;
  const { name: _n, description: _d, ...reference } = V4_REFERENCE;
  return (patchOver(reference, rest) as Record<string, unknown> | undefined) ?? {};
}

/** The profile a patch describes. */
export function profileFromPatch(patch: Record<string, unknown>, source: string): FirmwareProfile {
  return parseProfile({ ...patch, name: typeof patch['name'] === 'string' ? patch['name'] : source }, source);
}

/** Validate regression file JSON; throws a ConfigError naming the field. */
export function parseRegression(json: unknown, source: string): Regression {
  return validate(schema, json, source);
}

/** The embedded session, checked by the session-format parser. */
export function regressionSession(r: Regression, source: string): Session {
  return parseSession(`${r.session.map((line) => JSON.stringify(line)).join('\n')}\n`, `${source} (session)`);
}

/** What is known of a failure when it is saved. */
export interface FailureRecord {
  target: string;
  seed: number;
  path: string;
  numRuns: number;
  replayPath: string | undefined;
  profile: FirmwareProfile;
  variants: boolean;
  error: string;
  counterexample: string;
  replay: string;
  log: SessionLog;
}

/** The regression file object for a failure. */
export function regressionOf(f: FailureRecord): Regression {
  const session = f.log.session();
  const lines = formatSession(session).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const setup = f.log.setup;
  return {
    format: REGRESSION_FORMAT, version: REGRESSION_VERSION, example: false,
    target: f.target, seed: f.seed, path: f.path, numRuns: f.numRuns, ...(f.replayPath === undefined ? {} : { replayPath: f.replayPath }),
    profile: profilePatch(f.profile), variants: f.variants, error: f.error, counterexample: f.counterexample,
    commands: [...f.log.steps], replay: f.replay,
    ...(setup ? { sim: { boards: setup.boards, seed: setup.seed, profile: profilePatch(setup.profile), originMs: f.log.originMs } } : {}),
    faults: f.log.faults.map((x) => ({ t: x.t, fault: x.fault, params: { ...x.params } })),
    session: lines,
  };
}
