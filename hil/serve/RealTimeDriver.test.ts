/**
 * RealTimeDriver with both clocks virtual: the "wall" is a VirtualClock the test advances, so
 * the lock (virtual time follows wall time, never ahead) is checked exactly and without sleeps.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from '../../board-model/VirtualClock.ts';
import { RealTimeDriver } from './RealTimeDriver.ts';

function rig(speed = 1, maxIntervalMs = 20) {
  const wall = new VirtualClock(5000); // the wall clock starts anywhere
  const sim = new VirtualClock(0);
  const errors: unknown[] = [];
  const driver = new RealTimeDriver({ clock: sim, wall, speed, maxIntervalMs, onError: (e) => errors.push(e) });
  return { wall, sim, driver, errors, elapsed: () => wall.now() - 5000 };
}

test('virtual timers fire when the wall clock reaches them, never earlier', () => {
  const { wall, sim, driver, elapsed } = rig();
  const fired: Array<{ deadline: number; wall: number }> = [];
  for (const at of [7.5, 7.6, 31, 250]) sim.setTimeout(() => fired.push({ deadline: at, wall: elapsed() }), at);
  driver.start();
  wall.advanceTo(5000 + 7.5 - 0.01);
  assert.is(fired.length, 0, 'not before its wall time');
  assert.ok(sim.now() <= elapsed(), `virtual ${sim.now()} never ahead of wall ${elapsed()}`);
  wall.advanceTo(5000 + 300);
  assert.equal(fired.map((f) => f.deadline), [7.5, 7.6, 31, 250]);
  for (const f of fired) assert.ok(f.wall >= f.deadline, `timer at ${f.deadline} ran at wall ${f.wall}`);
  assert.ok(fired[0]!.wall - 7.5 < 0.2, 'and promptly: the driver sleeps until the next deadline');
  assert.ok(sim.now() <= elapsed() && sim.now() >= elapsed() - 20, 'idle time still follows the wall within maxIntervalMs');
  driver.stop();
});

test('sync() catches up at once (bytes arriving between wake-ups)', () => {
  const { wall, sim, driver, elapsed } = rig(1, 1000);
  driver.start();
  wall.advanceTo(5000 + 3.25);
  assert.is(sim.now(), 0, 'no wake-up yet: nothing due');
  driver.sync();
  assert.is(sim.now(), elapsed());
  assert.is(driver.target, elapsed());
  driver.stop();
});

test('a timer set from outside the clock is honoured once sync() re-arms the wake-up', () => {
  const { wall, sim, driver, elapsed } = rig(1, 1000);
  driver.start();
  let at: number | undefined;
  sim.setTimeout(() => (at = elapsed()), 4);
  driver.sync();
  wall.advanceTo(5000 + 10);
  assert.is(at, 4);
  driver.stop();
});

test('speed scales virtual time per wall ms', () => {
  const { wall, sim, driver } = rig(10, 5);
  driver.start();
  wall.advanceTo(5000 + 100);
  driver.sync();
  assert.is(sim.now(), 1000);
  assert.throws(() => new RealTimeDriver({ clock: sim, speed: 0 }), /"speed" must be a positive number/);
  assert.throws(() => new RealTimeDriver({ clock: sim, maxIntervalMs: Number.NaN }), /"maxIntervalMs"/);
  driver.stop();
});

test('a throwing timer is reported and time goes on; sync() inside a timer is a no-op', () => {
  const { wall, sim, driver, errors } = rig();
  const fired: number[] = [];
  sim.setTimeout(() => {
    throw new Error('boom');
  }, 5);
  sim.setTimeout(() => {
    driver.sync(); // re-entrant: must not throw "called from inside a timer callback"
    fired.push(sim.now());
  }, 6);
  sim.setTimeout(() => fired.push(sim.now()), 9);
  driver.start();
  wall.advanceTo(5000 + 50);
  assert.is(errors.length, 1);
  assert.match(String(errors[0]), /boom/);
  assert.equal(fired, [6, 9]);
  driver.stop();
});

test('stop() freezes virtual time and leaves no wall timer behind', () => {
  const { wall, sim, driver } = rig();
  driver.start().start(); // idempotent
  assert.ok(driver.running);
  wall.advanceTo(5000 + 40);
  const frozen = sim.now();
  driver.stop();
  driver.stop();
  assert.not.ok(driver.running);
  assert.is(wall.pending, 0);
  wall.advanceTo(5000 + 400);
  driver.sync();
  assert.is(sim.now(), frozen);
});

test('spinMs: the last ms before a deadline is polled, not slept (guards against Node timers firing up to 1 ms late, the extra ms of the PTY round trip)', () => {
  const wall = new VirtualClock(5000);
  const sim = new VirtualClock(0);
  const polls: Array<() => void> = [];
  const driver = new RealTimeDriver({ clock: sim, wall, spinMs: 1, immediate: (fn) => (polls.push(fn), () => polls.splice(polls.indexOf(fn), 1)) });
  let firedAt: number | undefined;
  sim.setTimeout(() => (firedAt = wall.now() - 5000), 4.3);
  driver.start();
  assert.is(polls.length, 0, 'far from the deadline: a wall timer');
  // A coarse timer wakes the driver 0.6 ms early (as Node's whole-ms timers do): it polls from there.
  wall.advanceTo(5000 + 3.7);
  driver.sync();
  assert.is(firedAt, undefined, 'not before its time');
  assert.is(polls.length, 1, 'within spinMs of the deadline: one poll queued');
  let turns = 0;
  while (firedAt === undefined && turns < 100) {
    wall.advanceTo(wall.now() + 0.05); // one turn of the event loop
    polls.shift()!();
    turns++;
  }
  assert.ok(firedAt !== undefined && firedAt >= 4.3 && firedAt < 4.3 + 0.06, `fired at ${firedAt}, within one loop turn of 4.3`);
  assert.ok(turns <= 12, `${turns} polls for 0.6 ms`);
  assert.is(polls.length, 0, 'nothing due: back to sleeping on a timer');
  driver.stop();
  assert.throws(() => new RealTimeDriver({ clock: sim, spinMs: -1 }), /"spinMs" must be a number of ms >= 0/);
  assert.is(new RealTimeDriver({ clock: sim }).spinMs, 1, 'on by default on the real clock');
  assert.is(new RealTimeDriver({ clock: sim, wall }).spinMs, 0, 'off with an injected wall clock');
});

test('spinMs: dense deadlines (a flood on the wire) poll at most a quarter of the time, then fall back to timers', () => {
  const wall = new VirtualClock(0);
  const sim = new VirtualClock(0);
  let polls = 0;
  const driver = new RealTimeDriver({ clock: sim, wall, spinMs: 1, immediate: (fn) => {
    polls++;
    const h = wall.setTimeout(fn, 0.05); // one loop turn of 0.05 ms
    return () => wall.clearTimeout(h);
  } });
  // A deadline every 0.9 ms for 1 s: always within spinMs of the next one.
  let fired = 0;
  const tick = () => {
    fired++;
    if (sim.now() < 1000) sim.setTimeout(tick, 0.9);
  };
  sim.setTimeout(tick, 0.9);
  driver.start();
  wall.advanceTo(1000);
  driver.stop();
  assert.ok(fired >= 1000, `${fired} deadlines fired`);
  const pollingMs = polls * 0.05;
  assert.ok(pollingMs <= 0.25 * 1000 + 4 + 0.05, `polled ${pollingMs.toFixed(1)} ms of 1000`);
  assert.ok(pollingMs > 100, `but did poll (${pollingMs.toFixed(1)} ms)`);
});

test.run();
