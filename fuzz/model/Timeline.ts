/**
 * The model's own clock: pending events in time order, like the simulator's timers, so the
 * host-side model can say what a board reports at any moment. Events due at the same time fire
 * in creation order when they were created at the same moment (as the simulator's FIFO timers
 * do); two events due together that were created at different moments are a race the model
 * cannot call, so it reports a tie and the owners stop predicting until they resynchronise.
 */

/** Who an event belongs to: the board (MCU, supply) or one of its ports. */
export type Owner = 'board' | 0 | 1;

/** A scheduled event; also the handle to cancel it. */
export interface TimelineEvent {
  readonly at: number;
  readonly createdAt: number;
  readonly seq: number;
  readonly owner: Owner;
  readonly label: string;
  readonly fire: () => void;
  cancelled: boolean;
}

/** Pending events of one board model. */
export class Timeline {
  now = 0;
  private seq = 0;
  private readonly pending: TimelineEvent[] = [];
  private readonly lastFired = new Map<Owner, number>();

  /** @param tieMs events closer than this (ms) are simultaneous; @param onTie told of a race between two owners */
  constructor(private readonly tieMs: number, private readonly onTie: (a: Owner, b: Owner, what: string) => void) {}

  /** Schedule `fire` at time `at` (ms); returns the handle. */
  at(at: number, owner: Owner, label: string, fire: () => void): TimelineEvent {
    const event: TimelineEvent = { at: Math.max(at, this.now), createdAt: this.now, seq: this.seq++, owner, label, fire, cancelled: false };
    this.pending.push(event);
    return event;
  }

  /** Cancel an event (undefined and already fired or cancelled events are ignored). */
  cancel(event: TimelineEvent | undefined): void {
    if (event) event.cancelled = true;
  }

  /** Cancel every pending event of an owner. */
  cancelOwner(owner: Owner): void {
    for (const e of this.pending) if (e.owner === owner) e.cancelled = true;
  }

  /** Time of the next live event of an owner (Infinity when none). */
  nextOf(owner: Owner): number {
    let t = Number.POSITIVE_INFINITY;
    for (const e of this.pending) if (!e.cancelled && e.owner === owner && e.at < t) t = e.at;
    return t;
  }

  /** Fire every event due at or before `t` in order, then set now to `t`. */
  runUntil(t: number): void {
    for (;;) {
      const next = this.nextLive();
      if (next === undefined || next.at > t) break;
      const first = next;
      for (const e of this.pending) {
        if (e !== first && Math.abs(e.at - first.at) <= this.tieMs && Math.abs(e.createdAt - first.createdAt) > this.tieMs) this.onTie(first.owner, e.owner, `${first.label} and ${e.label} at ${first.at.toFixed(3)} ms`);
      }
      this.now = Math.max(this.now, first.at);
      first.cancelled = true;
      this.lastFired.set(first.owner, first.at);
      first.fire();
    }
    this.now = Math.max(this.now, t);
  }

  /** Drop cancelled events (in place, order kept) and return the live one due first (ties: created first). */
  private nextLive(): TimelineEvent | undefined {
    const pending = this.pending;
    let next: TimelineEvent | undefined;
    let kept = 0;
    for (let i = 0; i < pending.length; i++) {
      const e = pending[i]!;
      if (e.cancelled) continue;
      pending[kept++] = e;
      if (next === undefined || e.at < next.at || (e.at === next.at && e.seq < next.seq)) next = e;
    }
    pending.length = kept;
    return next;
  }

  /** True when an event of `owner` is due, or fired, within `slack` ms of `t` (a query then cannot be called). */
  near(owner: Owner, t: number, slack: number): boolean {
    const last = this.lastFired.get(owner);
    if (last !== undefined && Math.abs(last - t) <= slack) return true;
    return this.pending.some((e) => !e.cancelled && e.owner === owner && Math.abs(e.at - t) <= slack);
  }
}
