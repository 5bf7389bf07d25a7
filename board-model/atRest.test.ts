/**
 * Actors created at rest (atRest.ts) start from the snapshot XState would have computed, and
 * behave the same from then on; inspected ones are created as XState does. Guards the start
 * values and context factories exported by the machines against drifting from their
 * definitions (a new entry action or an input-dependent initial state would break this).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, type Actor, type AnyStateMachine, type InspectionEvent, type SnapshotFrom } from 'xstate';
import { createAtRest, type ActorRecipe } from './atRest.ts';
import { boardMcuMachine, MCU_START_VALUE, mcuContext, type McuInput } from './boardMcuMachine.ts';
import { Flash } from './firmware/Flash.ts';
import { PORT_START_VALUE, portContext, powerPortMachine, portStateName, type PortInput } from './powerPortMachine.ts';
import { V4_REFERENCE } from './profiles.ts';
import { createRandom } from './random.ts';
import { PI_3B_PLUS, PI_START_VALUE, piContext, piStateName, raspberryPiMachine, type PiInput } from './raspberryPiMachine.ts';
import { DEFAULT_REGULATOR, regulatorContext, regulatorMachine, regulatorStartValue } from './regulatorMachine.ts';
import { VirtualClock } from './VirtualClock.ts';
import { HeartbeatLine, SignalLine } from './wires.ts';

type Mode = 'xstate' | 'at rest';

function portInput(clock: VirtualClock, log: string[], hbtTimeMs = 15_000): PortInput {
  return {
    clock, heartbeat: new HeartbeatLine(), signal: new SignalLine(), setSwitch: (on) => log.push(`switch ${on}@${clock.now()}`),
    settings: { hbtTimeMs, hbtDelayMs: 30_000, offDelayMs: 10_000, sigOffDelayMs: 5000, sigWidthMs: 200 },
    behaviour: { gracefulOffDelay: 'off-delay', piOnCancelsShutdown: true, watchdogAction: 'power-cycle', cycleOffTimeMs: 5000 },
  };
}

function piInput(clock: VirtualClock, daemon?: boolean): PiInput {
  return { clock, params: PI_3B_PLUS, heartbeat: new HeartbeatLine(), signal: new SignalLine(), ...(daemon === undefined ? {} : { daemon }) };
}

function mcuInput(log: string[]): McuInput {
  return {
    profile: V4_REFERENCE,
    io: {
      flash: new Flash(createRandom(1)), dip: () => 3, adc: () => 0, powered: () => false, healthy: () => false,
      port: (pi, action) => log.push(`port ${pi} ${action}`), settings: (pi) => log.push(`settings ${pi}`),
      reply: () => undefined, cancelReplies: () => log.push('cancel'), powerLost: () => log.push('power lost'),
    },
  };
}

/** The snapshot as a plain comparable record (functions by name: inputs are made afresh per side). */
function comparable(snapshot: { value: unknown; status: string; children: object; context: object }): unknown {
  const strip = (v: unknown, depth: number): unknown => {
    if (typeof v === 'function') return 'fn';
    if (depth > 2 || v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x, depth + 1)]));
  };
  return { value: snapshot.value, status: snapshot.status, children: Object.keys(snapshot.children), context: strip(snapshot.context, 0) };
}

/**
 * An actor of `machine` created as XState does or at rest, its emitted events and its states
 * (as `describe` words them) logged with the virtual time, and started.
 */
function startLogged<M extends AnyStateMachine>(mode: Mode, machine: M, recipe: ActorRecipe<M>, log: string[], describe: (snapshot: SnapshotFrom<M>) => string): Actor<M> {
  const { clock, input } = recipe;
  const actor = mode === 'xstate' ? createActor(machine, { clock, input }) : createAtRest(machine, recipe);
  actor.on('*', (e) => log.push(`${e.type}@${clock.now()}`));
  actor.subscribe((s) => log.push(`${describe(s)}@${clock.now()}`));
  actor.start();
  return actor;
}

/** Stop a run's actor and log the timers it left on the clock. */
function stopLogged(actor: Actor<AnyStateMachine>, clock: VirtualClock, log: string[]): string[] {
  actor.stop();
  log.push(`timers ${clock.pending}`);
  return log;
}

