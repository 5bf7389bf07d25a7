/**
 * Steady heartbeats without timers (issue 14 item 6). A heartbeat line nobody watches edge by
 * edge hands its pulse train to this registry ("lazy"): its level, rise count and last rise are
 * then computed from the clock when asked, and no timer fires per beat. When someone needs the
 * edges again, the line gets a real timer for its next edge ("wakes") and runs as before.
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
import { PulseTrain, type TrainPoint } from './pulseTrain.ts';
import { VirtualClock } from './VirtualClock.ts';

/** What the registry needs from a line running lazily. */
export interface LazyLine {
  /** The train, stepped only by the registry while lazy. */
  readonly train: PulseTrain;
  /** Become eager: create the real timer of the pending edge, due at `at` (ms). */
  wake(at: number): void;
}

/** Where a lazy stretch began: the edge then (real), in which order, and whether after every timer due then. */
interface LazyStart {
  readonly from: TrainPoint;
  readonly stamp: number;
  readonly atEnd: boolean;
  key: number;
}

/** Lazy trains of one shape (period and high time, ms), filed by the 1/64-ms bucket of their rise phase, with a count per bucket. */
interface Shape {
  readonly periodMs: number;
  readonly highMs: number;
  readonly buckets: Map<number, Set<LazyLine>>;
  readonly counts: Uint32Array;
}

const NONE: LazyLine[] = [];

/** Catch every lazy train up (and re-file it by phase) after this many scheduled timers, so rounding drift stays far below a bucket. */
const REFILE_EVERY = 1 << 16;

/** The lazy trains of one clock, filed by phase so that a scheduled timer finds those it may coincide with. */
export class PulseTrains {
  private readonly lazy = new Map<LazyLine, LazyStart>();
  /** Per train shape (period, high time): trains by 1/64-ms bucket of their rise phase. */
  private readonly shapes = new Map<string, Shape>();
  private readonly shapeList: Shape[] = [];
  private stamps = 0;
  private untilRefile = REFILE_EVERY;
  private forcedEager = false;
  private readonly passed = (t: number): boolean => this.clock.hasPassed(t);

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

  /** True when lines must run every edge on timers (setEager); trains then never go lazy. */
  get eager(): boolean {
    return this.forcedEager;
  }

  /** Force every line of this clock to run its edges on timers from now on (true), or allow lazy trains again (false). */
  setEager(on: boolean): void {
    this.forcedEager = on;
    if (on) while (this.lazy.size > 0) this.wake(this.lazy.keys().next().value as LazyLine);
  }

  /** Number of trains running lazily now. */
  get size(): number {
    return this.lazy.size;
  }

  /** Bring a lazy line's train up to now (edges that have passed); no-op for others. */
  catchUp(line: LazyLine): void {
    if (this.lazy.has(line)) line.train.catchUp(this.passed);
  }

  /** A line goes lazy: its train's last edge is now (its own timer fired, or the train started). */
  add(line: LazyLine): void {
    const start: LazyStart = { from: line.train.point(), stamp: this.stamps++, atEnd: this.clock.hasPassed(this.clock.now()), key: 0 };
    this.lazy.set(line, start);
    this.file(line, start);
    if (this.lazy.size === 1) this.clock.setScheduleHook((deadline) => this.scheduled(deadline));
  }

  /** A lazy line stops being lazy without a timer (its train ended): caught up to now, then forgotten. */
  remove(line: LazyLine): void {
    if (!this.lazy.has(line)) return;
    line.train.catchUp(this.passed);
    this.unfile(line);
  }

  /** Wake a lazy line (it needs its edges on timers again), with every lazy line whose pending edge is due at the same time. */
  wake(line: LazyLine): void {
    if (!this.lazy.has(line)) return;
    line.train.catchUp(this.passed);
    const at = line.train.nextEdgeAt;
    const due = this.dueAt(at);
    this.wakeAll(at, due.includes(line) ? due : [...due, line]);
  }

  private scheduled(deadline: number): void {
    if (--this.untilRefile <= 0) this.refile();
    const due = this.dueAt(deadline);
    if (due.length > 0) this.wakeAll(deadline, due);
  }

