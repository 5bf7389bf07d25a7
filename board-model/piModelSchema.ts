/** Parameters of a simulated Raspberry Pi model (FIRMWARE.md section 6), part of the firmware profile. */
import { z } from 'zod';
import { msIn, nonNegative } from './fields.ts';

/** Parameters of one simulated Raspberry Pi model (F6). */
export const piModelSchema = z.strictObject({
  /** Human name, e.g. "Raspberry Pi 3 Model B+". */
  label: z.string().optional(),
  /** Power-on to running, when the heartbeat daemon starts (ms). F6 "BOOT_TIME". */
  bootTimeMs: nonNegative,
  /** Current while booting (A). F6. */
  bootCurrentA: nonNegative,
  /** Current while running idle (A). F6. */
  idleCurrentA: nonNegative,
  /** Current while running at full load (A). F6. */
  loadCurrentA: nonNegative,
  /** Current once halted, until power is removed (A). F6. */
  haltedCurrentA: nonNegative,
  /** Current drawn by the short-circuit fault, above the regulator limit (A). F6. */
  shortCircuitCurrentA: nonNegative,
  /** How long the daemon holds the heartbeat line high (ms, 1..3600000). F6: 0.2 s. */
  heartbeatHighMs: msIn(1, 3_600_000, 'a heartbeat pulse of 1 ms to 1 h'),
  /** Rising edge to rising edge of the heartbeat (ms, 10..3600000). F6: 0.2 s high every 5 s = 5.2 s. */
  heartbeatPeriodMs: msIn(10, 3_600_000, 'a heartbeat period of 10 ms to 1 h'),
  /** Falling edge on the signal line to halted (ms). F6 "SHUTDOWN_TIME". */
  shutdownTimeMs: nonNegative,
  /** Shutdown time under the slow-shutdown fault (ms). F6 faults; not in the spec. */
  slowShutdownTimeMs: nonNegative,
  /** Below this rail voltage the Pi flags undervoltage (V). F6. */
  undervoltageFlagV: nonNegative,
  /** Below this rail voltage the Pi resets, booting again when the rail recovers (V). F6. */
  resetBelowV: nonNegative,
  /** Length of the low pulse a Pi sends when it asks for power-down itself (ms, 1..60000). F6. */
  selfShutdownPulseMs: msIn(1, 60_000, 'a pulse of 1 ms to 1 minute'),
  /** The helper script's quirk: after asking for power-down the heartbeat line stays high. F6. */
  heartbeatStaysHighAfterSelfShutdown: z.boolean(),
}).superRefine((m, ctx) => {
  if (m.heartbeatHighMs >= m.heartbeatPeriodMs) {
    const message = `must be below heartbeatPeriodMs (${m.heartbeatPeriodMs}), got ${m.heartbeatHighMs}`;
    ctx.addIssue({ code: 'custom', path: ['heartbeatHighMs'], message, input: m.heartbeatHighMs });
  }
  if (m.resetBelowV > m.undervoltageFlagV) {
    const message = `must not be above undervoltageFlagV (${m.undervoltageFlagV}), got ${m.resetBelowV}`;
    ctx.addIssue({ code: 'custom', path: ['resetBelowV'], message, input: m.resetBelowV });
  }
});

/** Parameters of one simulated Raspberry Pi model (F6). */
export type PiModel = z.output<typeof piModelSchema>;

