/**
 * FIRMWARE.md section 6, the simulated Raspberry Pi (Pi 3B+): boot 25 s at 0.45 A, then 0.40 A
 * idle up to 0.95 A; the daemon's heartbeat 0.2 s high every 5.2 s; shutdown 8 s after a
 * falling edge on the signal line, then halted at 0.10 A; asking for power-down itself (0.2 s
 * pulse, and the helper script's heartbeat-left-high quirk); the faults (crash, hang during
 * boot, no daemon, slow shutdown, short circuit); undervoltage below 4.63 V and reset below
 * 4.20 V; unsafe power losses counted. Black box: the Pi is seen through its port's readings
 * (GET_PI_C, clean ADC profile), the watchdog, the event log and wire probes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLEAN_ADC, Rig, SPEC, at, near, probeHeartbeat, probeSignal, rel } from './testing/rig.ts';

const AMP = (100 / (0.05 * 3300)) * (3.3 / 65535); // amps per GET_PI_C count

async function amps(rig: Rig, pi: 0 | 1 = 0): Promise<number> {
  return rig.do(rig.client.getPiC(0, pi));
}

async function powerOn(rig: Rig, pi: 0 | 1 = 0): Promise<number> {
  const sent = rig.now;
  await rig.do(rig.client.piOn(0, pi));
  return rig.once('power-on', pi, sent);
}

test('power on: boots for 25 s at 0.45 A, then runs at 0.40 A idle, 0.95 A at full load', async () => {
  const rig = await Rig.start({ profile: CLEAN_ADC });
  near(await amps(rig), 0, AMP, 'unpowered');
  const on = await powerOn(rig);
  near(await amps(rig), SPEC.piBootA, AMP, 'booting');
  await rig.runUntil(on + SPEC.piBootMs - 100);
  near(await amps(rig), SPEC.piBootA, AMP, 'still booting');
  await rig.runUntil(on + SPEC.piBootMs + 100);
  at(rig.once('pi-booted', 0), on + SPEC.piBootMs);
  near(await amps(rig), SPEC.piIdleA, AMP, 'idle');
  rig.sim.control.setPiLoad(0, 0, 0.5);
  near(await amps(rig), (SPEC.piIdleA + SPEC.piLoadA) / 2, AMP, 'half load');
  rig.sim.control.setPiLoad(0, 0, 1);
  near(await amps(rig), SPEC.piLoadA, AMP, 'full load');
});

test('the daemon drives the heartbeat high for 0.2 s every 5.2 s from the end of boot', async () => {
  const rig = await Rig.start();
  const rises = probeHeartbeat(rig, 0);
  const line = rig.sim.boards[0]!.heartbeat[0];
  const on = await powerOn(rig);
  await rig.runUntil(on + SPEC.piBootMs + 30_000);
  const booted = on + SPEC.piBootMs;
  assert.equal(rises.map((t) => rel(t, booted)), [0, 1, 2, 3, 4, 5].map((k) => k * SPEC.heartbeatPeriodMs));
  await rig.runUntil(rises.at(-1)! + SPEC.heartbeatPeriodMs + SPEC.heartbeatHighMs / 2);
  assert.ok(line.level, 'high 0.1 s after a rise');
  await rig.runFor(SPEC.heartbeatHighMs);
  assert.not.ok(line.level, 'low 0.3 s after it');
});

test('the 5.2 s period as the watchdog sees it: HBT_TIME 6 is never exceeded, HBT_TIME 5 is, 5 s after the first beat', async () => {
  for (const [hbtTime, expires] of [[6, false], [5, true]] as const) {
    const rig = await Rig.start();
    await rig.do(rig.client.setHbtTime(0, 0, hbtTime));
    const on = await powerOn(rig);
    await rig.runUntil(on + SPEC.piBootMs + 5 * 60_000);
    if (expires) at(rig.events('watchdog-expired', 0)[0]!.t, on + SPEC.piBootMs + hbtTime * 1000);
    else assert.is(rig.events('watchdog-expired', 0).length, 0);
  }
});

test('a falling edge from the board: heartbeats stop at once, 8 s of shutdown at running current, then halted at 0.10 A', async () => {
  const rig = await Rig.start({ profile: CLEAN_ADC });
  await rig.do(rig.client.setOffDelay(0, 0, 60));
  const on = await powerOn(rig);
  await rig.runUntil(on + SPEC.piBootMs + 1000);
  const rises = probeHeartbeat(rig, 0);
  await rig.do(rig.client.piOff(0, 0));
  const fall = rig.once('shutdown-signal', 0);
  near(await amps(rig), SPEC.piIdleA, AMP, 'shutting down');
  await rig.runUntil(fall + SPEC.shutdownMs - 100);
  near(await amps(rig), SPEC.piIdleA, AMP, 'still shutting down');
  await rig.runUntil(fall + SPEC.shutdownMs + 100);
  at(rig.once('pi-halted', 0), fall + SPEC.shutdownMs);
  near(await amps(rig), SPEC.piHaltedA, AMP, 'halted');
  await rig.runFor(40_000);
  assert.equal(rises, [], 'no heartbeat after the edge');
  near(await amps(rig), SPEC.piHaltedA, AMP, 'halted until the power goes');
});

test('asking for power-down: the Pi pulls its signal line low for 0.2 s, then shuts down as above', async () => {
  const rig = await Rig.start({ profile: CLEAN_ADC });
  const on = await powerOn(rig);
  await rig.runUntil(on + SPEC.piBootMs + 1000);
  const edges = probeSignal(rig, 0);
  const rises = probeHeartbeat(rig, 0);
  rig.sim.control.requestShutdown(0, 0);
  const fall = rig.now;
  await rig.runFor(SPEC.shutdownMs + 100);
  assert.equal(edges.map(([t, level, by]) => [rel(t, fall), level, by]), [[0, 'low', 'pi'], [SPEC.selfPulseMs, 'high', undefined]]);
  at(rig.once('pi-halted', 0), fall + SPEC.shutdownMs);
  assert.equal(rises, []);
  near(await amps(rig), SPEC.piHaltedA, AMP, 'halted');
});

test('the helper script\'s quirk, as an option: after asking for power-down the heartbeat line stays high (not a heartbeat)', async () => {
  for (const quirk of [false, true]) {
    const rig = await Rig.start({ boards: [{ dip: 0, pis: [{ model: 'pi3b+', selfShutdownLeavesHeartbeatHigh: quirk }, null] }] });
    const line = rig.sim.boards[0]!.heartbeat[0];
    const on = await powerOn(rig);
    await rig.runUntil(on + SPEC.piBootMs + 1000); // 1 s after a rise: the line is low
    const rises = probeHeartbeat(rig, 0);
    rig.sim.control.requestShutdown(0, 0);
    await rig.runFor(SPEC.shutdownMs + 5000);
    assert.is(line.level, quirk, `quirk ${quirk}: line ${line.level ? 'high' : 'low'} while halted`);
    assert.is(rises.length, quirk ? 1 : 0, 'one rising edge at most: no heartbeats');
  }
});

test('fault crash: heartbeats stop, the current stays; the watchdog cycles it and it boots again', async () => {
  const rig = await Rig.start({ profile: CLEAN_ADC });
  const on = await powerOn(rig);
  await rig.runUntil(on + SPEC.piBootMs + 1000);
  rig.sim.control.setPiLoad(0, 0, 1);
  const rises = probeHeartbeat(rig, 0);
  rig.sim.control.crashPi(0, 0);
  await rig.runFor(10_000);
  assert.equal(rises, []);
  near(await amps(rig), SPEC.piLoadA, AMP, 'a crashed Pi keeps drawing');
  assert.is(rig.events('pi-crashed', 0).length, 1);
  await rig.runFor(60_000);
  assert.is(rig.events('pi-booted', 0).length, 2, 'power cycled and booted again');
});

test('fault hang-boot: boot current forever, no heartbeat; the watchdog cycles it after HBT_DELAY, and it hangs again', async () => {
  const rig = await Rig.start({ profile: CLEAN_ADC });
  rig.sim.control.hangBoot(0, 0);
  const on = await powerOn(rig);
  await rig.runUntil(on + SPEC.hbtDelayMs - 1000);
  near(await amps(rig), SPEC.piBootA, AMP, 'hung in boot');
  assert.is(rig.events('pi-booted').length, 0);
  await rig.runUntil(on + 2 * SPEC.hbtDelayMs + SPEC.cycleOffMs + 1000);
  assert.is(rig.events('watchdog-expired', 0).length, 2);
  assert.equal(rig.events('unsafe-power-loss', 0).map((e) => e.from), ['booting', 'booting']);
});

test('fault no-daemon: the Pi boots and runs (0.40 A) but never heartbeats', async () => {
  const rig = await Rig.start({ profile: CLEAN_ADC, boards: [{ dip: 0, pis: [{ model: 'pi3b+', daemon: false }, null] }] });
  const rises = probeHeartbeat(rig, 0);
  const on = await powerOn(rig);
  await rig.runUntil(on + SPEC.piBootMs + 1000);
  at(rig.once('pi-booted', 0), on + SPEC.piBootMs);
  near(await amps(rig), SPEC.piIdleA, AMP);
  assert.not.ok(await rig.do(rig.client.getPiHbt(0, 0)));
  assert.equal(rises, []);
});

test('fault slow-shutdown: a 60 s shutdown outlasts OFF_DELAY 30 s, so the graceful off cuts it unsafely', async () => {
  const rig = await Rig.start();
  const on = await powerOn(rig);
  await rig.runUntil(on + SPEC.piBootMs + 1000);
  rig.sim.control.slowShutdown(0, 0, 60_000);
  await rig.do(rig.client.piOff(0, 0));
  const pulse = rig.once('shutdown-signal', 0);
  await rig.runFor(70_000);
  assert.equal(rig.events('unsafe-power-loss', 0).map((e) => [rel(e.t, pulse), e.from]), [[SPEC.offDelayMs, 'shuttingDown']]);
  assert.is(rig.events('pi-halted').length, 0, 'it never got to halt');
});

test('undervoltage below 4.63 V is flagged; below 4.20 V the Pi resets and boots again when the rail recovers (0.6 ohm regulator)', async () => {
  // No default stack can sag the rail that far (5.1 V - 0.03 ohm x 5 A = 4.95 V at the limit, and
  // the regulator stops below a 6 V input), so a profile with a weak regulator stands in.
  const rig = await Rig.start({ profile: { ...CLEAN_ADC, regulator: { outputResistanceOhm: 0.6 } } });
  for (const pi of [0, 1] as const) await rig.do(rig.client.setHbtTime(0, pi, 0)); // keep the watchdog out of it
  await powerOn(rig, 0);
  assert.is(rig.events('undervoltage').length, 0, 'one Pi booting: 5.1 - 0.6 x 0.45 = 4.83 V');
  const both = await powerOn(rig, 1);
  assert.equal(rig.events('undervoltage').map((e) => [e.pi, e.t, e.volts]), [[0, both, 4.56], [1, both, 4.56]], 'two booting: 4.56 V');
  near(await rig.do(rig.client.get5v(0)), 4.56, 1e-3);
  await rig.runUntil(both + SPEC.piBootMs + 1000);
  for (const pi of [0, 1] as const) rig.sim.control.setPiLoad(0, pi, 1); // 1.9 A: 3.96 V
  const dip = rig.now;
  assert.equal(rig.events('unsafe-power-loss').map((e) => [e.pi, e.t, e.from]), [[0, dip, 'running'], [1, dip, 'running']]);
  for (const pi of [0, 1] as const) rig.sim.control.setPiLoad(0, pi, 0);
  await rig.runUntil(dip + SPEC.piBootMs + 1000);
  for (const pi of [0, 1] as const) at(rig.events('pi-booted', pi).at(-1)!.t, dip + SPEC.piBootMs, `Pi ${pi} rebooted once the rail came back`);
  assert.is(rig.events('unsafe-power-loss').length, 2, 'running at 0.8 A: 4.62 V, flagged but no reset');
});

test('unsafe power losses: counted from booting, running and shutting down; not from halted', async () => {
  const rig = await Rig.start();
  // Pi 0: cut while booting, then while running.
  await powerOn(rig, 0);
  await rig.runFor(5000);
  await rig.do(rig.client.piForceOff(0, 0));
  assert.is(rig.unsafe(0), 1);
  await powerOn(rig, 0);
  await rig.runFor(SPEC.piBootMs + 1000);
  await rig.do(rig.client.piForceOff(0, 0));
  assert.is(rig.unsafe(0), 2);
  // Pi 1: cut 3 s into its shutdown, then a clean graceful off.
  await powerOn(rig, 1);
  await rig.runFor(SPEC.piBootMs + 1000);
  await rig.do(rig.client.piOff(0, 1));
  await rig.runFor(3000);
  await rig.do(rig.client.piForceOff(0, 1));
  assert.is(rig.unsafe(1), 1);
  await powerOn(rig, 1);
  await rig.runFor(SPEC.piBootMs + 1000);
  await rig.do(rig.client.piOff(0, 1));
  await rig.runFor(SPEC.offDelayMs + 1000);
  assert.is(rig.unsafe(1), 1, 'halted before the power went: safe');
  assert.equal(rig.events('unsafe-power-loss').map((e) => [e.pi, e.from]), [[0, 'booting'], [0, 'running'], [1, 'shuttingDown']]);
  assert.equal(rig.events('power-lost').map((e) => [e.pi, e.from]), [[1, 'halted']], 'the safe one is reported as such');
});

test.run();
