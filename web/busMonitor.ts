/// <reference lib="dom" />
/**
 * The bus monitor: every frame on the wire (sim.bus.onTransmission), grouped into exchanges
 * (a request with its reply; busLog.ts), newest first: readings in units, each byte annotated
 * by field on hover (frameText.ts), a row for a request that got no reply with the cause the
 * simulator knows, collisions called collisions; filter by board ID and command. Exchanges are
 * collected as frames happen and drawn once per animation frame; the last MAX_EXCHANGES stay.
 */
import { COMMAND_NAMES } from '../bus-protocol/commands.ts';
import { BusLog, collisionText, exchangeMatches, MAX_EXCHANGES, type BusFilter, type Exchange } from './busLog.ts';
import { h, labelled, panel, select, setText } from './dom.ts';
import { formatSeconds, plural } from './format.ts';
import { FrameReader, type FrameRow } from './frameText.ts';
import type { Session } from './Session.ts';

/** Exchanges kept in the table. */
export const MAX_ROWS = MAX_EXCHANGES;

function bytesCell(row: FrameRow): HTMLElement {
  const cell = h('td', { class: 'hex' });
  row.fields.forEach((f, i) => {
    if (i > 0) cell.append(' ');
    cell.append(h('span', { class: `byte ${f.kind}`, title: f.title }, f.hex));
  });
  if (row.fields.length === 0) cell.append(row.bytes);
  // The fields for a screen reader, in one line after the bytes.
  cell.append(h('span', { class: 'sr' }, ` (${row.fields.map((f) => `${f.hex}: ${f.title}`).join('; ')})`));
  return cell;
}

function frameTr(row: FrameRow, role: string): HTMLElement {
  return h('tr', { class: row.flags.join(' ') || undefined, 'data-role': role },
    h('td', {}, formatSeconds(row.t)), h('td', {}, row.direction), h('td', {}, row.summary), bytesCell(row), h('td', {}, row.flags.join(', ')));
}

function exchangeBody(x: Exchange): HTMLElement {
  const rows: HTMLElement[] = [];
  if (x.request) rows.push(frameTr(x.request, 'request'));
  const collision = collisionText(x);
  if (collision) rows.push(h('tr', { class: 'collision-row', 'data-role': 'collision' }, h('td', {}, formatSeconds(x.replies[0]!.t)), h('td', {}, 'on the wire'), h('td', { colspan: 3 }, collision)));
  for (const reply of x.replies) rows.push(frameTr(reply, 'reply'));
  if (x.noReply) {
    rows.push(h('tr', { class: 'no-reply', 'data-role': 'no-reply', 'data-cause': x.noReply.cause },
      h('td', {}, formatSeconds(x.noReply.t)), h('td', {}, `host gave up`),
      h('td', { colspan: 3 }, `no reply (${x.noReply.cause}): ${x.noReply.why}`)));
  }
  return h('tbody', { class: 'bus-exchange', 'data-seq': x.seq }, ...rows);
}

/** The bus monitor panel. */
export class BusMonitor {
  readonly el: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly count = h('p', { class: 'caption', 'aria-live': 'off' });
  private readonly boardFilter = h('input', { id: 'bus-filter-id', type: 'number', min: 0, max: 255, step: 1, placeholder: 'any' });
  private readonly commandFilter = select([['', 'any command'], ...COMMAND_NAMES.map((n) => [n, n] as const)], { id: 'bus-filter-command' });
  private log = new BusLog();
  private readonly drawn = new Map<Exchange, { el: HTMLElement; version: number }>();
  private total = 0;
  private dirty = true;
  private unsubscribe: (() => void)[] = [];

