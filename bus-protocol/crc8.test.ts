/** CRC-8/MAXIM, PROTOCOL.md section 3. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { CRC8_MAXIM, crc8, crc8Bitwise } from './crc8.ts';

const FC = { seed: Number(process.env.FC_SEED ?? 42) };

test('check value of ASCII "123456789" is 0xA1 (table and bitwise)', () => {
  const check = new TextEncoder().encode('123456789');
  assert.is(crc8(check), 0xa1);
  assert.is(crc8Bitwise(check), 0xa1);
  assert.is(CRC8_MAXIM.check, 0xa1);
});

test('CRC of nothing is the initial value 0x00', () => {
  assert.is(crc8(new Uint8Array(0)), 0);
});

test('table equals bitwise for every single byte', () => {
  for (let b = 0; b < 256; b++) assert.is(crc8(Uint8Array.of(b)), crc8Bitwise(Uint8Array.of(b)), `byte 0x${b.toString(16)}`);
});

test('single-byte CRCs are a permutation (no two bytes collide)', () => {
  const seen = new Set<number>();
  for (let b = 0; b < 256; b++) seen.add(crc8(Uint8Array.of(b)));
  assert.is(seen.size, 256);
});

test('table equals bitwise for random arrays and sub-ranges (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
      const start = bytes.length ? a % (bytes.length + 1) : 0;
      const end = start + (bytes.length - start ? b % (bytes.length - start + 1) : 0);
      return crc8(bytes) === crc8Bitwise(bytes) && crc8(bytes, start, end) === crc8Bitwise(bytes, start, end);
    }),
    { ...FC, numRuns: 500 },
  );
});

test('sub-range CRC equals CRC of the sliced bytes', () => {
  const bytes = Uint8Array.of(0xaa, 0x02, 0x00, 0x03, 0xbb);
  assert.is(crc8(bytes, 1, 4), crc8(bytes.slice(1, 4)));
  assert.is(crc8(bytes, 1, 4), 0xad);
});

test('CRC of a frame including its CRC byte is 0x00 (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 255 }), (body) => {
      const frame = new Uint8Array(body.length + 1);
      frame.set(body);
      frame[body.length] = crc8(body);
      return crc8(frame) === 0;
    }),
    { ...FC, numRuns: 500 },
  );
});

test('any single-bit error in a frame is detected', () => {
  const frame = Uint8Array.of(0x15, 0x00, 0x05, 0x00, 0x1e, 0x19);
  assert.is(crc8(frame), 0);
  for (let bit = 0; bit < frame.length * 8; bit++) {
    const bad = frame.slice();
    bad[bit >> 3]! ^= 1 << (bit & 7);
    assert.is.not(crc8(bad), 0, `bit ${bit}`);
  }
});

test.run();
