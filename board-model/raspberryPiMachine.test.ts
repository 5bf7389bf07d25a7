import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, initialTransition, transition } from 'xstate';
import { VirtualClock } from './VirtualClock.ts';
import { HeartbeatLine, SignalLine } from './wires.ts';
import type { SignalDriver } from './wires.ts';
import { PI_3B_PLUS, piCurrentA, piStateName, raspberryPiMachine } from './raspberryPiMachine.ts';
import type { PiEmitted, PiInput } from './raspberryPiMachine.ts';

const BOOT = PI_3B_PLUS.bootTimeMs;
const PERIOD = PI_3B_PLUS.heartbeatPeriodMs;
const SHUTDOWN = PI_3B_PLUS.shutdownTimeMs;

/** One Pi on its own wires and virtual clock, with everything it does recorded. */
function rig(options: Partial<Pick<PiInput, 'daemon' | 'selfShutdownLeavesHeartbeatHigh'>> = {}, clock = new VirtualClock()) {
  const heartbeat = new HeartbeatLine();
  const signal = new SignalLine();
  const input: PiInput = { params: PI_3B_PLUS, clock, heartbeat, signal, ...options };
  const actor = createActor(raspberryPiMachine, { input, clock });
  const emitted: PiEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  const rises: number[] = [];
  heartbeat.onRise(() => rises.push(clock.now()));
  const falls: { at: number; by: SignalDriver }[] = [];
  signal.onFall((by) => falls.push({ at: clock.now(), by }));
  actor.start();
  const state = () => piStateName(actor.getSnapshot());
  const ctx = () => actor.getSnapshot().context;
  const amps = () => piCurrentA(actor.getSnapshot());
  const rail = (volts: number) => actor.send({ type: 'RAIL', volts });
  const types = () => emitted.map((e) => e.type);
  /** Power on and wait until the daemon has started. */
  const bootToRunning = () => {
    rail(5.1);
    clock.advance(BOOT);
    assert.is(state(), 'running');
  };
  return { clock, heartbeat, signal, actor, emitted, rises, falls, state, ctx, amps, rail, types, bootToRunning };
}

test('boots after bootTimeMs, then heartbeats 0.2 s high every 5.2 s from the start of running', () => {
  const pi = rig();
  assert.is(pi.state(), 'unpowered');
  pi.rail(5.1);
  assert.is(pi.state(), 'booting');
  pi.clock.advance(BOOT - 1);
  assert.is(pi.state(), 'booting');
  assert.equal(pi.rises, []);
  pi.clock.advance(1);
  assert.is(pi.state(), 'running');
  assert.equal(pi.types(), ['powered', 'booted']);
  assert.equal(pi.rises, [BOOT], 'first rising edge at entry to running');
  pi.clock.advance(PI_3B_PLUS.heartbeatHighMs - 1);
  assert.ok(pi.heartbeat.level, 'still high just before 0.2 s');
  pi.clock.advance(1);
  assert.not.ok(pi.heartbeat.level, 'low after 0.2 s');
  pi.clock.advanceTo(BOOT + 60_000);
  assert.is(pi.rises.length, 1 + Math.floor(60_000 / PERIOD)); // 12
  pi.rises.forEach((t, i) => assert.is(t, BOOT + i * PERIOD));
  assert.is(pi.ctx().boots, 1);
});

test('crash: heartbeats stop, the line goes low, current stays, the signal line is ignored', () => {
  const pi = rig();
  pi.bootToRunning();
  pi.actor.send({ type: 'SET_LOAD', fraction: 1 });
  pi.clock.advance(100); // mid-pulse
  assert.ok(pi.heartbeat.level);
  pi.actor.send({ type: 'CRASH' });
  assert.is(pi.state(), 'crashed');
  assert.not.ok(pi.heartbeat.level);
  assert.is(pi.amps(), PI_3B_PLUS.loadCurrentA);
  const before = pi.rises.length;
  pi.signal.boardPull(true);
  pi.clock.advance(60_000);
  assert.is(pi.rises.length, before);
  assert.is(pi.state(), 'crashed');
  assert.ok(pi.types().includes('crashed'));
  assert.not.ok(pi.types().includes('shutdown-started'));
});

