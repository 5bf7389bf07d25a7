/**
 * The bench test plan as data (OpenHTF-like: a phase per step, each producing named measurements
 * checked by validators): ordered steps, each a named check of one kind (`do`), with the limits
 * its measurements must meet. Validated with zod; every error names the file and the field, e.g.
 * `plan.json: steps[4].limits.low: expected a number, got "4.8"`.
 */
import { z } from 'zod';
import { COMMANDS, COMMAND_NAMES, type CommandName } from '../../bus-protocol/commands.ts';
import { ConfigError, check, describeValue, withoutSchemaKey, type ConfigIssue } from '../../board-model/ConfigError.ts';
import { intIn, msIn, nonEmpty, u8 } from '../../board-model/fields.ts';
import { SETTING_NAMES } from './settings.ts';

/** The `format` tag of a plan file. */
export const PLAN_FORMAT = 'pistack-bench-plan';

/** The plan layout version this build reads. */
export const PLAN_VERSION = 1;

/** Read commands whose reply is one number (usable in a `read` step). */
export const READABLE_COMMANDS: readonly CommandName[] = COMMAND_NAMES.filter((name) => {
  const spec = COMMANDS[name];
  return spec.effect === 'read' && spec.response.length === 1 && spec.response[0]!.type !== 'bytes';
});

/** Analog commands: their value is converted to V, A or W (PROTOCOL.md section 7). */
export const MEASURED_UNIT: Readonly<Partial<Record<CommandName, 'V' | 'A' | 'W'>>> = {
  GET_VIN: 'V', GET_CIN: 'A', GET_5V: 'V', GET_PI_V: 'V', GET_PI_C: 'A', GET_POWER: 'W', GET_5V_POWER: 'W', GET_PI_POWER: 'W',
};

/** Symbolic values `equals` may name, resolved at run time: the board ID under test and its prefix. */
export const SYMBOLS = ['$id', '$prefix'] as const;

/**
 * Limits of one measurement: a range (`low` and/or `high`, inclusive), an exact value (`equals`,
 * a number or "$id" / "$prefix"), or a set (`oneOf`). `unit` documents the range's unit and must
 * match the measurement's.
 */
export const limitsSchema = z
  .strictObject({
    /** Unit of low/high (V, A, W, s, count); checked against what the step measures. */
    unit: nonEmpty.optional(),
    /** Lowest passing value (inclusive). */
    low: z.number().optional(),
    /** Highest passing value (inclusive). */
    high: z.number().optional(),
    /** The one passing value. */
    equals: z.union([z.number(), z.enum(SYMBOLS)]).optional(),
    /** The passing values. */
    oneOf: z.array(z.number()).min(1).optional(),
  })
  .superRefine((l, ctx) => {
    const styles = [l.low !== undefined || l.high !== undefined, l.equals !== undefined, l.oneOf !== undefined].filter(Boolean).length;
    if (styles !== 1) ctx.addIssue({ code: 'custom', message: 'give a range (low and/or high), "equals" or "oneOf" (exactly one of them)', input: l });
    if (l.low !== undefined && l.high !== undefined && l.low > l.high) ctx.addIssue({ code: 'custom', path: ['high'], message: `must be >= low (${l.low}), got ${l.high}`, input: l.high });
  });

/** Validated limits. */
export type Limits = z.output<typeof limitsSchema>;

const pi = z.literal([0, 1]);

/** Bounds of a plan's times (ms): a wait of up to 24 h, a settle time up to 10 min, a timing step's timeout up to 1 h. */
export const PLAN_BOUNDS = { waitMs: [0, 86_400_000], settleMs: [0, 600_000], timeoutMs: [1, 3_600_000] } as const;
const waitMs = msIn(...PLAN_BOUNDS.waitMs, 'a wait of at most 24 h');
const settleMs = msIn(...PLAN_BOUNDS.settleMs, 'a settle time of at most 10 min');
const timeoutMs = msIn(...PLAN_BOUNDS.timeoutMs, 'a timeout of 1 ms to 1 h');
const common = {
  /** Unique name of the check, e.g. "pi0.port-voltage" (a JUnit testcase name). */
  name: nonEmpty.regex(/^[\w.:-]+$/, 'letters, digits and . _ : - only'),
  /** What the check is, for people. */
  title: z.string().optional(),
  /** Names of earlier steps that must pass for this one to run (otherwise it is skipped). */
  needs: z.array(nonEmpty).optional(),
  /** Every later step needs this one (e.g. identity: nothing can be tested if the board does not answer). */
  gate: z.boolean().optional(),
};

