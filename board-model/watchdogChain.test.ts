/** A watchdog's timer chain computed on a lazy line (watchdogChain.ts): which HBT_TIMEs qualify, and the chain's deadlines. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PulseTrain } from './pulseTrain.ts';
import { chainable, WatchdogChain } from './watchdogChain.ts';

const SHAPE = { periodMs: 5200, highMs: 200 };

test('chainable: HBT_TIME above the period and clear of the train\'s rises and falls by more than 1 ms', () => {
  assert.ok(chainable(15_000, SHAPE));
  assert.not.ok(chainable(5000, SHAPE), 'below the period: a beat can come late');
  assert.not.ok(chainable(5200, SHAPE), 'equal to the period');
  assert.not.ok(chainable(26_000, SHAPE), 'a whole number of periods: deadlines on rises');
  assert.not.ok(chainable(26_200, SHAPE), 'periods plus the high time: deadlines on falls');
  assert.not.ok(chainable(26_001, SHAPE), 'within 1 ms of a rise');
  assert.ok(chainable(26_002, SHAPE));
});

test('the chain re-arms at the last rise before each deadline + HBT_TIME (rises every 5200 ms from 25_010, armed at 25_010)', () => {
  const train = new PulseTrain(200, 5200, { at: 25_010, high: true, rises: 1, lastRiseAt: 25_010 });
  const woken: number[] = [];
  const chain = new WatchdogChain(train, 15_000, 25_010, 40_010, (at) => woken.push(at));
  assert.is(chain.pendingAt(), 40_010);
  chain.catchUpTo(40_010, false);
  assert.is(chain.pendingAt(), 40_010, 'not yet passed: a deadline at now, inside a timer due then');
  chain.catchUpTo(40_010, true);
  assert.is(chain.pendingAt(), 50_410); // last rise before 40_010 is 35_410
  chain.catchUpTo(71_000, true);
  assert.is(chain.pendingAt(), 71_210); // 50_410 -> 45_810 + 15 s = 60_810 -> 56_210 + 15 s
  assert.equal(chain.eventsThrough(71_210), [25_010, 40_010, 50_410, 60_810, 71_210]);
  assert.is(chain.gridTime(), 71_210);
  assert.equal([chain.periodMs, chain.highMs], [5200, 200]);
  chain.wake(71_210);
  assert.equal(woken, [71_210]);
});

test.run();
