/**
 * FIRMWARE.md section 4, one power port: PI_ON, PI_FORCE_OFF, graceful PI_OFF (signal pulse of
 * SIG_WIDTH, power off OFF_DELAY after its start), Pi-initiated shutdown (SIG_OFF_DELAY),
 * SEND_SIG, the heartbeat watchdog (HBT_DELAY grace, HBT_TIME between rising edges, power cycle
 * of CYCLE_OFF_TIME 5 s or report-only), GET_PI_HBT and GET_PI_POWERED, and HBT_TIME 0 (section
 * 2). Black box: bus commands, Pi faults from the control surface, event times; the signal and
 * heartbeat wires are watched with probes (a logic analyser on the header) where no bus command
 * can show them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BYTE_MS, Rig, SPEC, at, probeSignal, rel } from './testing/rig.ts';

const NO_DAEMON = [{ dip: 0, pis: [{ model: 'pi3b+', daemon: false }, 'pi3b+'] }];
const PI_CMD_BYTES = 5; // PI_ON, PI_OFF, PI_FORCE_OFF, SEND_SIG: code, ID, LEN, pi, CRC

/** Power Pi 0 on and let it boot; returns the power-on time (ms). */
async function running(rig: Rig, pi: 0 | 1 = 0): Promise<number> {
  const sent = rig.now;
  await rig.do(rig.client.piOn(0, pi));
  const on = rig.once('power-on', pi, sent);
  await rig.runUntil(on + SPEC.piBootMs + 1000);
  return on;
}

/** Time of the last heartbeat before t: the Pi beats at boot end + k * 5.2 s (FIRMWARE.md section 6). */
function lastBeatBefore(bootedAt: number, t: number): number {
  return bootedAt + Math.floor((t - bootedAt) / SPEC.heartbeatPeriodMs) * SPEC.heartbeatPeriodMs;
}

async function status(rig: Rig, pi: 0 | 1 = 0): Promise<{ powered: boolean; hbt: boolean }> {
  return { powered: await rig.do(rig.client.getPiPowered(0, pi)), hbt: await rig.do(rig.client.getPiHbt(0, pi)) };
}

test('PI_ON switches on when its last byte arrives; GET_PI_HBT stays 0 until the first heartbeat', async () => {
  const rig = await Rig.start();
  const sent = rig.now;
  await rig.do(rig.client.piOn(0, 0));
  const on = rig.once('power-on', 0);
  at(on, sent + PI_CMD_BYTES * BYTE_MS);
  assert.equal(await status(rig), { powered: true, hbt: false });
  assert.equal(await status(rig, 1), { powered: false, hbt: false }, 'the other port is untouched');
  await rig.runUntil(on + SPEC.piBootMs - 200);
  assert.equal(await status(rig), { powered: true, hbt: false }, 'still booting');
  await rig.runUntil(on + SPEC.piBootMs + 10);
  assert.equal(await status(rig), { powered: true, hbt: true });
  at(rig.once('heartbeat-ok', 0), on + SPEC.piBootMs);
});

test('PI_ON on a port already on changes nothing: no switch edge, the grace period is not restarted', async () => {
  const rig = await Rig.start({ boards: NO_DAEMON });
  await rig.do(rig.client.piOn(0, 0));
  const on = rig.once('power-on', 0);
  await rig.runFor(50_000);
  await rig.do(rig.client.piOn(0, 0));
  await rig.runUntil(on + SPEC.hbtDelayMs + 1000);
  assert.is(rig.events('power-on', 0).length, 1);
  at(rig.once('watchdog-expired', 0), on + SPEC.hbtDelayMs, 'HBT_DELAY still counted from the first PI_ON');
});

test('PI_OFF on a port that is off does nothing', async () => {
  const rig = await Rig.start();
  const edges = probeSignal(rig, 0);
  await rig.do(rig.client.piOff(0, 0));
  await rig.runFor(60_000);
  assert.equal(edges, []);
  assert.is(rig.events('shutdown-signal').length + rig.events('power-on').length + rig.events('power-off').length, 0);
});

