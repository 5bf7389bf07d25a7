import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, initialTransition, transition } from 'xstate';
import { VirtualClock } from './VirtualClock.ts';
import { HeartbeatLine, SignalLine } from './wires.ts';
import { portHeartbeatHealthy, portPowered, portStateName, portUnmovedBy, powerPortMachine } from './powerPortMachine.ts';
import type { PortBehaviour, PortEmitted, PortInput, PortSettings } from './powerPortMachine.ts';

const SETTINGS: PortSettings = { hbtTimeMs: 15_000, hbtDelayMs: 90_000, offDelayMs: 30_000, sigOffDelayMs: 20_000, sigWidthMs: 200 };
const BEHAVIOUR: PortBehaviour = { gracefulOffDelay: 'off-delay', piOnCancelsShutdown: true, watchdogAction: 'power-cycle', cycleOffTimeMs: 5000 };

function portInput(clock: VirtualClock, settings: Partial<PortSettings> = {}, behaviour: Partial<PortBehaviour> = {}, setSwitch = (_on: boolean) => {}): PortInput {
  return { clock, settings: { ...SETTINGS, ...settings }, behaviour: { ...BEHAVIOUR, ...behaviour }, heartbeat: new HeartbeatLine(), signal: new SignalLine(), setSwitch };
}

function label(e: PortEmitted): string {
  if (e.type === 'power-off') return `power-off:${e.cause}`;
  return e.type;
}

/** A started port on a fresh VirtualClock, logging switch edges and emitted events with their virtual times. */
function rig(settings: Partial<PortSettings> = {}, behaviour: Partial<PortBehaviour> = {}) {
  const clock = new VirtualClock();
  const switches: string[] = [];
  const input = portInput(clock, settings, behaviour, (on) => switches.push(`${on ? 'on' : 'off'}@${clock.now()}`));
  const actor = createActor(powerPortMachine, { input, clock });
  const events: string[] = [];
  actor.on('*', (e) => events.push(`${label(e)}@${clock.now()}`));
  actor.start();
  const { heartbeat, signal } = input;
  return {
    clock, actor, switches, events, heartbeat, signal,
    state: () => portStateName(actor.getSnapshot()),
    powered: () => portPowered(actor.getSnapshot()),
    healthy: () => portHeartbeatHealthy(actor.getSnapshot()),
    /** One heartbeat: a rising edge (and the fall after it) at time t (ms). */
    beatAt(t: number) {
      clock.advanceTo(t);
      heartbeat.drive(true);
      heartbeat.drive(false);
    },
    sendAt(t: number, type: 'PI_ON' | 'PI_OFF' | 'PI_FORCE_OFF' | 'SEND_SIG' | 'MCU_RESET') {
      clock.advanceTo(t);
      actor.send({ type });
    },
  };
}

/** Port powered at 0 with a first heartbeat at 1 s: on.alive. */
function aliveRig(settings: Partial<PortSettings> = {}, behaviour: Partial<PortBehaviour> = {}) {
  const r = rig(settings, behaviour);
  r.sendAt(0, 'PI_ON');
  r.beatAt(1000);
  return r;
}

test('starts off: switch never driven, signal released, no timers', () => {
  const r = rig();
  assert.is(r.state(), 'off');
  assert.not.ok(r.powered());
  assert.equal(r.switches, []);
  assert.ok(r.signal.level);
  assert.is(r.clock.pending, 0);
});

test('PI_ON switches on once into on.booting; a second PI_ON changes nothing', () => {
  const r = rig();
  r.sendAt(0, 'PI_ON');
  assert.is(r.state(), 'on.booting');
  assert.ok(r.powered());
  assert.not.ok(r.healthy(), 'GET_PI_HBT is 0 before the first heartbeat');
  r.sendAt(500, 'PI_ON');
  assert.equal(r.switches, ['on@0']);
  assert.equal(r.events, ['power-on@0']);
});

test('first heartbeat: on.alive, heartbeat-ok, one watchdog timer', () => {
  const r = aliveRig();
  assert.is(r.state(), 'on.alive');
  assert.ok(r.healthy());
  assert.equal(r.events, ['power-on@0', 'heartbeat-ok@1000']);
  assert.is(r.clock.pending, 1);
});

