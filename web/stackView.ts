/// <reference lib="dom" />
/**
 * The stack panel: one card per board, and the selection (the board and port the page is
 * focused on: the charts show them, the fault buttons act on them, the host panel starts from
 * them). A card shows the board's ID, DIP switch as 4 bits, RGB debug LED and LED enable, MCU
 * state, input volts and amps and the 5 V rail, and per port the power LED, a heartbeat LED
 * that blinks on each rising edge (with a pulse count), the signal line's level, the port's
 * and the Pi's state, and live volts, amps and watts.
 */
import type { Board } from '../board-model/Board.ts';
import { portPowered, portStateName } from '../board-model/powerPortMachine.ts';
import { piStateName } from '../board-model/raspberryPiMachine.ts';
import { h, panel, setAttr, setClass, setText } from './dom.ts';
import { formatUnit } from './format.ts';
import type { Session } from './Session.ts';

/** Selected board (index in the stack) and port. */
export class Selection {
  private boardIndex = 0;
  private port: 0 | 1 = 0;
  private readonly listeners = new Set<() => void>();

  /** Index of the selected board in the stack description. */
  get board(): number {
    return this.boardIndex;
  }

  /** Selected port (Pi 0 or 1). */
  get pi(): 0 | 1 {
    return this.port;
  }

  /** Select a board and port; listeners run only on a change. */
  set(board: number, pi: 0 | 1 = this.port): void {
    if (board === this.boardIndex && pi === this.port) return;
    this.boardIndex = board;
    this.port = pi;
    for (const listener of this.listeners) listener();
  }

  /** Be told about changes; returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** How long a heartbeat LED stays lit after a rising edge, in wall time (ms), so fast runs still blink visibly. */
export const BLINK_MS = 120;

interface PortParts {
  select: HTMLButtonElement;
  power: HTMLElement;
  heart: HTMLElement;
  count: HTMLElement;
  signal: HTMLElement;
  state: HTMLElement;
  meter: HTMLElement;
  pulses: number;
  litUntil: number;
  unsubscribe: () => void;
}

/** The card of one board, bound to the Board of the current session. */
export class BoardCard {
  readonly el: HTMLElement;
  private readonly idText = h('span', { class: 'id' });
  private readonly dip = h('span', { class: 'dip', role: 'img' });
  private readonly bits: HTMLElement[] = [];
  private readonly debugLed = h('span', { class: 'led debug', role: 'img' });
  private readonly mcu = h('span', { class: 'mcu' });
  private readonly supply = h('p', { class: 'supply' });
  private readonly ports: [PortParts, PortParts];

  constructor(private readonly board: Board, private readonly onSelect: (pi: 0 | 1) => void) {
    for (let bit = 3; bit >= 0; bit--) this.bits.push(this.dip.appendChild(h('i', { class: 'bit', 'data-bit': bit })));
    this.ports = [this.port(0), this.port(1)];
    this.el = h('article', { class: 'board', 'data-board': board.index, 'aria-labelledby': `board-${board.index}-title` },
      h('header', {}, h('h3', { id: `board-${board.index}-title` }, 'Board ', this.idText), this.dip, this.debugLed,
        h('span', { class: 'index', title: 'place in the stack description' }, `#${board.index}`), this.mcu),
      this.supply,
      h('div', { class: 'ports' }, ...this.ports.map((p) => p.select.parentElement!)));
  }

  private port(pi: 0 | 1): PortParts {
    const parts: PortParts = {
      select: h('button', { type: 'button', class: 'select', 'aria-pressed': 'false' }, `Pi ${pi}`),
      power: h('span', { class: 'led power', role: 'img' }),
      heart: h('span', { class: 'led heart', role: 'img' }),
      count: h('span', { class: 'count' }, '0'),
      signal: h('span', { class: 'signal' }),
      state: h('span', { class: 'state' }),
      meter: h('span', { class: 'meter' }),
      pulses: 0, litUntil: 0,
      unsubscribe: this.board.heartbeat[pi].onRise(() => {
        parts.pulses++;
        parts.litUntil = performance.now() + BLINK_MS;
      }),
    };
    parts.select.addEventListener('click', () => this.onSelect(pi));
    h('div', { class: 'port', 'data-pi': pi }, parts.select, parts.power, parts.heart, parts.count, parts.signal, parts.state, parts.meter);
    return parts;
  }