  /** Lazy lines whose pending edge is due exactly at t (ms); called for every timer scheduled, so kept cheap. */
  private dueAt(t: number): LazyLine[] {
    let out: LazyLine[] | undefined;
    for (const shape of this.shapeList) {
      const { periodMs, highMs, counts } = shape;
      const n = counts.length;
      // Rises at t have their phase in t's bucket, falls in that of t - highMs; a neighbour
      // bucket covers a phase that rounding moved across a bucket's edge.
      let rise = t % periodMs;
      if (rise < 0) rise += periodMs;
      let fall = rise - highMs;
      if (fall < 0) fall += periodMs;
      for (let kind = 0; kind < 2; kind++) {
        const b = Math.floor((kind === 0 ? rise : fall) * BUCKETS_PER_MS) % n;
        const before = b === 0 ? n - 1 : b - 1;
        const after = b === n - 1 ? 0 : b + 1;
        if (counts[b] === 0 && counts[before] === 0 && counts[after] === 0) continue;
        for (const k of [before, b, after]) {
          const lines = shape.buckets.get(k);
          if (lines === undefined) continue;
          for (const line of lines) {
            line.train.catchUp(this.passed);
            if (line.train.nextEdgeAt !== t) continue;
            out ??= [];
            if (!out.includes(line)) out.push(line);
          }
        }
      }
    }
    return out ?? NONE;
  }

  private wakeAll(at: number, lines: LazyLine[]): void {
    if (lines.length > 1) {
      const edges = new Map(lines.map((line) => [line, this.edgesOf(line, at)]));
      lines.sort((a, b) => this.compareWake(a, edges.get(a)!, b, edges.get(b)!));
    }
    for (const line of lines) this.unfile(line);
    for (const line of lines) line.wake(at);
  }

  /** Edge times of a lazy line from where it went lazy through its pending edge at `at` (ms). */
  private edgesOf(line: LazyLine, at: number): number[] {
    const from = this.lazy.get(line)!.from;
    return new PulseTrain(line.train.highMs, line.train.periodMs, from).edgesThrough(at);
  }

  /**
   * Which of two lazy edges due at the same time would fire first as timers: the one created
   * first. Each was created by its train's previous edge; if those happened at the same time,
   * compare them the same way, back to where a train went lazy (a real moment: in a timer due
   * then, so before any lazy edge due then, unless after every timer due then; two real moments
   * by their order).
   */
  private compareWake(a: LazyLine, ea: number[], b: LazyLine, eb: number[]): number {
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

  private file(line: LazyLine, start: LazyStart): void {
    const { periodMs, highMs } = line.train;
    const name = `${periodMs}/${highMs}`;
    let shape = this.shapes.get(name);
    if (shape === undefined) {
      shape = { periodMs, highMs, buckets: new Map(), counts: new Uint32Array(bucketCount(periodMs)) };
      this.shapes.set(name, shape);
      this.shapeList.push(shape);
    }
    const train = line.train;
    start.key = bucket(train.high ? train.at : train.at - highMs, periodMs);
    let lines = shape.buckets.get(start.key);
    if (lines === undefined) {
      lines = new Set();
      shape.buckets.set(start.key, lines);
    }
    lines.add(line);
    shape.counts[start.key]!++;
  }

  private unfile(line: LazyLine): void {
    const start = this.lazy.get(line);
    if (start === undefined) return;
    const shape = this.shapes.get(`${line.train.periodMs}/${line.train.highMs}`)!;
    const lines = shape.buckets.get(start.key)!;
    lines.delete(line);
    shape.counts[start.key]!--;
    if (lines.size === 0) shape.buckets.delete(start.key);
    this.lazy.delete(line);
    if (this.lazy.size === 0) this.clock.setScheduleHook(undefined);
  }

  private refile(): void {
    this.untilRefile = REFILE_EVERY;
    for (const [line, start] of this.lazy) {
      line.train.catchUp(this.passed);
      const shape = this.shapes.get(`${line.train.periodMs}/${line.train.highMs}`)!;
      const lines = shape.buckets.get(start.key)!;
      lines.delete(line);
      shape.counts[start.key]!--;
      if (lines.size === 0) shape.buckets.delete(start.key);
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
