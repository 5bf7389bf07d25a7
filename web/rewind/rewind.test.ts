/**
 * Rewind is exact: a session rewound to T shows the same events and the same bus bytes as a run
 * straight to T with the same inputs, however time was sliced on the way; undo removes an input's
 * effect; and an hour of virtual time replays in bounded time (figure printed for the notes).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveScenario } from '../../cli/simFiles.ts';
import { Rewinder, type Start } from './Rewinder.ts';
import { TestHost } from '../testing/rewindHost.ts';
import { TIME_GRID, appendInput, describeInput, inputsUntil, nextGridTime, type PendingInput } from './inputs.ts';

const start: Start = { scenario: resolveScenario({}, 0), lesson: false };

/** The student's script: [time to run to first (ms), input]. */
const SCRIPT: ReadonlyArray<readonly [number, PendingInput]> = [
  [1000, { kind: 'host', command: 'PI_ON', id: 0, args: { pi: 0 } }],
  [5000, { kind: 'host', command: 'PI_ON', id: 1, args: { pi: 1 } }],
  [5000, { kind: 'fault', fault: 'short-circuit', board: 2, pi: 0 }],
  [20_000.37, { kind: 'fault', fault: 'crash', board: 0, pi: 0 }],
  [30_000, { kind: 'fault', fault: 'supply-volts', board: 0, pi: 0, value: 11 }],
  [40_000, { kind: 'host', command: 'GET_VIN', id: 1, args: {} }],
  [41_000, { kind: 'host', command: 'SET_HBT_TIME', id: 0, args: { pi: 1, value: 20 } }],
];

/** Play the script live, moving time in uneven slices (as animation frames do). */
async function playLive(host: TestHost, rewinder: Rewinder, slice: number, count = SCRIPT.length): Promise<void> {
  for (const [t, input] of SCRIPT.slice(0, count)) {
    while (host.session.now + slice < t) await host.runTo(host.session.now + slice);
    await host.runTo(t);
    // A host command's exchange resolves only as time runs on: the next move (queued behind the input) runs it.
    void rewinder.record(input);
  }
}