  constructor() {
    const head = h('thead', {}, h('tr', {}, ...['time', 'direction', 'decoded', 'bytes (hover: field)', 'marks'].map((c) => h('th', { scope: 'col' }, c))));
    this.table = h('table', { class: 'frames', 'aria-describedby': 'bus-title' }, head);
    const filters = h('div', { class: 'bus-filter', role: 'group', 'aria-label': 'filter the bus monitor' },
      labelled('Board ID', this.boardFilter), labelled('Command', this.commandFilter));
    for (const el of [this.boardFilter, this.commandFilter]) el.addEventListener('input', () => this.refilter());
    this.el = panel('bus', 'Bus monitor', this.count, filters,
      h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': 'bus exchanges, newest first' }, this.table));
  }

  /** Listen to a new session's bus and host timeouts (the table starts empty). */
  bind(session: Session): void {
    for (const u of this.unsubscribe) u();
    this.log = new BusLog();
    this.total = 0;
    this.dirty = true;
    for (const { el } of this.drawn.values()) el.remove();
    this.drawn.clear();
    const boards = session.sim.boards;
    const boardAt = (node: string) => boards[Number(/^board (\d+)$/.exec(node)?.[1] ?? NaN)];
    // A board is named by its ID; when another board answers to the same ID (duplicate DIP), also by its place in the stack.
    const reader = new FrameReader((node) => {
      const board = boardAt(node);
      if (!board) return undefined;
      const id = board.id;
      return boards.some((b) => b !== board && b.id === id) ? `board ${id} (#${board.index})` : `board ${id}`;
    }, (id) => {
      const board = boards.find((b) => b.id === id);
      return (board && session.scenario.stack.boards[board.index]?.hardwareVersion) ?? session.scenario.profile.hardwareVersion;
    }, (node) => boardAt(node)?.id);
    this.unsubscribe = [
      session.sim.bus.onTransmission((record) => {
        this.total++;
        this.log.addFrame(reader.read(record));
        this.dirty = true;
      }),
      session.sim.events.subscribe((e) => {
        if (this.log.addTimeout(e)) this.dirty = true;
      }),
    ];
  }

  /** Draw the exchanges that are new or changed since the last call. */
  render(): void {
    if (!this.dirty) return;
    this.dirty = false;
    if (this.total === 0) {
      setText(this.count, 'No frames yet: send a command from the host panel.');
      return;
    }
    const filter = this.filter();
    const keep = new Set(this.log.exchanges);
    for (const [x, d] of this.drawn) if (!keep.has(x)) {
      d.el.remove();
      this.drawn.delete(x);
    }
    // Newest first: walk from the newest, inserting each before the previously placed one.
    let after: HTMLElement | null = null;
    for (let i = this.log.exchanges.length - 1; i >= 0; i--) {
      const x = this.log.exchanges[i]!;
      let d = this.drawn.get(x);
      if (!d || d.version !== x.version) {
        const el = exchangeBody(x);
        if (d) d.el.replaceWith(el);
        d = { el, version: x.version };
        this.drawn.set(x, d);
      }
      d.el.hidden = !exchangeMatches(x, filter);
      if (d.el.parentElement !== this.table || (after ? d.el.previousElementSibling !== after : d.el !== this.table.tBodies[0])) {
        if (after) after.after(d.el);
        else this.table.tHead!.after(d.el);
      }
      after = d.el;
    }
    const shown = this.log.exchanges.filter((x) => exchangeMatches(x, filter)).length;
    const filtered = filter.id !== undefined || filter.command !== undefined;
    setText(this.count, `${plural(this.total, 'frame')} on the wire, ${plural(this.log.exchanges.length, 'exchange')} kept (newest first)${filtered ? `, ${shown} matching the filter` : ''}. Hover a byte for its field.`);
  }

  private filter(): BusFilter {
    const id = this.boardFilter.value.trim() === '' ? undefined : Number(this.boardFilter.value);
    const command = this.commandFilter.value === '' ? undefined : this.commandFilter.value;
    return { id: Number.isInteger(id) ? id : undefined, command };
  }

  private refilter(): void {
    this.dirty = true;
    this.render();
  }
}
