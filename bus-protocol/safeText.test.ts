/** Safe excerpts of untrusted text for error messages: no escape sequence reaches the terminal. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ELLIPSIS, EXCERPT_CHARS, escapeChar, safeExcerpt, safeLines } from './safeText.ts';

/** Anything a terminal could act on: C0, DEL, C1, bidi and zero-width format characters, line separators. */
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/u;

test('printable text passes unchanged, spaces and backslashes included', () => {
  assert.is(safeExcerpt('{"crcCheck": 161} a\\b €µ 日本 😀'), '{"crcCheck": 161} a\\b €µ 日本 😀');
  assert.is(safeExcerpt(''), '');
});

test('a crafted file cannot send an escape sequence to the terminal: ESC, NUL, BEL, DEL and C1 are escaped', () => {
  assert.is(safeExcerpt('\u001b[31mRED\u0000\u0007\u007f\u009b2J'), '\\x1B[31mRED\\x00\\x07\\x7F\\x9B2J');
  assert.is(safeExcerpt('a\nb\r\tc'), 'a\\nb\\r\\tc');
});

test('bidi overrides, zero-width, separators, lone surrogates and astral format characters are escaped', () => {
  assert.is(escapeChar('\u202e'), '\\u202E');
  assert.is(escapeChar('\u200b'), '\\u200B');
  assert.is(escapeChar('\u2028'), '\\u2028');
  assert.is(escapeChar('\u00a0'), '\\xA0');
  assert.is(escapeChar('\ud800'), '\\uD800');
  assert.is(escapeChar('\u{e0001}'), '\\u{E0001}');
  assert.is(escapeChar('x'), 'x');
  assert.is(escapeChar(' '), ' ');
});

test('long text is capped with an ellipsis, never splitting an escape or a surrogate pair', () => {
  assert.is(safeExcerpt('x'.repeat(1000)), `${'x'.repeat(EXCERPT_CHARS)}${ELLIPSIS}`);
  assert.is(safeExcerpt('abc', 3), 'abc');
  assert.is(safeExcerpt('abcd', 3), `abc${ELLIPSIS}`);
  assert.is(safeExcerpt('ab\u001b', 4), `ab${ELLIPSIS}`, 'the 4-character escape does not fit after 2 characters');
  assert.is(safeExcerpt('a😀😀', 2), `a😀${ELLIPSIS}`);
  assert.is(safeExcerpt('abcd', 3, '...'), 'abc...', 'a caller may choose its own ellipsis');
});

test('safeLines keeps the newlines of a multi-line message and escapes the rest', () => {
  assert.is(safeLines('line 1: \u001b]0;pwned\u0007\nline 2'), 'line 1: \\x1B]0;pwned\\x07\nline 2');
  assert.is(safeLines('y'.repeat(20), 5), `yyyyy${ELLIPSIS}`);
});

test('property: no excerpt of any text holds a terminal-unsafe character or exceeds its cap', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.integer({ min: 1, max: 80 }), (text, max) => {
      const out = safeExcerpt(text, max);
      assert.not.match(out, TERMINAL_UNSAFE);
      const chars = [...out];
      assert.ok(chars.length <= max + 1, `${chars.length} > ${max} + ellipsis`);
      if (chars.length > max) assert.is(chars.at(-1), ELLIPSIS);
    }),
    { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: 300 },
  );
});

test.run();
