/**
 * A Node stand-in for the page around a Rewinder (tests only): builds plain Sessions, records
 * every session's events and bus bytes, and runs time moves one at a time as TimeDriver does.
 */
import type { TransmissionRecord } from '../../board-model/Rs485Bus.ts';
import { Session } from '../Session.ts';
import type { RewindHost, Start } from '../rewind/Rewinder.ts';

/** Bus bytes of one transmission, as "time from: hex". */
export function transmissionText(r: TransmissionRecord): string {
  return `${r.start} ${r.from}: ${Array.from(r.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}

/** What a test host keeps per session. */
export interface Recorded {
  readonly bus: string[];
}

/** A RewindHost over plain Sessions. */
export class TestHost implements RewindHost {
  session: Session;
  readonly recorded = new WeakMap<Session, Recorded>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(start: Start) {
    this.session = this.build(start);
  }

  build(start: Start): Session {
    const session = new Session({ scenario: start.scenario, lesson: start.lesson });
    const bus: string[] = [];
    session.sim.bus.onTransmission((r) => bus.push(transmissionText(r)));
    this.recorded.set(session, { bus });
    return session;
  }

  adopt(session: Session): void {
    if (session !== this.session) this.session.dispose();
    this.session = session;
  }

  redraw(): void {
    // Nothing drawn in Node.
  }

  current(): Session {
    return this.session;
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.then(() => undefined, () => undefined);
    return run;
  }

  /** Run the current session's time to `t` (ms) in the queue, as a frame or a step would. */
  runTo(t: number): Promise<void> {
    return this.exclusive(async () => {
      await this.session.sim.runUntil(t);
      this.session.afterAdvance();
    });
  }

  /** The current session's events as comparable lines, up to time `t` (ms). */
  events(t = Number.POSITIVE_INFINITY): string[] {
    return this.session.sim.events.events.filter((e) => e.t <= t).map((e) => JSON.stringify(e));
  }

  /** The current session's bus transmissions that started by `t` (ms). */
  bus(t = Number.POSITIVE_INFINITY): string[] {
    return (this.recorded.get(this.session)?.bus ?? []).filter((line) => Number(line.split(' ')[0]) <= t);
  }
}
