import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validate } from './ConfigError.ts';
import { CHECK_NAMES, busProfileSchema } from './busProfileSchema.ts';
import { V4_REFERENCE } from './profiles.ts';

function bus(patch: Record<string, unknown>): string {
  try {
    validate(busProfileSchema, { ...V4_REFERENCE.bus, ...patch }, 'b.json');
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

test('the default check order is FIRMWARE.md section 7, numbered 1..7', () => {
  assert.equal([...CHECK_NAMES], ['address', 'too-short', 'overflow', 'crc', 'unknown-command', 'length', 'pi-number']);
});

test('the default error codes are those of PROTOCOL.md section 6 for each check', () => {
  assert.equal(V4_REFERENCE.bus.errorCodes, { tooShort: 0x10, truncated: 0x22, overflow: 0x21, crc: 0x11, unknownCommand: 0x12, notImplemented: 0x15, length: 0x13, piNumber: 0x14 });
});

test('checks may be reordered or left out, but not repeated, and "address" stays', () => {
  assert.is(bus({ checkOrder: ['address', 'crc', 'too-short'] }), 'ok');
  assert.is(bus({ checkOrder: ['address', 'crc', 'crc'] }), 'b.json: checkOrder[2]: "crc" is listed twice');
  assert.is(bus({ checkOrder: ['crc'] }), 'b.json: checkOrder: must include "address": a board only ever replies to frames for its own ID (F7)');
  assert.match(bus({ checkOrder: ['adress'] }), /^b\.json: checkOrder\[0\]: must be one of "address", /);
});

test('timing and buffer fields are range-checked', () => {
  assert.is(bus({ rxBufferBytes: 3 }), 'b.json: rxBufferBytes: must be 4..4096, got 3');
  assert.is(bus({ baud: 0 }), 'b.json: baud: must be above 0, got 0');
  assert.is(bus({ replyJitterMs: -1 }), 'b.json: replyJitterMs: must be >= 0, got -1');
  assert.is(bus({ errorCodes: { ...V4_REFERENCE.bus.errorCodes, crc: 300 } }), 'b.json: errorCodes.crc: must be 0..255, got 300');
});

test.run();
