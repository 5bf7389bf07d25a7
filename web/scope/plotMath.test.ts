/** The scope plot's arithmetic: value words, lane ranges, the window snapped to pixels, and "only grew at its end". */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grewOnlyAfter, laneRange, memoOf, snapWindow, valueText } from './plotMath.ts';
import { Trace, type TraceInfo } from './Trace.ts';

const DIGITAL: TraceInfo = { key: 'd', label: 'd', kind: 'digital', unit: '' };
const VOLTS: TraceInfo = { key: 'v', label: 'v', kind: 'analog', unit: 'V' };
const AMPS: TraceInfo = { key: 'a', label: 'a', kind: 'analog', unit: 'A' };

test('valueText: volts with 2 decimals, amps with 3, digital as high/low, a dash before any value', () => {
  const v = new Trace(VOLTS, 0);
  v.set(10, 12.031);
  const a = new Trace(AMPS, 0);
  a.set(0, 0.4);
  const d = new Trace(DIGITAL, 0);
  d.set(0, 0);
  d.set(5, 1);
  assert.equal([valueText(v, 5), valueText(v, 10), valueText(a, 1), valueText(d, 1), valueText(d, 5)], ['–', '12.03 V', '0.400 A', 'low', 'high']);
});

test('laneRange: digital 0..1; analog at least its unit\'s minimum, peaks in the window with 10 % headroom, below zero kept', () => {
  const d = new Trace(DIGITAL, 0);
  assert.equal(laneRange(d, 0, 100), [0, 1]);
  const v = new Trace(VOLTS, 0);
  v.set(0, 0.5);
  assert.equal(laneRange(v, 0, 100), [0, 1.1]);
  v.set(50, 12);
  v.set(60, -1);
  v.set(200, 20);
  const [lo, hi] = laneRange(v, 0, 100);
  assert.is(lo, -1);
  assert.ok(Math.abs(hi - 13.2) < 1e-9, `hi ${hi}`);
  assert.is(laneRange(v, 70, 100)[1].toFixed(2), '1.10', 'the value holding at the window start counts (-1), 12 left the window');
  const a = new Trace(AMPS, 0);
  assert.ok(Math.abs(laneRange(a, 0, 1)[1] - 0.11) < 1e-9, 'no value: the unit minimum');
});

test('snapWindow: the end on the next whole pixel, so two windows differ by whole pixels', () => {
  const a = snapWindow(1000.4, 60_000, 600); // 100 ms per pixel
  assert.equal(a, { start: -58_900, end: 1100, endPx: 11 });
  const b = snapWindow(1650, 60_000, 600);
  assert.is(b.endPx - a.endPx, 6);
  assert.is(b.end - b.start, 60_000);
  assert.is(snapWindow(1100, 60_000, 600).endPx, 11, 'exactly on a pixel: that pixel');
  assert.is(snapWindow(5, 10, 0).endPx, 1, 'a plot of no pixels counts as one');
});

test('grewOnlyAfter: appended changes pass; an insert before, a replaced last value, a merge or a trim do not', () => {
  const t = new Trace(DIGITAL, 0, 8);
  t.set(0, 0);
  t.set(10, 1);
  let memo = memoOf(t);
  assert.ok(grewOnlyAfter(t, memo, 10), 'nothing new');
  t.set(20, 0);
  t.set(30, 1);
  assert.ok(grewOnlyAfter(t, memo, 15), 'appended after 15');
  assert.not.ok(grewOnlyAfter(t, memo, 25), 'the change at 20 is before 25');
  memo = memoOf(t);
  t.set(25, 1); // inserted in order, before the last (a bus frame reported at its end)
  assert.not.ok(grewOnlyAfter(t, memo, 0), 'an insert moves the last kept change');
  memo = memoOf(t);
  t.set(30, 0); // same time as the last change: replaces its value
  assert.not.ok(grewOnlyAfter(t, memo, 0), 'replaced');
  memo = memoOf(t);
  t.set(40, 1);
  t.set(40, 0); // back to the value holding: merged away
  assert.not.ok(grewOnlyAfter(t, memo, 0), 'a change merged away (kept and recorded counts disagree)');
  memo = memoOf(t);
  assert.not.ok(grewOnlyAfter(t, { ...memo, lastV: 7 }, 0), 'the memo\'s last value no longer there');
  memo = memoOf(t);
  for (let i = 0; i < 10; i++) t.set(50 + i, i % 2);
  assert.not.ok(grewOnlyAfter(t, memo, 0), 'old changes dropped: the trace is complete from later on');
  const empty = new Trace(DIGITAL, 0);
  const m0 = memoOf(empty);
  assert.equal([m0.lastT, m0.lastV, m0.length], [undefined, undefined, 0]);
  empty.set(5, 1);
  assert.ok(grewOnlyAfter(empty, m0, 5));
});

test.run();
