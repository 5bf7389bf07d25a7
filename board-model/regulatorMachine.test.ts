import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, initialTransition, transition } from 'xstate';
import { VirtualClock } from './VirtualClock.ts';
import { DEFAULT_REGULATOR, inputCurrentA, railVolts, regulatorMachine } from './regulatorMachine.ts';
import type { RegulatorEmitted, RegulatorParams } from './regulatorMachine.ts';

function label(e: RegulatorEmitted): string {
  if (e.type === 'brownout') return `brownout:${e.loadA}`;
  if (e.type === 'uvlo') return `uvlo:${e.volts}`;
  return e.type;
}

/** A started regulator on a fresh VirtualClock, logging emitted events with their virtual times. */
function rig(inputVolts = 12, params: RegulatorParams = DEFAULT_REGULATOR) {
  const clock = new VirtualClock();
  const actor = createActor(regulatorMachine, { input: { params, inputVolts }, clock });
  const events: string[] = [];
  actor.on('*', (e) => events.push(`${label(e)}@${clock.now()}`));
  actor.start();
  return {
    clock, actor, events,
    state: () => actor.getSnapshot().value,
    rail: () => railVolts(actor.getSnapshot()),
    load: (amps: number) => actor.send({ type: 'LOAD', amps }),
    input: (volts: number) => actor.send({ type: 'INPUT', volts }),
  };
}

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

test('DEFAULT_REGULATOR holds the ASSUMED v4-reference values (FIRMWARE.md section 1)', () => {
  assert.equal(DEFAULT_REGULATOR, {
    nominalV: 5.1, outputResistanceOhm: 0.03, currentLimitA: 5.0, efficiency: 0.88, uvloV: 6.0, dropoutV: 0.5, hiccupRetryMs: 1000,
  });
});

test('starts regulating with 12 V in, silently: 5.1 V unloaded, sagging 0.03 V per A', () => {
  const r = rig();
  assert.is(r.state(), 'regulating');
  close(r.rail(), 5.1, 'unloaded');
  r.load(2);
  close(r.rail(), 5.04, '2 A');
  r.load(5);
  assert.is(r.state(), 'regulating', 'exactly at the limit is not above it');
  close(r.rail(), 4.95, '5 A');
  assert.equal(r.events, []);
});

test('dropout: the output cannot exceed input minus dropout', () => {
  const r = rig(5.0, { ...DEFAULT_REGULATOR, uvloV: 4.5 });
  close(r.rail(), 4.5, '5 V in');
  r.load(1);
  close(r.rail(), 4.47, '5 V in, 1 A');
  r.input(5.7);
  close(r.rail(), 5.07, 'nominal caps it again');
});

test('UVLO: off below 6.0 V, back on at 6.0 V', () => {
  const r = rig(5.0);
  assert.is(r.state(), 'off');
  assert.is(r.rail(), 0);
  r.input(6.0);
  assert.is(r.state(), 'regulating');
  r.input(5.9);
  assert.is(r.state(), 'off');
  assert.is(r.rail(), 0);
  assert.equal(r.events, ['uvlo:5.9@0']);
});

test('collapse above the current limit, hiccup retry after 1 s once the load is re-reported', () => {
  const r = rig();
  r.clock.advanceTo(100);
  r.load(5.01);
  assert.is(r.state(), 'collapsed');
  assert.is(r.rail(), 0, 'both Pis brown out');
  r.load(0); // the board re-reports: nothing draws from a dead rail
  r.clock.advanceTo(1099);
  assert.is(r.state(), 'collapsed');
  r.clock.advanceTo(1100);
  assert.is(r.state(), 'regulating');
  close(r.rail(), 5.1, 'after recovery');
  assert.equal(r.events, ['brownout:5.01@100', 'recovered@1100']);
});

test('hiccup mode: a load that stays above the limit collapses again at every retry', () => {
  const r = rig();
  r.load(7);
  r.clock.advanceTo(3500);
  assert.is(r.state(), 'collapsed');
  assert.equal(r.events, ['brownout:7@0', 'brownout:7@1000', 'brownout:7@2000', 'brownout:7@3000']);
});

test('input lost while collapsed: off, hiccup timer cancelled; input back with the stale overload collapses again', () => {
  const r = rig();
  r.load(6);
  r.input(0);
  assert.is(r.state(), 'off');
  assert.is(r.clock.pending, 0);
  r.clock.advance(10_000);
  r.input(12);
  assert.is(r.state(), 'collapsed');
  assert.equal(r.events, ['brownout:6@0', 'uvlo:0@0', 'brownout:6@10000']);
});

test('inputCurrentA: output power / efficiency / input volts + board draw; 0 with no input', () => {
  const r = rig();
  close(inputCurrentA(r.actor.getSnapshot(), 0.02), 0.02, 'unloaded: board draw only');
  r.load(2);
  close(inputCurrentA(r.actor.getSnapshot(), 0.02), (5.04 * 2) / 0.88 / 12 + 0.02, '2 A at 12 V');
  r.input(24);
  close(inputCurrentA(r.actor.getSnapshot(), 0), (5.04 * 2) / 0.88 / 24, '2 A at 24 V');
  r.load(9);
  close(inputCurrentA(r.actor.getSnapshot(), 0.02), 0.02, 'collapsed: no output power');
  r.input(0);
  assert.is(inputCurrentA(r.actor.getSnapshot(), 0.02), 0);
});

/** Executable actions as plain records: their runtime types include built-in names the static type omits. */
function acts(actions: ReadonlyArray<{ type: string; params?: unknown }>): Array<{ type: string; params?: unknown }> {
  return [...actions];
}

test('transition(): pure steps', () => {
  const [start] = initialTransition(regulatorMachine, { params: DEFAULT_REGULATOR, inputVolts: 12 });
  assert.is(start.value, 'regulating');
  const [collapsed, actions] = transition(regulatorMachine, start, { type: 'LOAD', amps: 5.5 });
  assert.is(collapsed.value, 'collapsed');
  assert.ok(acts(actions).some((a) => a.type === 'xstate.emit' && (a.params as { event: RegulatorEmitted }).event.type === 'brownout'));
  assert.ok(acts(actions).some((a) => a.type === 'xstate.raise' && (a.params as { delay?: number }).delay === 1000), 'hiccup timer');
  const [lowStart] = initialTransition(regulatorMachine, { params: DEFAULT_REGULATOR, inputVolts: 3 });
  const [stillOff] = transition(regulatorMachine, lowStart, { type: 'LOAD', amps: 9 });
  assert.is(stillOff.value, 'off', 'no collapse without a running regulator');
  assert.is(stillOff.context.loadA, 9);
});

test.run();
