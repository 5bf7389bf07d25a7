/// <reference lib="dom" />
/**
 * The stack panel: one card per board, and the selection (the board and port the page is
 * focused on: the charts show them, the fault buttons act on them, the host panel starts from
 * them). A card explains itself: labelled LEDs with hover text (the power LED shows voltage at
 * the port, not only the switch), badges (cards/cardModel.ts), live countdowns of the running
 * timers, states in plain words with the XState path on hover, a clickable DIP switch (through
 * the control surface; the MCU reads it at its next boot), and rows that keep their size as
 * the numbers change. The derivations live in web/cards/; this file only draws them.
 */
import type { Board } from '../board-model/Board.ts';
import { BoardTimes } from './cards/BoardTimes.ts';
import { boardView, type Badge, type BoardView, type PortView } from './cards/cardModel.ts';
import { formatLeft, seconds, type Countdown } from './cards/countdowns.ts';
import { h, onVisible, panel, setAttr, setClass, setText } from './dom.ts';
import { FrameGate } from './frameGate.ts';
import { formatUnit, plural } from './format.ts';
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

/** Cards off screen that one live frame updates (the longest waiting first). */
export const OFFSCREEN_CARDS_PER_FRAME = 4;

/** How long a heartbeat LED stays lit after a rising edge, in wall time (ms), so fast runs still blink visibly. */
export const BLINK_MS = 120;

/** Beats closer than this in wall time (ms) blink at a steady readable rate instead (the LED would look stuck on). */
export const FAST_BEAT_WALL_MS = 400;

interface PortParts {
  select: HTMLButtonElement;
  power: HTMLElement;
  heart: HTMLElement;
  count: HTMLElement;
  rate: HTMLElement;
  signal: HTMLElement;
  state: HTMLElement;
  meter: HTMLElement;
  badges: HTMLElement;
  timers: HTMLElement;
  pulses: number;
  litUntil: number;
  lastWall: number;
  wallGap: number;
  unsubscribe: () => void;
}

/** A labelled LED: the dot and a short caption, hover text and accessible name on the dot. */
function led(kind: string, caption: string): [HTMLElement, HTMLElement] {
  const dot = h('span', { class: `led ${kind}`, role: 'img' });
  return [dot, h('span', { class: 'led-box' }, dot, h('span', { class: 'led-caption', 'aria-hidden': 'true' }, caption))];
}

function drawBadges(el: HTMLElement, badges: readonly Badge[]): void {
  const key = badges.map((b) => `${b.key}:${b.why}`).join('|');
  if (el.dataset['key'] === key) return;
  el.dataset['key'] = key;
  el.replaceChildren(...badges.map((b) => h('span', { class: `badge ${b.key}`, title: b.why, 'data-badge': b.key }, h('span', {}, b.text), h('span', { class: 'sr' }, `: ${b.why}`))));
}

function drawTimers(el: HTMLElement, timers: readonly Countdown[]): void {
  const key = timers.map((c) => `${c.kind}:${c.label}`).join('|');
  if (el.dataset['key'] !== key) {
    el.dataset['key'] = key;
    el.replaceChildren(...timers.map((c) => h('li', { 'data-timer': c.kind, title: `${c.label}: ${seconds(c.totalMs)} in all, fires at ${(c.dueAt / 1000).toFixed(3)} s` },
      h('span', { class: 't-label' }, c.label), h('span', { class: 't-left' }), h('span', { class: 't-bar', 'aria-hidden': 'true' }, h('i')))));
  }
  timers.forEach((c, i) => {
    const li = el.children[i] as HTMLElement;
    setAttr(li, 'data-left-ms', String(Math.round(c.leftMs)));
    setText(li.children[1]!, formatLeft(c));
    const bar = li.children[2]!.firstElementChild as HTMLElement;
    const width = `${c.totalMs > 0 ? Math.round((100 * c.leftMs) / c.totalMs) : 0}%`;
    if (bar.style.width !== width) bar.style.width = width;
  });
}

