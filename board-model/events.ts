/** The stack's event log: notable things, in virtual time, for timelines, summaries and expectations. */

/** Types of events the simulator records (`pistack sim --json` events[].type). */
export type SimEventType =
  | 'power-on' | 'power-off' | 'watchdog-expired' | 'power-cycle' | 'shutdown-signal' | 'shutdown-requested'
  | 'heartbeat-ok' | 'heartbeat-lost' | 'pi-booted' | 'pi-crashed' | 'pi-halted' | 'pi-powered' | 'unsafe-power-loss' | 'power-lost'
  | 'undervoltage' | 'brownout' | 'regulator-recovered' | 'uvlo' | 'mcu-boot' | 'mcu-off' | 'config-restored' | 'errors-restored'
  | 'torn-write' | 'collision' | 'fault' | 'host-request' | 'host-reply' | 'host-error' | 'host-timeout' | 'warning';

/**
 * One event: virtual time in ms, type, board ID and Pi where they apply, plus details (a
 * host-timeout has `command`, `cause` and `why`: noReplyCause.ts; a warning has `message`).
 */
export interface SimEvent {
  t: number;
  type: SimEventType;
  id?: number;
  pi?: 0 | 1;
  [detail: string]: unknown;
}

/** An append-only event log with live listeners. */
export class EventLog {
  readonly events: SimEvent[] = [];
  private readonly listeners = new Set<(event: SimEvent) => void>();
  /** Count of events per type (kept even when storage is limited). */
  readonly counts = new Map<SimEventType, number>();

  /** @param limit keep at most this many events in memory (oldest dropped); counts stay exact. */
  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}

  /** Record an event and tell listeners. */
  add(event: SimEvent): void {
    this.counts.set(event.type, (this.counts.get(event.type) ?? 0) + 1);
    this.events.push(event);
    if (this.events.length > this.limit) this.events.splice(0, this.events.length - this.limit);
    for (const listener of this.listeners) listener(event);
  }

  /** Subscribe to new events; returns an unsubscribe function. */
  subscribe(listener: (event: SimEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events matching a type and optionally a board ID and Pi. */
  filter(type: SimEventType, id?: number, pi?: 0 | 1): SimEvent[] {
    return this.events.filter((e) => e.type === type && (id === undefined || e.id === id) && (pi === undefined || e.pi === pi));
  }
}
