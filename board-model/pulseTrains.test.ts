/**
 * Lazy pulse trains on a heartbeat line (wires.ts, pulseTrains.ts, VirtualClock.hasPassed and
 * the schedule hook): no timer while nobody needs the edges, the same level, count and last
 * rise as timers would give, and same-millisecond ties resolved as the timers' creation order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PulseTrains } from './pulseTrains.ts';
import { VirtualClock } from './VirtualClock.ts';
import { HeartbeatLine } from './wires.ts';

function setup(): { clock: VirtualClock; line: HeartbeatLine } {
  const clock = new VirtualClock();
  const line = new HeartbeatLine();
  line.startTrain({ clock, highMs: 200, periodMs: 5200 });
  return { clock, line };
}

test('a train nobody watches runs lazily: no timer, yet level, rises and last rise follow the clock', () => {
  const { clock, line } = setup();
  assert.ok(line.lazy);
  assert.is(clock.pending, 0);
  assert.equal([line.level, line.rises, line.lastRiseAt], [true, 1, 0]);
  clock.advanceTo(199);
  assert.is(line.level, true);
  clock.advanceTo(200);
  assert.is(line.level, false);
  clock.advanceTo(52_000);
  assert.equal([line.level, line.rises, line.lastRiseAt], [true, 11, 52_000]);
  assert.is(clock.fired, 0);
});

test('a rise listener wakes the train: its edges fire on timers at the same times, and it goes lazy again once the listener leaves', () => {
  const { clock, line } = setup();
  clock.advanceTo(6000);
  const rises: number[] = [];
  const stop = line.onRise(() => rises.push(clock.now()));
  assert.not.ok(line.lazy);
  assert.is(clock.next(), 10_400);
  clock.advanceTo(16_000);
  assert.equal(rises, [10_400, 15_600]);
  stop();
  assert.not.ok(line.lazy, 'the rise at 20_800 is already on a timer');
  clock.advanceTo(20_800); // that timer fires, and the line goes lazy
  assert.ok(line.lazy);
  assert.is(clock.pending, 0);
  clock.advanceTo(26_000);
  assert.equal([line.rises, line.lastRiseAt], [6, 26_000]);
});

test('a change listener (a scope) sees every edge, woken in the middle of a pulse', () => {
  const { clock, line } = setup();
  clock.advanceTo(5300);
  const edges: string[] = [];
  line.onChange((high) => edges.push(`${clock.now()} ${high}`));
  clock.advanceTo(10_500);
  assert.equal(edges, ['5400 false', '10400 true']);
});

test('stopTrain keeps what the lazy train reached, and the daemon then drives the line itself', () => {
  const { clock, line } = setup();
  clock.advanceTo(10_450);
  line.stopTrain();
  assert.equal([line.level, line.rises, line.lastRiseAt], [true, 3, 10_400]);
  line.drive(false);
  clock.advanceTo(30_000);
  assert.equal([line.level, line.rises], [false, 3]);
});

test('an edge due at now has not happened inside a timer due then that was created before it, and has once the advance reaches now', () => {
  const { clock, line } = setup();
  let inside: boolean | undefined;
  clock.setTimeout(() => (inside = line.level), 5200 * 2); // created at 0, before the rise at 10_400 was (at 5400)
  clock.advanceTo(10_400);
  assert.is(inside, false, 'the timer came first');
  assert.is(line.level, true, 'then the rise');
});

test('a timer scheduled for the pending edge\'s time wakes the train first: the edge, created earlier, fires first', () => {
  const { clock, line } = setup();
  let seen: boolean | undefined;
  clock.setTimeout(() => {
    clock.setTimeout(() => (seen = line.level), 10_400 - clock.now()); // created at 6000, after the rise at 10_400 (created at 5400)
  }, 6000);
  clock.advanceTo(6000);
  assert.not.ok(line.lazy, 'woken by the timer due at its edge');
  clock.advanceTo(10_400);
  assert.is(seen, true, 'the rise came first');
});

test('lines woken together for the same time keep the order their timers would have had', () => {
  const clock = new VirtualClock();
  const a = new HeartbeatLine();
  const b = new HeartbeatLine();
  // b starts first, then a, in the same millisecond: b's edges come first for ever.
  b.startTrain({ clock, highMs: 200, periodMs: 5200 });
  a.startTrain({ clock, highMs: 200, periodMs: 5200 });
  clock.advanceTo(50_000);
  const order: string[] = [];
  a.onChange((high) => order.push(`a ${high}`));
  b.onChange((high) => order.push(`b ${high}`));
  clock.advanceTo(52_200);
  assert.equal(order, ['b true', 'a true', 'b false', 'a false']);
});

test('regression: a phase bucket left by one line still finds the other line in it (its bit stays set until the last leaves)', () => {
  const clock = new VirtualClock();
  const a = new HeartbeatLine();
  const b = new HeartbeatLine();
  a.startTrain({ clock, highMs: 200, periodMs: 5200 });
  b.startTrain({ clock, highMs: 200, periodMs: 5200 }); // the same phase: the same bucket
  clock.advanceTo(1000);
  assert.ok(a.lazy && b.lazy);
  a.stopTrain(); // a leaves the bucket (and sets no timers that would wake b)
  assert.not.ok(a.lazy);
  let seen: boolean | undefined;
  clock.setTimeout(() => {
    clock.setTimeout(() => (seen = b.level), 10_400 - clock.now()); // due at b's rise, created after it
  }, 6000 - clock.now());
  clock.advanceTo(6000);
  assert.not.ok(b.lazy, 'b, still filed, is woken by a timer due at its edge');
  clock.advanceTo(10_400);
  assert.is(seen, true, "b's rise came first");
});

test('setEager wakes every lazy line and keeps new ones on timers', () => {
  const { clock, line } = setup();
  const trains = PulseTrains.of(clock)!;
  assert.is(trains.size, 1);
  trains.setEager(true);
  assert.ok(trains.eager);
  assert.not.ok(line.lazy);
  clock.advanceTo(20_000);
  assert.not.ok(line.lazy);
  assert.is(clock.fired, 7); // 200, 5200, 5400, 10_400, 10_600, 15_600, 15_800
  assert.is(line.rises, 4);
  assert.is(PulseTrains.of({ now: () => 0, setTimeout: () => 0, clearTimeout: () => {} }), undefined, 'a clock that is not virtual has none');
});

test('after many scheduled timers the registry re-files its lines by phase, and still finds a timer due at a pending edge', () => {
  const clock = new VirtualClock(0.37);
  const line = new HeartbeatLine();
  line.startTrain({ clock, highMs: 200, periodMs: 5200 });
  const noop = (): void => {};
  for (let i = 0; i < 70_000; i++) clock.clearTimeout(clock.setTimeout(noop, 1 + (i % 5)));
  clock.advanceTo(1_000_000);
  assert.ok(line.lazy);
  const due = line.lastRiseAt! + 200 + 5000; // as the chained timers compute it
  let seen: boolean | undefined;
  clock.setTimeout(() => (seen = line.level), due - clock.now());
  assert.not.ok(line.lazy, 'the timer due at the next rise woke the line');
  clock.advanceTo(due);
  assert.is(seen, true, 'the rise, created first, came first');
});

test.run();