/** Manual actions: what a person does at a prompt (the simulator does them itself on `sim:`). */
export const MANUAL_ACTIONS = ['setup', 'attach-load', 'remove-load', 'fit-jumper', 'power-cycle-board', 'other'] as const;

/** One step, by kind. */
export const stepSchema = z.discriminatedUnion('do', [
  /** The board answers at its ID: GET_ID equals the ID, GET_ID_PREFIX its prefix; silence scans the prefix for it. */
  z.strictObject({ ...common, do: z.literal('identity') }),
  /** Read one command; analog ones converted (V, A, W). */
  z.strictObject({ ...common, do: z.literal('read'), command: nonEmpty, pi: pi.optional(), limits: limitsSchema }),
  /** `requests` GET_SW_VERSION sent once each, no retries; measures the replies that failed (CRC, garbled, none). */
  z.strictObject({ ...common, do: z.literal('reply-errors'), requests: intIn(1, 10_000).default(50), limits: limitsSchema.default({ high: 0, unit: 'count' }) }),
  /** Write a setting (per Pi), read it back, restore the original and read that back. */
  z.strictObject({ ...common, do: z.literal('setting-roundtrip'), setting: z.enum(SETTING_NAMES), pis: z.array(pi).min(1).default([0, 1]) }),
  /** Read the error log (slot count within `limits`), clear it (and the counts), read back zeros. */
  z.strictObject({ ...common, do: z.literal('error-log'), clearCount: z.boolean().default(true), limits: limitsSchema.default({ low: 1, high: 252, unit: 'count' }) }),
  /** Switch a port on or off (PI_ON / PI_FORCE_OFF), wait settleMs (0..600000), check GET_PI_POWERED. */
  z.strictObject({ ...common, do: z.literal('power'), pi, action: z.enum(['on', 'force-off']), settleMs: settleMs.default(200) }),
  /** Wait (ms on the port's clock, 0..86400000). */
  z.strictObject({ ...common, do: z.literal('wait'), ms: waitMs }),
  /** Something a person does; `--no-prompt` skips it (and the steps that need it). */
  z.strictObject({ ...common, do: z.literal('manual'), action: z.enum(MANUAL_ACTIONS), pi: pi.optional(), instruction: nonEmpty }),
  /**
   * Watchdog with nothing heartbeating: set HBT_TIME/HBT_DELAY, PI_ON, time the power drop (trip)
   * and the return (offTime, the power cycle's off time); restore the settings.
   */
  z.strictObject({
    ...common, do: z.literal('watchdog'), pi, hbtDelay: u8.default(5), hbtTime: intIn(1, 255).default(2), timeoutMs: timeoutMs.default(30_000),
    limits: z.strictObject({ trip: limitsSchema, offTime: limitsSchema }),
  }),
  /** Board-initiated shutdown: set OFF_DELAY (and SIG_OFF_DELAY, default the same), PI_ON, PI_OFF, time the power removal; restore. */
  z.strictObject({
    ...common, do: z.literal('graceful-off'), pi, offDelay: u8.default(3), sigOffDelay: u8.optional(), settleMs: settleMs.default(500),
    timeoutMs: timeoutMs.default(30_000), limits: z.strictObject({ offTime: limitsSchema }),
  }),
]);

/** One validated step. */
export type PlanStep = z.output<typeof stepSchema>;

