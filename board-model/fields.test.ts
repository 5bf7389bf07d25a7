import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { z } from 'zod';
import { check } from './ConfigError.ts';
import { durationField, intIn, nonNegative, positive, prefixField, realIn, seedField, u8 } from './fields.ts';

/** The single problem message of validating `value`, or 'ok'. */
function problem(schema: z.ZodType, value: unknown): string {
  const issues: { path: string; message: string }[] = [];
  check(schema, value, '', issues);
  return issues.length === 0 ? 'ok' : issues.map((i) => i.message).join('; ');
}

test('intIn accepts whole numbers in range and says the range otherwise', () => {
  assert.is(problem(intIn(0, 15), 15), 'ok');
  assert.is(problem(intIn(0, 15), 17), 'must be 0..15, got 17');
  assert.is(problem(intIn(0, 15), 1.5), 'must be a whole number 0..15, got 1.5');
  assert.is(problem(intIn(0, 0xf0, true), 0x100), 'must be 0x00..0xF0, got 256');
  assert.is(problem(u8, -1), 'must be 0..255, got -1');
  assert.is(problem(u8, '3'), 'expected a number, got "3"');
  assert.is(problem(seedField, 2 ** 32), 'must be 0..4294967295, got 4294967296');
});

test('prefix must be a multiple of 16 up to 0xF0', () => {
  assert.is(problem(prefixField, 0x30), 'ok');
  assert.is(problem(prefixField, 0x31), 'must be a multiple of 16 in 0x00..0xF0 (the high nibble of the ID), got 49');
  assert.is(problem(prefixField, 0x100), 'must be a multiple of 16 in 0x00..0xF0 (the high nibble of the ID), got 256');
});

test('real ranges, non-negative and positive numbers', () => {
  assert.is(problem(realIn(0, 1), 0.5), 'ok');
  assert.is(problem(realIn(0, 1), 1.5), 'must be 0..1, got 1.5');
  assert.is(problem(nonNegative, 0), 'ok');
  assert.is(problem(nonNegative, -0.1), 'must be >= 0, got -0.1');
  assert.is(problem(positive, 0), 'must be above 0, got 0');
});

test('durationField parses text and numbers to ms and explains bad input', () => {
  assert.is(durationField.parse('1h30m'), 5_400_000);
  assert.is(durationField.parse(250), 250);
  assert.is(problem(durationField, '5x'), '"5x" is not a duration (units ms, s, m, h)');
  assert.is(problem(durationField, true), 'expected a duration such as "90s" or a number of ms, got true');
  assert.is(problem(durationField, undefined), 'missing (expected a duration such as "90s")');
  assert.is(durationField.optional().parse(undefined), undefined, 'optional() skips the transform for a missing field');
});

test.run();
