/**
 * Which commands a board's firmware has, from the version byte of GET_SW_VERSION. A host that
 * sends a command the firmware does not know gets error 0x12 back, and the board logs it in its
 * 32-slot error log (PROTOCOL.md section 6), pushing real history out: the host asks first.
 */
import { COMMANDS, RELEASE_ORDER, inRelease, type CommandName, type FirmwareRelease } from './commands.ts';

/**
 * Oldest firmware version byte that has the v4 and v4.1 commands (0x22..0x29). ASSUMED: the spec
 * lists 0x26..0x29 in the v4 table, "right after" v4, and the v4-reference profile reports 4 with
 * all of them; a version byte does not tell v4 from v4.1 apart. Versions 3 and below (and
 * anything unknown below 4) get the original v3 set only, the safe choice.
 */
export const FIRST_V4_VERSION = 4;

/** The command set of a firmware version byte: 'v3' below FIRST_V4_VERSION, else 'v4.1' (see FIRST_V4_VERSION). */
export function releaseOfVersion(version: number): FirmwareRelease {
  return version >= FIRST_V4_VERSION ? RELEASE_ORDER[RELEASE_ORDER.length - 1]! : 'v3';
}

/** True when a board reporting this firmware version has the command. */
export function versionHas(version: number, command: CommandName): boolean {
  return inRelease(command, releaseOfVersion(version));
}

/** A command the board's firmware does not have was not sent; `version` is what GET_SW_VERSION said. */
export class CommandNotInFirmwareError extends Error {
  override name = 'CommandNotInFirmwareError';
  readonly kind = 'not-in-firmware' as const;
  constructor(readonly command: CommandName, readonly id: number, readonly version: number) {
    super(`board ${id} runs firmware v${version}, which has no ${command} (added in firmware ${COMMANDS[command].since}); not sent, so the board logs no error`);
  }
}
