/**
 * Applying recorded inputs to a Session: at once (live) or as timers at their times (a replay).
 * Browser-safe.
 */
import type { TimerHandle } from '../../bus-protocol/clock.ts';
import type { HostExchange, Session } from '../Session.ts';
import { faultTarget, type Input } from './inputs.ts';

/** Apply one input now: a fault through the control surface, a host command as a real frame (resolves when answered or not). */
export function applyInput(session: Session, input: Input): Promise<HostExchange> | undefined {
  if (input.kind === 'fault') {
    session.sim.control.inject(input.fault, faultTarget(input));
    return undefined;
  }
  return session.send(input.command, input.id, input.args);
}

/**
 * Arm one host timer per input still ahead of the session's clock, firing at the input's time;
 * returns the handles (to cancel inputs that a new branch of the timeline drops).
 */
export function scheduleInputs(session: Session, inputs: readonly Input[]): Map<Input, TimerHandle> {
  const handles = new Map<Input, TimerHandle>();
  const now = session.now;
  for (const input of inputs) {
    if (input.at <= now) continue;
    handles.set(input, session.sim.hostClock.setTimeout(() => {
      handles.delete(input);
      // A failed replayed command is in the event log already (host-timeout, host-error), as it was live.
      void applyInput(session, input)?.catch(() => undefined);
    }, input.at - now));
  }
  return handles;
}

/** Run a fresh session (built at time 0) with every input scheduled to virtual time `t` (ms); returns the timers of inputs after t. */
export async function replayTo(session: Session, inputs: readonly Input[], t: number): Promise<Map<Input, TimerHandle>> {
  const handles = scheduleInputs(session, inputs);
  await session.sim.runUntil(t);
  session.afterAdvance();
  return handles;
}
