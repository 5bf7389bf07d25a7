/**
 * CRC-8/MAXIM (Dallas 1-Wire), PROTOCOL.md section 3.
 * Parameters: width 8, poly 0x31 (reflected 0x8C), init 0x00, refin true, refout true, xorout 0x00.
 * Check value of ASCII "123456789" is 0xA1; the CRC of a whole frame including its CRC byte is 0x00.
 */
export const CRC8_MAXIM = {
  width: 8,
  poly: 0x31,
  reflectedPoly: 0x8c,
  init: 0x00,
  refin: true,
  refout: true,
  xorout: 0x00,
  check: 0xa1,
} as const;

/** The spec's bitwise definition, kept as the reference the table is built from and tested against. */
export function crc8Bitwise(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc: number = CRC8_MAXIM.init;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]!;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ CRC8_MAXIM.reflectedPoly : crc >>> 1;
  }
  return crc ^ CRC8_MAXIM.xorout;
}

const TABLE = new Uint8Array(256);
for (let n = 0; n < 256; n++) TABLE[n] = crc8Bitwise(Uint8Array.of(n));

/** CRC-8/MAXIM of bytes[start..end) (table-driven; same function as crc8Bitwise). */
export function crc8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc: number = CRC8_MAXIM.init;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return crc ^ CRC8_MAXIM.xorout;
}
