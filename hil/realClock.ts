/**
 * Wall-clock time for runs against real hardware (Node side only: bus-protocol/ and
 * board-model/ never read the wall clock, STYLE.md rule 2).
 */
import type { Clock, TimerHandle } from '../bus-protocol/clock.ts';

/** The real Clock: performance.now() (ms, monotonic, immune to wall-clock steps) and the global timers. */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn: () => void, ms: number): TimerHandle => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle: TimerHandle): void => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};
