/**
 * The GPIO wires between a board's power port and the Pi plugged into it (FIRMWARE.md
 * section 4). Plain objects, not machines: a wire has no behaviour of its own, it only
 * carries levels and tells both ends about edges. Listeners run synchronously.
 */

import type { Clock, TimerHandle } from '../bus-protocol/clock.ts';
import { PulseTrain, type TrainPoint } from './pulseTrain.ts';
import { PulseTrains, type LazyChain } from './pulseTrains.ts';
import type { VirtualClock } from './VirtualClock.ts';

/** Who pulled the shutdown-signal line low. */
export type SignalDriver = 'board' | 'pi';

/** A rise subscription that lets the line skip edges while it need not see them (the watchdog: heartbeatWatchdog.ts). */
export interface RiseWatch {
  /** Be called on every rise from now on (true), or only when the line must (false: the default). */
  everyRise(on: boolean): void;
  /** Unsubscribe. */
  stop(): void;
}

/** The Pi daemon's pulse train: high for highMs every periodMs (ms), on `clock`. */
export interface TrainSpec {
  clock: Clock;
  highMs: number;
  periodMs: number;
}

interface RiseEntry {
  readonly fn: () => void;
  /** True while the subscriber can do without a call per rise. */
  lazy: boolean;
}

interface Run {
  readonly clock: Clock;
  readonly highMs: number;
  readonly periodMs: number;
  readonly lowMs: number;
  readonly trains: PulseTrains | undefined;
  readonly onRise: () => void;
  readonly onFall: () => void;
  timer: TimerHandle | undefined;
  /** Set while the train runs lazily: edges computed, not fired. */
  stretch: LazyStretch | undefined;
}

/** A train running lazily, from the edge where it went lazy (its real start). */
class LazyStretch implements LazyChain {
  readonly periodMs: number;
  readonly highMs: number;
  private readonly from: TrainPoint;

  constructor(readonly train: PulseTrain, readonly wake: (at: number) => void) {
    this.periodMs = train.periodMs;
    this.highMs = train.highMs;
    this.from = train.point();
  }

  gridTime(): number {
    return this.train.high ? this.train.at : this.train.at - this.highMs;
  }

  pendingAt(): number {
    return this.train.nextEdgeAt;
  }

  catchUpTo(t: number, atT: boolean): void {
    this.train.catchUpTo(t, atT);
  }

  eventsThrough(at: number): number[] {
    return new PulseTrain(this.highMs, this.periodMs, this.from).edgesThrough(at);
  }
}

/**
 * The heartbeat line: driven by the Pi (push-pull), read by the board. Only rising edges
 * count as heartbeats, so a line stuck high is not a heartbeat.
 *
 * The Pi's daemon runs its pulses here (startTrain). While anyone needs every edge (a change
 * listener, a plain rise listener) each edge is a clock timer; otherwise the train runs lazily
 * (pulseTrains.ts): level, rise count and last rise are computed on demand and nothing fires.
 */
export class HeartbeatLine {
  private high = false;
  private riseCount = 0;
  private lastRise: number | undefined;
  private clock: Clock | undefined;
  private readonly riseListeners = new Set<RiseEntry>();
  private readonly changeListeners = new Set<(high: boolean) => void>();
  /** Subscribers that need every edge: change listeners and rise entries that are not lazy. */
  private eagerWatchers = 0;
  private run: Run | undefined;
  private readonly lazyEndListeners = new Set<() => void>();

  /** Current level: true = high. */
  get level(): boolean {
    this.sync();
    return this.high;
  }

  /** Rising edges (heartbeat pulses) since the line was made. */
  get rises(): number {
    this.sync();
    return this.riseCount;
  }

  /** Time of the last rising edge (ms), if any (known once a train has run on the line). */
  get lastRiseAt(): number | undefined {
    this.sync();
    return this.lastRise;
  }

