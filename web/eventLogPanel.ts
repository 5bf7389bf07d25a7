/// <reference lib="dom" />
/**
 * The event log panel: the stack's events (sim.events) as they happen, newest first:
 * virtual time, who (board ID, Pi), what happened in words (with the event type) and its
 * details in words (format.ts). Same-time events keep the log's causal order (board-model/
 * Board.ts holds a Pi's reaction to a load switch until the port's own events are logged), so
 * within one time the upper row happened later. The last MAX_EVENTS rows stay.
 */
import type { SimEvent } from '../board-model/events.ts';
import { h, panel, setText } from './dom.ts';
import { plural, eventDetailsWords, eventWho, eventWords, formatSeconds } from './format.ts';
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
  private hardwareVersion: 2 | 3 = 3;

  constructor() {
    const head = h('thead', {}, h('tr', {}, ...['time', 'who', 'event', 'details'].map((c) => h('th', { scope: 'col' }, c))));
    this.el = panel('events', 'Event log', this.count,
      h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': 'events, newest first' }, h('table', { class: 'events' }, head, this.body)));
  }

  /** Follow a new session's event log (showing what it already holds). */
  bind(session: Session): void {
    this.unsubscribe?.();
    this.hardwareVersion = session.scenario.profile.hardwareVersion;
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
      h('td', {}, formatSeconds(e.t)), h('td', {}, eventWho(e)),
      h('td', {}, h('span', { class: 'type' }, e.type), h('br'), eventWords(e.type)), h('td', {}, eventDetailsWords(e, this.hardwareVersion))));
    this.pending = [];
    this.body.prepend(...rows);
    while (this.body.childElementCount > MAX_EVENTS) this.body.lastElementChild!.remove();
    setText(this.count, `${plural(this.body.childElementCount, 'event')}, newest first (events at the same time: the upper one came later)`);
  }
}