/** The card of one board, bound to the Board of the current session. */
export class BoardCard {
  readonly el: HTMLElement;
  private readonly times: BoardTimes;
  private readonly idText = h('span', { class: 'id' });
  private readonly dip = h('span', { class: 'dip', role: 'group' });
  private readonly bits: HTMLButtonElement[] = [];
  private readonly dipNote = h('p', { class: 'dip-note' });
  private readonly debugLed: HTMLElement;
  private readonly debugBox: HTMLElement;
  private readonly mcu = h('span', { class: 'mcu' });
  private readonly supply = h('p', { class: 'supply' });
  private readonly regulator = h('p', { class: 'regulator' });
  private readonly badges = h('div', { class: 'badges' });
  private readonly timers = h('ul', { class: 'timers', 'aria-label': 'board timers' });
  private readonly ports: [PortParts, PortParts];

  constructor(private readonly board: Board, now: () => number, private readonly others: () => readonly Board[],
    private readonly onSelect: (pi: 0 | 1) => void, private readonly onDip: (bit: number) => void) {
    this.times = new BoardTimes(board, now);
    [this.debugLed, this.debugBox] = led('debug', 'DBG');
    for (let bit = 3; bit >= 0; bit--) {
      const b = h('button', { type: 'button', class: 'bit', 'data-bit': bit, 'aria-pressed': 'false' }, h('span', { class: 'knob', 'aria-hidden': 'true' }), h('span', { class: 'bit-no', 'aria-hidden': 'true' }, String(bit)));
      b.addEventListener('click', () => this.onDip(bit));
      this.bits.push(this.dip.appendChild(b));
    }
    this.ports = [this.port(0), this.port(1)];
    this.el = h('article', { class: 'board', 'data-board': board.index, 'aria-labelledby': `board-${board.index}-title` },
      h('header', {}, h('h3', { id: `board-${board.index}-title` }, 'Board ', this.idText), this.dip, this.debugBox,
        h('span', { class: 'index', title: 'place in the stack description' }, `#${board.index}`), this.mcu),
      this.dipNote, this.supply, this.regulator, h('div', { class: 'status-line' }, this.badges, this.timers),
      h('div', { class: 'ports' }, ...this.ports.map((p) => p.select.parentElement!.parentElement!)));
  }

  private port(pi: 0 | 1): PortParts {
    const [power, powerBox] = led('power', 'PWR');
    const [heart, heartBox] = led('heart', 'HBT');
    const parts: PortParts = {
      select: h('button', { type: 'button', class: 'select', 'aria-pressed': 'false' }, `Pi ${pi}`),
      power, heart,
      count: h('span', { class: 'count', title: 'heartbeat pulses seen' }, '0'),
      rate: h('span', { class: 'rate', title: 'time between the last two heartbeats (virtual time)' }),
      signal: h('span', { class: 'signal' }),
      state: h('span', { class: 'state' }),
      meter: h('span', { class: 'meter' }),
      badges: h('div', { class: 'badges' }),
      timers: h('ul', { class: 'timers', 'aria-label': `Pi ${pi} timers` }),
      pulses: 0, litUntil: 0, lastWall: -Infinity, wallGap: Infinity,
      unsubscribe: this.board.heartbeat[pi].onRise(() => {
        const wall = performance.now();
        parts.pulses++;
        parts.wallGap = wall - parts.lastWall;
        parts.lastWall = wall;
        parts.litUntil = wall + BLINK_MS;
      }),
    };
    parts.select.addEventListener('click', () => this.onSelect(pi));
    h('div', { class: 'port', 'data-pi': pi },
      h('div', { class: 'port-row' }, parts.select, powerBox, heartBox, parts.count, parts.rate, parts.signal, parts.meter),
      parts.state, h('div', { class: 'status-line' }, parts.badges, parts.timers));
    return parts;
  }

  /** Show which port is selected (or none of this board's). */
  select(pi: 0 | 1 | undefined): void {
    setClass(this.el, 'selected', pi !== undefined);
    this.ports.forEach((p, i) => setAttr(p.select, 'aria-pressed', String(i === pi)));
  }