  /** True while the daemon's train runs lazily (no timer per edge). */
  get lazy(): boolean {
    return this.run?.stretch !== undefined;
  }

  /** A copy of the lazy train caught up to now (to compute ahead from), or undefined while the line is not lazy. */
  lazyTrain(): PulseTrain | undefined {
    const stretch = this.run?.stretch;
    if (stretch === undefined) return undefined;
    this.sync();
    return new PulseTrain(stretch.highMs, stretch.periodMs, stretch.train);
  }

  /** Be told once the lazy train ends (woken or stopped), before the line changes; returns an unsubscribe function. */
  onLazyEnd(listener: () => void): () => void {
    this.lazyEndListeners.add(listener);
    return () => this.lazyEndListeners.delete(listener);
  }

  /** Drive the line (the Pi side). A low-to-high change notifies rise listeners; any change, change listeners. */
  drive(high: boolean): void {
    this.wakeRun(); // a level forced from outside: the train's arithmetic no longer holds
    this.set(high);
  }

  /**
   * Start the daemon's pulse train: a rise now, then a fall highMs later, a rise periodMs after
   * the last, until stopTrain. Edges are clock timers exactly as a daemon setting them would
   * make, or computed when nobody needs them (pulseTrains.ts).
   */
  startTrain(spec: TrainSpec): void {
    this.stopTrain();
    this.clock = spec.clock;
    const run: Run = {
      clock: spec.clock, highMs: spec.highMs, periodMs: spec.periodMs, lowMs: spec.periodMs - spec.highMs,
      trains: PulseTrains.of(spec.clock), timer: undefined, stretch: undefined,
      onRise: () => {
        run.timer = undefined;
        this.edge(run, true);
      },
      onFall: () => {
        run.timer = undefined;
        this.edge(run, false);
      },
    };
    this.run = run;
    this.edge(run, true);
  }

  /** Stop the train where it is (its level stays: the daemon's cleanup drives the line). */
  stopTrain(): void {
    const run = this.run;
    if (run === undefined) return;
    if (run.stretch !== undefined) this.endLazy();
    if (run.stretch !== undefined) {
      run.trains!.remove(run.stretch);
      this.adopt(run.stretch);
      run.stretch = undefined;
    } else {
      run.clock.clearTimeout(run.timer);
    }
    this.run = undefined;
  }

  /** Subscribe to both edges (a scope draws the whole waveform); the argument is the new level. Returns an unsubscribe function. */
  onChange(listener: (high: boolean) => void): () => void {
    this.changeListeners.add(listener);
    this.eagerWatchers++;
    this.wakeRun();
    return () => {
      if (this.changeListeners.delete(listener)) this.eagerWatchers--;
    };
  }

  /** Subscribe to rising edges; returns an unsubscribe function. */
  onRise(listener: () => void): () => void {
    const entry: RiseEntry = { fn: listener, lazy: false };
    this.riseListeners.add(entry);
    this.eagerWatchers++;
    this.wakeRun();
    return () => {
      if (this.riseListeners.delete(entry) && !entry.lazy) this.eagerWatchers--;
    };
  }

  /**
   * Subscribe to rising edges, called only while everyRise(true) holds or the line runs its
   * edges anyway; otherwise the subscriber reads rises and lastRiseAt when it needs them.
   */
  watchRises(listener: () => void): RiseWatch {
    const entry: RiseEntry = { fn: listener, lazy: true };
    this.riseListeners.add(entry);
    return {
      everyRise: (on) => {
        if (entry.lazy !== on || !this.riseListeners.has(entry)) return;
        entry.lazy = !on;
        this.eagerWatchers += on ? 1 : -1;
        if (on) this.wakeRun();
      },
      stop: () => {
        if (this.riseListeners.delete(entry) && !entry.lazy) this.eagerWatchers--;
      },
    };
  }

