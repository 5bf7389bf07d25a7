/**
 * The arithmetic of a steady heartbeat: a pulse train high for highMs, then low until the next
 * rise periodMs after the last. Edge times are computed exactly as a chain of clock timers would
 * compute them (each deadline = previous deadline + delay, in floating point), so a train stepped
 * here lands on the very same millisecond values as the timers of an eagerly driven line.
 */

/** Where a train is: its last edge (ms, level after it), rising edges so far and the last one. */
export interface TrainPoint {
  /** Time of the last edge (ms). */
  at: number;
  /** Level after that edge: true = high (the edge was a rise). */
  high: boolean;
  /** Rising edges so far. */
  rises: number;
  /** Time of the last rising edge (ms), undefined before the first. */
  lastRiseAt: number | undefined;
}

/** A pulse train stepped edge by edge; times in ms. */
export class PulseTrain {
  /** Low time between pulses (ms): periodMs - highMs, as the daemon computes it. */
  readonly lowMs: number;
  at: number;
  high: boolean;
  rises: number;
  lastRiseAt: number | undefined;

  /** A train of pulses highMs long every periodMs, whose last edge is `from`. */
  constructor(readonly highMs: number, readonly periodMs: number, from: TrainPoint) {
    this.lowMs = periodMs - highMs;
    this.at = from.at;
    this.high = from.high;
    this.rises = from.rises;
    this.lastRiseAt = from.lastRiseAt;
  }

  /** Time of the next edge (ms). */
  get nextEdgeAt(): number {
    return this.at + (this.high ? this.highMs : this.lowMs);
  }

  /** Delay from the last edge to the next (ms): the delay the last edge's timer would have set. */
  get nextDelayMs(): number {
    return this.high ? this.highMs : this.lowMs;
  }

  /** Take the next edge. */
  step(): void {
    this.at = this.nextEdgeAt;
    this.high = !this.high;
    if (this.high) {
      this.rises++;
      this.lastRiseAt = this.at;
    }
  }

  /** Take every edge due at a time for which `passed` is true (edges come in time order). */
  catchUp(passed: (t: number) => boolean): void {
    while (passed(this.nextEdgeAt)) this.step();
  }

  /** Take every edge due before t (ms), and those due at t too when `atT`: catchUp without a call per edge. */
  catchUpTo(t: number, atT: boolean): void {
    const { highMs, lowMs } = this;
    let at = this.at;
    let high = this.high;
    let rises = this.rises;
    let lastRiseAt = this.lastRiseAt;
    for (;;) {
      const next = at + (high ? highMs : lowMs);
      if (!(next < t || (atT && next === t))) break;
      at = next;
      high = !high;
      if (high) {
        rises++;
        lastRiseAt = at;
      }
    }
    this.at = at;
    this.high = high;
    this.rises = rises;
    this.lastRiseAt = lastRiseAt;
  }

  /** The train's state now, as a plain point. */
  point(): TrainPoint {
    return { at: this.at, high: this.high, rises: this.rises, lastRiseAt: this.lastRiseAt };
  }

  /** Times of the edges from the last one up to and including the first at or after t (ms). */
  edgesThrough(t: number): number[] {
    const train = new PulseTrain(this.highMs, this.periodMs, this);
    const out = [train.at];
    while (train.at < t) {
      train.step();
      out.push(train.at);
    }
    return out;
  }
}