test('a port, a Pi and an MCU created at rest start with the snapshot XState computes, for varied inputs', () => {
  const cases: Array<[string, () => { x: ReturnType<typeof createActor<AnyStateMachine>>; r: ReturnType<typeof createActor<AnyStateMachine>> }]> = [
    ['port', () => {
      const c = new VirtualClock();
      const input = portInput(c, []);
      return { x: createActor(powerPortMachine, { clock: c, input }), r: createAtRest(powerPortMachine, { clock: c, input, start: PORT_START_VALUE, context: portContext }) };
    }],
    ['port, watchdog off', () => {
      const c = new VirtualClock();
      const input = portInput(c, [], 0);
      return { x: createActor(powerPortMachine, { clock: c, input }), r: createAtRest(powerPortMachine, { clock: c, input, start: PORT_START_VALUE, context: portContext }) };
    }],
    ['Pi', () => {
      const c = new VirtualClock();
      const input = piInput(c);
      return { x: createActor(raspberryPiMachine, { clock: c, input }), r: createAtRest(raspberryPiMachine, { clock: c, input, start: PI_START_VALUE, context: piContext }) };
    }],
    ['Pi without daemon', () => {
      const c = new VirtualClock();
      const input = piInput(c, false);
      return { x: createActor(raspberryPiMachine, { clock: c, input }), r: createAtRest(raspberryPiMachine, { clock: c, input, start: PI_START_VALUE, context: piContext }) };
    }],
    ...([[12, 5], [4, 5], [Number.NaN, 5], [12, 0]] as const).map(([inputVolts, currentLimitA]): (typeof cases)[number] => [`regulator at ${inputVolts} V, limit ${currentLimitA} A`, () => {
      const c = new VirtualClock();
      const input = { params: { ...DEFAULT_REGULATOR, currentLimitA }, inputVolts };
      return { x: createActor(regulatorMachine, { clock: c, input }), r: createAtRest(regulatorMachine, { clock: c, input, start: regulatorStartValue(input), context: regulatorContext }) };
    }]),
    ['MCU', () => {
      const c = new VirtualClock();
      const input = mcuInput([]);
      return { x: createActor(boardMcuMachine, { clock: c, input }), r: createAtRest(boardMcuMachine, { clock: c, input, start: MCU_START_VALUE, context: mcuContext }) };
    }],
  ];
  for (const [name, make] of cases) {
    const { x, r } = make();
    assert.equal(comparable(r.getSnapshot()), comparable(x.getSnapshot()), `${name}: before start`);
    x.start();
    r.start();
    assert.equal(comparable(r.getSnapshot()), comparable(x.getSnapshot()), `${name}: after start`);
    // XState restores a parallel state's nodes in another order; it reads their order only to pick eventless transitions, from the atomic ones.
    const ids = (a: typeof x, filter: (n: { type: string }) => boolean): string[] => a.getSnapshot()._nodes.filter(filter).map((n: { id: string }) => n.id);
    assert.equal(ids(r, () => true).sort(), ids(x, () => true).sort(), `${name}: active state nodes`);
    assert.equal(ids(r, (n) => n.type === 'atomic'), ids(x, (n) => n.type === 'atomic'), `${name}: atomic state nodes, in order`);
  }
});

/** A port driven through power-on, heartbeats, a missed beat (power cycle), PI_OFF and a forced off: what it did, in order. */
function portRun(mode: Mode): string[] {
  const clock = new VirtualClock();
  const log: string[] = [];
  const input = portInput(clock, log);
  const actor = startLogged(mode, powerPortMachine, { clock, input, start: PORT_START_VALUE, context: portContext }, log, portStateName);
  const beat = (t: number): void => {
    clock.advanceTo(t);
    input.heartbeat.drive(true);
    input.heartbeat.drive(false);
  };
  actor.send({ type: 'PI_ON' });
  for (let t = 1000; t < 20_000; t += 5000) beat(t);
  clock.advanceTo(60_000); // no beats: the watchdog cycles the port
  beat(70_000);
  actor.send({ type: 'PI_OFF' });
  clock.advanceTo(90_000);
  actor.send({ type: 'PI_ON' });
  actor.send({ type: 'PI_FORCE_OFF' });
  clock.advanceTo(100_000);
  return stopLogged(actor, clock, log);
}

/** A Pi powered, booted, brought down by the board's signal, then unpowered: what it did, in order. */
function piRun(mode: Mode): string[] {
  const clock = new VirtualClock();
  const log: string[] = [];
  const input = piInput(clock);
  input.heartbeat.onRise(() => log.push(`beat@${clock.now()}`));
  const actor = startLogged(mode, raspberryPiMachine, { clock, input, start: PI_START_VALUE, context: piContext }, log, piStateName);
  actor.send({ type: 'RAIL', volts: 5.1 });
  actor.send({ type: 'RAIL', volts: 4.5 });
  clock.advanceTo(40_000);
  input.signal.boardPull(true);
  clock.advanceTo(50_000);
  actor.send({ type: 'RAIL', volts: 0 });
  return stopLogged(actor, clock, log);
}

