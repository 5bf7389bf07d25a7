/**
 * Steady heartbeats without timers (issue 14 item 6). A heartbeat line nobody watches edge by
 * edge hands its pulse train to this registry ("lazy"): its level, rise count and last rise are
 * then computed from the clock when asked, and no timer fires per beat. When someone needs the
 * edges again, the line gets a real timer for its next edge ("wakes") and runs as before. A
 * port's watchdog on such a line does the same with its own timer chain (watchdogChain.ts):
 * both are LazyChains here, and the rules below hold for any chain.
 *
 * Exactness. A lazy train's next edge is a timer that would already exist had the line stayed
 * eager: created by the previous edge, so it fires before every timer due at the same time that
 * was created later. Hence the rules, which keep every order of events what the timers would give:
 * - The clock tells this registry the deadline of every timer about to be scheduled (before it
 *   takes its sequence number). A timer due exactly at a lazy train's pending edge wakes that
 *   train first, so the edge's timer is created before it, as it would have been.
 * - Any other timer due at a lazy edge's time was created before the edge (or the train went
 *   lazy after it), so it fires first: while it runs, the edge at now has not happened
 *   (VirtualClock.hasPassed).
 * - Trains woken together for the same time are ordered as their timers would have been: by when
 *   their edges were created, walking back edge by edge to where they went lazy (compareWake).
 */
import { VirtualClock } from './VirtualClock.ts';

/**
 * Something whose timers this registry computes instead of firing: a chain of events, each
 * created by the one before (a lazy pulse train's edges; a watchdog re-arming on a lazy line).
 */
export interface LazyChain {
  /** Period (ms) of the grid its events fall on, and the high time of its train: its shape. */
  readonly periodMs: number;
  readonly highMs: number;
  /** A time (ms) whose phase in the period files it: a rise for a train, the pending deadline for a watchdog chain. */
  gridTime(): number;
  /** Time of the pending event (ms): the first that has not passed. */
  pendingAt(): number;
  /** Take every event due before t (ms), and those due at t too when `atT`. */
  catchUpTo(t: number, atT: boolean): void;
  /** Times of its events from where it went lazy through `at` (ms): each created by the one before. */
  eventsThrough(at: number): number[];
  /** Become eager: create the real timer of the pending event, due at `at` (ms). */
  wake(at: number): void;
}

/** Where a lazy stretch began: in which order, and whether after every timer due then. */
interface LazyStart {
  readonly stamp: number;
  readonly atEnd: boolean;
  key: number;
}

/**
 * Lazy chains of one shape (period and high time, ms), filed by the 1/64-ms bucket of their
 * phase, with one bit per bucket set while it holds a chain: the check of every scheduled timer.
 * (Bits, not counts: a 5.2 s period has 332,800 buckets, and a simulator built per fuzz run
 * would otherwise clear 650 kB per shape.)
 */
interface Shape {
  readonly periodMs: number;
  readonly highMs: number;
  /** Number of buckets (bucketCount). */
  readonly n: number;
  readonly buckets: Map<number, Set<LazyChain>>;
  readonly occupied: Uint32Array;
}

/** True while bucket b of a shape holds a chain. */
function occupied(shape: Shape, b: number): boolean {
  return (shape.occupied[b >>> 5]! & (1 << (b & 31))) !== 0;
}

/** Take a chain out of its bucket, clearing the bucket's bit once it is empty. */
function leaveBucket(shape: Shape, key: number, line: LazyChain): void {
  const lines = shape.buckets.get(key)!;
  lines.delete(line);
  if (lines.size > 0) return;
  shape.buckets.delete(key);
  shape.occupied[key >>> 5] = shape.occupied[key >>> 5]! & ~(1 << (key & 31));
}

const NONE: LazyChain[] = [];

/** Catch every lazy chain up (and re-file it by phase) after this many scheduled timers, so rounding drift stays far below a bucket. */
const REFILE_EVERY = 1 << 16;

/** The lazy chains of one clock, filed by phase so that a scheduled timer finds those it may coincide with. */
export class PulseTrains {
  private readonly lazy = new Map<LazyChain, LazyStart>();
  /** Per train shape (period, high time): chains by phase bucket. */
  private readonly shapes = new Map<string, Shape>();
  private readonly shapeList: Shape[] = [];
  private stamps = 0;
  private untilRefile = REFILE_EVERY;
  private forcedEager = false;