  private set(high: boolean): void {
    if (high === this.high) return;
    this.high = high;
    if (high) {
      this.riseCount++;
      this.lastRise = this.clock?.now();
      for (const entry of this.riseListeners) entry.fn();
    }
    // Usually nobody watches both edges (a scope does): skip making an iterator per edge.
    if (this.changeListeners.size > 0) for (const listener of this.changeListeners) listener(high);
  }

  /** One edge of the train (from its timer, or the first rise): drive it, then time the next or go lazy. */
  private edge(run: Run, high: boolean): void {
    this.set(high);
    if (this.run !== run) return; // a listener stopped the train
    const trains = run.trains;
    if (trains === undefined || trains.eager || this.eagerWatchers > 0 || this.high !== high) {
      run.timer = run.clock.setTimeout(high ? run.onFall : run.onRise, high ? run.highMs : run.lowMs);
      return;
    }
    const train = new PulseTrain(run.highMs, run.periodMs, { at: run.clock.now(), high, rises: this.riseCount, lastRiseAt: this.lastRise });
    const stretch = new LazyStretch(train, (at) => {
      this.endLazy();
      this.adopt(stretch);
      run.stretch = undefined;
      run.timer = (run.clock as VirtualClock).setTimeoutAt(train.high ? run.onFall : run.onRise, at);
    });
    run.stretch = stretch;
    trains.add(stretch);
  }

  /** Take the level and counts of a lazy stretch (caught up to now by the registry). */
  private adopt(stretch: LazyStretch): void {
    this.high = stretch.train.high;
    this.riseCount = stretch.train.rises;
    this.lastRise = stretch.train.lastRiseAt;
  }

  private sync(): void {
    const run = this.run;
    if (run?.stretch === undefined) return;
    run.trains!.catchUp(run.stretch);
    this.adopt(run.stretch);
  }

  private wakeRun(): void {
    const run = this.run;
    if (run?.stretch !== undefined) run.trains!.wake(run.stretch);
  }

  /** Tell those computing from the lazy train (a lazy watchdog) that it ends now, before it changes. */
  private endLazy(): void {
    if (this.lazyEndListeners.size > 0) for (const listener of [...this.lazyEndListeners]) listener();
  }
}

/**
 * The shutdown-signal line: open drain with a pull-up, wired between board and Pi. Either side
 * can pull it low and both see the same level. A falling edge reports which side caused it.
 */
export class SignalLine {
  private boardPulls = false;
  private piPulls = false;
  private readonly fallListeners = new Set<(by: SignalDriver) => void>();
  private readonly riseListeners = new Set<() => void>();

  /** Current level: true = high (released by both sides). */
  get level(): boolean {
    return !(this.boardPulls || this.piPulls);
  }

  /** True while the board side holds the line low. */
  get pulledByBoard(): boolean {
    return this.boardPulls;
  }

  /** True while the Pi side holds the line low. */
  get pulledByPi(): boolean {
    return this.piPulls;
  }

  /** Board side pulls the line low (true) or releases it (false). */
  boardPull(low: boolean): void {
    this.set('board', low);
  }

  /** Pi side pulls the line low (true) or releases it (false). */
  piPull(low: boolean): void {
    this.set('pi', low);
  }

  /** Subscribe to falling edges; the argument says which side caused the edge. */
  onFall(listener: (by: SignalDriver) => void): () => void {
    this.fallListeners.add(listener);
    return () => this.fallListeners.delete(listener);
  }

  /** Subscribe to rising edges (both sides released). */
  onRise(listener: () => void): () => void {
    this.riseListeners.add(listener);
    return () => this.riseListeners.delete(listener);
  }

  private set(side: SignalDriver, low: boolean): void {
    const before = this.level;
    if (side === 'board') this.boardPulls = low;
    else this.piPulls = low;
    const after = this.level;
    if (before && !after) for (const listener of this.fallListeners) listener(side);
    else if (!before && after) for (const listener of this.riseListeners) listener();
  }
}