test('PI_OFF: signal low for SIG_WIDTH x 100 ms, Pi halted 8 s later, power off OFF_DELAY after the pulse start, safely', async () => {
  const rig = await Rig.start();
  await running(rig);
  const edges = probeSignal(rig, 0);
  const sent = rig.now;
  await rig.do(rig.client.piOff(0, 0));
  const pulse = rig.once('shutdown-signal', 0);
  at(pulse, sent + PI_CMD_BYTES * BYTE_MS);
  assert.equal(await status(rig), { powered: true, hbt: false });
  await rig.runUntil(pulse + SPEC.offDelayMs + 1000);
  assert.equal(edges.map(([t, level, by]) => [rel(t, pulse), level, by]), [[0, 'low', 'board'], [SPEC.sigWidthMs, 'high', undefined]]);
  at(rig.once('pi-halted', 0), pulse + SPEC.shutdownMs);
  const off = rig.events('power-off', 0);
  assert.equal(off.map((e) => [rel(e.t, pulse), e.cause]), [[SPEC.offDelayMs, 'graceful']]);
  assert.is(rig.unsafe(0), 0);
  assert.equal(await status(rig), { powered: false, hbt: false });
});

test('SET_SIG_WIDTH and SET_OFF_DELAY set the pulse and the power-off delay', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.setSigWidth(0, 0, 7));
  await rig.do(rig.client.setOffDelay(0, 0, 12));
  await running(rig);
  const edges = probeSignal(rig, 0);
  await rig.do(rig.client.piOff(0, 0));
  const pulse = rig.once('shutdown-signal', 0);
  await rig.runFor(20_000);
  assert.equal(edges.map(([t, level]) => [rel(t, pulse), level]), [[0, 'low'], [700, 'high']]);
  assert.equal(rig.times('power-off', 0).map((t) => rel(t, pulse)), [12_000]);
});

test('the watchdog is suspended while a board-initiated shutdown is pending (OFF_DELAY far above HBT_TIME)', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.setOffDelay(0, 0, 100));
  await running(rig);
  await rig.do(rig.client.piOff(0, 0));
  const pulse = rig.once('shutdown-signal', 0);
  await rig.runUntil(pulse + 99_000);
  assert.ok(await rig.do(rig.client.getPiPowered(0, 0)), 'still powered, 99 s without heartbeats');
  await rig.runUntil(pulse + 101_000);
  assert.is(rig.events('watchdog-expired').length, 0);
  assert.equal(rig.times('power-off', 0).map((t) => rel(t, pulse)), [100_000]);
});

test('profile gracefulOffDelay "sig-off-delay": PI_OFF waits SIG_OFF_DELAY instead', async () => {
  const rig = await Rig.start({ profile: { gracefulOffDelay: 'sig-off-delay' } });
  await rig.do(rig.client.setSigOffDelay(0, 0, 10));
  await running(rig);
  await rig.do(rig.client.piOff(0, 0));
  const pulse = rig.once('shutdown-signal', 0);
  await rig.runFor(40_000);
  assert.equal(rig.times('power-off', 0).map((t) => rel(t, pulse)), [10_000]);
});

test('PI_ON during a board-initiated shutdown cancels it; the halted Pi then meets the watchdog', async () => {
  const rig = await Rig.start();
  await running(rig);
  await rig.do(rig.client.piOff(0, 0));
  const pulse = rig.once('shutdown-signal', 0);
  await rig.runUntil(pulse + 10_000);
  const sent = rig.now;
  await rig.do(rig.client.piOn(0, 0));
  const cancelAt = sent + PI_CMD_BYTES * BYTE_MS;
  await rig.runUntil(pulse + SPEC.offDelayMs + 1000);
  assert.is(rig.events('power-off', 0).length, 0, 'no power-off at OFF_DELAY');
  assert.is(rig.events('power-on', 0).length, 1, 'no switch edge: it never went off');
  await rig.runUntil(cancelAt + SPEC.hbtDelayMs + 1000);
  at(rig.once('watchdog-expired', 0), cancelAt + SPEC.hbtDelayMs, 'a fresh HBT_DELAY grace from the PI_ON');
  assert.is(rig.unsafe(0), 0, 'the Pi was halted when the watchdog cut it');
});

test('profile piOnCancelsShutdown false: PI_ON leaves the shutdown pending', async () => {
  const rig = await Rig.start({ profile: { piOnCancelsShutdown: false } });
  await running(rig);
  await rig.do(rig.client.piOff(0, 0));
  const pulse = rig.once('shutdown-signal', 0);
  await rig.runFor(5000);
  await rig.do(rig.client.piOn(0, 0));
  await rig.runUntil(pulse + SPEC.offDelayMs + 1000);
  assert.equal(rig.times('power-off', 0).map((t) => rel(t, pulse)), [SPEC.offDelayMs]);
});