  private constructor(readonly clock: VirtualClock) {}

  /** The registry of a clock, made on first use; undefined for clocks that cannot say where they are (not a VirtualClock). */
  static of(clock: unknown): PulseTrains | undefined {
    if (!(clock instanceof VirtualClock)) return undefined;
    let trains = REGISTRIES.get(clock);
    if (trains === undefined) {
      trains = new PulseTrains(clock);
      REGISTRIES.set(clock, trains);
    }
    return trains;
  }

  /** True when lines must run every edge on timers (setEager); nothing goes lazy then. */
  get eager(): boolean {
    return this.forcedEager;
  }

  /** Force every line of this clock to run its edges on timers from now on (true), or allow lazy trains again (false). */
  setEager(on: boolean): void {
    this.forcedEager = on;
    if (on) while (this.lazy.size > 0) this.wake(this.lazy.keys().next().value as LazyChain);
  }

  /** Number of chains (trains and watchdogs) running lazily now. */
  get size(): number {
    return this.lazy.size;
  }

  /** The earliest pending event of the lazy chains (ms) and how many are due then; undefined when none is lazy. */
  nextEvent(): { at: number; count: number } | undefined {
    let at = Number.POSITIVE_INFINITY;
    let count = 0;
    for (const chain of this.lazy.keys()) {
      this.catchUpChain(chain);
      const pending = chain.pendingAt();
      if (pending < at) {
        at = pending;
        count = 1;
      } else if (pending === at) {
        count++;
      }
    }
    return count === 0 ? undefined : { at, count };
  }

  /** Bring a lazy chain up to now (events that have passed); no-op for others. */
  catchUp(line: LazyChain): void {
    if (this.lazy.has(line)) this.catchUpChain(line);
  }

  /** A chain goes lazy: its last event is now (its own timer fired, or a train started). */
  add(line: LazyChain): void {
    const start: LazyStart = { stamp: this.stamps++, atEnd: this.clock.hasPassed(this.clock.now()), key: 0 };
    this.lazy.set(line, start);
    this.file(line, start);
    if (this.lazy.size === 1) this.clock.setScheduleHook((deadline) => this.scheduled(deadline));
  }

  /** A lazy chain ends without a timer (its train or watchdog stopped): caught up to now, then forgotten. */
  remove(line: LazyChain): void {
    if (!this.lazy.has(line)) return;
    this.catchUpChain(line);
    this.unfile(line);
  }

  /** Wake a lazy chain (its events on timers again), with every lazy chain whose pending event is due at the same time. */
  wake(line: LazyChain): void {
    if (!this.lazy.has(line)) return;
    this.catchUpChain(line);
    const at = line.pendingAt();
    const due = this.dueAt(at);
    this.wakeAll(at, due.includes(line) ? due : [...due, line]);
  }

  /** Bring a chain up to now: every event before now, and those at now once they have passed. */
  private catchUpChain(chain: LazyChain): void {
    const now = this.clock.now();
    chain.catchUpTo(now, this.clock.hasPassed(now));
  }

  private scheduled(deadline: number): void {
    if (--this.untilRefile <= 0) this.refile();
    const due = this.dueAt(deadline);
    if (due.length > 0) this.wakeAll(deadline, due);
  }

  /** Lazy chains whose pending event is due exactly at t (ms); called for every timer scheduled, so kept cheap. */
  private dueAt(t: number): LazyChain[] {
    let out: LazyChain[] | undefined;
    const shapes = this.shapeList;
    for (let s = 0; s < shapes.length; s++) {
      const shape = shapes[s]!;
      const { periodMs, n } = shape;
      // Rises at t have their phase in t's bucket, falls in that of t - highMs; a neighbour
      // bucket covers a phase that rounding moved across a bucket's edge. (A division, not %:
      // cheaper, and buckets need not be exact.)
      let rise = t - Math.floor(t / periodMs) * periodMs;
      if (rise < 0) rise += periodMs;
      let fall = rise - shape.highMs;
      if (fall < 0) fall += periodMs;
      for (let kind = 0; kind < 2; kind++) {
        let b = Math.floor((kind === 0 ? rise : fall) * BUCKETS_PER_MS);
        if (b >= n) b -= n;
        const before = b === 0 ? n - 1 : b - 1;
        const after = b === n - 1 ? 0 : b + 1;
        if (!occupied(shape, b) && !occupied(shape, before) && !occupied(shape, after)) continue;
        out = this.collect(shape, [before, b, after], t, out);
      }
    }
    return out ?? NONE;
  }

