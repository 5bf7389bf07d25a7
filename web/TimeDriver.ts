/// <reference lib="dom" />
/**
 * Runs virtual time from requestAnimationFrame: each frame advances the stack's VirtualClock by
 * the wall time since the last frame times the speed (host work runs inside sim.runUntil).
 * Pause, step to the next timer, step by a fixed time. Everything that moves time goes through
 * one queue, so a step and a frame never run the clock at once.
 */
import type { Session } from './Session.ts';

/** Speeds offered: virtual time per wall time. */
export const SPEEDS = [1, 10, 100, 1000] as const;

/** One of SPEEDS. */
export type Speed = (typeof SPEEDS)[number];

/** Longest wall time one frame may account for (ms): a background tab resumes without a jump. */
export const MAX_FRAME_MS = 100;

/** Drives a session's virtual clock from animation frames. */
export class TimeDriver {
  /** Animation frames seen (the benchmark's frame count). */
  frames = 0;
  private speedValue: Speed = 1;
  private pausedValue = false;
  private lastWall: number | undefined;
  private pending = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly frameListeners = new Set<() => void>();
  private readonly stateListeners = new Set<() => void>();

  constructor(private readonly session: () => Session) {}

  /** Start the animation-frame loop. */
  start(): void {
    requestAnimationFrame(this.tick);
  }

  /** Virtual time per wall time. */
  get speed(): Speed {
    return this.speedValue;
  }

  /** True while time stands still (steps still move it). */
  get paused(): boolean {
    return this.pausedValue;
  }

  /** Change the speed. */
  setSpeed(speed: Speed): void {
    this.speedValue = speed;
    this.changed();
  }

  /** Pause or run. */
  setPaused(paused: boolean): void {
    this.pausedValue = paused;
    this.lastWall = undefined;
    this.changed();
  }

  /** Be called on every animation frame (render); returns an unsubscribe function. */
  onFrame(listener: () => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  /** Be called when speed or pause changes; returns an unsubscribe function. */
  onState(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Advance virtual time by `ms` (queued after any running step); resolves with the new time (ms). */
  step(ms: number): Promise<number> {
    return this.exclusive(async () => {
      const s = this.session();
      await s.sim.runUntil(s.now + Math.max(0, ms));
      s.afterAdvance();
      return s.now;
    });
  }

  /** Advance virtual time to the next pending timer (a heartbeat edge, a delay, a reply); resolves with the new time (ms). */
  stepToNextTimer(): Promise<number> {
    return this.exclusive(async () => {
      const s = this.session();
      const next = s.sim.clock.next();
      if (next !== undefined) await s.sim.runUntil(Math.max(next, s.now));
      s.afterAdvance();
      return s.now;
    });
  }

  /** Wait for host work: while paused, run virtual time just until it settles; while running, frames do it. */
  settle<T>(promise: Promise<T>): Promise<T> {
    if (!this.pausedValue) return promise;
    return this.exclusive(async () => {
      const s = this.session();
      const value = await s.sim.settle(promise, 60_000);
      s.afterAdvance();
      return value;
    });
  }

  /** Run `fn` when nothing else moves time; later calls wait for earlier ones. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.pending++;
    const run = this.queue.then(fn);
    this.queue = run.then(() => undefined, () => undefined).then(() => void this.pending--);
    return run;
  }

  private readonly tick = (wall: number): void => {
    this.frames++;
    if (!this.pausedValue && this.pending === 0) this.advance(wall);
    else if (this.pausedValue) this.lastWall = undefined;
    for (const listener of this.frameListeners) listener();
    requestAnimationFrame(this.tick);
  };

  private advance(wall: number): void {
    const dt = this.lastWall === undefined ? 0 : Math.min(Math.max(0, wall - this.lastWall), MAX_FRAME_MS);
    this.lastWall = wall;
    if (dt === 0) return;
    const s = this.session();
    const stopAt = s.stopAt;
    let target = s.now + dt * this.speedValue;
    const stops = stopAt !== undefined && target >= stopAt;
    if (stops) target = stopAt;
    void this.exclusive(async () => {
      await s.sim.runUntil(Math.max(target, s.now));
      s.afterAdvance();
      if (stops && s === this.session()) this.setPaused(true); // a lesson's end: stop to read its verdicts
    });
  }

  private changed(): void {
    for (const listener of this.stateListeners) listener();
  }
}
