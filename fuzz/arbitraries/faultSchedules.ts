/**
 * Fault schedules: what goes wrong and when, over a run (FIRMWARE.md sections 1-7): Pi crashes
 * and hangs, supply dips (brownouts), flash corruption and torn writes, a duplicate DIP setting,
 * MCU resets and line noise. applyFault() puts one on a simulator through its control surface.
 */
import * as fc from 'fast-check';
import type { SimStack } from '../../board-model/SimStack.ts';

/** Pi faults that take a board and a port. */
export type PiFaultKind = 'crash' | 'hang-boot' | 'no-daemon' | 'clear-fault' | 'pi-shutdown' | 'slow-shutdown' | 'short-circuit' | 'pi-load' | 'pi-remove' | 'pi-insert';

/** One fault at a time (ms from the start of the schedule). */
export type ScheduledFault =
  | { readonly at: number; readonly kind: PiFaultKind; readonly board: number; readonly pi: 0 | 1 }
  /** The shared supply drops to `volts` for `durationMs` (a brownout below 6 V, an MCU reset below 4 V). */
  | { readonly at: number; readonly kind: 'brownout'; readonly volts: number; readonly durationMs: number }
  | { readonly at: number; readonly kind: 'corrupt-flash' | 'torn-write'; readonly board: number; readonly block: 'config' | 'errors' }
  /** The board's DIP switch is set to `dip` and the MCU reset: it answers as that ID (maybe another board's). */
  | { readonly at: number; readonly kind: 'duplicate-dip'; readonly board: number; readonly dip: number }
  | { readonly at: number; readonly kind: 'mcu-reset'; readonly board: number }
  /** Each byte on the bus gets a bit error with probability `rate` for `durationMs`. */
  | { readonly at: number; readonly kind: 'noise'; readonly rate: number; readonly durationMs: number };

const PI_FAULTS: readonly PiFaultKind[] = ['crash', 'hang-boot', 'no-daemon', 'clear-fault', 'pi-shutdown', 'slow-shutdown', 'short-circuit', 'pi-load', 'pi-remove', 'pi-insert'];

/** A sorted schedule of up to `maxFaults` faults within `durationMs` on a stack of `boards` boards. */
export function faultSchedule(options: { boards: number; durationMs: number; maxFaults?: number }): fc.Arbitrary<ScheduledFault[]> {
  const at = fc.integer({ min: 0, max: options.durationMs });
  const board = fc.integer({ min: 0, max: options.boards - 1 });
  const pi = fc.constantFrom(0 as const, 1 as const);
  const block = fc.constantFrom('config' as const, 'errors' as const);
  const fault: fc.Arbitrary<ScheduledFault> = fc.oneof(
    { arbitrary: fc.record({ at, kind: fc.constantFrom(...PI_FAULTS), board, pi }), weight: 5 },
    { arbitrary: fc.record({ at, kind: fc.constant('brownout' as const), volts: fc.constantFrom(0, 3, 5, 5.9, 7), durationMs: fc.integer({ min: 1, max: 3000 }) }), weight: 2 },
    { arbitrary: fc.record({ at, kind: fc.constantFrom('corrupt-flash' as const, 'torn-write' as const), board, block }), weight: 1 },
    { arbitrary: fc.record({ at, kind: fc.constant('duplicate-dip' as const), board, dip: fc.integer({ min: 0, max: 15 }) }), weight: 1 },
    { arbitrary: fc.record({ at, kind: fc.constant('mcu-reset' as const), board }), weight: 1 },
    { arbitrary: fc.record({ at, kind: fc.constant('noise' as const), rate: fc.constantFrom(0.001, 0.01, 0.1, 0.5), durationMs: fc.integer({ min: 1, max: 5000 }) }), weight: 1 },
  );
  return fc.array(fault, { maxLength: options.maxFaults ?? 8 }).map((list) => [...list].sort((a, b) => a.at - b.at));
}

/** Short description of a fault, for labels and session notes. */
export function describeFault(f: ScheduledFault): string {
  switch (f.kind) {
    case 'brownout': return `brownout to ${f.volts} V for ${f.durationMs} ms`;
    case 'noise': return `line noise ${f.rate} for ${f.durationMs} ms`;
    case 'corrupt-flash': case 'torn-write': return `${f.kind} ${f.block} on board ${f.board}`;
    case 'duplicate-dip': return `board ${f.board} DIP set to ${f.dip}`;
    case 'mcu-reset': return `MCU reset on board ${f.board}`;
    default: return `${f.kind} on board ${f.board} Pi ${f.pi}`;
  }
}

/**
 * Apply a fault now through the simulator's control surface. Brownouts and noise end by
 * themselves after their duration (restoring `nominalVolts`, or no noise).
 */
export function applyFault(sim: SimStack, f: ScheduledFault, nominalVolts = 12): void {
  const c = sim.control;
  switch (f.kind) {
    case 'brownout':
      c.setSupplyVolts(f.volts);
      sim.clock.setTimeout(() => c.setSupplyVolts(nominalVolts), f.durationMs);
      return;
    case 'noise':
      c.setBusNoise(f.rate);
      sim.clock.setTimeout(() => c.setBusNoise(0), f.durationMs);
      return;
    case 'corrupt-flash': return c.corruptFlash(f.board, f.block);
    case 'torn-write': return c.armTornWrite(f.board, f.block);
    case 'duplicate-dip': return c.setDip(f.board, f.dip, true);
    case 'mcu-reset': return c.resetMcu(f.board);
    case 'pi-remove': return sim.boards[f.board]!.removePi(f.pi);
    case 'pi-insert': return sim.boards[f.board]!.insertPi(f.pi, { model: 'pi3b+', daemon: true });
    default:
      if (!sim.boards[f.board]!.pis[f.pi]) return; // nothing plugged in: the fault has no Pi to act on
      c.inject(f.kind, { board: f.board, pi: f.pi });
  }
}