  /** Add the chains of these buckets whose pending event is due exactly at t (ms). */
  private collect(shape: Shape, keys: number[], t: number, out: LazyChain[] | undefined): LazyChain[] | undefined {
    for (const k of keys) {
      const lines = shape.buckets.get(k);
      if (lines === undefined) continue;
      for (const line of lines) {
        this.catchUpChain(line);
        if (line.pendingAt() !== t) continue;
        out ??= [];
        if (!out.includes(line)) out.push(line);
      }
    }
    return out;
  }

  private wakeAll(at: number, lines: LazyChain[]): void {
    if (lines.length > 1) {
      const edges = new Map(lines.map((line) => [line, line.eventsThrough(at)]));
      lines.sort((a, b) => this.compareWake(a, edges.get(a)!, b, edges.get(b)!));
    }
    for (const line of lines) this.unfile(line);
    for (const line of lines) line.wake(at);
  }

  /**
   * Which of two lazy events due at the same time would fire first as timers: the one created
   * first. Each was created by its chain's previous event; if those happened at the same time,
   * compare them the same way, back to where a chain went lazy (a real moment: in a timer due
   * then, so before any lazy event due then, unless after every timer due then; two real moments
   * by their order).
   */
  private compareWake(a: LazyChain, ea: number[], b: LazyChain, eb: number[]): number {
    const sa = this.lazy.get(a)!;
    const sb = this.lazy.get(b)!;
    let i = ea.length - 1;
    let j = eb.length - 1;
    for (;;) {
      const ca = ea[i - 1]!;
      const cb = eb[j - 1]!;
      if (ca !== cb) return ca < cb ? -1 : 1;
      i--;
      j--;
      if (i === 0 && j === 0) return sa.stamp - sb.stamp;
      if (i === 0) return sa.atEnd ? 1 : -1;
      if (j === 0) return sb.atEnd ? -1 : 1;
    }
  }

  private file(line: LazyChain, start: LazyStart): void {
    const { periodMs, highMs } = line;
    const name = `${periodMs}/${highMs}`;
    let shape = this.shapes.get(name);
    if (shape === undefined) {
      const n = bucketCount(periodMs);
      shape = { periodMs, highMs, n, buckets: new Map(), occupied: new Uint32Array(Math.ceil(n / 32)) };
      this.shapes.set(name, shape);
      this.shapeList.push(shape);
    }
    start.key = bucket(line.gridTime(), periodMs);
    let lines = shape.buckets.get(start.key);
    if (lines === undefined) {
      lines = new Set();
      shape.buckets.set(start.key, lines);
    }
    lines.add(line);
    shape.occupied[start.key >>> 5] = shape.occupied[start.key >>> 5]! | (1 << (start.key & 31));
  }

  private unfile(line: LazyChain): void {
    const start = this.lazy.get(line);
    if (start === undefined) return;
    leaveBucket(this.shapes.get(`${line.periodMs}/${line.highMs}`)!, start.key, line);
    this.lazy.delete(line);
    if (this.lazy.size === 0) this.clock.setScheduleHook(undefined);
  }

  private refile(): void {
    this.untilRefile = REFILE_EVERY;
    for (const [line, start] of this.lazy) {
      this.catchUpChain(line);
      leaveBucket(this.shapes.get(`${line.periodMs}/${line.highMs}`)!, start.key, line);
      this.file(line, start);
    }
  }
}

const REGISTRIES = new WeakMap<VirtualClock, PulseTrains>();

/** Buckets per ms of phase: fine enough that a timer seldom shares a bucket with a train it does not meet. */
const BUCKETS_PER_MS = 64;

/** Number of phase buckets of a period (ms). */
function bucketCount(periodMs: number): number {
  return Math.ceil(periodMs * BUCKETS_PER_MS);
}

/** Bucket (0 .. bucketCount - 1) of a time's phase in a period (ms). */
function bucket(t: number, periodMs: number): number {
  const phase = ((t % periodMs) + periodMs) % periodMs;
  return Math.floor(phase * BUCKETS_PER_MS) % bucketCount(periodMs);
}