test('watchdog: power-cycle at lastBeat + 15 s, off for 5 s, back on booting', () => {
  const r = aliveRig();
  for (const t of [6200, 11_400]) r.beatAt(t);
  r.clock.advanceTo(26_399);
  assert.is(r.state(), 'on.alive');
  r.clock.advanceTo(26_400);
  assert.is(r.state(), 'cycling');
  assert.not.ok(r.powered());
  r.clock.advanceTo(31_399);
  assert.is(r.state(), 'cycling');
  r.clock.advanceTo(31_400);
  assert.is(r.state(), 'on.booting');
  assert.equal(r.switches, ['on@0', 'off@26400', 'on@31400']);
  assert.equal(r.events, ['power-on@0', 'heartbeat-ok@1000', 'watchdog-expired@26400', 'power-off:watchdog@26400', 'power-cycle@26400', 'power-on@31400']);
});

test('grace period: no heartbeat within HBT_DELAY 90 s expires the watchdog, and again after the cycle', () => {
  const r = rig();
  r.sendAt(0, 'PI_ON');
  r.clock.advanceTo(89_999);
  assert.is(r.state(), 'on.booting');
  r.clock.advanceTo(90_000);
  assert.is(r.state(), 'cycling');
  r.clock.advanceTo(95_000 + 90_000);
  assert.equal(r.switches, ['on@0', 'off@90000', 'on@95000', 'off@185000']);
});

test('a heartbeat line stuck high is one heartbeat, not many', () => {
  const r = rig();
  r.sendAt(0, 'PI_ON');
  r.clock.advanceTo(2000);
  r.heartbeat.drive(true);
  r.clock.advanceTo(16_999);
  assert.is(r.state(), 'on.alive');
  r.clock.advanceTo(17_000);
  assert.is(r.state(), 'cycling');
});

test('PI_OFF: signal low for SIG_WIDTH, switch off OFF_DELAY after the pulse start, watchdog suspended', () => {
  const r = aliveRig();
  r.sendAt(10_000, 'PI_OFF');
  assert.is(r.state(), 'stopping.byBoard');
  assert.ok(r.signal.pulledByBoard);
  r.clock.advanceTo(10_199);
  assert.not.ok(r.signal.level);
  r.clock.advanceTo(10_200);
  assert.ok(r.signal.level);
  r.clock.advanceTo(39_999); // no heartbeats for 39 s, yet no watchdog expiry
  assert.is(r.state(), 'stopping.byBoard');
  assert.ok(r.powered());
  r.clock.advanceTo(40_000);
  assert.is(r.state(), 'off');
  assert.equal(r.switches, ['on@0', 'off@40000']);
  assert.equal(r.events.slice(2), ['shutdown-signal@10000', 'power-off:graceful@40000']);
  assert.is(r.clock.pending, 0);
});

test("PI_OFF with gracefulOffDelay 'sig-off-delay' waits SIG_OFF_DELAY instead", () => {
  const r = aliveRig({}, { gracefulOffDelay: 'sig-off-delay' });
  r.sendAt(10_000, 'PI_OFF');
  r.clock.advanceTo(29_999);
  assert.ok(r.powered());
  r.clock.advanceTo(30_000);
  assert.equal(r.switches, ['on@0', 'off@30000']);
});

test('PI_OFF when off does nothing; PI_OFF while stopping does not restart the delay', () => {
  const r = rig();
  r.sendAt(0, 'PI_OFF');
  assert.is(r.state(), 'off');
  assert.ok(r.signal.level);
  assert.is(r.clock.pending, 0);
  r.sendAt(1000, 'PI_ON');
  r.sendAt(2000, 'PI_OFF');
  r.sendAt(20_000, 'PI_OFF');
  r.clock.advanceTo(32_000);
  assert.equal(r.switches, ['on@1000', 'off@32000']);
  assert.equal(r.events.filter((e) => e.startsWith('shutdown-signal')).length, 1);
});

test('Pi-initiated shutdown: its falling edge means stopping.byPi, power off SIG_OFF_DELAY later', () => {
  const r = aliveRig();
  r.clock.advanceTo(5000);
  r.signal.piPull(true);
  assert.is(r.state(), 'stopping.byPi');
  r.clock.advanceTo(5200);
  r.signal.piPull(false);
  r.clock.advanceTo(24_999);
  assert.ok(r.powered());
  r.clock.advanceTo(25_000);
  assert.equal(r.switches, ['on@0', 'off@25000']);
  assert.equal(r.events.slice(2), ['shutdown-requested@5000', 'power-off:pi-initiated@25000']);
});

