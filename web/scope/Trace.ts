/**
 * One recorded signal: its changes in virtual time, as a step function (a value holds until the
 * next change). Bounded: at most `cap` changes are kept, the oldest dropped in batches; `since`
 * says from when on the trace is complete. Browser-safe, pure.
 */

/** Analog (a number with a unit) or digital (0 or 1). */
export type TraceKind = 'analog' | 'digital';

/** What a trace records. */
export interface TraceInfo {
  /** Short name, unique within a board: a CSV column and a VCD variable ("pi0_volts"). */
  readonly key: string;
  /** Label on the scope ("Pi 0 V"). */
  readonly label: string;
  readonly kind: TraceKind;
  /** Unit of an analog trace ("V", "A"); "" for digital. */
  readonly unit: string;
}

/** Changes kept per trace by default: hours of a heartbeat (2 changes per 5.2 s period: 11.8 h). */
export const TRACE_CAP = 16_384;

/** A bounded step-function trace. */
export class Trace {
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  private sinceMs: number;
  /** Changes ever recorded (dropped ones included). */
  total = 0;

  /** @param startMs virtual time recording starts (ms); @param cap most changes kept. */
  constructor(readonly info: TraceInfo, startMs: number, readonly cap = TRACE_CAP) {
    if (!(cap >= 2)) throw new Error(`Trace: "cap" must be at least 2, got ${cap}`);
    this.sinceMs = startMs;
  }

  /** From this virtual time on (ms) every change is kept: the recording's start, or the first kept change once older ones were dropped. */
  get since(): number {
    return this.sinceMs;
  }

  /** Changes kept now. */
  get length(): number {
    return this.times.length;
  }

  /** Time of the i-th kept change (ms). */
  timeAt(i: number): number {
    return this.times[i]!;
  }

  /** Value of the i-th kept change. */
  valueOf(i: number): number {
    return this.values[i]!;
  }

  /** The last value recorded, or undefined before any. */
  get last(): number | undefined {
    return this.values[this.values.length - 1];
  }

  /**
   * Record a value at time t (ms). Equal to the value holding at t: nothing is kept. At the same
   * time as the last change: the later value replaces it (the settled value of that instant). A
   * time before the last change (a bus transmission is reported at its end) is inserted in order.
   */
  set(t: number, value: number): void {
    const n = this.times.length;
    const lastT = this.times[n - 1];
    if (lastT === undefined || t > lastT) {
      if (this.values[n - 1] === value) return;
      this.push(t, value);
      return;
    }
    if (t === lastT) {
      this.values[n - 1] = value;
      if (n >= 2 && this.values[n - 2] === value) {
        this.times.pop();
        this.values.pop();
      }
      return;
    }
    if (t < this.sinceMs) return; // older than the kept history
    const i = this.indexAfter(t);
    if (this.values[i - 1] === value) return;
    this.times.splice(i, 0, t);
    this.values.splice(i, 0, value);
    this.total++;
    this.trim();
  }

  /** The value holding at time t (ms): the last change at or before t; undefined before the first kept change. */
  valueAt(t: number): number | undefined {
    const i = this.indexAfter(t);
    return i === 0 ? undefined : this.values[i - 1];
  }

  /** Index of the first kept change after time t (ms) (binary search). */
  indexAfter(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Rising edges (0 to non-zero) kept at times in [from, to] (ms): a digital trace's pulses. The first kept change is a start value, not an edge. */
  risingEdges(from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): number {
    let n = 0;
    for (let i = 1; i < this.times.length && this.times[i]! <= to; i++) {
      if (this.times[i]! >= from && this.values[i - 1] === 0 && this.values[i] !== 0) n++;
    }
    return n;
  }

  private push(t: number, value: number): void {
    this.times.push(t);
    this.values.push(value);
    this.total++;
    this.trim();
  }

  /** Drop the oldest quarter once over the cap (amortised: no shift per sample). */
  private trim(): void {
    if (this.times.length <= this.cap) return;
    const drop = this.times.length - this.cap + (this.cap >> 2);
    this.times.splice(0, drop);
    this.values.splice(0, drop);
    this.sinceMs = this.times[0]!;
  }
}