test('an input lands on the time grid, after everything due at that time', async () => {
  const host = new TestHost(start);
  const rewinder = new Rewinder(host, start);
  await host.runTo(1000); // heartbeat and boot timers fall on whole ms
  await rewinder.record({ kind: 'fault', fault: 'crash', board: 0, pi: 0 });
  const input = rewinder.inputs[0]!;
  assert.is(input.at, nextGridTime(1000));
  assert.ok(Number.isInteger(input.at * TIME_GRID));
  assert.ok(host.session.now === input.at);
  assert.match(describeInput(input), /^1\.000 s: crash on board #0 Pi 0$/);
});

test('rewind to T from later gives the same events and bus bytes as a fresh run to T', async () => {
  const T = 45_000;
  const live = new TestHost(start);
  const rewinder = new Rewinder(live, start);
  await playLive(live, rewinder, 333.3);
  await live.runTo(90_000);
  const liveEvents = live.events(T);
  const liveBus = live.bus(T);
  assert.ok(liveEvents.some((e) => e.includes('"short-circuit"') || e.includes('short')), 'the short is in the log');
  assert.ok(liveBus.length > 4, 'host frames went over the bus');

  // A fresh run to T, sliced differently, with the same inputs.
  const fresh = new TestHost(start);
  const freshRewinder = new Rewinder(fresh, start);
  await playLive(fresh, freshRewinder, 1000);
  await fresh.runTo(T);
  assert.equal(freshRewinder.inputs, rewinder.inputs);

  await rewinder.rewindTo(T);
  assert.is(live.session.now, T);
  assert.equal(live.events(), fresh.events());
  assert.equal(live.events(), liveEvents);
  assert.equal(live.bus(), fresh.bus());
  assert.equal(live.bus(), liveBus);
  assert.is(rewinder.horizon, 90_000);
});

test('after a rewind, running on replays the later inputs: back at the end, the same session', async () => {
  const live = new TestHost(start);
  const rewinder = new Rewinder(live, start);
  await playLive(live, rewinder, 500);
  await live.runTo(60_000);
  const before = live.events();
  const bus = live.bus();
  await rewinder.rewindTo(10_000);
  assert.ok(live.events().length < before.length);
  await live.runTo(60_000);
  assert.equal(live.events(), before);
  assert.equal(live.bus(), bus);
});

test('a new input after a rewind starts a new branch: later inputs are dropped and do not fire', async () => {
  const live = new TestHost(start);
  const rewinder = new Rewinder(live, start);
  await playLive(live, rewinder, 1000);
  await rewinder.rewindTo(10_000);
  await rewinder.record({ kind: 'fault', fault: 'clear-fault', board: 2, pi: 0 });
  assert.is(rewinder.inputs.length, 4);
  await live.runTo(25_000);
  assert.not.ok(live.events().some((e) => e.includes('"crash"')), 'the dropped crash at 20 s never happened');
});

test('undo drops the last input and rebuilds to now: the crash is gone', async () => {
  const live = new TestHost(start);
  const rewinder = new Rewinder(live, start);
  await playLive(live, rewinder, 1000, 4); // up to the crash at 20 s
  await live.runTo(25_000);
  assert.ok(live.events().some((e) => e.includes('"crash"')));
  const count = rewinder.inputs.length;
  await rewinder.undoLast(); // the last input at or before 25 s: the crash
  assert.is(live.session.now, 25_000);
  assert.is(rewinder.inputs.length, count - 1);
  assert.not.ok(live.events().some((e) => e.includes('"crash"')));
  await rewinder.remove(0); // and without the first PI_ON, board 0's Pi 0 never powers
  assert.not.ok(live.events().some((e) => e.includes('"PI_ON"') && e.includes('"id":0')));
});

test('a host command that cannot be encoded is refused and not recorded', async () => {
  const live = new TestHost(start);
  const rewinder = new Rewinder(live, start);
  assert.throws(() => rewinder.record({ kind: 'host', command: 'SET_HBT_TIME', id: 0, args: { pi: 0, value: 700 } }));
  await assert.not.throws(() => undefined);
  assert.is(rewinder.inputs.length, 0);
});

test('a stack fault is recorded without the selected board, a board fault without the Pi', async () => {
  const live = new TestHost(start);
  const rewinder = new Rewinder(live, start);
  await rewinder.record({ kind: 'fault', fault: 'supply-volts', board: 5, pi: 1, value: 11 });
  await rewinder.record({ kind: 'fault', fault: 'mcu-reset', board: 5, pi: 1 });
  await rewinder.record({ kind: 'fault', fault: 'crash', board: 5, pi: 1 });
  assert.equal(rewinder.inputs.map((i) => i.kind === 'fault' && [i.board, i.pi]), [[0, 0], [5, 0], [5, 1]]);
});

test('a session without a recorder applies an input at once, unrecorded', async () => {
  const host = new TestHost(start);
  await host.runTo(3000);
  const exchange = host.session.input({ kind: 'host', command: 'GET_VIN', id: 2, args: {} });
  const x = await host.session.sim.settle(exchange);
  assert.is(x?.outcome.kind, 'reply');
  assert.is(x?.sentAt, 3000);
  assert.is(await host.session.input({ kind: 'fault', fault: 'crash', board: 1, pi: 1 }), undefined);
  assert.ok(host.events().some((e) => e.includes('"fault":"crash"') && e.includes('"t":3')));
});

test('restore (a link) replays given inputs to a time; a new start empties the log; listeners hear both', async () => {
  const live = new TestHost(start);
  const rewinder = new Rewinder(live, start);
  let heard = 0;
  const off = rewinder.onChange(() => heard++);
  const inputs = [
    { kind: 'fault', at: 20_000.5, fault: 'crash', board: 0, pi: 0 },
    { kind: 'host', at: 2000.5, command: 'PI_ON', id: 0, args: { pi: 0 } },
  ] as const;
  await rewinder.restore(start, inputs, 30_000);
  assert.is(live.session.now, 30_000);
  assert.equal(rewinder.inputs.map((i) => i.at), [2000.5, 20_000.5], 'sorted by time');
  assert.ok(live.events().some((e) => e.includes('"fault":"crash"')));
  assert.is(heard, 1);
  rewinder.started(start);
  assert.equal(rewinder.inputs, []);
  assert.is(heard, 2);
  off();
  rewinder.started(start);
  assert.is(heard, 2);
  assert.is(describeInput({ kind: 'host', at: 1500, command: 'SET_HBT_TIME', id: 4, args: { pi: 1, value: 20 } }), '1.500 s: SET_HBT_TIME to ID 4 Pi 1 value=20');
  assert.is(describeInput({ kind: 'fault', at: 1500, fault: 'supply-volts', board: 0, pi: 0, value: 10.5 }), '1.500 s: supply-volts 10.5 on the stack');
  assert.is(describeInput({ kind: 'fault', at: 1500, fault: 'mcu-reset', board: 2, pi: 0 }), '1.500 s: mcu-reset on board #2');
});

test('log helpers: a new input drops later ones; inputsUntil', () => {
  const a = { kind: 'fault', fault: 'crash', board: 0, pi: 0, at: 10 } as const;
  const b = { ...a, at: 20 };
  const c = { ...a, at: 15 };
  assert.equal(appendInput([a, b], c), [a, c]);
  assert.equal(inputsUntil([a, b], 15), [a]);
});

test('rewinding an hour of virtual time (16 boards, 32 Pis on) takes bounded wall time', async () => {
  const live = new TestHost(start);
  const rewinder = new Rewinder(live, start);
  await live.runTo(3000); // past the MCUs' boot
  for (let id = 0; id < 16; id++) {
    for (const pi of [0, 1] as const) {
      void rewinder.record({ kind: 'host', command: 'PI_ON', id, args: { pi } });
      await live.runTo(live.session.now + 200);
    }
  }
  const hour = 3_600_000;
  const began = performance.now();
  await rewinder.rewindTo(hour);
  const ms = performance.now() - began;
  assert.is(live.session.now, hour);
  assert.is(live.events().filter((e) => e.includes('"host-reply"') && e.includes('"PI_ON"')).length, 32, 'every PI_ON was answered');
  console.log(`  rewind to 1 h of virtual time (default 16-board stack, all 32 Pis powered on by ${rewinder.inputs.length} PI_ON inputs): ${ms.toFixed(0)} ms wall`);
  assert.ok(ms < 60_000, `took ${ms} ms`);
});

test.run();
