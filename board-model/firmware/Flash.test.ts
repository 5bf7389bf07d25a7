/** The flash emulating EEPROM (FIRMWARE.md section 2): torn writes. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc8 } from '../../bus-protocol/crc8.ts';
import { createRandom, type Random } from '../random.ts';
import { decodeErrors, emptyErrors, encodeErrors } from './flashBlocks.ts';
import { Flash } from './Flash.ts';

/** A Random whose int() always returns `value` (the cut of a torn write). */
function fixed(value: number): Random {
  const base = createRandom(1);
  return { ...base, int: () => value, fork: () => fixed(value) };
}

test('regression (found by fuzz torn-write): a tear whose cut lies after the only changed bytes still leaves the CRC wrong', () => {
  const size = 32;
  const old = encodeErrors({ ...emptyErrors(size), log: new Uint8Array(size).fill(0), pointer: 1, bootCount: 1 });
  const next = encodeErrors({ ...emptyErrors(size), log: new Uint8Array(size).fill(0), pointer: 1, bootCount: 0 });
  // The blocks differ only in the boot count and the CRC: a cut before them keeps the old block whole.
  const flash = new Flash(fixed(size + 1));
  flash.write('errors', old);
  flash.armTornWrite('errors');
  assert.is(flash.write('errors', next), 'torn');
  const stored = flash.read('errors')!;
  assert.is.not(crc8(stored), 0, 'the torn block must fail its CRC (F2), not read back as the old block');
  assert.is(decodeErrors(stored, size), undefined);
});

test('a torn write of a new block never reads back as a valid block, wherever it is cut', () => {
  const size = 8;
  const old = encodeErrors({ ...emptyErrors(size), errorCount: 3, bootCount: 2 });
  const next = encodeErrors({ ...emptyErrors(size), log: Uint8Array.of(0x0f, 0x11, 0, 0, 0, 0, 0, 0), pointer: 2, errorCount: 4, bootCount: 2 });
  for (let cut = 1; cut < next.length; cut++) {
    const flash = new Flash(fixed(cut));
    flash.write('errors', old);
    flash.armTornWrite('any');
    flash.write('errors', next);
    assert.is(decodeErrors(flash.read('errors'), size), undefined, `cut at byte ${cut}`);
  }
});

test.run();