test('hang during boot: set before power-on, or while booting; clearing it does not unhang, a power cycle does', () => {
  const pi = rig();
  pi.actor.send({ type: 'HANG_BOOT', on: true });
  pi.rail(5.1);
  pi.clock.advance(10 * 60_000);
  assert.is(pi.state(), 'booting');
  assert.equal(pi.rises, []);
  assert.is(pi.amps(), PI_3B_PLUS.bootCurrentA);
  pi.actor.send({ type: 'HANG_BOOT', on: false });
  pi.clock.advance(BOOT);
  assert.is(pi.state(), 'booting', 'a hung boot stays hung');
  pi.rail(0);
  pi.rail(5.1);
  pi.clock.advance(BOOT);
  assert.is(pi.state(), 'running');

  const late = rig();
  late.rail(5.1);
  late.clock.advance(BOOT - 1000);
  late.actor.send({ type: 'HANG_BOOT', on: true });
  late.clock.advance(60_000);
  assert.is(late.state(), 'booting');
});

test('no daemon: runs but never heartbeats nor reacts to the signal; installing it starts heartbeats', () => {
  const pi = rig({ daemon: false });
  pi.bootToRunning();
  pi.clock.advance(60_000);
  assert.equal(pi.rises, []);
  pi.signal.boardPull(true);
  pi.clock.advance(SHUTDOWN * 2);
  assert.is(pi.state(), 'running');
  pi.signal.boardPull(false);
  pi.actor.send({ type: 'SET_DAEMON', installed: true });
  assert.equal(pi.rises, [pi.clock.now()]);
  pi.actor.send({ type: 'SET_DAEMON', installed: false });
  pi.clock.advance(60_000);
  assert.is(pi.rises.length, 1);
  assert.not.ok(pi.heartbeat.level);
});

test('board pulls the signal line: shutdown, heartbeats stop, halted after shutdownTimeMs', () => {
  const pi = rig();
  pi.bootToRunning();
  pi.clock.advance(1000);
  const t0 = pi.clock.now();
  const before = pi.rises.length;
  pi.signal.boardPull(true);
  assert.is(pi.state(), 'shuttingDown');
  assert.equal(pi.emitted.at(-1), { type: 'shutdown-started', by: 'board' });
  pi.clock.advance(200);
  pi.signal.boardPull(false);
  pi.clock.advanceTo(t0 + SHUTDOWN - 1);
  assert.is(pi.state(), 'shuttingDown');
  pi.clock.advance(1);
  assert.is(pi.state(), 'halted');
  assert.equal(pi.emitted.at(-1), { type: 'halted' });
  assert.is(pi.ctx().haltedCount, 1);
  pi.clock.advance(60_000);
  assert.is(pi.rises.length, before, 'no heartbeat after the shutdown started');
  assert.not.ok(pi.heartbeat.level);
});

test('the daemon only reacts to falls the board caused', () => {
  const pi = rig();
  pi.bootToRunning();
  pi.signal.piPull(true); // as if some other Pi-side process pulled the line
  pi.clock.advance(SHUTDOWN);
  assert.is(pi.state(), 'running');
  assert.not.ok(pi.types().includes('shutdown-started'));
});

test('booting Pi ignores the signal line (daemon not started yet)', () => {
  const pi = rig();
  pi.rail(5.1);
  pi.clock.advance(1000);
  pi.signal.boardPull(true);
  pi.signal.boardPull(false);
  pi.clock.advance(BOOT);
  assert.is(pi.state(), 'running');
});

test('self-initiated shutdown: signal pulse seen by the board as by "pi", heartbeat line low without the quirk', () => {
  const pi = rig();
  pi.bootToRunning();
  pi.clock.advance(50); // heartbeat high
  const t0 = pi.clock.now();
  pi.actor.send({ type: 'REQUEST_SHUTDOWN' });
  assert.equal(pi.falls, [{ at: t0, by: 'pi' }]);
  assert.is(pi.state(), 'shuttingDown');
  assert.equal(pi.emitted.at(-1), { type: 'shutdown-started', by: 'pi' });
  assert.not.ok(pi.heartbeat.level);
  pi.clock.advance(PI_3B_PLUS.selfShutdownPulseMs - 1);
  assert.not.ok(pi.signal.level);
  pi.clock.advance(1);
  assert.ok(pi.signal.level, 'released after the pulse');
  pi.clock.advanceTo(t0 + SHUTDOWN);
  assert.is(pi.state(), 'halted');
  assert.is(pi.rises.length, 1);
});

