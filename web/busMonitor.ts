/// <reference lib="dom" />
/**
 * The bus monitor: every frame on the wire (sim.bus.onTransmission), decoded, newest first,
 * with virtual time, direction, and collisions, CRC failures and error replies marked. Rows
 * are collected as frames happen and added to the table once per animation frame; the last
 * MAX_ROWS stay.
 */
import { h, panel, setText } from './dom.ts';
import { formatSeconds } from './format.ts';
import { FrameReader, type MonitorRow } from './frameText.ts';
import type { Session } from './Session.ts';

/** Rows kept in the table. */
export const MAX_ROWS = 500;

/** The bus monitor panel. */
export class BusMonitor {
  readonly el: HTMLElement;
  private readonly body = h('tbody');
  private readonly count = h('p', { class: 'caption', 'aria-live': 'off' });
  private pending: MonitorRow[] = [];
  private total = 0;
  private unsubscribe: (() => void) | undefined;

  constructor() {
    const head = h('thead', {}, h('tr', {}, ...['time', 'direction', 'decoded', 'bytes', 'marks'].map((c) => h('th', { scope: 'col' }, c))));
    const table = h('table', { class: 'frames', 'aria-describedby': 'bus-title' }, head, this.body);
    this.el = panel('bus', 'Bus monitor', this.count, h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': 'bus frames, newest first' }, table));
  }

  /** Listen to a new session's bus (the table starts empty). */
  bind(session: Session): void {
    this.unsubscribe?.();
    this.pending = [];
    this.total = 0;
    this.body.replaceChildren();
    const boards = session.sim.boards;
    // A board is named by its ID; when another board answers to the same ID (duplicate DIP), also by its place in the stack.
    const reader = new FrameReader((node) => {
      const board = boards[Number(/^board (\d+)$/.exec(node)?.[1] ?? NaN)];
      if (!board) return undefined;
      const id = board.id;
      return boards.some((b) => b !== board && b.id === id) ? `board ${id} (#${board.index})` : `board ${id}`;
    });
    this.unsubscribe = session.sim.bus.onTransmission((record) => {
      this.total++;
      this.pending.push(reader.read(record));
      if (this.pending.length > MAX_ROWS) this.pending.splice(0, this.pending.length - MAX_ROWS);
    });
  }

  /** Add the frames that arrived since the last call. */
  render(): void {
    if (this.pending.length === 0) {
      if (this.total === 0) setText(this.count, 'No frames yet: send a command from the host panel.');
      return;
    }
    const rows = this.pending.reverse().map((r) => h('tr', { class: r.flags.join(' ') || undefined },
      h('td', {}, formatSeconds(r.t)), h('td', {}, r.direction), h('td', {}, r.summary), h('td', { class: 'hex' }, r.bytes), h('td', {}, r.flags.join(', '))));
    this.pending = [];
    this.body.prepend(...rows);
    while (this.body.childElementCount > MAX_ROWS) this.body.lastElementChild!.remove();
    setText(this.count, `${this.total} frames on the wire (newest first, last ${Math.min(this.total, MAX_ROWS)} shown)`);
  }
}
