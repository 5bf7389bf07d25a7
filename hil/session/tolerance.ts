/**
 * How closely a replayed reply must match the recorded one. Digital fields (status, error code,
 * booleans, settings, versions, IDs, counts, the error log) always match exactly. Analog readings
 * may differ within a band: the larger of a percentage of the recorded raw value and a number of
 * raw counts. The reply time (request written to last reply byte) may differ by `replyTimeMs`.
 * A tolerance file (JSON) overrides any of these, per command too:
 *
 *   { "replyTimeMs": 30, "analog": { "percent": 5 }, "commands": { "GET_CIN": { "counts": 200 } } }
 */
import { z } from 'zod';
import { parseJsonText, validate, withoutSchemaKey } from '../../board-model/ConfigError.ts';
import { COMMANDS, type CommandName } from '../../bus-protocol/commands.ts';

/** A band around a recorded raw value: |now - recorded| <= max(percent % of |recorded|, counts). */
export interface Band {
  readonly percent: number;
  readonly counts: number;
}

/** Per-command overrides (any field left out keeps the general value). */
export interface CommandTolerance {
  readonly percent?: number;
  readonly counts?: number;
  readonly replyTimeMs?: number;
}

/** Everything a replay compares with some slack. */
export interface Tolerance {
  /** Allowed difference of the reply time, ms. */
  readonly replyTimeMs: number;
  /** Band of the 16-bit ADC readings (GET_VIN, GET_CIN, GET_5V, GET_PI_V, GET_PI_C). */
  readonly analog: Band;
  /** Band of the u32 power readings (GET_POWER, GET_5V_POWER, GET_PI_POWER), products of two ADC readings. */
  readonly power: Band;
  /** Overrides per command. */
  readonly commands: Readonly<Partial<Record<CommandName, CommandTolerance>>>;
}

/** The ADC readings compared within the `analog` band. */
export const ADC_COMMANDS: readonly CommandName[] = ['GET_VIN', 'GET_CIN', 'GET_5V', 'GET_PI_V', 'GET_PI_C'];

/** The power readings compared within the `power` band. */
export const POWER_COMMANDS: readonly CommandName[] = ['GET_POWER', 'GET_5V_POWER', 'GET_PI_POWER'];

/**
 * Defaults: reply time ±20 ms (USB adapters hold bytes up to 16 ms); ADC readings ±3 % or ±50
 * counts, whichever is larger (sensor noise, resistor tolerance, a load that moved); power
 * readings ±6 % (two readings multiplied) or ±3,276,750 counts (50 counts times full scale).
 */
export const DEFAULT_TOLERANCE: Tolerance = {
  replyTimeMs: 20,
  analog: { percent: 3, counts: 50 },
  power: { percent: 6, counts: 50 * 65535 },
  commands: {},
};

const percent = z.number().min(0).max(100);
const counts = z.number().int().min(0);
const ms = z.number().min(0);
const band = z.strictObject({
  /** Allowed difference as a percentage of the recorded value (0..100). */
  percent: percent.optional(),
  /** Allowed difference in raw counts (whichever of percent and counts is larger applies). */
  counts: counts.optional(),
});
const commandTolerance = z.strictObject({
  /** Allowed difference as a percentage of the recorded value (0..100; analog readings only). */
  percent: percent.optional(),
  /** Allowed difference in raw counts (analog readings only). */
  counts: counts.optional(),
  /** Allowed difference of the reply time, ms. */
  replyTimeMs: ms.optional(),
});

/** Zod schema of a tolerance file (`pistack replay --tolerance`). */
export const toleranceSchema = z
  .strictObject({
    /** Allowed difference of a reply's time from the recording's, ms (default 20). */
    replyTimeMs: ms.optional(),
    /** Band of the ADC readings GET_VIN, GET_CIN, GET_5V, GET_PI_V, GET_PI_C (default 3 % or 50 counts). */
    analog: band.optional(),
    /** Band of the power readings GET_POWER, GET_5V_POWER, GET_PI_POWER (default 6 % or 3,276,750 counts). */
    power: band.optional(),
    /** Overrides per command, by name (PROTOCOL.md section 5), e.g. { "GET_VIN": { "percent": 5 } }. */
    commands: z.record(z.string(), commandTolerance).optional(),
  })
  .superRefine((value, ctx) => {
    for (const [name, override] of Object.entries(value.commands ?? {})) {
      if (!(name in COMMANDS)) {
        ctx.addIssue({ code: 'custom', path: ['commands', name], message: 'unknown command (use the names of PROTOCOL.md section 5, e.g. GET_VIN)', input: name });
      } else if (!isAnalog(name as CommandName) && (override.percent !== undefined || override.counts !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['commands', name], message: `${name} is digital: its fields always match exactly; only "replyTimeMs" applies`, input: override });
      }
    }
  });

/** True for the readings compared within a band. */
export function isAnalog(command: CommandName): boolean {
  return ADC_COMMANDS.includes(command) || POWER_COMMANDS.includes(command);
}

/** The band for a command's raw reading, or undefined for a digital command. */
export function bandFor(tolerance: Tolerance, command: CommandName): Band | undefined {
  if (!isAnalog(command)) return undefined;
  const base = POWER_COMMANDS.includes(command) ? tolerance.power : tolerance.analog;
  const override = tolerance.commands[command];
  return { percent: override?.percent ?? base.percent, counts: override?.counts ?? base.counts };
}

/** The reply-time tolerance for a command, ms. */
export function replyTimeFor(tolerance: Tolerance, command: CommandName | undefined): number {
  return (command === undefined ? undefined : tolerance.commands[command]?.replyTimeMs) ?? tolerance.replyTimeMs;
}

/** The allowed difference for a recorded raw value within a band. */
export function allowedDifference(b: Band, recorded: number): number {
  return Math.max((b.percent / 100) * Math.abs(recorded), b.counts);
}

/** Parse a tolerance file over the defaults; throws ConfigError (board-model/ConfigError.ts) naming the file and the field. */
export function parseTolerance(text: string, source: string): Tolerance {
  const parsed = validate(toleranceSchema, withoutSchemaKey(parseJsonText(text, source)), source);
  return {
    replyTimeMs: parsed.replyTimeMs ?? DEFAULT_TOLERANCE.replyTimeMs,
    analog: { ...DEFAULT_TOLERANCE.analog, ...stripUndefined(parsed.analog) },
    power: { ...DEFAULT_TOLERANCE.power, ...stripUndefined(parsed.power) },
    commands: parsed.commands ?? {},
  };
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