/** An MCU powered up, booted, reset and powered down: what it asked of its hardware, in order. */
function mcuRun(mode: Mode): string[] {
  const clock = new VirtualClock();
  const log: string[] = [];
  const input = mcuInput(log);
  const actor = startLogged(mode, boardMcuMachine, { clock, input, start: MCU_START_VALUE, context: mcuContext }, log, (s) => String(s.value));
  actor.send({ type: 'POWER_UP' });
  clock.advanceTo(5000);
  actor.send({ type: 'RESET' });
  clock.advanceTo(10_000);
  actor.send({ type: 'POWER_DOWN' });
  return stopLogged(actor, clock, log);
}

test('a regulator whose limit a defect made negative has no start value: XState decides (it collapses at once)', () => {
  const input = { params: { ...DEFAULT_REGULATOR, currentLimitA: -1 }, inputVolts: 12 };
  assert.is(regulatorStartValue(input), undefined);
  const c = new VirtualClock();
  assert.is(createAtRest(regulatorMachine, { clock: c, input, start: regulatorStartValue(input), context: regulatorContext }).getSnapshot().value, 'collapsed');
  assert.is(regulatorStartValue({ ...input, inputVolts: 3 }), 'off');
});

/** A regulator loaded past its limit (hiccups), relieved, then its input dropped below UVLO and back. */
function regulatorRun(mode: Mode): string[] {
  const clock = new VirtualClock();
  const log: string[] = [];
  const input = { params: DEFAULT_REGULATOR, inputVolts: 12 };
  const recipe = { clock, input, start: regulatorStartValue(input), context: regulatorContext };
  const actor = startLogged(mode, regulatorMachine, recipe, log, (s) => `${String(s.value)} ${s.context.loadA}A`);
  actor.send({ type: 'LOAD', amps: 7 });
  clock.advanceTo(2500);
  actor.send({ type: 'LOAD', amps: 1 });
  clock.advanceTo(5000);
  actor.send({ type: 'INPUT', volts: 3 });
  actor.send({ type: 'INPUT', volts: 12 });
  return stopLogged(actor, clock, log);
}

test('created at rest or as XState does, a port, a Pi, a regulator and an MCU then do the same things at the same times', () => {
  for (const [name, run] of [['port', portRun], ['Pi', piRun], ['regulator', regulatorRun], ['MCU', mcuRun]] as const) {
    const expected = run('xstate');
    assert.ok(expected.length > 8, `${name}: the run does something`);
    assert.equal(run('at rest'), expected, name);
  }
});

test('an inspected actor, or one without a start value, is created as XState does: the inspector sees its initial entry actions', () => {
  const inspected = (create: (clock: VirtualClock, inspect: (e: InspectionEvent) => void) => ReturnType<typeof createActor<typeof raspberryPiMachine>>): string[] => {
    const seen: string[] = [];
    const clock = new VirtualClock();
    create(clock, (e) => seen.push(e.type === '@xstate.action' ? `action ${e.action.type}` : e.type)).start();
    return seen;
  };
  const expected = inspected((clock, inspect) => createActor(raspberryPiMachine, { clock, input: piInput(clock), inspect }));
  assert.ok(expected.includes('action releaseWires'), 'the entry action of unpowered is inspected');
  assert.equal(inspected((clock, inspect) => createAtRest(raspberryPiMachine, { clock, input: piInput(clock), start: PI_START_VALUE, context: piContext, inspect })), expected);
  const clock = new VirtualClock();
  const plain = createAtRest(raspberryPiMachine, { clock, input: piInput(clock), start: undefined, context: piContext });
  assert.is(plain.getSnapshot().value, PI_START_VALUE);
  const restored = createAtRest(raspberryPiMachine, { clock, input: piInput(clock), start: PI_START_VALUE, context: piContext });
  let entryRan = false;
  restored.system.inspect((e) => { if (e.type === '@xstate.action' && e.action.type === 'releaseWires') entryRan = true; });
  restored.start();
  assert.not.ok(entryRan, 'at rest: the initial entry is skipped (what makes it cheaper)');
});

test.run();
