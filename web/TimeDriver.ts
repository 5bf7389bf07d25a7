/// <reference lib="dom" />
/**
 * Runs virtual time from requestAnimationFrame: each frame advances the stack's VirtualClock by
 * the wall time since the last frame times the speed (host work runs inside sim.runUntil).
 * Pause, step to the next timer, step by a fixed time. Everything that moves time goes through
 * one queue, so a step and a frame never run the clock at once, and every move ends by drawing
 * every panel in the same task: what anything reads after a move (the host panel's reply, a
 * test, the next paint) shows one moment, never a reply beside last frame's bus table. The one
 * exception is the animation frame itself while time runs: it draws "live" (listeners get
 * `live` true), and the page may then skip what cannot be seen (App's FrameGate); pausing draws
 * everything at once.
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
  private readonly frameListeners = new Set<(live: boolean) => void>();
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

  /** Pause or run; pausing draws every panel at once (live frames may have skipped some). */
  setPaused(paused: boolean): void {
    const pausing = paused && !this.pausedValue;
    this.pausedValue = paused;
    this.lastWall = undefined;
    this.changed();
    if (pausing) this.render();
  }

  /**
   * Be called on every animation frame and after every time move (render); `live` is true for
   * an animation frame (time running or idle), where a listener may skip what cannot be seen,
   * false when everything must be drawn. Returns an unsubscribe function.
   */
  onFrame(listener: (live: boolean) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  /** Be called when speed or pause changes; returns an unsubscribe function. */
  onState(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Advance virtual time by `ms` (queued after any running step); resolves with the new time (ms), every panel drawn. */
  step(ms: number): Promise<number> {
    return this.move(async (s) => {
      await s.runTo(s.now + Math.max(0, ms));
      return s.now;
    });
  }

  /** Advance virtual time to the next pending timer (a heartbeat edge, a delay, a reply); resolves with the new time (ms), every panel drawn. */
  stepToNextTimer(): Promise<number> {
    return this.move(async (s) => {
      const next = s.sim.clock.next();
      if (next !== undefined) await s.runTo(Math.max(next, s.now));
      return s.now;
    });
  }

  /**
   * Wait for host work: while paused, run virtual time just until it settles, and draw every
   * panel before resolving; while running, frames do both.
   */
  settle<T>(promise: Promise<T>): Promise<T> {
    if (!this.pausedValue) return promise;
    return this.move((s) => s.sim.settle(promise, 60_000));
  }

  /** Draw every panel now (`live`: an animation frame's drawing, which may skip what cannot be seen); a panel that throws is reported (window error) and the others still draw. */
  render(live = false): void {
    for (const listener of this.frameListeners) {
      try {
        listener(live);
      } catch (e) {
        reportError(e);
      }
    }
  }

  /** Run `fn` when nothing else moves time; later calls wait for earlier ones. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.pending++;
    const run = this.queue.then(fn);
    this.queue = run.then(() => undefined, () => undefined).then(() => void this.pending--);
    return run;
  }

  /** One time move in the queue: run `fn`, check a lesson's end, then draw every panel (also when `fn` fails); `live`: an animation frame's move, drawn live unless it paused. */
  private move<T>(fn: (s: Session) => Promise<T>, live = false): Promise<T> {
    return this.exclusive(async () => {
      const s = this.session();
      try {
        const value = await fn(s);
        s.afterAdvance();
        if (s.guide?.halted && !this.pausedValue && s === this.session()) this.setPaused(true); // a lesson's pause met by any move
        return value;
      } finally {
        this.render(live && !this.pausedValue);
      }
    });
  }

  private readonly tick = (wall: number): void => {
    this.frames++;
    requestAnimationFrame(this.tick);
    if (this.pausedValue) this.lastWall = undefined;
    // A frame that moves time draws when the move is done (same task, before the paint); any other frame draws now.
    const moving = !this.pausedValue && this.pending === 0 && this.advance(wall);
    if (!moving) this.render(true); // nothing moved: only what changed on its own (the pointer, a blink) needs drawing
  };

  /** Queue this frame's time move; false when there is nothing to move (first frame after a pause, no wall time passed). */
  private advance(wall: number): boolean {
    const dt = this.lastWall === undefined ? 0 : Math.min(Math.max(0, wall - this.lastWall), MAX_FRAME_MS);
    this.lastWall = wall;
    if (dt === 0) return false;
    const s = this.session();
    const stopAt = s.stopAt;
    let target = s.now + dt * this.speedValue;
    const stops = stopAt !== undefined && target >= stopAt;
    if (stops) target = stopAt;
    void this.move(async () => {
      await s.runTo(Math.max(target, s.now)); // a guided lesson's pause stops at its event's exact time (move() then pauses)
      if (stops && s === this.session()) this.setPaused(true); // a lesson's end: stop to read its verdicts
    }, true);
    return true;
  }

  private changed(): void {
    for (const listener of this.stateListeners) listener();
  }
}