test('self-initiated shutdown with the helper-script quirk leaves the heartbeat high, with no extra edge', () => {
  const pi = rig({ selfShutdownLeavesHeartbeatHigh: true });
  pi.bootToRunning();
  pi.clock.advance(50); // mid-pulse: the line is already high
  pi.actor.send({ type: 'REQUEST_SHUTDOWN' });
  assert.ok(pi.heartbeat.level);
  pi.clock.advance(SHUTDOWN + 60_000);
  assert.is(pi.state(), 'halted');
  assert.ok(pi.heartbeat.level, 'stuck high while halted');
  assert.is(pi.rises.length, 1, 'guards against the daemon cleanup dropping the line and the quirk raising it again');
  pi.rail(0);
  assert.not.ok(pi.heartbeat.level, 'an unpowered Pi drives nothing');

  const boardInitiated = rig({ selfShutdownLeavesHeartbeatHigh: true });
  boardInitiated.bootToRunning();
  boardInitiated.clock.advance(50);
  boardInitiated.signal.boardPull(true);
  assert.not.ok(boardInitiated.heartbeat.level, 'the quirk is only for self-initiated shutdowns');
});

test('undervoltage: flagged once per dip; below resetBelowV the Pi resets and boots again on recovery', () => {
  const pi = rig();
  pi.bootToRunning();
  pi.rail(4.5);
  pi.rail(4.4);
  assert.ok(pi.ctx().undervoltage);
  assert.is(pi.state(), 'running');
  assert.equal(pi.emitted.filter((e) => e.type === 'undervoltage'), [{ type: 'undervoltage', volts: 4.5 }]);
  pi.rail(5.0);
  assert.not.ok(pi.ctx().undervoltage);
  pi.rail(4.6);
  assert.is(pi.ctx().undervoltageDips, 2);
  pi.rail(4.1);
  assert.is(pi.state(), 'unpowered');
  assert.equal(pi.emitted.at(-1), { type: 'power-lost', from: 'running', unsafe: true });
  assert.not.ok(pi.ctx().undervoltage);
  pi.rail(4.3); // back above reset but still under the flag
  assert.is(pi.state(), 'booting');
  assert.ok(pi.ctx().undervoltage);
  pi.clock.advance(BOOT);
  assert.is(pi.state(), 'running');
  assert.is(pi.ctx().boots, 2);
});

test('unsafe power loss counted from booting, running and shuttingDown only', () => {
  const cases = [
    { from: 'booting', unsafe: true, setup: (pi: ReturnType<typeof rig>) => pi.rail(5.1) },
    { from: 'running', unsafe: true, setup: (pi: ReturnType<typeof rig>) => pi.bootToRunning() },
    { from: 'shuttingDown', unsafe: true, setup: (pi: ReturnType<typeof rig>) => (pi.bootToRunning(), pi.actor.send({ type: 'REQUEST_SHUTDOWN' }), pi.clock.advance(SHUTDOWN - 1)) },
    { from: 'crashed', unsafe: false, setup: (pi: ReturnType<typeof rig>) => (pi.bootToRunning(), pi.actor.send({ type: 'CRASH' })) },
    { from: 'halted', unsafe: false, setup: (pi: ReturnType<typeof rig>) => (pi.bootToRunning(), pi.actor.send({ type: 'REQUEST_SHUTDOWN' }), pi.clock.advance(SHUTDOWN)) },
  ] as const;
  for (const c of cases) {
    const pi = rig();
    c.setup(pi);
    assert.is(pi.state(), c.from);
    pi.rail(0);
    assert.is(pi.state(), 'unpowered');
    assert.equal(pi.emitted.at(-1), { type: 'power-lost', from: c.from, unsafe: c.unsafe }, c.from);
    assert.is(pi.ctx().unsafePowerLosses, c.unsafe ? 1 : 0, c.from);
    pi.rail(0);
    assert.is(pi.ctx().unsafePowerLosses, c.unsafe ? 1 : 0, 'no second loss while unpowered');
  }
});

