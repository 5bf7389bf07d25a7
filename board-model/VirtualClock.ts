/**
 * Virtual time for the simulator (STYLE.md rule 2). Timers live in a binary min-heap ordered
 * by (deadline, insertion sequence), so they fire in deadline order and FIFO for equal
 * deadlines. Unlike XState's SimulatedClock, one big advance() fires a periodic timer once
 * per period, and re-arming a timer costs O(log n) instead of a full re-sort.
 */
import type { Clock, TimerHandle } from '../bus-protocol/clock.ts';

/** One scheduled callback; also the opaque handle setTimeout returns. */
class Timer {
  constructor(
    /** Virtual time it is due at (ms). */
    readonly deadline: number,
    /** Insertion order, the tie-break for equal deadlines. */
    readonly seq: number,
    /** Cleared by clearTimeout or consumed when fired; dead timers stay in the heap until popped. */
    public fn: (() => void) | undefined,
    readonly owner: VirtualClock,
  ) {}
}

/** A Clock whose time only moves when told to (advance, advanceTo, runNext); times in ms. */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #live = 0;
  #fired = 0;
  #firing = false;
  // True once an advance has reached now (every timer due by now fired); false right after a
  // single timer fired at now, while later timers due at now may still be pending.
  #passed = true;
  // The time the last advance reached: a timer due then but created afterwards fires after
  // everything due then that existed, so the moment stays passed while it runs.
  #passedTo: number;
  #onSchedule: ((deadline: number) => void) | undefined;
  // The binary heap as parallel arrays: comparisons read two contiguous typed arrays instead of
  // chasing Timer objects around memory. Entry i is #timers[i], due #deadlines[i], order #seqs[i].
  #size = 0;
  #timers: Timer[] = [];
  #deadlines = new Float64Array(64);
  #seqs = new Float64Array(64);

  /** Start at startMs (ms, default 0). */
  constructor(startMs = 0) {
    if (!Number.isFinite(startMs)) throw new RangeError(`VirtualClock: "startMs" must be a finite number of ms, got ${startMs}`);
    this.#now = startMs;
    this.#passedTo = startMs;
  }

  /** Current virtual time (ms). */
  now(): number {
    return this.#now;
  }

  /** Number of timers scheduled and neither fired nor cleared. */
  get pending(): number {
    return this.#live;
  }

  /** Number of timers fired since the clock was made (a measure of simulation work). */
  get fired(): number {
    return this.#fired;
  }

  /**
   * Call fn once, ms milliseconds from now. A negative or NaN delay counts as 0 (fires at
   * the next advance, even advance(0)); +Infinity never fires and is not counted as pending.
   */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    if (typeof fn !== 'function') throw new TypeError('VirtualClock.setTimeout: "fn" must be a function');
    const delay = ms > 0 ? ms : 0; // false for NaN and negatives
    if (delay === Infinity) return new Timer(Infinity, this.#seq++, undefined, this);
    return this.#add(fn, this.#now + delay);
  }

  /**
   * Call fn once at the absolute time t (ms, >= now()): for a timer whose deadline is known
   * exactly (now + (t - now) can differ from t by rounding). Ordered as setTimeout's timers.
   */
  setTimeoutAt(fn: () => void, t: number): TimerHandle {
    if (typeof fn !== 'function') throw new TypeError('VirtualClock.setTimeoutAt: "fn" must be a function');
    if (!(t >= this.#now) || !Number.isFinite(t)) throw new RangeError(`VirtualClock.setTimeoutAt: "t" must be a finite time >= now (${this.#now} ms), got ${t}`);
    return this.#add(fn, t);
  }

  /** Schedule fn at `deadline` (ms): the schedule hook first, then the timer takes its sequence number and its place in the heap. */
  #add(fn: () => void, deadline: number): Timer {
    // Before this timer takes its sequence number: the hook may schedule timers that must come first.
    if (this.#onSchedule !== undefined) this.#onSchedule(deadline);
    const timer = new Timer(deadline, this.#seq++, fn, this);
    this.#push(timer);
    this.#live++;
    return timer;
  }

  /** True for a handle of this clock's that is due to fire (neither fired nor cleared, nor set for +Infinity). */
  isPending(handle: TimerHandle): boolean {
    return handle instanceof Timer && handle.owner === this && handle.fn !== undefined;
  }

  /** Cancel a timer; unknown, foreign, fired or already-cleared handles are ignored. */
  clearTimeout(handle: TimerHandle): void {
    if (!this.isPending(handle)) return;
    (handle as Timer).fn = undefined;
    this.#live--;
    // Lazy deletion: compact when dead entries dominate, so cancel-and-re-arm loops (a
    // watchdog restarted by every heartbeat) cannot grow the heap without bound.
    if (this.#size > 64 && this.#size > 2 * this.#live) this.#compact();
  }

  /**
   * Has a moment at time t (ms) passed, for an event at t that comes after every timer due at t
   * created before it? True for t before now, and for t = now once an advance reached now (also
   * while a timer due then but scheduled after that advance runs); false while (and right
   * after) runNext fires a timer due at now before any advance reached now. Lazily computed signals (a steady
   * heartbeat: pulseTrains.ts) use it to tell whether their edge at now has happened yet.
   */
  hasPassed(t: number): boolean {
    return t < this.#now || (t === this.#now && this.#passed);
  }

  /**
   * Be told the deadline (ms) of every timer about to be scheduled, before it takes its place in
   * the order: the hook may schedule timers of its own that must fire first. One hook per clock
   * (pulseTrains.ts owns it); undefined removes it.
   */
  setScheduleHook(hook: ((deadline: number) => void) | undefined): void {
    this.#onSchedule = hook;
  }

  /** Deadline (ms) of the next live timer, or undefined when none is pending. */
  next(): number | undefined {
    return this.#peekLive()?.deadline;
  }

  /**
   * Move time forward by ms (>= 0), firing every timer due up to now + ms in order, with
   * now() set to each timer's deadline while it runs. Timers scheduled by a callback that
   * fall due within the window fire too. Afterwards now() is the target. A throwing callback
   * aborts the advance with now() left at its deadline.
   */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`VirtualClock.advance: "ms" must be a finite number >= 0, got ${ms}`);
    this.advanceTo(this.#now + ms);
  }

  /** Move time forward to the absolute time t (ms, >= now()), firing timers as advance() does. */
  advanceTo(t: number): void {
    if (!Number.isFinite(t) || t < this.#now) {
      throw new RangeError(`VirtualClock.advanceTo: "t" must be a finite time >= now (${this.#now} ms), got ${t}`);
    }
    this.#enter('advance');
    try {
      for (let timer = this.#peekLive(); timer !== undefined && timer.deadline <= t; timer = this.#peekLive()) {
        this.#fire(timer);
      }
      this.#now = t;
      this.#passed = true;
      this.#passedTo = t;
    } finally {
      this.#firing = false;
    }
  }

  /** Jump to the next live timer's deadline and fire it; false (time unchanged) when none is pending. */
  runNext(): boolean {
    return this.runNextUntil(Number.POSITIVE_INFINITY);
  }

  /**
   * As runNext(), but only if the next live timer is due at or before t (ms): one step of
   * advanceTo(t) for callers that do work between timers. False (time unchanged) otherwise.
   */
  runNextUntil(t: number): boolean {
    this.#enter('runNext');
    try {
      const timer = this.#peekLive();
      if (timer === undefined || timer.deadline > t) return false;
      this.#fire(timer);
      return true;
    } finally {
      this.#firing = false;
    }
  }

  #enter(what: string): void {
    // A nested advance could move time past the outer target and then back: forbid it.
    if (this.#firing) throw new Error(`VirtualClock.${what}: called from inside a timer callback`);
    this.#firing = true;
  }

  #fire(timer: Timer): void {
    this.#pop();
    const fn = timer.fn as () => void;
    timer.fn = undefined;
    this.#live--;
    this.#fired++;
    this.#now = timer.deadline;
    if (timer.deadline !== this.#passedTo) this.#passed = false;
    fn();
  }

  /** Top of the heap after discarding cleared timers. */
  #peekLive(): Timer | undefined {
    const timers = this.#timers;
    while (this.#size > 0 && (timers[0] as Timer).fn === undefined) this.#pop();
    return this.#size > 0 ? timers[0] : undefined;
  }

  #push(timer: Timer): void {
    if (this.#size === this.#deadlines.length) this.#grow();
    this.#siftUp(this.#size++, timer);
  }

  /** Put `timer` in the hole at `start` and move it up to its place. */
  #siftUp(start: number, timer: Timer): void {
    const timers = this.#timers;
    const deadlines = this.#deadlines;
    const seqs = this.#seqs;
    const d = timer.deadline;
    const q = timer.seq;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pd = deadlines[parent] as number;
      if (!(d < pd || (d === pd && q < (seqs[parent] as number)))) break;
      timers[i] = timers[parent] as Timer;
      deadlines[i] = pd;
      seqs[i] = seqs[parent] as number;
      i = parent;
    }
    timers[i] = timer;
    deadlines[i] = d;
    seqs[i] = q;
  }

  #pop(): void {
    const n = --this.#size;
    const timers = this.#timers;
    const last = timers[n] as Timer;
    timers[n] = undefined as unknown as Timer; // let the fired timer go
    if (n === 0) return;
    // Floyd's pop: walk the hole at the root down to a leaf along the earlier child (one
    // comparison per level, not two), then put the last entry there and sift it up; it comes
    // from the bottom, so it seldom climbs. Same heap order as a plain sift-down.
    const deadlines = this.#deadlines;
    const seqs = this.#seqs;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n) {
        const rd = deadlines[right] as number;
        const cd = deadlines[child] as number;
        if (rd < cd || (rd === cd && (seqs[right] as number) < (seqs[child] as number))) child = right;
      }
      timers[i] = timers[child] as Timer;
      deadlines[i] = deadlines[child] as number;
      seqs[i] = seqs[child] as number;
      i = child;
    }
    this.#siftUp(i, last);
  }

  /** Put `timer` at `start` and move it down to its place (heap of #size entries). */
  #siftDown(start: number, timer: Timer): void {
    const timers = this.#timers;
    const deadlines = this.#deadlines;
    const seqs = this.#seqs;
    const n = this.#size;
    const d = timer.deadline;
    const q = timer.seq;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let cd = deadlines[child] as number;
      const right = child + 1;
      if (right < n) {
        const rd = deadlines[right] as number;
        if (rd < cd || (rd === cd && (seqs[right] as number) < (seqs[child] as number))) {
          child = right;
          cd = rd;
        }
      }
      if (!(cd < d || (cd === d && (seqs[child] as number) < q))) break;
      timers[i] = timers[child] as Timer;
      deadlines[i] = cd;
      seqs[i] = seqs[child] as number;
      i = child;
    }
    timers[i] = timer;
    deadlines[i] = d;
    seqs[i] = q;
  }

  #grow(): void {
    const deadlines = new Float64Array(this.#deadlines.length * 2);
    deadlines.set(this.#deadlines);
    this.#deadlines = deadlines;
    const seqs = new Float64Array(this.#seqs.length * 2);
    seqs.set(this.#seqs);
    this.#seqs = seqs;
  }

  #compact(): void {
    const timers = this.#timers;
    let k = 0;
    for (let i = 0; i < this.#size; i++) {
      const t = timers[i] as Timer;
      if (t.fn !== undefined) timers[k++] = t;
    }
    for (let i = k; i < this.#size; i++) timers[i] = undefined as unknown as Timer;
    this.#size = k;
    for (let i = 0; i < k; i++) {
      this.#deadlines[i] = (timers[i] as Timer).deadline;
      this.#seqs[i] = (timers[i] as Timer).seq;
    }
    for (let i = (k >> 1) - 1; i >= 0; i--) this.#siftDown(i, timers[i] as Timer);
  }
}
