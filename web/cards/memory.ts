/**
 * The board memory view's model (FIRMWARE.md section 2): the config block and the error block
 * as they sit in flash (bytes, stored and computed CRC-8, valid or not, decoded when valid)
 * beside their RAM copies (what the running firmware uses), every setting per Pi in its raw
 * u8 and in time, the error log decoded in words, the pointer, boot and error counts, and the
 * RAM-only state (LEDs, DIP read at boot). Reads the Flash object, never the bus: looking
 * changes nothing. Browser-safe, pure.
 */
import { crc8 } from '../../bus-protocol/crc8.ts';
import { ERROR_CODES } from '../../bus-protocol/errorCodes.ts';
import type { Board } from '../../board-model/Board.ts';
import { decodeConfig, decodeErrors, type BlockName, type ConfigBlock, type ErrorBlock } from '../../board-model/firmware/flashBlocks.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { hexBytes } from '../format.ts';
import { seconds } from './countdowns.ts';

/** One flash block as stored. */
export interface FlashBlockView {
  readonly name: BlockName;
  /** The bytes, hex ('' when blank). */
  readonly hex: string;
  readonly length: number;
  /** CRC-8 over the whole block is 0 (and the length, pointer fit): the firmware would load it. */
  readonly valid: boolean;
  /** Last byte (the stored CRC) and the CRC the data bytes should have; undefined when blank. */
  readonly storedCrc: number | undefined;
  readonly computedCrc: number | undefined;
  /** Why it is invalid, in words, when it is. */
  readonly problem: string | undefined;
  /** Writes to this block in this run (flash wear). */
  readonly writes: number;
  /** What each byte is, by position. */
  readonly roles: readonly string[];
}

/** One setting of one Pi: name, raw u8, in time. */
export interface SettingRow {
  readonly name: string;
  readonly raw: number;
  readonly value: string;
  readonly meaning: string;
}

/** One error-log slot, in ring order. */
export interface LogSlot {
  readonly slot: number;
  readonly code: number;
  readonly name: string;
  readonly words: string;
  readonly unused: boolean;
  /** The slot the pointer indexes. */
  readonly atPointer: boolean;
}

/** The memory of one board. */
export interface BoardMemory {
  readonly flash: readonly [FlashBlockView, FlashBlockView];
  /** RAM: the working copies, undefined while the MCU is unpowered (RAM is lost). */
  readonly ram: {
    readonly prefix: number;
    readonly settings: readonly [readonly SettingRow[], readonly SettingRow[]];
    readonly log: readonly LogSlot[];
    readonly pointer: number;
    readonly bootCount: number;
    readonly errorCount: number;
    readonly ledsEnabled: boolean;
    readonly debugLed: readonly [number, number, number];
    readonly dip: number;
    /** RAM config differs from what a boot would load from flash (a corrupted block is only noticed at the next boot). */
    readonly configDiffersFromFlash: boolean;
  } | undefined;
}

const SETTINGS = [
  ['hbtTime', 'HBT_TIME', 'longest gap between heartbeats before the watchdog fires (0: off)'],
  ['hbtDelay', 'HBT_DELAY', 'grace after power-on before the first heartbeat is due'],
  ['offDelay', 'OFF_DELAY', 'PI_OFF: power cut this long after the shutdown pulse'],
  ['sigOffDelay', 'SIG_OFF_DELAY', 'Pi-initiated shutdown: power cut this long after the Pi asks'],
  ['sigWidth', 'SIG_WIDTH', 'length of the board\'s shutdown pulse'],
] as const;

/** Every setting of one Pi's config with its value in time. */
export function settingRows(config: ConfigBlock, pi: 0 | 1, profile: FirmwareProfile): SettingRow[] {
  const port = config.ports[pi];
  const rows: SettingRow[] = SETTINGS.map(([key, name, meaning]) => {
    const raw = port[key];
    const off = key === 'hbtTime' && raw === 0 && profile.hbtTimeZeroDisablesWatchdog;
    return { name, raw, value: off ? 'watchdog off' : seconds(raw * profile.settingUnitMs[key]), meaning };
  });
  rows.push({ name: 'PI_ON_STARTUP', raw: port.piOnStartup ? 1 : 0, value: port.piOnStartup ? 'yes' : 'no', meaning: 'switch this Pi on when the board boots' });
  return rows;
}

/** A code in words: "BOOTED: board booted (logged at every boot)". */
export function codeWords(code: number): { name: string; words: string } {
  const known = (ERROR_CODES as Record<number, { name: string; description: string } | undefined>)[code];
  return known ? { name: known.name, words: known.description } : { name: `0x${code.toString(16).padStart(2, '0').toUpperCase()}`, words: 'unknown code' };
}

