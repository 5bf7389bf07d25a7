/**
 * Measurements and their validators: a value (or none, when it could not be taken) checked
 * against plan limits, and the text both take in progress lines and reports.
 */
import type { Limits } from './planSchema.ts';

/** Limits with symbols ("$id") replaced by numbers. */
export interface ResolvedLimits {
  readonly unit?: string;
  readonly low?: number;
  readonly high?: number;
  readonly equals?: number;
  readonly oneOf?: readonly number[];
}

/** One measurement of a step with its verdict: 'pass', 'fail', or 'none' (informational, no limits). */
export interface MeasurementResult {
  /** Name within its step, e.g. "GET_5V", "trip time", "pi0 read-back". */
  readonly name: string;
  /** The value, or null when it could not be measured (no reply, timed out). */
  readonly value: number | null;
  /** Unit of the value: V, A, W, s, count, or '' for plain values. */
  readonly unit: string;
  /** The limits it was checked against (absent: informational). */
  readonly limits?: ResolvedLimits;
  /** Verdict. */
  readonly outcome: 'pass' | 'fail' | 'none';
  /** Why it failed or how it was taken (resolution of a timing, what answered instead). */
  readonly detail?: string;
}

/** Values the symbols of `equals` stand for. */
export interface LimitSymbols {
  /** The board ID under test ($id). */
  id: number;
}

/** Replace "$id" / "$prefix" by the board's ID and prefix. */
export function resolveLimits(limits: Limits, symbols: LimitSymbols): ResolvedLimits {
  const { equals, ...rest } = limits;
  const value = equals === '$id' ? symbols.id : equals === '$prefix' ? symbols.id & 0xf0 : equals;
  const out: { -readonly [K in keyof ResolvedLimits]: ResolvedLimits[K] } = {};
  if (rest.unit !== undefined) out.unit = rest.unit;
  if (rest.low !== undefined) out.low = rest.low;
  if (rest.high !== undefined) out.high = rest.high;
  if (value !== undefined) out.equals = value;
  if (rest.oneOf !== undefined) out.oneOf = rest.oneOf;
  return out;
}

/** True when `value` meets the limits; a missing value never does. */
export function withinLimits(value: number | null, limits: ResolvedLimits): boolean {
  if (value === null || Number.isNaN(value)) return false;
  if (limits.equals !== undefined) return value === limits.equals;
  if (limits.oneOf !== undefined) return limits.oneOf.includes(value);
  return (limits.low === undefined || value >= limits.low) && (limits.high === undefined || value <= limits.high);
}

/** A measurement checked against its limits. */
export function measured(name: string, value: number | null, unit: string, limits: ResolvedLimits, detail?: string): MeasurementResult {
  return { name, value, unit, limits, outcome: withinLimits(value, limits) ? 'pass' : 'fail', ...(detail === undefined ? {} : { detail }) };
}

/** An informational measurement (no limits). */
export function noted(name: string, value: number | null, unit: string, detail?: string): MeasurementResult {
  return { name, value, unit, outcome: 'none', ...(detail === undefined ? {} : { detail }) };
}

const DECIMALS: Readonly<Record<string, number>> = { V: 3, A: 3, W: 2, s: 2, ms: 1 };

/** A value with its unit at a sensible precision: "5.071 V", "0.452 A", "5.02 s", "3"; "none" for null. */
export function formatValue(value: number | null, unit: string): string {
  if (value === null) return 'none';
  const decimals = DECIMALS[unit];
  const text = decimals === undefined ? String(Math.round(value * 1000) / 1000) : value.toFixed(decimals);
  return unit === '' || unit === 'count' ? text : `${text} ${unit}`;
}

/** Limits as text: "4.750..5.250 V", ">= 1", "<= 0", "= 4", "one of 2, 3". */
export function formatLimits(limits: ResolvedLimits | undefined, unit: string): string {
  if (limits === undefined) return '';
  if (limits.equals !== undefined) return `= ${formatValue(limits.equals, unit)}`;
  if (limits.oneOf !== undefined) return `one of ${limits.oneOf.map((v) => formatValue(v, unit)).join(', ')}`;
  const { low, high } = limits;
  if (low !== undefined && high !== undefined) return `${formatValue(low, unit).split(' ')[0]}..${formatValue(high, unit)}`;
  if (low !== undefined) return `>= ${formatValue(low, unit)}`;
  return `<= ${formatValue(high ?? 0, unit)}`;
}

/** One measurement as a line: "GET_5V = 5.071 V (4.750..5.250 V) PASS". */
export function formatMeasurement(m: MeasurementResult): string {
  const limits = m.limits ? ` (${formatLimits(m.limits, m.unit)})` : '';
  const verdict = m.outcome === 'none' ? '' : ` ${m.outcome.toUpperCase()}`;
  return `${m.name} = ${formatValue(m.value, m.unit)}${limits}${verdict}${m.detail ? `: ${m.detail}` : ''}`;
}
