import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { assign, createActor, setup } from 'xstate';
import { VirtualClock } from './VirtualClock.ts';

test('fires in deadline order and sets now() to each deadline', () => {
  const clock = new VirtualClock();
  const log: string[] = [];
  clock.setTimeout(() => log.push(`c@${clock.now()}`), 30);
  clock.setTimeout(() => log.push(`a@${clock.now()}`), 10);
  clock.setTimeout(() => log.push(`b@${clock.now()}`), 20);
  clock.advance(25);
  assert.equal(log, ['a@10', 'b@20']);
  assert.is(clock.now(), 25);
  assert.is(clock.pending, 1);
  clock.advance(5);
  assert.equal(log, ['a@10', 'b@20', 'c@30']);
  assert.is(clock.pending, 0);
});

test('equal deadlines fire FIFO, including timers added for the same instant while firing', () => {
  const clock = new VirtualClock();
  const log: number[] = [];
  for (let i = 0; i < 5; i++) clock.setTimeout(() => log.push(i), 100);
  clock.setTimeout(() => clock.setTimeout(() => log.push(99), 0), 50);
  clock.advance(100);
  assert.equal(log, [99, 0, 1, 2, 3, 4]);
});

test('property: firing order is the stable sort of (deadline, insertion)', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (delays) => {
      const clock = new VirtualClock();
      const fired: number[] = [];
      delays.forEach((d, i) => clock.setTimeout(() => fired.push(i), d));
      clock.advance(50);
      const expected = delays.map((d, i) => ({ d, i })).sort((x, y) => x.d - y.d || x.i - y.i).map((x) => x.i);
      assert.equal(fired, expected);
    }),
  );
});

test('clearTimeout before and during firing; foreign, fired and repeated handles are ignored', () => {
  const clock = new VirtualClock();
  const other = new VirtualClock();
  const log: string[] = [];
  const a = clock.setTimeout(() => log.push('a'), 10);
  const b = clock.setTimeout(() => log.push('b'), 20);
  const c = clock.setTimeout(() => log.push('c'), 20);
  clock.setTimeout(() => clock.clearTimeout(c), 15); // cancels a later timer from inside a callback
  clock.setTimeout(() => clock.clearTimeout(b), 20); // same instant, but b already fired (FIFO)
  clock.clearTimeout(a);
  clock.clearTimeout(a);
  other.clearTimeout(b);
  clock.clearTimeout({});
  clock.clearTimeout(undefined);
  assert.is(clock.pending, 4);
  clock.advance(100);
  assert.equal(log, ['b']);
  assert.is(clock.pending, 0);
});

test('a callback clearing a timer due at the same instant stops it', () => {
  const clock = new VirtualClock();
  const log: string[] = [];
  let later: unknown;
  clock.setTimeout(() => clock.clearTimeout(later), 10);
  later = clock.setTimeout(() => log.push('later'), 10);
  clock.advance(10);
  assert.equal(log, []);
});

test('timers scheduled during advance fire when due inside the window, not after it', () => {
  const clock = new VirtualClock();
  const log: number[] = [];
  clock.setTimeout(() => {
    clock.setTimeout(() => log.push(clock.now()), 40); // due 50: inside
    clock.setTimeout(() => log.push(clock.now()), 200); // due 210: outside
  }, 10);
  clock.advance(100);
  assert.equal(log, [50]);
  assert.is(clock.now(), 100);
  assert.is(clock.next(), 210);
});

test('one 24 h advance fires a 1 s periodic timer 86400 times (SimulatedClock fires it once)', () => {
  const clock = new VirtualClock();
  let ticks = 0;
  let lastAt = 0;
  const tick = (): void => {
    ticks++;
    assert.is(clock.now(), lastAt + 1000, 'each tick sees its own deadline');
    lastAt = clock.now();
    clock.setTimeout(tick, 1000);
  };
  clock.setTimeout(tick, 1000);
  clock.advance(24 * 3600 * 1000);
  assert.is(ticks, 86400);
  assert.is(clock.now(), 86_400_000);
  assert.is(clock.pending, 1);
});