test('SEND_SIG pulses like PI_OFF (the board ignores its own fall) and schedules no power-off', () => {
  const r = aliveRig();
  r.sendAt(3000, 'SEND_SIG');
  assert.is(r.state(), 'on.alive');
  assert.not.ok(r.signal.level);
  r.clock.advanceTo(3200);
  assert.ok(r.signal.level);
  for (let t = 6000; t <= 120_000; t += 5200) r.beatAt(t);
  assert.is(r.state(), 'on.alive');
  assert.equal(r.switches, ['on@0']);
  assert.equal(r.events, ['power-on@0', 'heartbeat-ok@1000', 'shutdown-signal@3000']);
});

test('PI_ON during a board-initiated shutdown cancels the power-off and restarts the grace period', () => {
  const r = aliveRig();
  r.sendAt(10_000, 'PI_OFF');
  r.sendAt(15_000, 'PI_ON');
  assert.is(r.state(), 'on.booting');
  r.clock.advanceTo(104_999);
  assert.equal(r.switches, ['on@0'], 'no power-off at 40 s');
  r.clock.advanceTo(105_000); // 15 s + HBT_DELAY
  assert.is(r.state(), 'cycling');
});

test('PI_ON during a shutdown is ignored when piOnCancelsShutdown is false', () => {
  const r = aliveRig({}, { piOnCancelsShutdown: false });
  r.sendAt(10_000, 'PI_OFF');
  r.sendAt(15_000, 'PI_ON');
  assert.is(r.state(), 'stopping.byBoard');
  r.clock.advanceTo(40_000);
  assert.equal(r.switches, ['on@0', 'off@40000']);
});

test('PI_FORCE_OFF from every state: off now, every timer cancelled, signal released', () => {
  const setups: Record<string, (r: ReturnType<typeof rig>) => void> = {
    'off': () => {},
    'on.booting': (r) => r.sendAt(0, 'PI_ON'),
    'on.alive': (r) => { r.sendAt(0, 'PI_ON'); r.beatAt(1000); },
    'on.missing': (r) => { r.sendAt(0, 'PI_ON'); r.clock.advanceTo(90_000); },
    'stopping.byBoard': (r) => { r.sendAt(0, 'PI_ON'); r.sendAt(1000, 'PI_OFF'); },
    'stopping.byPi': (r) => { r.sendAt(0, 'PI_ON'); r.signal.piPull(true); r.signal.piPull(false); },
    'cycling': (r) => { r.sendAt(0, 'PI_ON'); r.clock.advanceTo(90_000); },
  };
  for (const [name, reach] of Object.entries(setups)) {
    const r = rig({}, { watchdogAction: name === 'on.missing' ? 'report-only' : 'power-cycle' });
    reach(r);
    assert.is(r.state(), name);
    const wasOn = r.powered();
    r.sendAt(r.clock.now() + 100, 'PI_FORCE_OFF');
    assert.is(r.state(), 'off', name);
    assert.not.ok(r.powered(), name);
    assert.ok(r.signal.level, `${name}: signal released`);
    assert.is(r.clock.pending, 0, `${name}: timers left`);
    assert.is(r.events.at(-1) === `power-off:force@${r.clock.now()}`, wasOn, name);
  }
});

test('report-only watchdog: on.missing with power kept, back to alive on a heartbeat', () => {
  const r = aliveRig({}, { watchdogAction: 'report-only' });
  r.clock.advanceTo(16_000);
  assert.is(r.state(), 'on.missing');
  assert.ok(r.powered());
  assert.not.ok(r.healthy());
  assert.is(r.clock.pending, 0);
  r.beatAt(50_000);
  assert.is(r.state(), 'on.alive');
  assert.equal(r.switches, ['on@0']);
  assert.equal(r.events, ['power-on@0', 'heartbeat-ok@1000', 'watchdog-expired@16000', 'heartbeat-ok@50000']);
});

test('HBT_TIME 0 disables the watchdog: no timers, yet a heartbeat still reads as healthy', () => {
  const r = rig({ hbtTimeMs: 0 });
  r.sendAt(0, 'PI_ON');
  assert.is(r.clock.pending, 0);
  r.clock.advanceTo(24 * 3_600_000);
  assert.is(r.state(), 'on.booting');
  r.beatAt(r.clock.now() + 1);
  assert.ok(r.healthy());
  assert.is(r.clock.pending, 0);
  r.clock.advance(3_600_000);
  assert.is(r.state(), 'on.alive');
  assert.equal(r.switches, ['on@0']);
});

