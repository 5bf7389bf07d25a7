/**
 * Durations as people write them in scenario and profile files ("250ms", "90s", "1.5m",
 * "1h30m") and as timelines print them ("1h02m03.250s", "12.5s"). Everything is ms inside.
 */

/** Milliseconds per unit, largest first: the only units a duration may use. */
export const DURATION_UNITS = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;

/** A unit of DURATION_UNITS. */
export type DurationUnit = keyof typeof DURATION_UNITS;

/** The longest duration anything accepts (ms): 100000 h, about 11 years of virtual time. */
export const MAX_DURATION_MS = 100_000 * DURATION_UNITS.h;

const UNIT_LIST = 'units ms, s, m, h';
const NUMBER = String.raw`(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?`;
const BARE = new RegExp(`^${NUMBER}$`);
const PART = new RegExp(`(${NUMBER})\\s*(ms|h|m|s)\\s*`, 'y');
const RANK: Record<DurationUnit, number> = { h: 0, m: 1, s: 2, ms: 3 };

/** Round to whole microseconds so "1.1s" is 1100 ms, not 1100.0000000000002. */
function roundUs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function notADuration(text: string, why = ''): Error {
  return new Error(`${JSON.stringify(text)} is not a duration (${UNIT_LIST}${why})`);
}

function tooLong(text: string | number): Error {
  return new Error(`${typeof text === 'string' ? JSON.stringify(text) : text} is too long (at most 100000h, ${MAX_DURATION_MS} ms)`);
}

/**
 * Parse a duration to ms: "250ms", "90s", "1.5m", "24h", "1h30m", "1h 02m 03.250s", "1e3s"; a
 * bare number (or numeric string) is ms. Units go largest first, each at most once. One rule
 * for every duration: finite, >= 0 and at most MAX_DURATION_MS (100000 h). Throws an Error
 * quoting the text and naming the accepted units or the maximum.
 */
export function parseDuration(text: string | number): number {
  const ms = parseUnbounded(text);
  if (ms > MAX_DURATION_MS) throw tooLong(text);
  return ms;
}

function parseUnbounded(text: string | number): number {
  if (typeof text === 'number') {
    if (Number.isFinite(text) && text >= 0) return text;
    throw new Error(`${text} is not a duration (a bare number is ms and must be finite and >= 0)`);
  }
  if (typeof text !== 'string') throw notADuration(String(text));
  const src = text.trim().toLowerCase();
  if (src === '') throw notADuration(text);
  if (BARE.test(src)) return roundUs(Number(src));
  let total = 0;
  let lastRank = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < src.length) {
    const at = PART.lastIndex;
    const m = PART.exec(src);
    if (m === null || m.index !== at) throw notADuration(text);
    const unit = m[2] as DurationUnit;
    if (RANK[unit] <= lastRank) throw notADuration(text, '; each unit once, largest first, as in 1h30m');
    lastRank = RANK[unit];
    total += Number(m[1]) * DURATION_UNITS[unit];
  }
  return roundUs(total);
}

/** Decimal digits of a value, up to `max`, without trailing zeros ("12.5", "3"). */
function trimmed(value: number, max: number): string {
  return value.toFixed(max).replace(/\.?0+$/, '');
}

/**
 * Compact, parseable form of a duration in ms for timelines: "250ms", "12.5s", "1m30s",
 * "1h02m03.250s" (minutes and seconds zero-padded once a larger unit is present, and the
 * millisecond part fixed at 3 digits there so columns line up). Round-trips through
 * parseDuration to the microsecond.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const us = Math.round(ms * 1000); // integer microseconds: no float drift below
  if (us === 0) return '0s';
  if (us < 1_000_000) return `${trimmed(us / 1000, 3)}ms`;
  if (us < 60_000_000) return `${trimmed(us / 1_000_000, 6)}s`;
  const hours = Math.floor(us / 3_600_000_000);
  const minutes = Math.floor((us % 3_600_000_000) / 60_000_000);
  const secUs = us % 60_000_000;
  const whole = Math.floor(secUs / 1_000_000);
  const fracUs = secUs % 1_000_000;
  const frac = fracUs === 0 ? '' : `.${String(fracUs).padStart(6, '0').replace(/(\d{3}\d*?)0*$/, '$1')}`;
  const sec = `${String(whole).padStart(2, '0')}${frac}s`;
  return hours > 0 ? `${hours}h${String(minutes).padStart(2, '0')}m${sec}` : `${minutes}m${sec}`;
}
