/**
 * The injected clock (STYLE.md rule 2). XState's Clock plus now(): machines, bus and host
 * client all take one, so they run in virtual time in tests and in wall time on hardware.
 */

/** Opaque timer handle returned by setTimeout. */
export type TimerHandle = unknown;

/** A source of time and timers, in milliseconds. Nothing in bus-protocol/ or board-model/ reads the wall clock. */
export interface Clock {
  /** Current time in ms (virtual or wall, depending on the implementation). */
  now(): number;
  /** Call fn once after ms milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancel a timer; unknown or already-fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}