test('regression: HBT_TIME set to 0 while booting cancels the pending grace expiry; set back, the grace restarts from then', () => {
  // Guards against the grace timer armed at PI_ON firing after the watchdog was disabled (F2).
  const r = rig();
  r.sendAt(0, 'PI_ON');
  r.clock.advanceTo(10_000);
  r.actor.send({ type: 'SETTINGS', settings: { ...SETTINGS, hbtTimeMs: 0 } });
  assert.is(r.clock.pending, 0, 'grace timer cancelled');
  r.clock.advanceTo(200_000);
  assert.is(r.state(), 'on.booting');
  r.actor.send({ type: 'SETTINGS', settings: SETTINGS });
  r.clock.advanceTo(289_999);
  assert.is(r.state(), 'on.booting');
  r.clock.advanceTo(290_000);
  assert.is(r.state(), 'cycling');
  assert.equal(r.events, ['power-on@0', 'watchdog-expired@290000', 'power-off:watchdog@290000', 'power-cycle@290000']);
});

test('MCU_RESET: switch off, back to off, signal released, no timers', () => {
  const r = aliveRig();
  r.sendAt(5000, 'SEND_SIG');
  r.sendAt(5100, 'MCU_RESET');
  assert.is(r.state(), 'off');
  assert.ok(r.signal.level);
  assert.is(r.clock.pending, 0);
  assert.equal(r.switches, ['on@0', 'off@5100']);
  assert.is(r.events.at(-1), 'power-off:mcu-reset@5100');
});

test('SETTINGS: a new HBT_TIME applies from the next heartbeat; a running off delay keeps its old value', () => {
  const r = aliveRig();
  r.actor.send({ type: 'SETTINGS', settings: { ...SETTINGS, hbtTimeMs: 5000, offDelayMs: 10_000 } });
  r.beatAt(3000);
  r.clock.advanceTo(7999);
  assert.is(r.state(), 'on.alive');
  r.clock.advanceTo(8000);
  assert.is(r.state(), 'cycling');
  r.clock.advanceTo(13_000);
  r.sendAt(14_000, 'PI_OFF');
  r.actor.send({ type: 'SETTINGS', settings: { ...SETTINGS, offDelayMs: 60_000 } });
  r.clock.advanceTo(23_999);
  assert.is(r.state(), 'stopping.byBoard');
  r.clock.advanceTo(24_000);
  assert.is(r.state(), 'off', 'the 10 s delay started before the change to 60 s');
});

test('cycling: PI_ON re-powers at once, PI_OFF cancels the re-power silently', () => {
  const a = rig();
  a.sendAt(0, 'PI_ON');
  a.sendAt(91_000, 'PI_ON');
  assert.is(a.state(), 'on.booting');
  assert.equal(a.switches, ['on@0', 'off@90000', 'on@91000']);
  const b = rig();
  b.sendAt(0, 'PI_ON');
  b.sendAt(91_000, 'PI_OFF');
  b.clock.advanceTo(200_000);
  assert.is(b.state(), 'off');
  assert.equal(b.switches, ['on@0', 'off@90000']);
  assert.is(b.clock.pending, 0);
});

/** Executable actions as plain records: their runtime types include inline and built-in names the static type omits. */
function acts(actions: ReadonlyArray<{ type: string; params?: unknown }>): Array<{ type: string; params?: unknown }> {
  return [...actions];
}

