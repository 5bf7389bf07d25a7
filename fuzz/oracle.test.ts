/** The spec oracle (fuzz/oracle.ts) on hand-picked bursts: FIRMWARE.md section 7's checks in order, and the profile's order. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildFrame } from '../bus-protocol/frame.ts';
import { V3_PROFILE, V4_REFERENCE, parseProfile } from '../board-model/profiles.ts';
import { applyDamage, effectiveChecks, expectedReaction } from './index.ts';

const hex = (s: string) => Uint8Array.from(s.split(' ').map((b) => parseInt(b, 16)));

test('valid requests execute; a frame for another ID or without an address is ignored', () => {
  assert.equal(expectedReaction(hex('02 00 03 AD'), 0, V4_REFERENCE), { kind: 'execute', command: 'GET_SW_VERSION' });
  assert.equal(expectedReaction(hex('11 00 04 01 D2'), 0, V4_REFERENCE), { kind: 'execute', command: 'PI_ON' });
  assert.equal(expectedReaction(hex('02 00 03 AD'), 1, V4_REFERENCE), { kind: 'silent', why: 'other-id' });
  assert.equal(expectedReaction(hex('02'), 0, V4_REFERENCE), { kind: 'silent', why: 'no-address' });
});

test('each check gives its code: 0x10, 0x22, 0x21 at the gap; 0x11, 0x12, 0x13, 0x14 at the last byte', () => {
  assert.equal(expectedReaction(hex('02 00'), 0, V4_REFERENCE), { kind: 'error', code: 0x10, atGap: true });
  assert.equal(expectedReaction(hex('02 00 02 AD'), 0, V4_REFERENCE), { kind: 'error', code: 0x10, atGap: true });
  assert.equal(expectedReaction(hex('15 00 05 00'), 0, V4_REFERENCE), { kind: 'error', code: 0x22, atGap: true });
  assert.equal(expectedReaction(hex('02 00 50 00'), 0, V4_REFERENCE), { kind: 'error', code: 0x21, atGap: true });
  assert.equal(expectedReaction(hex('02 00 03 AC'), 0, V4_REFERENCE), { kind: 'error', code: 0x11, atGap: false });
  assert.equal(expectedReaction(buildFrame(0x7f, 0), 0, V4_REFERENCE), { kind: 'error', code: 0x12, atGap: false });
  assert.equal(expectedReaction(buildFrame(0x11, 0, []), 0, V4_REFERENCE), { kind: 'error', code: 0x13, atGap: false });
  assert.equal(expectedReaction(buildFrame(0x11, 0, [2]), 0, V4_REFERENCE), { kind: 'error', code: 0x14, atGap: false });
  assert.equal(expectedReaction(buildFrame(0x29, 0), 0, V3_PROFILE), { kind: 'error', code: 0x12, atGap: false });
});

test('two frames in one burst are not predicted', () => {
  assert.equal(expectedReaction(hex('02 00 03 AD 02 00 03 AD'), 0, V4_REFERENCE), { kind: 'complex' });
});

test('a check left out of the profile still applies, after the others (a firmware skipping it is broken)', () => {
  const noCrc = parseProfile({ bus: { checkOrder: ['address', 'too-short', 'overflow', 'unknown-command', 'length', 'pi-number'] } }, 'no-crc');
  assert.equal(effectiveChecks(noCrc).at(-1), 'crc');
  assert.equal(expectedReaction(hex('02 00 03 AC'), 0, noCrc), { kind: 'error', code: 0x11, atGap: false });
  // A bad CRC on an unknown command: the reordered profile answers 0x12 before looking at the CRC.
  assert.equal(expectedReaction(applyDamage(buildFrame(0x7f, 0), { kind: 'wrong-crc', xor: 1 }), 0, noCrc), { kind: 'error', code: 0x12, atGap: false });
});

test('damages apply as described', () => {
  const f = hex('02 00 03 AD');
  assert.equal([...applyDamage(f, { kind: 'bit-flip', byte: 0, bit: 0 })], [3, 0, 3, 0xad]);
  assert.equal([...applyDamage(f, { kind: 'truncate', keep: 2 })], [2, 0]);
  assert.equal([...applyDamage(f, { kind: 'truncate', keep: 4 })], [2], 'a cut keeps 1..n-1 bytes');
  assert.equal([...applyDamage(f, { kind: 'extra-bytes', bytes: [9] })], [2, 0, 3, 0xad, 9]);
  assert.equal([...applyDamage(f, { kind: 'wrong-len', len: 4, fixCrc: false })], [2, 0, 4, 0xad]);
  assert.equal([...applyDamage(f, { kind: 'wrong-crc', xor: 0xff })], [2, 0, 3, 0x52]);
});

test.run();