/** The error log's slots in ring order, decoded. */
export function logSlots(errors: ErrorBlock, unusedSlot: number): LogSlot[] {
  return Array.from(errors.log, (code, slot) => {
    const unused = code === unusedSlot;
    const { name, words } = unused ? { name: '-', words: 'unused slot' } : codeWords(code);
    return { slot, code, name, words, unused, atPointer: slot === errors.pointer };
  });
}

function blockView(name: BlockName, bytes: Uint8Array | undefined, writes: number, logSize: number): FlashBlockView {
  if (!bytes || bytes.length === 0) {
    return { name, hex: '', length: 0, valid: false, storedCrc: undefined, computedCrc: undefined, problem: 'blank: the firmware restores defaults at boot', writes, roles: [] };
  }
  const storedCrc = bytes[bytes.length - 1]!;
  const computedCrc = crc8(bytes, 0, bytes.length - 1);
  const decoded = name === 'config' ? decodeConfig(bytes) : decodeErrors(bytes, logSize);
  let problem: string | undefined;
  if (!decoded) {
    const expected = name === 'config' ? 14 : logSize + 6;
    if (bytes.length !== expected) problem = `${bytes.length} bytes, ${expected} expected`;
    else if (storedCrc !== computedCrc) problem = `CRC mismatch: stored 0x${hex2(storedCrc)}, data gives 0x${hex2(computedCrc)}; the next boot restores defaults and logs ${name === 'config' ? 'CONFIG_CRC (0x40)' : 'ERRORS_CRC (0x41)'}`;
    else problem = 'the pointer is past the last slot';
  }
  return { name, hex: hexBytes(bytes), length: bytes.length, valid: decoded !== undefined, storedCrc, computedCrc, problem, writes, roles: byteRoles(name, bytes.length, logSize) };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0').toUpperCase();
}

/** What each byte of a block is, by position (FIRMWARE.md section 2 layout, flashBlocks.ts). */
export function byteRoles(name: BlockName, length: number, logSize: number): string[] {
  const roles: string[] = [];
  if (name === 'config') {
    const fields = ['HBT_TIME', 'HBT_DELAY', 'OFF_DELAY', 'SIG_OFF_DELAY', 'SIG_WIDTH', 'PI_ON_STARTUP'];
    roles.push('ID prefix');
    for (const pi of [0, 1]) for (const f of fields) roles.push(`Pi ${pi} ${f}`);
  } else {
    for (let i = 0; i < logSize; i++) roles.push(`error log slot ${i}`);
    roles.push('error pointer', 'error count (high byte)', 'error count (low byte)', 'boot count (high byte)', 'boot count (low byte)');
  }
  roles.push('CRC-8 of the bytes before it');
  if (length === roles.length) return roles;
  // A block of the wrong length: the data bytes by position, the last one where the CRC would be.
  return Array.from({ length }, (_, i) => (i === length - 1 ? 'last byte: the CRC-8 if the length is right' : i < roles.length - 1 ? roles[i]! : 'byte past the layout'));
}

/** The memory of a board now. */
export function boardMemory(board: Board): BoardMemory {
  const profile = board.profile;
  const size = profile.errorLog.size;
  const configBytes = board.flash.read('config');
  const flash = [
    blockView('config', configBytes, board.flash.writes.config, size),
    blockView('errors', board.flash.read('errors'), board.flash.writes.errors, size),
  ] as const;
  const ram = board.mcu.getSnapshot().context.ram;
  if (!ram) return { flash, ram: undefined };
  const inFlash = decodeConfig(configBytes);
  const same = inFlash !== undefined && inFlash.prefix === ram.config.prefix
    && ([0, 1] as const).every((pi) => JSON.stringify(inFlash.ports[pi]) === JSON.stringify(ram.config.ports[pi]));
  return {
    flash,
    ram: {
      prefix: ram.config.prefix,
      settings: [settingRows(ram.config, 0, profile), settingRows(ram.config, 1, profile)],
      log: logSlots(ram.errors, profile.errorLog.unusedSlot),
      pointer: ram.errors.pointer,
      bootCount: ram.errors.bootCount,
      errorCount: ram.errors.errorCount,
      ledsEnabled: ram.ledsEnabled,
      debugLed: ram.debugLed,
      dip: ram.dip,
      configDiffersFromFlash: !same,
    },
  };
}