  /** Bring the card up to date with the board (cheap when nothing changed). */
  render(wall: number, now: number): void {
    const b = this.board;
    const v = boardView(b, this.times, this.others(), now);
    setText(this.idText, `ID ${v.id}`);
    const bits = v.dip.toString(2).padStart(4, '0');
    setAttr(this.dip, 'aria-label', `DIP switch ${bits} (${v.dip})`);
    this.bits.forEach((el, i) => {
      const bit = 3 - i;
      const on = bits[i] === '1';
      setClass(el, 'on', on);
      setAttr(el, 'aria-pressed', String(on));
      setAttr(el, 'aria-label', `DIP bit ${bit} (value ${1 << bit}), ${on ? 'on' : 'off'}: switch it; the MCU reads the DIP at its next boot`);
      setAttr(el, 'title', `bit ${bit} (adds ${1 << bit} to the ID), ${on ? 'on' : 'off'}. Click to switch it: the board keeps its ID until its MCU boots again (reset it in Faults).`);
    });
    setText(this.dipNote, v.dipAtBoot !== undefined && v.dipAtBoot !== v.dip
      ? `DIP now ${bits} (${v.dip}); the MCU read ${v.dipAtBoot} at boot: the ID changes at its next boot.` : '');
    const ram = b.mcu.getSnapshot().context.ram;
    const [r, g, bl] = ram?.debugLed ?? [0, 0, 0];
    const enabled = ram?.ledsEnabled ?? false;
    const colour = enabled ? `rgb(${r}, ${g}, ${bl})` : 'rgb(0, 0, 0)';
    if (this.debugLed.style.backgroundColor !== colour) this.debugLed.style.backgroundColor = colour;
    setAttr(this.debugLed, 'aria-label', `debug LED ${r},${g},${bl}; LEDs ${enabled ? 'enabled' : 'disabled'}`);
    setAttr(this.debugLed, 'title', `RGB debug LED (DEBUG_LED): ${r},${g},${bl}; all LEDs ${enabled ? 'enabled (LEDS_ON)' : 'disabled (LEDS_OFF)'}`);
    setClass(this.debugLed, 'disabled', !enabled);
    setText(this.mcu, v.mcuWords);
    setAttr(this.mcu, 'title', `XState: ${v.paths}`);
    drawBadges(this.badges, v.badges);
    setText(this.supply, `in ${formatUnit(v.vin, 'V')} ${formatUnit(v.cin, 'A')} · 5 V rail ${formatUnit(v.rail, 'V')}`);
    setText(this.regulator, v.regulatorWords);
    drawTimers(this.timers, v.countdowns);
    this.ports.forEach((p, i) => this.renderPort(p, i as 0 | 1, v.ports[i]!, wall));
  }

  private renderPort(p: PortParts, pi: 0 | 1, v: PortView, wall: number): void {
    setClass(p.power, 'on', v.powerLed);
    setClass(p.power, 'switched', v.switchOn && !v.powerLed);
    setAttr(p.power, 'aria-label', `Pi ${pi} power ${v.powerLed ? 'on' : 'off'}`);
    setAttr(p.power, 'title', v.powerWhy);
    // Beats closer than FAST_BEAT_WALL_MS in wall time: a steady blink at a readable rate, not a light stuck on.
    const fast = p.wallGap < FAST_BEAT_WALL_MS && wall - p.lastWall < 2 * FAST_BEAT_WALL_MS;
    setClass(p.heart, 'fast', fast);
    setClass(p.heart, 'on', !fast && (this.board.heartbeat[pi].level || wall < p.litUntil));
    const rate = v.beatPeriodMs === undefined ? '' : `every ${seconds(v.beatPeriodMs)}`;
    setAttr(p.heart, 'aria-label', `Pi ${pi} heartbeat, ${p.pulses} pulses${rate ? `, ${rate}` : ''}`);
    setAttr(p.heart, 'title', `Heartbeat line from Pi ${pi}: ${p.pulses} rising edges${rate ? `, one ${rate} (virtual time)` : ''}${fast ? '; blinking steadily because they come faster than the eye can follow' : ''}`);
    setText(p.count, String(p.pulses));
    setText(p.rate, rate ? `♥ ${seconds(v.beatPeriodMs!)}` : '');
    setText(p.signal, v.signalHigh ? 'SIG high' : 'SIG low');
    setAttr(p.signal, 'title', v.signalHigh ? 'shutdown signal line released (high)' : 'shutdown signal line held low: a shutdown request');
    setClass(p.signal, 'low', !v.signalHigh);
    setText(p.state, `${v.portWords} · Pi: ${v.piWords}`);
    setAttr(p.state, 'title', `XState: ${v.paths}`);
    setText(p.meter, `${formatUnit(v.volts, 'V')} ${formatUnit(v.amps, 'A')} ${formatUnit(v.volts * v.amps, 'W')}`);
    drawBadges(p.badges, v.badges);
    drawTimers(p.timers, v.countdowns);
  }