test('PI_FORCE_OFF switches off now from any state and cancels every timer', async () => {
  const rig = await Rig.start({ boards: NO_DAEMON });
  // Pi 1 (with daemon), alive: off now, an unsafe power loss.
  await running(rig, 1);
  const sent = rig.now;
  await rig.do(rig.client.piForceOff(0, 1));
  assert.equal(rig.events('power-off', 1).map((e) => [rel(e.t, sent), e.cause]), [[rel(PI_CMD_BYTES * BYTE_MS), 'force']]);
  assert.is(rig.unsafe(1), 1);
  // Pi 1 again, stopping.byBoard: off now; the pending OFF_DELAY must not cut a later PI_ON.
  await running(rig, 1);
  await rig.do(rig.client.piOff(0, 1));
  const pulse = rig.events('shutdown-signal', 1).at(-1)!.t;
  await rig.runFor(3000);
  await rig.do(rig.client.piForceOff(0, 1));
  await rig.do(rig.client.piOn(0, 1));
  await rig.runUntil(pulse + SPEC.offDelayMs + 5000);
  assert.is(rig.events('power-off', 1, pulse).length, 1, 'only the forced one');
  assert.ok(await rig.do(rig.client.getPiPowered(0, 1)));
  // Pi 0 (no daemon), cycling after its grace expired: no re-power after the off time.
  await rig.do(rig.client.piOn(0, 0));
  const on = rig.once('power-on', 0);
  await rig.runUntil(on + SPEC.hbtDelayMs + 1000);
  await rig.do(rig.client.piForceOff(0, 0));
  await rig.runFor(SPEC.cycleOffMs + SPEC.hbtDelayMs);
  assert.is(rig.events('power-on', 0).length, 1, 'the power cycle was cancelled');
  assert.equal(await status(rig), { powered: false, hbt: false });
});

test('PI_FORCE_OFF during a Pi-initiated shutdown: off now, no second power-off later', async () => {
  const rig = await Rig.start();
  await running(rig);
  rig.sim.control.requestShutdown(0, 0);
  const fall = rig.now;
  await rig.runFor(2000);
  await rig.do(rig.client.piForceOff(0, 0));
  await rig.runUntil(fall + SPEC.sigOffDelayMs + 1000);
  assert.equal(rig.events('power-off', 0).map((e) => e.cause), ['force']);
  assert.is(rig.unsafe(0), 1, 'cut while still shutting down');
});

test('Pi-initiated shutdown: a falling edge the board did not cause; power removed SIG_OFF_DELAY later, watchdog suspended', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.setOffDelay(0, 0, 12));
  await running(rig);
  const edges = probeSignal(rig, 0);
  rig.sim.control.requestShutdown(0, 0);
  const fall = rig.now;
  assert.equal(await status(rig), { powered: true, hbt: false });
  await rig.runUntil(fall + SPEC.sigOffDelayMs + 1000);
  assert.equal(edges.map(([t, level, by]) => [rel(t, fall), level, by]), [[0, 'low', 'pi'], [SPEC.selfPulseMs, 'high', undefined]]);
  assert.is(rig.events('shutdown-signal').length, 0, 'the board pulsed nothing');
  assert.equal(rig.events('power-off', 0).map((e) => [rel(e.t, fall), e.cause]), [[SPEC.sigOffDelayMs, 'pi-initiated']], 'SIG_OFF_DELAY, not OFF_DELAY');
  assert.is(rig.events('watchdog-expired').length, 0, '30 s without heartbeats, no expiry');
  assert.is(rig.unsafe(0), 0);
});

test('SET_SIG_OFF_DELAY sets the Pi-initiated delay, and a long one still suspends the watchdog', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.setSigOffDelay(0, 0, 100));
  await running(rig);
  rig.sim.control.requestShutdown(0, 0);
  const fall = rig.now;
  await rig.runUntil(fall + 101_000);
  assert.equal(rig.times('power-off', 0).map((t) => rel(t, fall)), [100_000]);
  assert.is(rig.events('watchdog-expired').length, 0);
});

