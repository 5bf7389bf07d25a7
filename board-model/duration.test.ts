import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { MAX_DURATION_MS, formatDuration, parseDuration } from './duration.ts';

test('parses every unit, decimals, compounds and bare numbers as ms', () => {
  assert.is(parseDuration('250ms'), 250);
  assert.is(parseDuration('90s'), 90_000);
  assert.is(parseDuration('1.5m'), 90_000);
  assert.is(parseDuration('24h'), 86_400_000);
  assert.is(parseDuration('1h30m'), 5_400_000);
  assert.is(parseDuration(' 1h 02m 03.250s '), 3_723_250);
  assert.is(parseDuration('2m5s100ms'), 125_100);
  assert.is(parseDuration('1.1s'), 1100, 'no float drift');
  assert.is(parseDuration('90S'), 90_000, 'units are case-insensitive');
  assert.is(parseDuration('.5s'), 500);
  assert.is(parseDuration('1500'), 1500);
  assert.is(parseDuration(1500), 1500);
  assert.is(parseDuration(0), 0);
  assert.is(parseDuration('0.25ms'), 0.25);
});

test('rejects bad text with a message quoting it and naming the units', () => {
  for (const bad of ['5x', '', 'h', '1h30', '1d', 'abc', '1 h 2', '-5s', '1..5s', 's5']) {
    assert.throws(() => parseDuration(bad), (e: Error) => e.message === `${JSON.stringify(bad)} is not a duration (units ms, s, m, h)`, bad);
  }
});

test('units must come largest first and once each', () => {
  assert.throws(() => parseDuration('30m1h'), /"30m1h" is not a duration \(units ms, s, m, h; each unit once, largest first/);
  assert.throws(() => parseDuration('1m1m'), /"1m1m" is not a duration/);
});

test('rejects negative, NaN and infinite numbers', () => {
  assert.throws(() => parseDuration(-5), /^-5 is not a duration \(a bare number is ms and must be finite and >= 0\)/);
  assert.throws(() => parseDuration(Number.NaN), /NaN is not a duration/);
  assert.throws(() => parseDuration(Infinity), /Infinity is not a duration/);
});

test('formats compactly for timelines', () => {
  assert.is(formatDuration(0), '0s');
  assert.is(formatDuration(250), '250ms');
  assert.is(formatDuration(0.5), '0.5ms');
  assert.is(formatDuration(12_500), '12.5s');
  assert.is(formatDuration(1000), '1s');
  assert.is(formatDuration(59_999), '59.999s');
  assert.is(formatDuration(90_000), '1m30s');
  assert.is(formatDuration(3_723_250), '1h02m03.250s');
  assert.is(formatDuration(3_600_000), '1h00m00s');
  assert.is(formatDuration(86_400_000), '24h00m00s');
  assert.is(formatDuration(61_000.5), '1m01.0005s');
  assert.is(formatDuration(-1500), '-1.5s');
  assert.is(formatDuration(Infinity), 'Infinity');
});

test('property: formatDuration round-trips through parseDuration (whole ms and microseconds)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 400 * 3_600_000 }), (ms) => {
      assert.is(parseDuration(formatDuration(ms)), ms);
    }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10 * 3_600_000_000 }), (us) => {
      assert.is(parseDuration(formatDuration(us / 1000)), us / 1000);
    }),
  );
});

test('one rule with a maximum: huge text, huge numbers and exponents are all refused the same way (issue 10 item 7)', () => {
  // Guards against "99999999999999999999999h" and 1e300 being accepted while "1e9h" was "not a duration".
  for (const bad of ['99999999999999999999999h', '1e9h', '100001h', '1e400h', 1e300, MAX_DURATION_MS + 1]) {
    assert.throws(() => parseDuration(bad), /is too long \(at most 100000h, 360000000000 ms\)/, String(bad));
  }
  assert.is(parseDuration('100000h'), MAX_DURATION_MS);
  assert.is(parseDuration('1e3s'), 1_000_000, 'exponents are numbers like any other');
  assert.is(parseDuration('2.5e2'), 250);
  assert.is(parseDuration(MAX_DURATION_MS), MAX_DURATION_MS);
});

test.run();
