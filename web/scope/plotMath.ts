/**
 * The scope plot's arithmetic, apart from the canvas (ScopePlot.ts): a trace's value in words,
 * an analog lane's vertical range, the followed window snapped to whole device pixels (so a
 * frame can move the drawn plot by whole pixels and draw only the new strip), and whether a
 * trace only grew at its end since it was drawn. Browser-safe, pure.
 */
import type { Trace } from './Trace.ts';

/** Minimum visible range of an analog lane per unit, so noise-free flat lines are not blown up. */
export const MIN_RANGE: Readonly<Record<string, number>> = { V: 1, A: 0.1 };

/** A trace's value at time `at` (ms) as the readout and the lane label show it ("12.00 V", "0.400 A", "high"; "–" before any). */
export function valueText(trace: Trace, at: number): string {
  const v = trace.valueAt(at);
  if (v === undefined) return '–';
  if (trace.info.kind === 'digital') return v ? 'high' : 'low';
  return `${v.toFixed(trace.info.unit === 'A' ? 3 : 2)} ${trace.info.unit}`;
}

/** Vertical range [lo, hi] of a lane for the window [start, end] (ms): at least MIN_RANGE (analog) or [0, 1] (digital), 10 % headroom above an analog peak. */
export function laneRange(trace: Trace, start: number, end: number): [number, number] {
  if (trace.info.kind !== 'analog') return [0, 1];
  let lo = 0;
  let hi = MIN_RANGE[trace.info.unit] ?? 1;
  const consider = (v: number | undefined): void => {
    if (v === undefined) return;
    if (v > hi) hi = v;
    if (v < lo) lo = v;
  };
  consider(trace.valueAt(start));
  for (let i = trace.indexAfter(start); i < trace.length && trace.timeAt(i) <= end; i++) consider(trace.valueOf(i));
  return [lo, hi * 1.1];
}

/**
 * The followed window snapped to the device-pixel grid: its end is the first whole pixel
 * (`step` ms wide) at or after `end`, counted from time 0, so two frames' windows differ by a
 * whole number of pixels (`endPx` minus the other's).
 */
export function snapWindow(end: number, span: number, plotDevicePx: number): { start: number; end: number; endPx: number } {
  const step = span / Math.max(1, plotDevicePx);
  const endPx = Math.ceil(end / step - 1e-9);
  return { start: endPx * step - span, end: endPx * step, endPx };
}

/** What a trace looked like when it was drawn (TraceMemo.of), to tell later whether it only grew at its end. */
export interface TraceMemo {
  readonly since: number;
  readonly length: number;
  readonly total: number;
  readonly lastT: number | undefined;
  readonly lastV: number | undefined;
}

/** The memo of a trace now. */
export function memoOf(trace: Trace): TraceMemo {
  const n = trace.length;
  return { since: trace.since, length: n, total: trace.total, lastT: n > 0 ? trace.timeAt(n - 1) : undefined, lastV: trace.last };
}

/**
 * True when, since `memo`, the trace only gained changes at times at or after `from` (ms): what
 * was drawn before `from` still stands. False after a change inserted earlier, a same-time value
 * replaced, or old changes dropped.
 */
export function grewOnlyAfter(trace: Trace, memo: TraceMemo, from: number): boolean {
  if (trace.since !== memo.since) return false;
  const added = trace.total - memo.total;
  if (trace.length - memo.length !== added) return false; // a change merged away or dropped
  if (memo.length > 0 && (trace.timeAt(memo.length - 1) !== memo.lastT || trace.valueOf(memo.length - 1) !== memo.lastV)) return false;
  return added === 0 || trace.timeAt(trace.length - added) >= from;
}
