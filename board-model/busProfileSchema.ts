/**
 * The bus part of the firmware profile: timing (PROTOCOL.md section 1) and the request checks
 * of FIRMWARE.md section 7 with their error codes (PROTOCOL.md section 6). F = FIRMWARE.md, P = PROTOCOL.md.
 */
import { z } from 'zod';
import { intIn, nonNegative, positive, u8 } from './fields.ts';

/** The bus checks of F7 in their default order (each failing check has its own error code in bus.errorCodes). */
export const CHECK_NAMES = ['address', 'too-short', 'overflow', 'crc', 'unknown-command', 'length', 'pi-number'] as const;

/** One bus check of F7. */
export type CheckName = (typeof CHECK_NAMES)[number];

const errorCodes = z.strictObject({
  /** Fewer than 4 bytes before the gap, or LEN below 3. F7 check 2: 0x10. */
  tooShort: u8,
  /** At least 4 bytes but fewer than LEN + 1 before the gap (not in F7's list; P6 0x22). */
  truncated: u8,
  /** LEN + 1 above the receive buffer. F7 check 3: 0x21. */
  overflow: u8,
  /** CRC wrong. F7 check 4: 0x11. */
  crc: u8,
  /** Code not known to this firmware at all. F7 check 5: 0x12. */
  unknownCommand: u8,
  /** Command in `notImplemented`. F7 check 5: 0x15. */
  notImplemented: u8,
  /** LEN differs from the command's request LEN. F7 check 6: 0x13. */
  length: u8,
  /** pi not 0 or 1. F7 check 7: 0x14. */
  piNumber: u8,
});

/** Bus timing and request checking of a firmware profile. P1, F7. */
export const busProfileSchema = z.strictObject({
  /** Bits per second. P1: 9600. */
  baud: positive,
  /** Bit-times per byte on the wire (8N1 = 10). P1: 10. */
  bitsPerByte: positive,
  /** A gap longer than this many byte-times ends a frame (byte-times). F7: 3.5. */
  interByteGapByteTimes: positive,
  /** Receive buffer (bytes). F7: 64. */
  rxBufferBytes: intIn(4, 4096),
  /** Transmit buffer; a longer reply is answered with 0x23 (bytes; not in the spec). P6: 64. */
  txBufferBytes: intIn(4, 4096),
  /** Reply starts this long after the last request byte (ms). F7: 2. */
  replyDelayMs: nonNegative,
  /** Seeded jitter added to replyDelayMs, uniform in +-replyJitterMs (ms). F7: 1. */
  replyJitterMs: nonNegative,
  /** Checks in the order applied; a check left out is skipped (for deliberately broken firmwares). F7. */
  checkOrder: z.array(z.enum(CHECK_NAMES)),
  /** After an overflow, drop bytes until the next gap. F7 check 3: true. */
  overflowDropsUntilGap: z.boolean(),
  /** Every error reply's code is also stored in the error log. F7: true. */
  logErrorReplies: z.boolean(),
  /** The host adapter echoes the host's own bytes back to it. P1: false. */
  echo: z.boolean(),
  /**
   * Bits of byte 1 compared with the board ID when deciding a frame is for this board. F7: 0xFF
   * (the whole byte). Anything else is a deliberately broken firmware that answers frames for
   * other IDs (0x0F compares only the DIP nibble), only for proving the fuzzer catches it.
   */
  addressMask: u8.default(0xff),
  /** Error code replied for each failing check. F7, P6. */
  errorCodes,
}).superRefine((bus, ctx) => {
  const seen = new Set<string>();
  bus.checkOrder.forEach((c, i) => {
    if (seen.has(c)) ctx.addIssue({ code: 'custom', path: ['checkOrder', i], message: `"${c}" is listed twice`, input: c });
    seen.add(c);
  });
  if (!seen.has('address')) {
    const message = 'must include "address": a board only ever replies to frames for its own ID (F7)';
    ctx.addIssue({ code: 'custom', path: ['checkOrder'], message, input: bus.checkOrder });
  }
});

/** Bus timing and request checking of a firmware profile. */
export type BusProfile = z.output<typeof busProfileSchema>;
