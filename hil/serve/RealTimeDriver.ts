/**
 * Locks a simulator's virtual clock to the wall clock (`pistack serve`): virtual time follows
 * elapsed wall time (times an optional speed factor) and never runs ahead of it, so anything
 * the simulation emits at virtual time t leaves no earlier than wall time t. Node side only:
 * the wall clock is injected (realClock by default), so tests drive it with a VirtualClock.
 */
import type { Clock, TimerHandle } from '../../bus-protocol/clock.ts';
import { realClock } from '../realClock.ts';

/** The part of a VirtualClock the driver needs: time, the next deadline, and advancing (ms). */
export interface DrivenClock {
  /** Current virtual time (ms). */
  now(): number;
  /** Deadline of the next pending timer (ms), or undefined. */
  next(): number | undefined;
  /** Fire every timer due up to t (ms) and set the time to t. */
  advanceTo(t: number): void;
}

/** Settings of a RealTimeDriver; only `clock` is required. */
export interface RealTimeDriverOptions {
  /** The virtual clock to drive (SimStack.clock). */
  clock: DrivenClock;
  /** Virtual ms per wall ms; default 1 (real time). */
  speed?: number;
  /** Longest wall time (ms) between two catch-ups even with no timer due; default 20. */
  maxIntervalMs?: number;
  /** The wall clock; default realClock (performance.now and the global timers). */
  wall?: Clock;
  /** Told about an error thrown by a virtual timer callback; the driver carries on. Default: rethrown asynchronously. */
  onError?: (error: unknown) => void;
  /**
   * The last stretch before a deadline (wall ms) waited for by polling the event loop instead of
   * a timer: Node timers count whole ms from the loop's cached time, so they fire up to ~1 ms
   * late, or early and then 1 ms late. Default DEFAULT_SPIN_MS on the real clock, 0 (timers only) with an injected wall clock.
   */
  spinMs?: number;
  /** Run fn on the next turn of the event loop; default setImmediate on the real clock, else wall.setTimeout(fn, 0). */
  immediate?: (fn: () => void) => () => void;
}

/** Default spin before a deadline on the real clock, ms: one timer granule (the serve PTY round trip gains ~0.8 ms). */
export const DEFAULT_SPIN_MS = 1;

/**
 * Share of wall time the driver may spend polling, and the burst it may poll at once (ms): dense
 * deadlines (a flood crossing the wire) fall back to timers instead of keeping a core busy.
 */
export const SPIN_DUTY = 0.25;
export const SPIN_BURST_MS = 4;

/** Errors in a row inside one catch-up after which the driver gives up on reaching the target this time. */
const MAX_ERRORS_PER_SYNC = 100;

/** Drives a virtual clock in step with the wall clock; call sync() whenever input arrives. */
export class RealTimeDriver {
  /** Virtual ms per wall ms. */
  readonly speed: number;
  /** Longest wall time (ms) between catch-ups. */
  readonly maxIntervalMs: number;
  /** Wall ms before a deadline polled for rather than slept (see RealTimeDriverOptions.spinMs). */
  readonly spinMs: number;
  readonly #clock: DrivenClock;
  readonly #wall: Clock;
  readonly #onError: (error: unknown) => void;
  #wallStart = 0;
  #virtualStart = 0;
  #running = false;
  #syncing = false;
  readonly #immediate: (fn: () => void) => () => void;
  #timer: TimerHandle | undefined;
  #poll: (() => void) | undefined;
  /** Polling time left (wall ms), refilled at SPIN_DUTY per wall ms up to SPIN_BURST_MS. */
  #spinCredit = SPIN_BURST_MS;
  #creditAt = Number.NaN;

