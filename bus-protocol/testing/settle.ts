/**
 * Test helper (not exported, excluded from the browser build): drive a promise to completion in
 * virtual time by alternating "let pending I/O and microtasks run" with "fire the next timer".
 * No real sleeps: a setImmediate turn only lets already-queued work run.
 */
import type { VirtualClock } from '../../board-model/VirtualClock.ts';

/** Let queued microtasks and I/O callbacks run (one event-loop turn, no waiting). */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Outcome of a promise as a value, so a test can assert on rejections without try/catch. */
export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Let `count` event-loop turns pass (async I/O such as the serialport mock needs a few). */
export async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await turn();
}

/**
 * Run `promise` to completion: after `idleTurns` event-loop turns without settling, fire the
 * clock's next timer. Throws when it does not settle within `maxSteps` timers.
 */
export async function settle<T>(promise: Promise<T>, clock: VirtualClock, idleTurns = 1, maxSteps = 10_000): Promise<Settled<T>> {
  let outcome: Settled<T> | undefined;
  promise.then(
    (value) => (outcome = { ok: true, value }),
    (error: unknown) => (outcome = { ok: false, error }),
  );
  for (let step = 0; step < maxSteps; step++) {
    await turns(idleTurns);
    if (outcome) return outcome;
    if (!clock.runNext()) {
      await turns(idleTurns);
      if (outcome) return outcome;
      throw new Error(`promise still pending with no timers left at ${clock.now()} ms`);
    }
  }
  throw new Error(`promise still pending after ${maxSteps} timers`);
}

/** Run `promise` to completion and return the error it rejected with (fails if it resolved). */
export async function rejection(promise: Promise<unknown>, clock: VirtualClock, idleTurns = 1): Promise<unknown> {
  const outcome = await settle(promise, clock, idleTurns);
  if (outcome.ok) throw new Error(`expected a rejection, got ${String(outcome.value)}`);
  return outcome.error;
}
