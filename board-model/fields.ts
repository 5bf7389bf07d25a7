/**
 * Zod field builders shared by the profile, stack and scenario schemas, so that every range
 * error reads the same way: `must be 0..15, got 17`.
 */
import { z } from 'zod';
import { parseDuration } from './duration.ts';
import { describeValue } from './ConfigError.ts';
import { hexByte } from '../bus-protocol/hex.ts';

/** Whole number in min..max inclusive (unitless; the caller documents the unit); `asHex` prints bounds as 0xNN. */
export function intIn(min: number, max: number, asHex = false) {
  const show = asHex ? hexByte : String;
  return z.number().superRefine((v, ctx) => {
    if (Number.isInteger(v) && v >= min && v <= max) return;
    const kind = Number.isInteger(v) ? '' : 'a whole number ';
    ctx.addIssue({ code: 'custom', message: `must be ${kind}${show(min)}..${show(max)}, got ${v}`, input: v });
  }).meta({ type: 'integer', minimum: min, maximum: max }); // the range in the JSON Schemas (schemas/), which cannot read the refinement
}

/** A byte value 0..255. */
export const u8 = intIn(0, 255);

/** ID prefix: the high nibble, 0x00..0xF0 in steps of 16 (PROTOCOL.md section 4). */
export const prefixField = z.number().superRefine((v, ctx) => {
  if (Number.isInteger(v) && v >= 0 && v <= 0xf0 && v % 16 === 0) return;
  ctx.addIssue({ code: 'custom', message: `must be a multiple of 16 in 0x00..0xF0 (the high nibble of the ID), got ${v}`, input: v });
}).meta({ type: 'integer', minimum: 0, maximum: 0xf0, multipleOf: 16 });

/** Real number in min..max inclusive, any unit. */
export function realIn(min: number, max: number) {
  return z.number().superRefine((v, ctx) => {
    if (v >= min && v <= max) return;
    ctx.addIssue({ code: 'custom', message: `must be ${min}..${max}, got ${v}`, input: v });
  }).meta({ minimum: min, maximum: max });
}

/** Real number >= 0, any unit (times in ms, currents in A, ...). */
export const nonNegative = z.number().superRefine((v, ctx) => {
  if (v >= 0) return;
  ctx.addIssue({ code: 'custom', message: `must be >= 0, got ${v}`, input: v });
}).meta({ minimum: 0 });

/** Real number > 0, any unit. */
export const positive = z.number().superRefine((v, ctx) => {
  if (v > 0) return;
  ctx.addIssue({ code: 'custom', message: `must be above 0, got ${v}`, input: v });
}).meta({ exclusiveMinimum: 0 });

/** Non-empty string. */
export const nonEmpty = z.string().min(1);

/** A duration: text such as "90s" or "1h30m", or a number of ms; parses to ms (see duration.ts). */
export const durationField = z.unknown().transform((v, ctx): number => {
  if (typeof v !== 'string' && typeof v !== 'number') {
    const message = v === undefined ? 'missing (expected a duration such as "90s")' : `expected a duration such as "90s" or a number of ms, got ${describeValue(v)}`;
    ctx.addIssue({ code: 'custom', message, input: v });
    return z.NEVER;
  }
  try {
    return parseDuration(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message, input: v });
    return z.NEVER;
  }
}).meta({ type: ['string', 'number'], description: 'a duration: text such as "90s", "1h30m" (units ms, s, m, h) or a number of ms' });

/** Seed of the simulator's random generators: an unsigned 32-bit integer. */
export const seedField = intIn(0, 0xffffffff);

/**
 * A time in ms within physical bounds min..max (inclusive); the error states both bounds and
 * why, e.g. `must be 1..3600000 ms (a timer unit shorter than 1 ms makes the simulator run away), got 0.001`.
 */
export function msIn(min: number, max: number, why: string) {
  return z.number().superRefine((v, ctx) => {
    if (v >= min && v <= max) return;
    ctx.addIssue({ code: 'custom', message: `must be ${min}..${max} ms (${why}), got ${v}`, input: v });
  }).meta({ minimum: min, maximum: max });
}