  /** Show which port is selected (or none of this board's). */
  select(pi: 0 | 1 | undefined): void {
    setClass(this.el, 'selected', pi !== undefined);
    this.ports.forEach((p, i) => setAttr(p.select, 'aria-pressed', String(i === pi)));
  }

  /** Bring the card up to date with the board (cheap when nothing changed). */
  render(wall: number): void {
    const b = this.board;
    const id = b.id;
    setText(this.idText, `ID ${id}`);
    const bits = b.dip.toString(2).padStart(4, '0');
    setAttr(this.dip, 'aria-label', `DIP switch ${bits} (${b.dip})`);
    this.bits.forEach((el, i) => setClass(el, 'on', bits[i] === '1'));
    const ram = b.mcu.getSnapshot().context.ram;
    const [r, g, bl] = ram?.debugLed ?? [0, 0, 0];
    const enabled = ram?.ledsEnabled ?? false;
    const colour = enabled ? `rgb(${r}, ${g}, ${bl})` : 'rgb(0, 0, 0)';
    if (this.debugLed.style.backgroundColor !== colour) this.debugLed.style.backgroundColor = colour;
    setAttr(this.debugLed, 'aria-label', `debug LED ${r},${g},${bl}; LEDs ${enabled ? 'enabled' : 'disabled'}`);
    setClass(this.debugLed, 'disabled', !enabled);
    setText(this.mcu, String(b.mcu.getSnapshot().value));
    const e = b.electrical();
    setText(this.supply, `in ${formatUnit(e.vin, 'V')} ${formatUnit(e.cin, 'A')} · 5 V rail ${formatUnit(e.rail, 'V')}`);
    this.ports.forEach((p, i) => this.renderPort(p, i as 0 | 1, e.portV[i]!, e.portA[i]!, wall));
  }

  private renderPort(p: PortParts, pi: 0 | 1, volts: number, amps: number, wall: number): void {
    const b = this.board;
    const port = b.ports[pi].getSnapshot();
    const powered = portPowered(port);
    setClass(p.power, 'on', powered);
    setAttr(p.power, 'aria-label', `Pi ${pi} power ${powered ? 'on' : 'off'}`);
    const lit = b.heartbeat[pi].level || wall < p.litUntil;
    setClass(p.heart, 'on', lit);
    setAttr(p.heart, 'aria-label', `Pi ${pi} heartbeat, ${p.pulses} pulses`);
    setText(p.count, String(p.pulses));
    const high = b.signal[pi].level;
    setText(p.signal, high ? 'SIG high' : 'SIG low');
    setClass(p.signal, 'low', !high);
    const actor = b.pis[pi];
    setText(p.state, `${portStateName(port)} · ${actor ? piStateName(actor.getSnapshot()) : 'no Pi'}`);
    setText(p.meter, `${formatUnit(volts, 'V')} ${formatUnit(amps, 'A')} ${formatUnit(volts * amps, 'W')}`);
  }

  /** Stop listening to the board's wires. */
  dispose(): void {
    for (const p of this.ports) p.unsubscribe();
  }
}

/** Every board of the current session. */
export class StackView {
  readonly el: HTMLElement;
  private readonly grid = h('div', { class: 'boards' });
  private readonly caption = h('p', { class: 'caption' });
  private cards: BoardCard[] = [];

  constructor(private readonly selection: Selection) {
    this.el = panel('stack', 'Stack', this.caption, this.grid);
    selection.onChange(() => this.showSelection());
  }

  /** Build the cards for a new session's boards. */
  bind(session: Session): void {
    for (const card of this.cards) card.dispose();
    this.cards = session.sim.boards.map((board) => new BoardCard(board, (pi) => this.selection.set(board.index, pi)));
    this.grid.replaceChildren(...this.cards.map((c) => c.el));
    const s = session.scenario;
    setText(this.caption, `${s.stack.boards.length} boards (stack "${s.stack.name}", profile ${s.profile.name}, seed ${s.seed}). Per Pi: power LED (green), heartbeat LED (red, blinks on each pulse, with the count), the shutdown signal line (SIG), port · Pi state, volts, amps, watts. Choose a Pi to see its charts and aim the faults.`);
    this.showSelection();
  }

  /** Update every card. */
  render(): void {
    const wall = performance.now();
    for (const card of this.cards) card.render(wall);
  }

  private showSelection(): void {
    this.cards.forEach((card, i) => card.select(i === this.selection.board ? this.selection.pi : undefined));
  }
}
