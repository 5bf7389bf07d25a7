/**
 * The simulator's control surface (STYLE.md rule 8): fault injection, separate from the bus.
 * Every fault of faults.ts is one method here; `inject` applies a fault by name (scenarios).
 */
import type { Board } from './Board.ts';
import type { EventLog } from './events.ts';
import { FAULTS, type FaultName } from './faults.ts';
import type { Rs485Bus } from './Rs485Bus.ts';
import type { Clock } from '../bus-protocol/clock.ts';
import type { BlockName } from './firmware/flashBlocks.ts';

/** Where a fault applies: a board (by index in the stack) and for Pi faults a port. */
export interface FaultTarget {
  board?: number;
  pi?: 0 | 1;
  value?: number | string;
}

/** Fault injection for a running stack. */
export class StackControl {
  constructor(
    private readonly boards: readonly Board[],
    private readonly bus: Rs485Bus,
    private readonly clock: Clock,
    private readonly events: EventLog,
    private readonly setSupply: (volts: number) => void,
  ) {}

  /** The board at an index of the stack description; throws a clear error when out of range. */
  board(index: number): Board {
    const board = this.boards[index];
    if (!board) throw new RangeError(`no board at index ${index} (the stack has ${this.boards.length})`);
    return board;
  }

  private pi(index: number, pi: 0 | 1) {
    const actor = this.board(index).pis[pi];
    if (!actor) throw new RangeError(`board ${this.board(index).id} has no Pi in port ${pi}`);
    return actor;
  }

  /** The Pi crashes: heartbeats stop, its current stays (FIRMWARE.md section 6). */
  crashPi(board: number, pi: 0 | 1): void {
    this.pi(board, pi).send({ type: 'CRASH' });
  }

  /** The Pi hangs during boot (now if booting, else at its next boot). */
  hangBoot(board: number, pi: 0 | 1, on = true): void {
    this.pi(board, pi).send({ type: 'HANG_BOOT', on });
  }

  /** Install or remove the Pi's heartbeat daemon. */
  setDaemon(board: number, pi: 0 | 1, installed: boolean): void {
    this.pi(board, pi).send({ type: 'SET_DAEMON', installed });
  }

  /** Shutdowns take `totalMs` (default the model's slowShutdownTimeMs). */
  slowShutdown(board: number, pi: 0 | 1, totalMs?: number): void {
    const actor = this.pi(board, pi);
    const model = this.board(board).models[pi]!.model;
    const total = totalMs ?? model.slowShutdownTimeMs;
    actor.send({ type: 'SLOW_SHUTDOWN', extraMs: Math.max(0, total - model.shutdownTimeMs) });
  }

  /** The Pi shorts its supply (draws above the regulator limit) or stops doing so. */
  shortCircuit(board: number, pi: 0 | 1, on = true): void {
    this.pi(board, pi).send({ type: 'SHORT_CIRCUIT', on });
  }

  /** How loaded a running Pi is, 0..1. */
  setPiLoad(board: number, pi: 0 | 1, fraction: number): void {
    this.pi(board, pi).send({ type: 'SET_LOAD', fraction });
  }

  /** Undo the Pi's faults. */
  clearFaults(board: number, pi: 0 | 1): void {
    this.pi(board, pi).send({ type: 'CLEAR_FAULTS' });
  }

  /** The Pi asks for power-down itself (signal pulse, then shutdown). */
  requestShutdown(board: number, pi: 0 | 1): void {
    this.pi(board, pi).send({ type: 'REQUEST_SHUTDOWN' });
  }

  /** Set the stack's shared input supply (V): brownout below the regulator's UVLO, MCU reset below its brown-out. */
  setSupplyVolts(volts: number): void {
    this.setSupply(volts);
  }

  /** Damage a flash block so its CRC fails at the next boot. */
  corruptFlash(board: number, block: BlockName): void {
    this.board(board).flash.corrupt(block);
  }

  /** Arm a torn write: the board's next flash write is interrupted by a power loss. */
  armTornWrite(board: number, block: BlockName | 'any' = 'any'): void {
    this.board(board).flash.armTornWrite(block);
  }

  /** External reset of the board MCU. */
  resetMcu(board: number): void {
    this.board(board).mcu.send({ type: 'RESET' });
  }

  /** Set the DIP switches (read at the next boot: the ID changes after a reset). */
  setDip(board: number, dip: number, reset = false): void {
    this.board(board).dip = dip & 0x0f;
    if (reset) this.resetMcu(board);
  }

  /** Bit-error probability per byte on the bus (0 stops the noise). */
  setBusNoise(rate: number): void {
    this.bus.setNoise(rate);
  }

  /** Apply a fault by its scenario name. */
  inject(fault: FaultName, target: FaultTarget): void {
    const board = target.board ?? 0;
    const pi = target.pi ?? 0;
    const num = typeof target.value === 'number' ? target.value : undefined;
    const b = this.board(board);
    this.events.add({ t: this.clock.now(), type: 'fault', fault, id: b.id, board, ...(FAULTS[fault].target === 'pi' ? { pi } : {}), ...(target.value === undefined ? {} : { value: target.value }) });
    switch (fault) {
      case 'crash': return this.crashPi(board, pi);
      case 'hang-boot': return this.hangBoot(board, pi, true);
      case 'no-daemon': return this.setDaemon(board, pi, false);
      case 'slow-shutdown': return this.slowShutdown(board, pi, num);
      case 'short-circuit': return this.shortCircuit(board, pi, true);
      case 'pi-load': return this.setPiLoad(board, pi, num ?? 1);
      case 'clear-fault': return this.clearFaults(board, pi);
      case 'pi-shutdown': return this.requestShutdown(board, pi);
      case 'pi-remove': return b.removePi(pi);
      case 'pi-insert': return b.insertPi(pi, { model: typeof target.value === 'string' ? target.value : 'pi3b+', daemon: true });
      case 'supply-volts': return this.setSupplyVolts(num ?? 0);
      case 'corrupt-config': return this.corruptFlash(board, 'config');
      case 'corrupt-errors': return this.corruptFlash(board, 'errors');
      case 'torn-write': return this.armTornWrite(board);
      case 'mcu-reset': return this.resetMcu(board);
      case 'set-dip': return this.setDip(board, num ?? b.dip, false);
      case 'duplicate-dip': return this.setDip(board, num ?? b.dip, true);
      case 'bus-noise': return this.setBusNoise(num ?? 0);
    }
  }
}