test('transition(): pure steps for the subtle rules', () => {
  const input = portInput(new VirtualClock());
  const [off] = initialTransition(powerPortMachine, input);
  const [booting, bootActions] = transition(powerPortMachine, off, { type: 'PI_ON' });
  assert.ok(acts(bootActions).some((a) => a.type === 'setSwitchOn'));
  assert.ok(acts(bootActions).some((a) => a.type === 'xstate.raise' && (a.params as { delay?: number }).delay === 90_000), 'grace timer of HBT_DELAY');
  const [alive] = transition(powerPortMachine, booting, { type: 'HEARTBEAT' });
  assert.is(portStateName(alive), 'on.alive');
  const [byPi] = transition(powerPortMachine, alive, { type: 'PI_SIGNAL_FALL' });
  assert.is(portStateName(byPi), 'stopping.byPi');
  const [stillByPi, none] = transition(powerPortMachine, byPi, { type: 'PI_ON' });
  assert.is(portStateName(stillByPi), 'stopping.byPi', 'PI_ON only cancels a board-initiated shutdown');
  assert.equal(none, []);
  const [byBoard, offActions] = transition(powerPortMachine, alive, { type: 'PI_OFF' });
  assert.is(portStateName(byBoard), 'stopping.byBoard');
  assert.not.ok(acts(offActions).some((a) => a.type === 'setSwitchOff' || a.type === 'setSwitchOn'), 'no switch glitch on -> stopping');
  const [byBoard2] = transition(powerPortMachine, byBoard, { type: 'PI_SIGNAL_FALL' });
  assert.is(portStateName(byBoard2), 'stopping.byBoard');
  const [missing] = transition(powerPortMachine, transition(powerPortMachine, off, { type: 'PI_ON' })[0], { type: 'SETTINGS', settings: { ...SETTINGS, hbtTimeMs: 0 } });
  assert.is(missing.context.settings.hbtTimeMs, 0);
  const [disabled, disabledActions] = transition(powerPortMachine, transition(powerPortMachine, off, { type: 'SETTINGS', settings: { ...SETTINGS, hbtTimeMs: 0 } })[0], { type: 'PI_ON' });
  assert.is(portStateName(disabled), 'on.booting');
  assert.not.ok(acts(disabledActions).some((a) => a.type === 'xstate.raise'), 'HBT_TIME 0: no grace timer');
  const reportOnly = portInput(new VirtualClock(), {}, { watchdogAction: 'report-only' });
  const [b2] = transition(powerPortMachine, initialTransition(powerPortMachine, reportOnly)[0], { type: 'PI_ON' });
  const [m2, m2Actions] = transition(powerPortMachine, b2, { type: 'WATCHDOG_EXPIRED' });
  assert.is(portStateName(m2), 'on.missing');
  assert.ok(portPowered(m2));
  assert.not.ok(acts(m2Actions).some((a) => a.type === 'setSwitchOff'));
});

test('32 ports beating every 5.2 s for 24 h of virtual time: no watchdog expiry', () => {
  const clock = new VirtualClock();
  const ports = Array.from({ length: 32 }, () => {
    const input = portInput(clock);
    const actor = createActor(powerPortMachine, { input, clock });
    return { input, actor };
  });
  let expiries = 0;
  for (const { actor } of ports) {
    actor.on('watchdog-expired', () => expiries++);
    actor.start();
    actor.send({ type: 'PI_ON' });
  }
  const day = 24 * 3_600_000;
  for (let base = 0; base < day; base += 5200) {
    ports.forEach(({ input }, i) => {
      clock.advanceTo(base + i * 150);
      input.heartbeat.drive(true);
      input.heartbeat.drive(false);
    });
  }
  clock.advanceTo(day + 5000);
  assert.is(expiries, 0);
  assert.ok(ports.every(({ actor }) => portHeartbeatHealthy(actor.getSnapshot())));
  for (const { actor } of ports) actor.stop();
  assert.is(clock.pending, 0, 'stopping the actors cancels their watchdog timers');
});

test('regression: the wire watches are entry/exit actions, so stopping a port (no exit actions) must still end them', () => {
  for (const phase of ['booting', 'alive', 'missing'] as const) {
    const r = rig({}, { watchdogAction: 'report-only' });
    r.sendAt(0, 'PI_ON');
    if (phase !== 'booting') r.beatAt(1000);
    if (phase === 'missing') r.clock.advanceTo(1000 + SETTINGS.hbtTimeMs);
    assert.is(r.state(), `on.${phase}`);
    const watches = r.actor.getSnapshot().context.watches;
    assert.ok(watches.active, `${phase}: watching while on`);
    r.actor.stop();
    assert.not.ok(watches.active, `${phase}: a watch outlived the actor`);
    assert.is(r.clock.pending, 0, `${phase}: timers left`);
    r.heartbeat.drive(true); // nobody left to tell: no send to a stopped actor
    r.signal.piPull(true);
    assert.is(r.state(), `on.${phase}`);
  }
});

