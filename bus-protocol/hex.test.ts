/** Hex text helpers. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { HexParseError, fromHex, toCompactHex, toHex } from './hex.ts';

test('toHex: spaced upper case, two digits a byte', () => {
  assert.is(toHex(Uint8Array.of(0x02, 0x00, 0x03, 0xad)), '02 00 03 AD');
  assert.is(toHex(new Uint8Array(0)), '');
  assert.is(toCompactHex(Uint8Array.of(0x02, 0x0a, 0xff)), '020aff');
});

test('fromHex: spaced, compact, 0x-prefixed, comma- and colon-separated, several words', () => {
  const want = [0x02, 0x00, 0x03, 0xad];
  for (const text of ['02 00 03 AD', '020003ad', '0x02,0x00,0x03,0xAD', '02:00:03:ad', '0200 03AD', '  02 00\n03\tAD ', '2 0 3 AD']) {
    assert.equal([...fromHex(text)], want, text);
  }
  assert.equal([...fromHex('')], []);
});

test('fromHex: non-hex text and odd digit counts throw HexParseError naming the word', () => {
  assert.throws(() => fromHex('02 0G'), (e: Error) => e instanceof HexParseError && e.message.includes('"0G"'));
  assert.throws(() => fromHex('020'), (e: Error) => e instanceof HexParseError && e.message.includes('odd number'));
  // regression: the word was quoted raw, so a crafted file could send an escape sequence to the terminal
  assert.throws(() => fromHex('02 \u001b[2J\u0007'), (e: Error) => e.message.includes('"\\x1B[2J\\x07"') && !e.message.includes('\u001b'));
});

test('toHex and fromHex round trip (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      assert.equal(fromHex(toHex(bytes)), bytes);
      assert.equal(fromHex(toCompactHex(bytes)), bytes);
    }),
    { seed: Number(process.env.FC_SEED ?? 42), numRuns: 300 },
  );
});

test.run();
