/** The arithmetic of a steady heartbeat (pulseTrain.ts): level at the edges, rise counts, last rise, float-exact edge times. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PulseTrain } from './pulseTrain.ts';

const upTo = (t: number) => (edge: number): boolean => edge <= t;
const before = (t: number) => (edge: number): boolean => edge < t;

test('a train from a rise at 1000 ms: high until the fall at 1200 ms, low until the next rise at 6200 ms', () => {
  const train = new PulseTrain(200, 5200, { at: 1000, high: true, rises: 1, lastRiseAt: 1000 });
  assert.is(train.nextEdgeAt, 1200);
  train.catchUp(before(1200)); // the edge at 1200 ms has not happened yet
  assert.is(train.high, true);
  train.catchUp(upTo(1200));
  assert.is(train.high, false);
  assert.is(train.at, 1200);
  assert.is(train.nextEdgeAt, 6200);
  train.catchUp(before(6200));
  assert.equal([train.high, train.rises, train.lastRiseAt], [false, 1, 1000]);
  train.catchUp(upTo(6200));
  assert.equal([train.high, train.rises, train.lastRiseAt], [true, 2, 6200]);
});

test('rise counts and the last rise over many periods (a rise every 5200 ms from 0)', () => {
  const train = new PulseTrain(200, 5200, { at: 0, high: true, rises: 1, lastRiseAt: 0 });
  train.catchUp(upTo(52_000));
  assert.is(train.rises, 11); // 0, 5200, ..., 52000
  assert.is(train.lastRiseAt, 52_000);
  assert.is(train.high, true);
  train.catchUp(upTo(52_199));
  assert.is(train.high, true);
  train.catchUp(upTo(52_200));
  assert.is(train.high, false);
  assert.is(train.rises, 11);
});

test('a train from a fall starts low and counts no rise until its next rise', () => {
  const train = new PulseTrain(100, 2600, { at: 500, high: false, rises: 7, lastRiseAt: 400 });
  assert.is(train.nextEdgeAt, 3000);
  assert.is(train.nextDelayMs, 2500);
  train.catchUp(upTo(2999));
  assert.equal(train.point(), { at: 500, high: false, rises: 7, lastRiseAt: 400 });
  train.catchUp(upTo(3000));
  assert.equal(train.point(), { at: 3000, high: true, rises: 8, lastRiseAt: 3000 });
});

test('edge times are the chained sums a timer per edge computes, not start + k * period (fractional start)', () => {
  const start = 26_005.208333333336;
  const train = new PulseTrain(200, 5200, { at: start, high: true, rises: 1, lastRiseAt: start });
  let t = start;
  const chained: number[] = [];
  for (let k = 0; k < 20_000; k++) {
    t += 200;
    chained.push(t);
    t += 5200 - 200;
    chained.push(t);
  }
  const stepped: number[] = [];
  for (let k = 0; k < 40_000; k++) {
    train.step();
    stepped.push(train.at);
  }
  assert.equal(stepped, chained);
  // The closed form drifts from the chain: the reason trains step edge by edge.
  assert.ok(chained.some((v, i) => i % 2 === 1 && v !== start + ((i + 1) / 2) * 5200), 'the closed form differs somewhere');
});

test('edgesThrough lists the last edge and every later one up to the first at or after t', () => {
  const train = new PulseTrain(200, 5200, { at: 0, high: true, rises: 1, lastRiseAt: 0 });
  assert.equal(train.edgesThrough(5200), [0, 200, 5200]);
  assert.equal(train.edgesThrough(5300), [0, 200, 5200, 5400]);
  assert.equal(train.point(), { at: 0, high: true, rises: 1, lastRiseAt: 0 }, 'the train itself did not move');
});

test('catchUpTo steps exactly as catchUp does, up to t (and over edges at t only when asked)', () => {
  for (const [t, atT] of [[1200, false], [1200, true], [99_999.5, true], [104_000, false], [104_000, true]] as const) {
    const a = new PulseTrain(200, 5200, { at: 0, high: true, rises: 1, lastRiseAt: 0 });
    const b = new PulseTrain(200, 5200, { at: 0, high: true, rises: 1, lastRiseAt: 0 });
    a.catchUp((edge) => edge < t || (atT && edge === t));
    b.catchUpTo(t, atT);
    assert.equal(b.point(), a.point(), `${t} ${atT}`);
  }
});

test.run();
