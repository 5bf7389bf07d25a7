/**
 * Deliberately broken boards (STYLE.md rule 10): firmware profiles with one bug each, for
 * proving the fuzzer bites (fuzz/broken.test.ts) and for examples of saved failures. Each names
 * the targets of the default fuzz run that must catch it.
 */
import { parseProfile } from '../board-model/profiles.ts';
import type { FirmwareProfile } from '../board-model/profileSchema.ts';

/** A broken board and who catches it. */
export interface BrokenBoard {
  readonly name: string;
  readonly bug: string;
  readonly profile: FirmwareProfile;
  /** Targets that must fail on it. */
  readonly caughtBy: readonly string[];
}

const broken = (name: string, bug: string, patch: Record<string, unknown>, caughtBy: string[]): BrokenBoard => ({
  name, bug, profile: parseProfile({ ...patch, name, description: `deliberately broken: ${bug}` }, name), caughtBy,
});

/** The broken boards. */
export const BROKEN_BOARDS: readonly BrokenBoard[] = [
  broken('late-watchdog', 'the watchdog runs about a second late at the default settings (HBT_TIME units of 1067 ms, HBT_DELAY of 1011 ms)',
    { settingUnitMs: { hbtTime: 1067, hbtDelay: 1011 } }, ['watchdog']),
  broken('crc-skipped', 'the CRC check is skipped: a damaged frame is executed', { bus: { checkOrder: ['address', 'too-short', 'overflow', 'unknown-command', 'length', 'pi-number'] } }, ['replies', 'model']),
  broken('pointer-no-wrap', 'the error-log pointer does not wrap: it sticks at the last slot, which every new code overwrites', { errorLog: { pointerWraps: false } }, ['error-log']),
  broken('answers-other-id', 'the board compares only the DIP nibble of the address byte, so it answers frames for other IDs', { bus: { addressMask: 0x0f } }, ['replies', 'model']),
];
