/** Status and error codes of the firmware, PROTOCOL.md section 6. Codes above 0x0E are logged. */
import { hexByte } from './hex.ts';

export const ERROR_CODES = {
  0x00: { name: 'SUCCESS', description: 'success; also what an unused error-log slot reads as' },
  0x02: { name: 'OTHER_BOARD', description: 'frame was for another board (internal; never sent, never logged)' },
  0x0f: { name: 'BOOTED', description: 'board booted (logged at every boot)' },
  0x10: { name: 'FRAME_TOO_SHORT', description: 'frame too short to be a command' },
  0x11: { name: 'CRC_FAILED', description: 'CRC check failed' },
  0x12: { name: 'UNKNOWN_COMMAND', description: 'unknown command' },
  0x13: { name: 'WRONG_LENGTH', description: 'wrong length for this command' },
  0x14: { name: 'INVALID_PI', description: 'invalid Pi number' },
  0x15: { name: 'NOT_IMPLEMENTED', description: 'command known but not implemented by this firmware' },
  0x20: { name: 'SERIAL_NOT_READABLE', description: 'serial port not readable' },
  0x21: { name: 'RX_OVERFLOW', description: 'too many bytes received (receive buffer overflow)' },
  0x22: { name: 'FRAME_SHORTER_THAN_LEN', description: 'frame shorter than its length byte claims' },
  0x23: { name: 'TX_OVERFLOW', description: 'response does not fit the transmit buffer' },
  0x30: { name: 'TOO_MANY_ERRORS', description: 'too many errors to fit the comms buffer' },
  0x40: { name: 'CONFIG_CRC', description: 'configuration CRC failure on load from persistent storage' },
  0x41: { name: 'ERRORS_CRC', description: 'error-log CRC failure on load from persistent storage' },
  0x42: { name: 'FLASH_ERASE_PREPARE', description: 'flash erase prepare failed' },
  0x43: { name: 'FLASH_ERASE', description: 'flash erase failed' },
  0x44: { name: 'FLASH_WRITE_PREPARE', description: 'flash write prepare failed' },
  0x45: { name: 'FLASH_WRITE', description: 'flash write failed' },
  0x46: { name: 'FLASH_READBACK', description: 'flash read-back compare failed' },
  0x47: { name: 'FLASH_BLANK_CHECK', description: 'flash blank check failed' },
  0x48: { name: 'FLASH_COMPARE', description: 'flash compare failure' },
} as const satisfies Record<number, { name: string; description: string }>;

/** Symbolic name of a known status/error code. */
export type ErrorCodeName = (typeof ERROR_CODES)[keyof typeof ERROR_CODES]['name'];

/** Numeric code for each symbolic name, e.g. ERROR.CRC_FAILED === 0x11. */
export const ERROR = Object.fromEntries(
  Object.entries(ERROR_CODES).map(([code, info]) => [info.name, Number(code)]),
) as { readonly [N in ErrorCodeName]: number };

/** Highest code that is a status rather than an error (statuses are never logged as errors). */
export const LAST_STATUS_CODE = 0x0e;

/** Human description of a code, also for codes the table does not know. */
export function describeErrorCode(code: number): string {
  const known = (ERROR_CODES as Record<number, { name: string; description: string } | undefined>)[code];
  return known ? `${hexByte(code)} ${known.name}: ${known.description}` : `${hexByte(code)} (unknown code)`;
}