test('SEND_SIG pulses the signal like PI_OFF but schedules no power-off: the Pi halts and the watchdog cycles it', async () => {
  const rig = await Rig.start();
  await running(rig);
  const booted = rig.once('pi-booted', 0);
  const edges = probeSignal(rig, 0);
  await rig.runFor(1234);
  await rig.do(rig.client.sendSig(0, 0));
  const pulse = rig.once('shutdown-signal', 0);
  await rig.runUntil(pulse + SPEC.offDelayMs + 1000);
  assert.equal(edges.map(([t, level]) => [rel(t, pulse), level]), [[0, 'low'], [SPEC.sigWidthMs, 'high']]);
  at(rig.once('pi-halted', 0), pulse + SPEC.shutdownMs);
  const expiry = lastBeatBefore(booted, pulse) + SPEC.hbtTimeMs;
  at(rig.once('watchdog-expired', 0), expiry, 'last heartbeat + HBT_TIME');
  assert.equal(rig.events('power-off', 0).map((e) => [rel(e.t, expiry), e.cause]), [[0, 'watchdog']], 'the only power-off is the watchdog\'s');
  at(rig.events('power-on', 0).at(-1)!.t, expiry + SPEC.cycleOffMs);
  assert.is(rig.unsafe(0), 0, 'the Pi had halted');
});

test('watchdog grace: no heartbeat within HBT_DELAY of power-on expires it, cycling the power (off 5 s), again and again', async () => {
  const rig = await Rig.start({ boards: NO_DAEMON });
  await rig.do(rig.client.piOn(0, 0));
  const on = rig.once('power-on', 0);
  await rig.runUntil(on + SPEC.hbtDelayMs - 200);
  assert.equal(await status(rig), { powered: true, hbt: false });
  await rig.runUntil(on + SPEC.hbtDelayMs + 1);
  assert.equal(await status(rig), { powered: false, hbt: false }, 'off during the power cycle');
  const cycle = SPEC.hbtDelayMs + SPEC.cycleOffMs;
  await rig.runUntil(on + 3 * cycle - 1000);
  const expiries = rig.times('watchdog-expired', 0).map((t) => t - on);
  [SPEC.hbtDelayMs, cycle + SPEC.hbtDelayMs, 2 * cycle + SPEC.hbtDelayMs].forEach((want, i) => at(expiries[i]!, want, `expiry ${i}`));
  rig.times('power-on', 0).forEach((t, i) => at(t - on, i * cycle, `power-on ${i}`));
  assert.equal(rig.events('power-off', 0).map((e) => e.cause), ['watchdog', 'watchdog', 'watchdog']);
  assert.is(rig.events('power-cycle', 0).length, 3);
});

test('PI_OFF during a watchdog power cycle cancels the re-power (ASSUMED: the port is off already)', async () => {
  const rig = await Rig.start({ boards: NO_DAEMON });
  await rig.do(rig.client.piOn(0, 0));
  const on = rig.once('power-on', 0);
  await rig.runUntil(on + SPEC.hbtDelayMs + 1000);
  await rig.do(rig.client.piOff(0, 0));
  await rig.runFor(60_000);
  assert.is(rig.events('power-on', 0).length, 1);
  assert.is(rig.events('shutdown-signal').length, 0, 'no pulse for an unpowered Pi');
  assert.equal(await status(rig), { powered: false, hbt: false });
});

test('SET_HBT_DELAY sets the grace period', async () => {
  const rig = await Rig.start({ boards: NO_DAEMON });
  await rig.do(rig.client.setHbtDelay(0, 0, 40));
  await rig.do(rig.client.piOn(0, 0));
  const on = rig.once('power-on', 0);
  await rig.runFor(45_000);
  at(rig.once('watchdog-expired', 0), on + 40_000);
});

test('watchdog: HBT_TIME after the last rising edge expires it; GET_PI_HBT reads 1 until then and 0 after', async () => {
  const rig = await Rig.start();
  await running(rig);
  const booted = rig.once('pi-booted', 0);
  rig.sim.control.crashPi(0, 0);
  const crash = rig.now;
  const expiry = lastBeatBefore(booted, crash) + SPEC.hbtTimeMs;
  await rig.runUntil(expiry - 200);
  assert.equal(await status(rig), { powered: true, hbt: true });
  await rig.runUntil(expiry + 10);
  assert.equal(await status(rig), { powered: false, hbt: false });
  at(rig.once('watchdog-expired', 0), expiry);
  at(rig.once('heartbeat-lost', 0), expiry);
  await rig.runUntil(expiry + SPEC.cycleOffMs + 10);
  assert.equal(await status(rig), { powered: true, hbt: false }, 'back on, booting');
  await rig.runUntil(expiry + SPEC.cycleOffMs + SPEC.piBootMs + 10);
  assert.equal(await status(rig), { powered: true, hbt: true }, 'rebooted, heartbeats again');
});