test('negative and NaN delays count as 0; Infinity never fires', () => {
  const clock = new VirtualClock(1000);
  const log: string[] = [];
  clock.setTimeout(() => log.push('neg'), -5);
  clock.setTimeout(() => log.push('nan'), Number.NaN);
  clock.setTimeout(() => log.push('inf'), Infinity);
  assert.is(clock.pending, 2);
  assert.is(clock.next(), 1000);
  clock.advance(0);
  assert.equal(log, ['neg', 'nan']);
  assert.is(clock.now(), 1000);
  assert.is(clock.runNext(), false);
});

test('next, runNext and advanceTo', () => {
  const clock = new VirtualClock();
  assert.is(clock.next(), undefined);
  assert.is(clock.runNext(), false);
  const log: number[] = [];
  const x = clock.setTimeout(() => log.push(1), 5);
  clock.setTimeout(() => log.push(2), 7);
  clock.clearTimeout(x);
  assert.is(clock.next(), 7, 'a cleared timer is not the next one');
  assert.is(clock.runNext(), true);
  assert.is(clock.now(), 7);
  assert.equal(log, [2]);
  clock.advanceTo(20);
  assert.is(clock.now(), 20);
  assert.throws(() => clock.advanceTo(19), /"t" must be a finite time >= now \(20 ms\), got 19/);
  assert.throws(() => clock.advance(-1), /"ms" must be a finite number >= 0, got -1/);
  assert.throws(() => clock.advance(Number.NaN), /got NaN/);
});

test('advance from inside a callback is refused and leaves the clock usable', () => {
  const clock = new VirtualClock();
  let caught: unknown;
  clock.setTimeout(() => {
    try {
      clock.advance(10);
    } catch (e) {
      caught = e;
    }
  }, 1);
  clock.setTimeout(() => undefined, 5);
  clock.advance(10);
  assert.match(String(caught), /called from inside a timer callback/);
  assert.is(clock.pending, 0);
  clock.setTimeout(() => undefined, 1);
  assert.is(clock.runNext(), true);
});

test('a throwing callback aborts the advance at its deadline; later timers stay pending', () => {
  const clock = new VirtualClock();
  clock.setTimeout(() => {
    throw new Error('boom');
  }, 10);
  clock.setTimeout(() => undefined, 20);
  assert.throws(() => clock.advance(100), /boom/);
  assert.is(clock.now(), 10);
  assert.is(clock.pending, 1);
  clock.advance(90);
  assert.is(clock.pending, 0);
});

test('cancel-and-re-arm loops keep the heap compact (watchdog restarted by each heartbeat)', () => {
  const clock = new VirtualClock();
  let handle = clock.setTimeout(() => assert.unreachable('watchdog fired'), 15_000);
  for (let i = 0; i < 100_000; i++) {
    clock.advance(5_000);
    clock.clearTimeout(handle);
    handle = clock.setTimeout(() => assert.unreachable('watchdog fired'), 15_000);
  }
  assert.is(clock.pending, 1);
  assert.is(clock.next(), clock.now() + 15_000);
});

test('throughput: 300k timers scheduled and fired well within a few seconds (about 0.4 s here)', () => {
  const clock = new VirtualClock();
  let fired = 0;
  const fn = (): void => {
    fired++;
  };
  const start = performance.now();
  for (let i = 0; i < 300_000; i++) clock.setTimeout(fn, (i * 7919) % 100_000);
  clock.advance(100_000);
  const elapsed = performance.now() - start;
  assert.is(fired, 300_000);
  assert.ok(elapsed < 5000, `took ${elapsed.toFixed(0)} ms`);
});