test('current per state, load fraction, and short circuit while powered only', () => {
  const pi = rig();
  assert.is(pi.amps(), 0);
  pi.rail(5.1);
  assert.is(pi.amps(), 0.45);
  pi.clock.advance(BOOT);
  assert.is(pi.amps(), 0.4);
  pi.actor.send({ type: 'SET_LOAD', fraction: 0.5 });
  assert.ok(Math.abs(pi.amps() - 0.675) < 1e-12);
  pi.actor.send({ type: 'SET_LOAD', fraction: 7 });
  assert.is(pi.amps(), 0.95, 'load fraction clamped to 1');
  pi.signal.boardPull(true);
  assert.is(pi.state(), 'shuttingDown');
  assert.is(pi.amps(), 0.95);
  pi.actor.send({ type: 'SHORT_CIRCUIT', on: true });
  assert.is(pi.amps(), 6.0);
  pi.clock.advance(SHUTDOWN);
  assert.is(pi.state(), 'halted');
  assert.is(pi.amps(), 6.0);
  pi.actor.send({ type: 'CLEAR_FAULTS' });
  assert.is(pi.amps(), 0.1);
  pi.actor.send({ type: 'SHORT_CIRCUIT', on: true });
  pi.rail(0);
  assert.is(pi.amps(), 0, 'no current without power, short or not');
  pi.rail(5.1);
  assert.is(pi.amps(), 6.0);
});

test('slow shutdown takes shutdownTimeMs + extraMs', () => {
  const pi = rig();
  pi.actor.send({ type: 'SLOW_SHUTDOWN', extraMs: 5000 });
  pi.bootToRunning();
  pi.signal.boardPull(true);
  pi.clock.advance(SHUTDOWN + 4999);
  assert.is(pi.state(), 'shuttingDown');
  pi.clock.advance(1);
  assert.is(pi.state(), 'halted');
});

test('transition(): RAIL below reset while halted or crashed is a safe power loss, while shutting down it is not', () => {
  const input: PiInput = { params: PI_3B_PLUS, clock: new VirtualClock(), heartbeat: new HeartbeatLine(), signal: new SignalLine() };
  const [initial] = initialTransition(raspberryPiMachine, input);
  const emittedBy = (actions: readonly { type: string; params?: unknown }[]) =>
    actions.filter((a) => a.type === 'xstate.emit').map((a) => (a.params as { event: PiEmitted }).event);
  for (const [value, unsafe] of [['halted', false], ['crashed', false], [{ shuttingDown: 'waiting' }, true]] as const) {
    const from = raspberryPiMachine.resolveState({ value, context: initial.context });
    const [next, actions] = transition(raspberryPiMachine, from, { type: 'RAIL', volts: 4.19 });
    assert.is(piStateName(next), 'unpowered');
    assert.is(next.context.unsafePowerLosses, unsafe ? 1 : 0);
    assert.equal(emittedBy(actions), [{ type: 'power-lost', from: piStateName(from), unsafe }]);
  }
  const halted = raspberryPiMachine.resolveState({ value: 'halted', context: initial.context });
  const [still] = transition(raspberryPiMachine, halted, { type: 'RAIL', volts: 4.2 });
  assert.is(piStateName(still), 'halted', 'exactly resetBelowV keeps the Pi powered');
  assert.ok(still.context.undervoltage);
  const [booting] = transition(raspberryPiMachine, initial, { type: 'RAIL', volts: 4.2 });
  assert.is(piStateName(booting), 'booting', 'exactly resetBelowV powers the Pi up');
});

test('32 Pis x 24 h on one VirtualClock: 16615 heartbeats each after boot', () => {
  const clock = new VirtualClock();
  const pis = Array.from({ length: 32 }, () => rig({}, clock));
  for (const pi of pis) pi.rail(5.1);
  clock.advance(BOOT);
  for (const pi of pis) pi.rises.length = 0; // drop the edge at entry to running
  clock.advance(24 * 3_600_000);
  for (const pi of pis) {
    assert.is(pi.state(), 'running');
    assert.ok(Math.abs(pi.rises.length - 16615) <= 1, `got ${pi.rises.length}`);
  }
});

test.run();
