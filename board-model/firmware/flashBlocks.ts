/**
 * The two persistent blocks of a board (FIRMWARE.md section 2): their RAM form, their byte
 * layout in flash, and the CRC-8 that guards each. Pure functions, no I/O.
 */
import { crc8 } from '../../bus-protocol/crc8.ts';

/** One Pi's settings as stored (raw u8 values in the firmware's units; PROTOCOL.md 0x14..0x25). */
export interface PortConfig {
  hbtTime: number;
  hbtDelay: number;
  offDelay: number;
  sigOffDelay: number;
  sigWidth: number;
  piOnStartup: boolean;
}

/** The config block: ID prefix and both ports' settings. */
export interface ConfigBlock {
  prefix: number;
  ports: [PortConfig, PortConfig];
}

/** The error block: log ring, pointer, error count (u16) and boot count (u16). */
export interface ErrorBlock {
  log: Uint8Array;
  pointer: number;
  errorCount: number;
  bootCount: number;
}

/** Which block. */
export type BlockName = 'config' | 'errors';

const PORT_BYTES = 6;

/** Config block to flash bytes: prefix, 6 bytes per port, then CRC-8. */
export function encodeConfig(config: ConfigBlock): Uint8Array {
  const out = new Uint8Array(1 + 2 * PORT_BYTES + 1);
  out[0] = config.prefix;
  config.ports.forEach((p, i) => {
    out.set([p.hbtTime, p.hbtDelay, p.offDelay, p.sigOffDelay, p.sigWidth, p.piOnStartup ? 1 : 0], 1 + i * PORT_BYTES);
  });
  out[out.length - 1] = crc8(out, 0, out.length - 1);
  return out;
}

/** Flash bytes to a config block, or undefined when the length or CRC is wrong. */
export function decodeConfig(bytes: Uint8Array | undefined): ConfigBlock | undefined {
  if (!bytes || bytes.length !== 2 + 2 * PORT_BYTES || crc8(bytes) !== 0) return undefined;
  const port = (i: number): PortConfig => {
    const b = (k: number) => bytes[1 + i * PORT_BYTES + k]!;
    return { hbtTime: b(0), hbtDelay: b(1), offDelay: b(2), sigOffDelay: b(3), sigWidth: b(4), piOnStartup: b(5) !== 0 };
  };
  return { prefix: bytes[0]!, ports: [port(0), port(1)] };
}

/** Error block to flash bytes: log slots, pointer, count (u16 BE), boots (u16 BE), then CRC-8. */
export function encodeErrors(block: ErrorBlock): Uint8Array {
  const n = block.log.length;
  const out = new Uint8Array(n + 6);
  out.set(block.log, 0);
  out[n] = block.pointer;
  out[n + 1] = block.errorCount >> 8;
  out[n + 2] = block.errorCount & 0xff;
  out[n + 3] = block.bootCount >> 8;
  out[n + 4] = block.bootCount & 0xff;
  out[n + 5] = crc8(out, 0, n + 5);
  return out;
}

/** Flash bytes to an error block of `size` slots, or undefined when the length, CRC or pointer is wrong. */
export function decodeErrors(bytes: Uint8Array | undefined, size: number): ErrorBlock | undefined {
  if (!bytes || bytes.length !== size + 6 || crc8(bytes) !== 0) return undefined;
  const pointer = bytes[size]!;
  if (pointer >= size) return undefined;
  return {
    log: bytes.slice(0, size),
    pointer,
    errorCount: (bytes[size + 1]! << 8) | bytes[size + 2]!,
    bootCount: (bytes[size + 3]! << 8) | bytes[size + 4]!,
  };
}

/** A fresh, empty error block of `size` slots. */
export function emptyErrors(size: number): ErrorBlock {
  return { log: new Uint8Array(size), pointer: 0, errorCount: 0, bootCount: 0 };
}
