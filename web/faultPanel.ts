/// <reference lib="dom" />
/**
 * Fault buttons for the selected board and Pi, through the simulator's control surface
 * (`sim.control.inject`, so each fault is also in the event log): crash a Pi, hang its boot,
 * short it, ask for a shutdown from the Pi side, clear its faults; lower the stack's supply;
 * corrupt a flash block; duplicate a DIP setting; reset the MCU.
 */
import { FAULTS, type FaultName } from '../board-model/faults.ts';
import { h, labelled, panel, select, setText } from './dom.ts';
import { formatSeconds } from './format.ts';
import type { Selection } from './stackView.ts';
import type { Session } from './Session.ts';

/** Buttons acting on the selected Pi or board: fault, button text. */
const BUTTONS: ReadonlyArray<readonly [FaultName, string]> = [
  ['crash', 'Crash the Pi'],
  ['hang-boot', 'Hang its boot'],
  ['short-circuit', 'Short the Pi'],
  ['pi-shutdown', 'Pi asks for shutdown'],
  ['clear-fault', 'Clear Pi faults'],
  ['corrupt-config', 'Corrupt flash: config'],
  ['corrupt-errors', 'Corrupt flash: error log'],
  ['mcu-reset', 'Reset the MCU'],
];

/** The fault panel. */
export class FaultPanel {
  readonly el: HTMLElement;
  private readonly target = h('p', { class: 'caption', id: 'fault-target' });
  private readonly status = h('p', { class: 'status', role: 'status' });
  private readonly volts = h('input', { id: 'fault-volts', type: 'number', min: 0, max: 30, step: 0.1, value: 12, 'aria-describedby': 'fault-volts-range' });
  private readonly voltsRange = h('p', { class: 'caption', id: 'fault-volts-range' });
  private readonly dip = select(Array.from({ length: 16 }, (_, d) => [String(d), `${d.toString(2).padStart(4, '0')} (${d})`] as const), { id: 'fault-dip' });
  private session: Session | undefined;

  constructor(private readonly selection: Selection) {
    const buttons = BUTTONS.map(([fault, text]) => {
      const b = h('button', { type: 'button', 'data-fault': fault, title: FAULTS[fault].summary, 'aria-describedby': 'fault-target' }, text);
      b.addEventListener('click', () => this.inject(fault));
      return b;
    });
    const supply = h('button', { type: 'button', 'data-fault': 'supply-volts', title: FAULTS['supply-volts'].summary }, 'Set the supply');
    supply.addEventListener('click', () => {
      const volts = this.volts.value.trim() === '' ? NaN : Number(this.volts.value);
      if (Number.isFinite(volts) && volts >= 0 && volts <= 30) this.inject('supply-volts', volts);
      else setText(this.status, 'supply: enter a voltage from 0 to 30 V');
    });
    const dup = h('button', { type: 'button', 'data-fault': 'duplicate-dip', title: FAULTS['duplicate-dip'].summary, 'aria-describedby': 'fault-target' }, 'Set DIP and reset');
    dup.addEventListener('click', () => this.inject('duplicate-dip', Number(this.dip.value)));
    this.el = panel('faults', 'Faults', this.target,
      h('div', { class: 'buttons' }, ...buttons),
      h('div', { class: 'controls' }, labelled('Supply (V)', this.volts), supply), this.voltsRange,
      h('div', { class: 'controls' }, labelled('DIP setting', this.dip), dup),
      this.status);
    selection.onChange(() => this.follow());
  }

  /** Act on a new session's stack. */
  bind(session: Session): void {
    this.session = session;
    setText(this.status, '');
    const p = session.scenario.profile;
    this.volts.value = String(p.supply.nominalV);
    setText(this.voltsRange, `Nominal ${p.supply.nominalV} V. Safe: ${p.regulator.uvloV} V and above (below ${p.regulator.uvloV} V the 5 V regulator locks out and the Pis lose power; below ${p.regulator.mcuBrownoutV} V the board's MCU browns out too). The board measures up to 30.8 V.`);
    this.follow();
  }

  private follow(): void {
    const boards = this.session?.sim.boards ?? [];
    const board = boards[this.selection.board];
    if (!board) return;
    setText(this.target, `Acting on board ID ${board.id} (board #${board.index}), Pi ${this.selection.pi}; the supply is the whole stack's.`);
    // Offer a DIP another board already has, so "Set DIP and reset" makes a duplicate.
    const other = boards.find((b) => b.index !== board.index);
    this.dip.value = String(other ? other.dip : board.dip);
  }

  private inject(fault: FaultName, value?: number): void {
    const session = this.session;
    if (!session) return;
    const target = { board: this.selection.board, pi: this.selection.pi };
    // Recorded in the input log (rewind, undo, links): applied once time is free to move.
    void session.input({ kind: 'fault', fault, board: target.board, pi: target.pi, ...(value === undefined ? {} : { value }) }).then(() => {
      const where = FAULTS[fault].target === 'stack' ? 'the stack' : FAULTS[fault].target === 'board' ? `board #${this.selection.board}` : `board #${this.selection.board} Pi ${this.selection.pi}`;
      setText(this.status, `${fault}${value === undefined ? '' : ` ${value}`} on ${where} at ${formatSeconds(session.now)}`);
    }, (e: unknown) => {
      setText(this.status, `${fault} failed: ${e instanceof Error ? e.message : String(e)}`);
    });
  }
}
