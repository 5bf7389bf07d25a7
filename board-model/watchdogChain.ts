/**
 * A heartbeat watchdog's timer chain on a lazy line (issue 14 item 6). Armed on a steady pulse
 * train, the watchdog's timer fires, finds a newer beat, and re-arms for last rise + HBT_TIME:
 * with HBT_TIME longer than the period it can never expire, so the chain is computed here
 * (pulseTrains.ts) instead of fired, and becomes a real timer again, exactly where the chain
 * would be, when the line stops being lazy or HBT_TIME changes. Only for an HBT_TIME that keeps
 * the chain off the train's own edges (not a multiple of the period, nor one plus the high time):
 * then no timer of the chain meets an edge of its line in the same millisecond.
 */
import { PulseTrain, type TrainPoint } from './pulseTrain.ts';
import type { LazyChain } from './pulseTrains.ts';

/** Can a watchdog with this HBT_TIME (ms) run as a computed chain on a train of this shape (ms)? */
export function chainable(hbtTimeMs: number, train: { periodMs: number; highMs: number }): boolean {
  const { periodMs, highMs } = train;
  if (!(hbtTimeMs > periodMs)) return false; // a beat arrives before every deadline
  const phase = hbtTimeMs % periodMs;
  // A whole ms clear of the rises and falls, far beyond any rounding of chained sums.
  return Math.min(phase, periodMs - phase) > 1 && Math.abs(phase - highMs) > 1;
}

/** The chain: its pending timer's deadline (ms), re-armed at each for the last rise before it + HBT_TIME. */
export class WatchdogChain implements LazyChain {
  readonly periodMs: number;
  readonly highMs: number;
  private pending: number;
  private readonly rises: PulseTrain;
  private readonly from: TrainPoint;

  /**
   * Start at `startAt` (now, ms: the watchdog's timer firing there re-armed for `deadline`), on
   * `train`, a copy of the line's lazy train caught up to now.
   */
  constructor(train: PulseTrain, private readonly hbtTimeMs: number, private readonly startAt: number, private readonly deadline: number, readonly wake: (at: number) => void) {
    this.periodMs = train.periodMs;
    this.highMs = train.highMs;
    this.rises = train;
    this.from = train.point();
    this.pending = deadline;
  }

  /** Files by the phase of its deadlines. */
  gridTime(): number {
    return this.pending;
  }

  pendingAt(): number {
    return this.pending;
  }

  catchUpTo(t: number, atT: boolean): void {
    while (this.pending < t || (atT && this.pending === t)) this.pending = WatchdogChain.next(this.rises, this.pending, this.hbtTimeMs);
  }

  eventsThrough(at: number): number[] {
    const rises = new PulseTrain(this.highMs, this.periodMs, this.from);
    const out = [this.startAt];
    for (let t = this.deadline; ; t = WatchdogChain.next(rises, t, this.hbtTimeMs)) {
      out.push(t);
      if (t >= at) return out;
    }
  }

  /** The deadline a timer firing at `firesAt` re-arms for: the last rise before it + HBT_TIME (`rises` steps on). */
  private static next(rises: PulseTrain, firesAt: number, hbtTimeMs: number): number {
    rises.catchUpTo(firesAt, false);
    return (rises.lastRiseAt as number) + hbtTimeMs;
  }
}