  /** Every running timer of the board with a name (for "Next timer"). */
  timerNames(now: number): { dueAt: number; name: string }[] {
    const v = boardView(this.board, this.times, this.others(), now);
    const at = (c: Countdown, who: string) => ({ dueAt: c.dueAt, name: `${c.kind} of ${who}` });
    return [...v.countdowns.map((c) => at(c, `board ${v.id}`)), ...v.ports.flatMap((p, pi) => p.countdowns.map((c) => at(c, `board ${v.id} Pi ${pi}`)))];
  }

  /** Stop listening to the board's wires and machines. */
  dispose(): void {
    for (const p of this.ports) p.unsubscribe();
    this.times.dispose();
  }
}

/** Every board of the current session. */
export class StackView {
  readonly el: HTMLElement;
  private readonly grid = h('div', { class: 'boards' });
  private readonly caption = h('p', { class: 'caption' });
  private readonly status = h('p', { class: 'status', role: 'status' });
  private cards: BoardCard[] = [];
  /** Which cards a live frame draws: those on screen, and a few of the others in turn. */
  private gate = new FrameGate<BoardCard>(OFFSCREEN_CARDS_PER_FRAME);
  private unwatch: (() => void)[] = [];
  private session: Session | undefined;
  /** DIP settings clicked but not applied yet, by board index: a second click toggles from the first one's value. */
  private pendingDip = new Map<number, number>();

  constructor(private readonly selection: Selection) {
    this.el = panel('stack', 'Stack', this.caption, this.status, this.grid);
    selection.onChange(() => this.showSelection());
  }

  /** Build the cards for a new session's boards. */
  bind(session: Session): void {
    this.session = session;
    this.pendingDip = new Map();
    for (const card of this.cards) card.dispose();
    for (const stop of this.unwatch) stop();
    const boards = session.sim.boards;
    this.cards = boards.map((board) => new BoardCard(board, () => session.now, () => boards,
      (pi) => this.selection.set(board.index, pi), (bit) => this.toggleDip(board, bit)));
    this.gate = new FrameGate(OFFSCREEN_CARDS_PER_FRAME);
    this.unwatch = this.cards.map((card) => onVisible(card.el, this.gate.add(card)));
    this.grid.replaceChildren(...this.cards.map((c) => c.el));
    const s = session.scenario;
    setText(this.status, '');
    setText(this.caption, `${plural(s.stack.boards.length, 'board')} (stack "${s.stack.name}", profile ${s.profile.name}, seed ${s.seed}). Per Pi: PWR lights when the port has voltage, HBT blinks on each heartbeat (count and period beside it), SIG is the shutdown line; the port and the Pi in words (hover for the state path), badges for trouble and the timers counting down. Hover any light or badge for what it means. Click a DIP bit to switch it. Choose a Pi to see its charts and aim the faults.`);
    this.showSelection();
  }

  /** Update every card (`live`: an animation frame, which updates the cards on screen and a few others in turn). */
  render(live = false): void {
    const wall = performance.now();
    const now = this.session?.now ?? 0;
    for (const card of live ? this.gate.frame(wall) : this.gate.all(wall)) card.render(wall, now);
  }

  /** Every running timer of the stack, named (the "Next timer" button says which one is next). */
  timerNames(): { dueAt: number; name: string }[] {
    const now = this.session?.now ?? 0;
    return this.cards.flatMap((c) => c.timerNames(now));
  }

  /** Flip one DIP bit: a set-dip input like every other control's (recorded for rewind, undo, links and the export). */
  private toggleDip(board: Board, bit: number): void {
    const session = this.session;
    if (!session) return;
    const pending = this.pendingDip;
    const dip = (pending.get(board.index) ?? board.dip) ^ (1 << bit);
    pending.set(board.index, dip);
    void session.input({ kind: 'fault', fault: 'set-dip', board: board.index, pi: 0, value: dip }).then(() => {
      setText(this.status, `Board #${board.index}: DIP set to ${dip.toString(2).padStart(4, '0')} (${dip}) at ${(session.now / 1000).toFixed(3)} s; the MCU reads it at its next boot (reset the MCU in Faults to apply it now).`);
      this.render();
    }, (e: unknown) => setText(this.status, `Board #${board.index}: the DIP could not be set: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        if (pending.get(board.index) === dip) pending.delete(board.index);
      });
  }

  private showSelection(): void {
    this.cards.forEach((card, i) => card.select(i === this.selection.board ? this.selection.pi : undefined));
  }
}