test('each wire watch runs only in its states: the first heartbeat while booting, the watchdog while alive, the signal while on', () => {
  const r = rig({}, { watchdogAction: 'report-only' });
  const watches = r.actor.getSnapshot().context.watches;
  assert.not.ok(watches.active, 'off: nothing watched');
  r.sendAt(0, 'PI_ON');
  r.beatAt(1000);
  assert.is(r.state(), 'on.alive');
  r.sendAt(2000, 'PI_FORCE_OFF');
  assert.is(r.state(), 'off');
  assert.not.ok(watches.active, 'off again: every watch stopped by its exit action');
  assert.is(r.clock.pending, 0);
  r.heartbeat.drive(true);
  r.signal.piPull(true);
  assert.is(r.state(), 'off');
  assert.equal(r.events, ['power-on@0', 'heartbeat-ok@1000', 'power-off:force@2000']);
});

test('portUnmovedBy: MCU_RESET to a resting port and equal SETTINGS while off change nothing but the snapshot; anything else is sent', () => {
  const same = { ...SETTINGS };
  const other = { ...SETTINGS, hbtTimeMs: 0 };
  const cases: Array<[string, (r: ReturnType<typeof rig>) => void, 'MCU_RESET' | 'same' | 'other', boolean]> = [
    ['off, MCU_RESET', () => {}, 'MCU_RESET', true],
    ['off, same settings', () => {}, 'same', true],
    ['off, other settings', () => {}, 'other', false],
    ['off, board pulsing the signal, MCU_RESET', (r) => r.sendAt(0, 'SEND_SIG'), 'MCU_RESET', false],
    ['off, board pulsing the signal, same settings', (r) => r.sendAt(0, 'SEND_SIG'), 'same', true],
    ['booting, MCU_RESET', (r) => r.sendAt(0, 'PI_ON'), 'MCU_RESET', false],
    ['booting, same settings', (r) => r.sendAt(0, 'PI_ON'), 'same', false],
    ['alive, same settings', (r) => { r.sendAt(0, 'PI_ON'); r.beatAt(100); }, 'same', false],
    ['cycling, same settings', (r) => { r.sendAt(0, 'PI_ON'); r.clock.advanceTo(SETTINGS.hbtDelayMs); }, 'same', false],
  ];
  for (const [name, setUp, what, unmoved] of cases) {
    const r = rig();
    setUp(r);
    const event = what === 'MCU_RESET' ? { type: 'MCU_RESET' as const } : { type: 'SETTINGS' as const, settings: what === 'same' ? same : other };
    const before = r.actor.getSnapshot();
    assert.is(portUnmovedBy(before, event), unmoved, name);
    const events = r.events.length;
    const switches = r.switches.length;
    r.actor.send(event);
    const after = r.actor.getSnapshot();
    if (!unmoved) continue;
    assert.equal(after.value, before.value, `${name}: state`);
    // offCause is read only when power is cut, and every transition that cuts it sets it first (MCU_RESET sets 'mcu-reset').
    const kept = (c: typeof after.context) => ({ ...c, watches: undefined, offCause: undefined });
    assert.equal(kept(after.context), kept(before.context), `${name}: context`);
    assert.is(r.events.length, events, `${name}: nothing emitted`);
    assert.is(r.switches.length, switches, `${name}: switch untouched`);
  }
});

test('portPowered and portHeartbeatHealthy, read from the state value, agree with matches() in every power state', () => {
  const seen = new Set<string>();
  const check = (r: ReturnType<typeof rig>): void => {
    const snap = r.actor.getSnapshot();
    seen.add(portStateName(snap));
    assert.is(portPowered(snap), snap.matches({ power: 'on' }) || snap.matches({ power: 'stopping' }), portStateName(snap));
    assert.is(portHeartbeatHealthy(snap), snap.matches({ power: { on: 'alive' } }), portStateName(snap));
  };
  for (const action of ['power-cycle', 'report-only'] as const) {
    const r = rig({}, { watchdogAction: action });
    r.actor.subscribe(() => check(r));
    check(r);
    r.sendAt(0, 'PI_ON');
    r.beatAt(1000);
    r.clock.advanceTo(1000 + SETTINGS.hbtTimeMs + 1); // expiry: cycling, or missing
    r.beatAt(30_000);
    r.sendAt(40_000, 'PI_OFF');
    r.clock.advanceTo(100_000);
    r.sendAt(100_000, 'PI_ON');
    r.beatAt(101_000);
    r.signal.piPull(true);
    r.clock.advanceTo(200_000);
  }
  assert.equal([...seen].sort(), ['cycling', 'off', 'on.alive', 'on.booting', 'on.missing', 'stopping.byBoard', 'stopping.byPi']);
});

test.run();