test('SET_HBT_TIME sets the heartbeat timeout', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.setHbtTime(0, 0, 8));
  await running(rig);
  const booted = rig.once('pi-booted', 0);
  await rig.runFor(3000);
  rig.sim.control.crashPi(0, 0);
  await rig.runFor(20_000);
  at(rig.once('watchdog-expired', 0), lastBeatBefore(booted, rig.now - 20_000) + 8000);
});

test('only rising edges count: a heartbeat line held high is one heartbeat', async () => {
  const rig = await Rig.start({ boards: NO_DAEMON });
  await rig.do(rig.client.piOn(0, 0));
  await rig.runFor(30_000);
  const line = rig.sim.boards[0]!.heartbeat[0]; // a test clip on the header pin
  line.drive(true);
  const rise = rig.now;
  await rig.runFor(1000);
  assert.ok(await rig.do(rig.client.getPiHbt(0, 0)), 'the rising edge is a heartbeat');
  await rig.runUntil(rise + SPEC.hbtTimeMs - 200);
  assert.ok(line.level, 'still high');
  assert.ok(await rig.do(rig.client.getPiHbt(0, 0)));
  await rig.runUntil(rise + SPEC.hbtTimeMs + 100);
  at(rig.once('watchdog-expired', 0), rise + SPEC.hbtTimeMs);
});

test('profile watchdogAction "report-only": expiry only reads 0; the power stays on and heartbeats bring it back to 1', async () => {
  const rig = await Rig.start({ boards: NO_DAEMON, profile: { watchdogAction: 'report-only' } });
  await rig.do(rig.client.piOn(0, 0));
  const on = rig.once('power-on', 0);
  await rig.runUntil(on + SPEC.hbtDelayMs + 60_000);
  at(rig.once('watchdog-expired', 0), on + SPEC.hbtDelayMs);
  assert.equal(await status(rig), { powered: true, hbt: false });
  assert.is(rig.events('power-off').length + rig.events('power-cycle').length, 0);
  rig.sim.control.setDaemon(0, 0, true); // the daemon gets installed on the running Pi
  await rig.runFor(1000);
  assert.equal(await status(rig), { powered: true, hbt: true });
});

test('HBT_TIME 0 disables the watchdog: no grace expiry and no heartbeat timeout (FIRMWARE.md section 2)', async () => {
  const rig = await Rig.start({ boards: NO_DAEMON });
  await rig.do(rig.client.setHbtTime(0, 0, 0));
  await rig.do(rig.client.setHbtTime(0, 1, 0));
  await rig.do(rig.client.piOn(0, 0));
  await running(rig, 1);
  rig.sim.control.crashPi(0, 1);
  await rig.runFor(10 * 60_000);
  assert.is(rig.events('watchdog-expired').length, 0);
  assert.is(rig.events('power-off').length, 0);
  assert.equal(await status(rig, 0), { powered: true, hbt: false });
});

test('regression: HBT_TIME set to 0 during the grace period stops the pending expiry', async () => {
  // Guards against the grace timer armed at power-on firing after the watchdog was disabled.
  const rig = await Rig.start({ boards: NO_DAEMON });
  await rig.do(rig.client.piOn(0, 0));
  await rig.runFor(10_000);
  await rig.do(rig.client.setHbtTime(0, 0, 0));
  await rig.runFor(5 * 60_000);
  assert.is(rig.events('watchdog-expired').length, 0);
  assert.ok(await rig.do(rig.client.getPiPowered(0, 0)));
});

test('HBT_TIME set non-zero again while booting: the grace period runs from that moment', async () => {
  const rig = await Rig.start({ boards: NO_DAEMON });
  await rig.do(rig.client.setHbtTime(0, 0, 0));
  await rig.do(rig.client.piOn(0, 0));
  await rig.runFor(100_000);
  const sent = rig.now;
  await rig.do(rig.client.setHbtTime(0, 0, 15));
  await rig.runFor(SPEC.hbtDelayMs + 1000);
  at(rig.once('watchdog-expired', 0), sent + 6 * BYTE_MS + SPEC.hbtDelayMs);
});

test('the two ports are independent: a crash and power cycle on Pi 0 leave Pi 1 alone', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.piOn(0, 0));
  await rig.do(rig.client.piOn(0, 1));
  await rig.runFor(SPEC.piBootMs + 1000);
  rig.sim.control.crashPi(0, 0);
  await rig.runFor(60_000);
  assert.is(rig.events('power-cycle', 0).length, 1);
  assert.is(rig.events('power-off', 1).length + rig.events('watchdog-expired', 1).length, 0);
  assert.equal(await status(rig, 1), { powered: true, hbt: true });
});

test.run();
