/**
 * Scenario steps the boards cannot hear: a host request whose last byte arrives while the
 * addressed board's MCU is still booting (FIRMWARE.md section 3: the MCU listens from
 * profile.mcu.bootMs after power-up or a reset) times out, cause "booting". Warned about when
 * the scenario is loaded, so a step at 0 s is not a mystery.
 */
import { requestLen } from '../bus-protocol/commands.ts';
import { hexByte } from '../bus-protocol/hex.ts';
import { formatDuration } from './duration.ts';
import type { FirmwareProfile } from './profileSchema.ts';
import type { ScenarioStep } from './scenarioSteps.ts';
import { boardId, type Stack } from './stack.ts';

/** Faults after which a board's MCU boots again (and does not listen for bootMs). */
const REBOOTS = new Set(['mcu-reset', 'duplicate-dip']);

/**
 * One warning per host step that reaches its board inside a boot window: the stack's power-up
 * at 0 ms, or an mcu-reset / duplicate-dip step on that board. Times in ms.
 */
export function bootWindowWarnings(steps: readonly ScenarioStep[], stack: Stack, profiles: Readonly<Record<string, FirmwareProfile>>, defaultProfile: FirmwareProfile): string[] {
  const profileOf = (index: number): FirmwareProfile => {
    const name = stack.boards[index]?.profile;
    return (name === undefined ? undefined : profiles[name]) ?? defaultProfile;
  };
  const ids = stack.boards.map((b) => boardId(b.prefix, b.dip));
  const boots: { at: number; board: number; why: string }[] = stack.boards.map((_, board) => ({ at: 0, board, why: 'power-up' }));
  const warnings: string[] = [];
  steps.forEach((step, i) => {
    if (step.kind === 'fault') {
      if (REBOOTS.has(step.fault) && step.board !== undefined) boots.push({ at: step.atMs, board: step.board, why: `the ${step.fault} at ${formatDuration(step.atMs)}` });
      return;
    }
    for (const boot of boots) {
      if (ids[boot.board] !== step.id) continue;
      const profile = profileOf(boot.board);
      const byteMs = (profile.bus.bitsPerByte * 1000) / profile.bus.baud;
      const arrives = step.atMs + (requestLen(step.command) + 1) * byteMs;
      const listens = boot.at + profile.mcu.bootMs;
      if (step.atMs < boot.at || arrives > listens) continue;
      warnings.push(
        `steps[${i}]: ${step.command} to ${hexByte(step.id)} at ${formatDuration(step.atMs)} arrives while the board's MCU boots after ${boot.why} ` +
          `(it listens from ${formatDuration(listens)}): it will time out (cause "booting"); send it at ${formatDuration(listens)} or later`,
      );
      return;
    }
  });
  return warnings;
}
