/**
 * The faults a scenario (or the simulator's control surface, STYLE.md rule 8) can inject,
 * as data: what each one targets and what its `value` means. F = FIRMWARE.md, P = PROTOCOL.md.
 */

/** What a fault acts on: one Pi (needs a board and pi), one board, or the whole stack. */
export type FaultTarget = 'pi' | 'board' | 'stack';

/**
 * Meaning of a fault's `value`: none; volts (V, >= 0); probability or fraction (0..1);
 * dip (0..15); duration (text like "90s" or ms, normalised to ms); model (Pi model name).
 */
export type FaultValueKind = 'none' | 'volts' | 'probability' | 'fraction' | 'dip' | 'duration' | 'model';

/** One fault: its target, its value (and whether the value is required), and what it does. */
export interface FaultSpec {
  readonly target: FaultTarget;
  readonly value: FaultValueKind;
  readonly valueRequired: boolean;
  readonly summary: string;
}

/** Every injectable fault by name. */
export const FAULTS = {
  crash: { target: 'pi', value: 'none', valueRequired: false, summary: 'the Pi crashes: heartbeats stop, its current stays (F6)' },
  'hang-boot': {
    target: 'pi', value: 'none', valueRequired: false,
    summary: 'the Pi hangs while booting (now if booting, else at its next boot): it draws boot current and never heartbeats (F6)',
  },
  'no-daemon': { target: 'pi', value: 'none', valueRequired: false, summary: 'the heartbeat daemon is not installed: the Pi runs but never heartbeats (F6)' },
  'slow-shutdown': {
    target: 'pi', value: 'duration', valueRequired: false,
    summary: "the Pi's shutdowns take `value` (default its model's slowShutdownTimeMs) instead of shutdownTimeMs (F6)",
  },
  'short-circuit': {
    target: 'pi', value: 'none', valueRequired: false,
    summary: "the Pi draws its model's shortCircuitCurrentA, above the regulator limit: the rail collapses for both Pis of the board (F5)",
  },
  'pi-load': {
    target: 'pi', value: 'fraction', valueRequired: false,
    summary: 'set how loaded a running Pi is, 0 (idleCurrentA) to 1 (loadCurrentA, the default value) (F6)',
  },
  'clear-fault': {
    target: 'pi', value: 'none', valueRequired: false,
    summary: 'undo crash, hang-boot, no-daemon, slow-shutdown and short-circuit on the Pi (a crashed or hung Pi recovers at its next boot)',
  },
  'pi-shutdown': {
    target: 'pi', value: 'none', valueRequired: false,
    summary: 'the Pi asks for power-down itself: it pulls its signal line low for selfShutdownPulseMs, then shuts down (F4, F6)',
  },
  'pi-remove': { target: 'pi', value: 'none', valueRequired: false, summary: 'unplug the Pi: the port draws nothing and its heartbeat line stays low' },
  'pi-insert': {
    target: 'pi', value: 'model', valueRequired: false,
    summary: 'plug a Pi of model `value` (default pi3b+) into the port; it boots at once if the port is powered',
  },
  'supply-volts': {
    target: 'stack', value: 'volts', valueRequired: true,
    summary: 'set the shared input supply to `value` V: below uvloV the regulators stop, below mcuBrownoutV the MCUs reset on recovery (F1, F3)',
  },
  'corrupt-config': {
    target: 'board', value: 'none', valueRequired: false,
    summary: 'damage the stored config block: the next boot fails its CRC, restores the defaults and logs 0x40 (F2)',
  },
  'corrupt-errors': {
    target: 'board', value: 'none', valueRequired: false,
    summary: 'damage the stored error block: the next boot fails its CRC, resets the log and counts and logs 0x41 (F2)',
  },
  'torn-write': {
    target: 'board', value: 'none', valueRequired: false,
    summary: "arm a torn write: the board's next flash write is interrupted as by a power loss, leaving that block's CRC wrong (F2)",
  },
  'mcu-reset': { target: 'board', value: 'none', valueRequired: false, summary: 'external reset of the MCU: ports off, then the boot sequence (F3)' },
  'set-dip': {
    target: 'board', value: 'dip', valueRequired: true,
    summary: 'set the DIP switches to `value`; the MCU reads them at its next boot (P4): the ID changes only after an mcu-reset or a power loss',
  },
  'duplicate-dip': {
    target: 'board', value: 'dip', valueRequired: true,
    summary: 'set the DIP switches to `value` and reset the MCU, so the board answers at once as that ID (colliding with a board already there, F7)',
  },
  'bus-noise': {
    target: 'stack', value: 'probability', valueRequired: true,
    summary: 'from now on each byte on the bus suffers a bit error with probability `value` (0 stops the noise)',
  },
} as const satisfies Record<string, FaultSpec>;

/** Name of an injectable fault. */
export type FaultName = keyof typeof FAULTS;

/** All fault names, in the table's order. */
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];
