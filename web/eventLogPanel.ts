/// <reference lib="dom" />
/**
 * The event log panel: the stack's events (sim.events) as they happen, newest first:
 * virtual time, who (board ID, Pi), type and details. The last MAX_EVENTS rows stay.
 */
import type { SimEvent } from '../board-model/events.ts';
import { h, panel, setText } from './dom.ts';
import { eventDetails, eventWho, formatSeconds } from './format.ts';
import type { Session } from './Session.ts';

/** Rows kept in the table. */
export const MAX_EVENTS = 300;

/** The event log panel. */
export class EventLogPanel {
  readonly el: HTMLElement;
  private readonly body = h('tbody');
  private readonly count = h('p', { class: 'caption' });
  private pending: SimEvent[] = [];
  private unsubscribe: (() => void) | undefined;

  constructor() {
    const head = h('thead', {}, h('tr', {}, ...['time', 'who', 'event', 'details'].map((c) => h('th', { scope: 'col' }, c))));
    this.el = panel('events', 'Event log', this.count,
      h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': 'events, newest first' }, h('table', { class: 'events' }, head, this.body)));
  }

  /** Follow a new session's event log (showing what it already holds). */
  bind(session: Session): void {
    this.unsubscribe?.();
    this.body.replaceChildren();
    this.pending = session.sim.events.events.slice(-MAX_EVENTS);
    this.unsubscribe = session.sim.events.subscribe((e) => {
      this.pending.push(e);
      if (this.pending.length > MAX_EVENTS) this.pending.splice(0, this.pending.length - MAX_EVENTS);
    });
  }

  /** Add the events that happened since the last call. */
  render(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending.reverse().map((e) => h('tr', { 'data-type': e.type },
      h('td', {}, formatSeconds(e.t)), h('td', {}, eventWho(e)), h('td', { class: 'type' }, e.type), h('td', {}, eventDetails(e))));
    this.pending = [];
    this.body.prepend(...rows);
    while (this.body.childElementCount > MAX_EVENTS) this.body.lastElementChild!.remove();
    setText(this.count, `${this.body.childElementCount} latest events, newest first`);
  }
}