test('drives an XState actor: after-delays, a periodic self-transition and cancellation on exit', () => {
  const machine = setup({
    types: { context: {} as { ticks: number }, events: {} as { type: 'stop' } },
    delays: { period: 1000, grace: 5000 },
  }).createMachine({
    context: { ticks: 0 },
    initial: 'waiting',
    states: {
      waiting: { after: { grace: 'running' } },
      running: {
        after: { period: { target: 'running', reenter: true, actions: assign({ ticks: ({ context }) => context.ticks + 1 }) } },
        on: { stop: 'stopped' },
      },
      stopped: {},
    },
  });
  const clock = new VirtualClock();
  const actor = createActor(machine, { clock }).start();
  clock.advance(4999);
  assert.is(actor.getSnapshot().value, 'waiting');
  clock.advance(1);
  assert.is(actor.getSnapshot().value, 'running');
  clock.advance(3_600_000); // one advance, 3600 periodic transitions
  assert.is(actor.getSnapshot().context.ticks, 3600);
  actor.send({ type: 'stop' });
  assert.is(clock.pending, 0, 'leaving the state cancels its delayed event');
  clock.advance(10_000);
  assert.is(actor.getSnapshot().context.ticks, 3600);
  actor.stop();
});

test('hasPassed: a moment at now has passed once an advance reached now, not while (or right after) runNext fires a timer due then', () => {
  const clock = new VirtualClock();
  const seen: boolean[] = [];
  clock.setTimeout(() => seen.push(clock.hasPassed(100), clock.hasPassed(99)), 100);
  clock.setTimeout(() => {}, 100);
  assert.ok(clock.runNext());
  assert.equal(seen, [false, true]);
  assert.not.ok(clock.hasPassed(100), 'after runNext: a later timer due at 100 may still be pending');
  clock.advanceTo(100);
  assert.ok(clock.hasPassed(100));
  assert.not.ok(clock.hasPassed(100.5));
  // Scheduled after the advance reached 100: it runs after everything due then, which has passed.
  let late: boolean | undefined;
  clock.setTimeout(() => (late = clock.hasPassed(100)), 0);
  assert.ok(clock.runNext());
  assert.is(late, true);
  assert.ok(clock.hasPassed(100));
});

test('setTimeoutAt fires at the exact time given; the schedule hook sees every deadline first and may schedule timers that fire before', () => {
  const clock = new VirtualClock(0.1);
  const order: string[] = [];
  const deadlines: number[] = [];
  clock.setScheduleHook((t) => {
    deadlines.push(t);
    if (t === 0.3 && deadlines.length === 1) clock.setTimeoutAt(() => order.push(`hook's at ${clock.now()}`), 0.3);
  });
  clock.setTimeoutAt(() => order.push(`exact at ${clock.now()}`), 0.3);
  clock.setTimeout(() => order.push('never'), Infinity);
  clock.setScheduleHook(undefined);
  clock.setTimeout(() => order.push('unhooked'), 1);
  clock.advance(5);
  assert.equal(order, ["hook's at 0.3", 'exact at 0.3', 'unhooked']);
  assert.equal(deadlines, [0.3, 0.3], 'an infinite delay is not scheduled, so not shown');
  assert.throws(() => clock.setTimeoutAt(() => {}, 1), /"t" must be a finite time >= now/);
});

test('isPending: true from setTimeout until the timer fires or is cleared; never for +Infinity or foreign handles', () => {
  const clock = new VirtualClock();
  const other = new VirtualClock();
  const fires = clock.setTimeout(() => {}, 5);
  const cleared = clock.setTimeout(() => {}, 5);
  const never = clock.setTimeout(() => {}, Number.POSITIVE_INFINITY);
  assert.ok(clock.isPending(fires));
  assert.ok(clock.isPending(cleared));
  assert.not.ok(clock.isPending(never), 'an infinite delay is never due');
  assert.not.ok(other.isPending(fires), "another clock's handle");
  assert.not.ok(clock.isPending({} as never), 'not a handle');
  clock.clearTimeout(cleared);
  assert.not.ok(clock.isPending(cleared));
  clock.advance(5);
  assert.not.ok(clock.isPending(fires), 'fired');
  assert.is(clock.pending, 0);
});

test.run();
