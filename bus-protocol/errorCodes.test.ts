/** Status and error codes, PROTOCOL.md section 6. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ERROR, ERROR_CODES, LAST_STATUS_CODE, describeErrorCode } from './errorCodes.ts';

test('every code of section 6 is in the table', () => {
  const want = [0x00, 0x02, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x20, 0x21, 0x22, 0x23, 0x30, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48];
  assert.equal(Object.keys(ERROR_CODES).map(Number).sort((a, b) => a - b), want);
});

test('names map back to codes', () => {
  assert.is(ERROR.CRC_FAILED, 0x11);
  assert.is(ERROR.UNKNOWN_COMMAND, 0x12);
  assert.is(ERROR.INVALID_PI, 0x14);
  assert.is(ERROR.BOOTED, 0x0f);
  assert.is(new Set(Object.values(ERROR)).size, Object.keys(ERROR_CODES).length, 'names are unique');
});

test('codes up to 0x0E are statuses; everything logged is above', () => {
  assert.is(LAST_STATUS_CODE, 0x0e);
  assert.ok(ERROR.OTHER_BOARD <= LAST_STATUS_CODE);
  assert.ok(ERROR.BOOTED > LAST_STATUS_CODE);
});

test('describeErrorCode: known and unknown codes', () => {
  assert.is(describeErrorCode(0x12), '0x12 UNKNOWN_COMMAND: unknown command');
  assert.is(describeErrorCode(0x0a), '0x0A (unknown code)');
});

test.run();