  /** Make a stopped driver; see RealTimeDriverOptions. */
  constructor(options: RealTimeDriverOptions) {
    this.#clock = options.clock;
    this.#wall = options.wall ?? realClock;
    this.speed = options.speed ?? 1;
    this.maxIntervalMs = options.maxIntervalMs ?? 20;
    this.spinMs = options.spinMs ?? (options.wall === undefined ? DEFAULT_SPIN_MS : 0);
    if (!(this.spinMs >= 0) || !Number.isFinite(this.spinMs)) throw new RangeError(`RealTimeDriver: "spinMs" must be a number of ms >= 0, got ${this.spinMs}`);
    const wall = this.#wall;
    this.#immediate = options.immediate ?? (options.wall === undefined
      ? (fn) => {
        const handle = setImmediate(fn);
        return () => clearImmediate(handle);
      }
      : (fn) => {
        const handle = wall.setTimeout(fn, 0);
        return () => wall.clearTimeout(handle);
      });
    if (!(this.speed > 0) || !Number.isFinite(this.speed)) throw new RangeError(`RealTimeDriver: "speed" must be a positive number, got ${this.speed}`);
    if (!(this.maxIntervalMs > 0) || !Number.isFinite(this.maxIntervalMs)) {
      throw new RangeError(`RealTimeDriver: "maxIntervalMs" must be a positive number of ms, got ${this.maxIntervalMs}`);
    }
    this.#onError = options.onError ?? ((error) => queueMicrotask(() => { throw error; }));
  }

  /** True between start() and stop(). */
  get running(): boolean {
    return this.#running;
  }

  /** The virtual time (ms) that corresponds to the wall clock right now; the clock never passes it. */
  get target(): number {
    return this.#virtualStart + (this.#wall.now() - this.#wallStart) * this.speed;
  }

  /** Start following the wall clock from the clock's current time; idempotent. */
  start(): this {
    if (this.#running) return this;
    this.#running = true;
    this.#wallStart = this.#wall.now();
    this.#virtualStart = this.#clock.now();
    this.#arm();
    return this;
  }

  /** Stop driving (virtual time stays where it is); idempotent. */
  stop(): void {
    this.#running = false;
    this.#disarm();
  }

  /**
   * Bring virtual time up to the wall clock now, firing due timers, and re-arm the wake-up for
   * the next deadline. Call it when bytes arrive (so they are stamped with the present) and
   * after scheduling virtual timers from outside the clock. A no-op when stopped or when
   * called from inside a virtual timer callback.
   */
  sync(): void {
    if (!this.#running || this.#syncing) return;
    this.#syncing = true;
    try {
      const target = this.target;
      for (let errors = 0; this.#clock.now() < target && errors < MAX_ERRORS_PER_SYNC; ) {
        try {
          this.#clock.advanceTo(target);
        } catch (error) {
          // The clock stopped at the failing timer's deadline; report it and go on from there.
          errors++;
          this.#onError(error);
        }
      }
    } finally {
      this.#syncing = false;
    }
    this.#arm();
  }

  /** Wake up when the next virtual timer is due in wall time, or after maxIntervalMs at most. */
  #arm(): void {
    if (!this.#running) return;
    this.#disarm();
    const next = this.#clock.next();
    const due = next === undefined ? Number.POSITIVE_INFINITY : Math.max(0, (next - this.target) / this.speed);
    const now = this.#wall.now();
    this.#spinCredit = Math.min(SPIN_BURST_MS, this.#spinCredit + (Number.isNaN(this.#creditAt) ? 0 : (now - this.#creditAt) * SPIN_DUTY));
    this.#creditAt = now;
    if (due <= this.spinMs && this.#spinCredit > 0) {
      // Close to the deadline: look again on the next turn of the loop (I/O still runs in between).
      this.#poll = this.#immediate(() => {
        this.#poll = undefined;
        this.#spinCredit -= this.#wall.now() - now;
        this.sync();
      });
      return;
    }
    // A wall timer may fire a little early (integer ms, cached loop time): sync() only goes
    // as far as the wall clock says, and re-arms for the remainder.
    this.#timer = this.#wall.setTimeout(() => {
      this.#timer = undefined;
      this.sync();
    }, Math.min(this.maxIntervalMs, due));
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#wall.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#poll?.();
    this.#poll = undefined;
  }
}