/** Zod schema of a whole plan file. */
export const planSchema = z
  .strictObject({
    /** File format tag, "pistack-bench-plan" (optional in files). */
    format: z.literal(PLAN_FORMAT).default(PLAN_FORMAT),
    /** Layout version (1). */
    version: z.literal(PLAN_VERSION).default(PLAN_VERSION),
    /** Plan name for reports. */
    name: nonEmpty,
    /** What the plan is for. */
    description: z.string().optional(),
    /** Power-state polling interval of timing steps, ms; default 50. */
    pollMs: intIn(10, 1000).default(50),
    /** The checks, in order. */
    steps: z.array(stepSchema).min(1),
  })
  .superRefine((plan, ctx) => {
    const seen = new Set<string>();
    plan.steps.forEach((step, i) => {
      if (seen.has(step.name)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'name'], message: `"${step.name}" is used by an earlier step`, input: step.name });
      step.needs?.forEach((need, j) => {
        if (!seen.has(need)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'needs', j], message: `no earlier step is named ${describeValue(need)}`, input: need });
      });
      seen.add(step.name);
      if (step.do === 'read') checkRead(step, i, ctx);
      for (const [path, limits, unit] of unitsOf(step)) {
        if (limits.unit !== undefined && unit !== undefined && limits.unit !== unit) {
          ctx.addIssue({ code: 'custom', path: ['steps', i, ...path, 'unit'], message: `this step measures in ${unit}, got ${describeValue(limits.unit)}`, input: limits.unit });
        }
      }
    });
  });

/** A validated plan. */
export type Plan = z.output<typeof planSchema>;

type Ctx = z.core.$RefinementCtx<unknown>;

function checkRead(step: Extract<PlanStep, { do: 'read' }>, i: number, ctx: Ctx): void {
  const name = step.command as CommandName;
  if (!READABLE_COMMANDS.includes(name)) {
    ctx.addIssue({ code: 'custom', path: ['steps', i, 'command'], message: `${describeValue(step.command)} is not a read command with one value (use one of ${READABLE_COMMANDS.join(', ')})`, input: step.command });
    return;
  }
  const takesPi = COMMANDS[name].request.some((f) => f.name === 'pi');
  if (takesPi && step.pi === undefined) ctx.addIssue({ code: 'custom', path: ['steps', i, 'pi'], message: `${name} needs "pi" (0 or 1)`, input: step.pi });
  if (!takesPi && step.pi !== undefined) ctx.addIssue({ code: 'custom', path: ['steps', i, 'pi'], message: `${name} takes no Pi`, input: step.pi });
}

/** The measurement units a step's limits are checked against: [path, limits, unit]. */
function unitsOf(step: PlanStep): Array<[Array<string | number>, Limits, string | undefined]> {
  switch (step.do) {
    case 'read': return [[['limits'], step.limits, MEASURED_UNIT[step.command as CommandName] ?? 'count']];
    case 'reply-errors': return [[['limits'], step.limits, 'count']];
    case 'error-log': return [[['limits'], step.limits, 'count']];
    case 'watchdog': return [[['limits', 'trip'], step.limits.trip, 's'], [['limits', 'offTime'], step.limits.offTime, 's']];
    case 'graceful-off': return [[['limits', 'offTime'], step.limits.offTime, 's']];
    default: return [];
  }
}

/** The step kinds (`do`). */
export const STEP_KINDS = stepSchema.options.map((o) => o.shape.do.value);

/**
 * Validate a plan object; throws ConfigError with one `source: path: problem` line per issue.
 * Checks across steps (names, needs, units, commands) run once every step is well-formed.
 */
export function parsePlan(file: unknown, source: string): Plan {
  const json = withoutSchemaKey(file);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigError(source, [{ path: '', message: `expected a bench plan object, got ${describeValue(json)}` }]);
  }
  const issues: ConfigIssue[] = [];
  const plan = check(planSchema, json, '', issues);
  if (plan !== undefined) return plan;
  // A step with an unknown `do` fails the whole union: say which kinds there are.
  const steps = (json as { steps?: unknown }).steps;
  throw new ConfigError(source, issues.map((issue) => {
    const m = /^steps\[(\d+)\](?:\.do)?$/.exec(issue.path);
    const step: unknown = m && Array.isArray(steps) ? steps[Number(m[1])] : undefined;
    const kind = step !== null && typeof step === 'object' ? (step as { do?: unknown }).do : undefined;
    if (m === null || !issue.message.startsWith('does not match any accepted form') || STEP_KINDS.includes(kind as never)) return issue;
    return { path: `steps[${m[1]}].do`, message: `${kind === undefined ? 'missing' : `unknown step kind ${describeValue(kind)}`} (one of ${STEP_KINDS.join(', ')})` };
  }));
}
