/**
 * Damaged frames and damaged traffic: bit flips, truncation, extra bytes, a wrong LEN, a wrong
 * CRC, frames glued together or split by a gap, and garbage between frames. Each damage is data
 * (so a shrunk counterexample reads as "bit 3 of byte 2 flipped") applied by applyDamage().
 */
import * as fc from 'fast-check';
import { crc8 } from '../../bus-protocol/crc8.ts';

/** One way to damage a frame. */
export type Damage =
  | { readonly kind: 'bit-flip'; readonly byte: number; readonly bit: number }
  | { readonly kind: 'truncate'; readonly keep: number }
  | { readonly kind: 'extra-bytes'; readonly bytes: readonly number[] }
  /** LEN replaced; `fixCrc` recomputes the CRC so only LEN is wrong. */
  | { readonly kind: 'wrong-len'; readonly len: number; readonly fixCrc: boolean }
  | { readonly kind: 'wrong-crc'; readonly xor: number };

/** A frame and what was done to it. */
export interface DamagedFrame {
  readonly original: Uint8Array;
  readonly damage: Damage;
  readonly bytes: Uint8Array;
}

/** Apply a damage to a frame (a new array; indexes beyond the frame wrap around it; a cut keeps 1..n-1 bytes). */
export function applyDamage(frame: Uint8Array, damage: Damage): Uint8Array {
  const n = frame.length;
  switch (damage.kind) {
    case 'bit-flip': {
      const out = frame.slice();
      const i = damage.byte % n;
      out[i] = out[i]! ^ (1 << damage.bit);
      return out;
    }
    case 'truncate':
      return frame.slice(0, 1 + ((damage.keep - 1) % (n - 1)));
    case 'extra-bytes':
      return Uint8Array.from([...frame, ...damage.bytes]);
    case 'wrong-len': {
      const out = frame.slice();
      out[2] = damage.len;
      if (damage.fixCrc) out[n - 1] = crc8(out, 0, n - 1);
      return out;
    }
    case 'wrong-crc': {
      const out = frame.slice();
      out[n - 1] = out[n - 1]! ^ damage.xor;
      return out;
    }
  }
}

/** Short description of a damage, for labels. */
export function describeDamage(damage: Damage): string {
  switch (damage.kind) {
    case 'bit-flip': return `bit ${damage.bit} of byte ${damage.byte} flipped`;
    case 'truncate': return `cut to ${damage.keep} bytes`;
    case 'extra-bytes': return `${damage.bytes.length} extra bytes`;
    case 'wrong-len': return `LEN ${damage.len}${damage.fixCrc ? ' (CRC fixed)' : ''}`;
    case 'wrong-crc': return `CRC xor 0x${damage.xor.toString(16)}`;
  }
}

const byteValue = fc.integer({ min: 0, max: 255 });

/** Any damage (indexes are taken modulo the frame length). */
export const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('bit-flip' as const), byte: fc.integer({ min: 0, max: 6 }), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('extra-bytes' as const), bytes: fc.array(byteValue, { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('wrong-len' as const), len: fc.oneof(fc.integer({ min: 0, max: 8 }), byteValue), fixCrc: fc.boolean() }),
  fc.record({ kind: fc.constant('wrong-crc' as const), xor: fc.integer({ min: 1, max: 255 }) }),
);

/** A frame from `frames` with one damage applied. */
export function damagedFrame(frames: fc.Arbitrary<Uint8Array>): fc.Arbitrary<DamagedFrame> {
  return fc.tuple(frames, damage).map(([original, d]) => ({ original, damage: d, bytes: applyDamage(original, d) }));
}

/** One piece of traffic: bytes sent back to back, then `gapAfterByteTimes` of silence. */
export interface Segment {
  readonly kind: 'valid' | 'damaged' | 'garbage' | 'glued' | 'split-head' | 'split-tail';
  readonly bytes: Uint8Array;
  readonly gapAfterByteTimes: number;
}

/** Silence after a segment, in byte-times: none (glued to the next), short (same frame, < 3.5) or a gap (> 3.5). */
export const gapByteTimes: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constant(0), weight: 2 },
  { arbitrary: fc.double({ min: 0.1, max: 3.3, noNaN: true }), weight: 2 },
  { arbitrary: fc.double({ min: 3.7, max: 40, noNaN: true }), weight: 4 },
);

/** A stream of traffic built from `frames`: valid, damaged, glued, split by a gap, and garbage. */
export function traffic(frames: fc.Arbitrary<Uint8Array>, maxSegments = 12): fc.Arbitrary<Segment[]> {
  const segment: fc.Arbitrary<Segment[]> = fc.oneof(
    fc.tuple(frames, gapByteTimes).map(([bytes, gap]) => [{ kind: 'valid' as const, bytes, gapAfterByteTimes: gap }]),
    fc.tuple(damagedFrame(frames), gapByteTimes).map(([d, gap]) => [{ kind: 'damaged' as const, bytes: d.bytes, gapAfterByteTimes: gap }]),
    fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 24 }), gapByteTimes).map(([bytes, gap]) => [{ kind: 'garbage' as const, bytes, gapAfterByteTimes: gap }]),
    fc.tuple(fc.array(frames, { minLength: 2, maxLength: 3 }), gapByteTimes).map(([list, gap]) => [
      { kind: 'glued' as const, bytes: Uint8Array.from(list.flatMap((f) => [...f])), gapAfterByteTimes: gap },
    ]),
    fc.tuple(frames, fc.integer({ min: 1, max: 5 }), fc.double({ min: 3.7, max: 20, noNaN: true }), gapByteTimes).map(([f, cut, split, gap]) => {
      const at = 1 + (cut % (f.length - 1));
      return [
        { kind: 'split-head' as const, bytes: f.slice(0, at), gapAfterByteTimes: split },
        { kind: 'split-tail' as const, bytes: f.slice(at), gapAfterByteTimes: gap },
      ];
    }),
  );
  return fc.array(segment, { minLength: 1, maxLength: maxSegments }).map((lists) => lists.flat());
}
