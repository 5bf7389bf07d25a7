/**
 * FIRMWARE.md section 3, boot: blocks loaded and checked, boot count + 1 and 0x0F logged, both
 * ports off then the PI_ON_STARTUP Pis on, then listening; the MCU resets on a brown-out of its
 * input (below 4.0 V) and on an external reset. Black box: bus commands, the control surface
 * (reset, supply) and the event log.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NoReplyError } from '../../bus-protocol/errors.ts';
import { Rig, SPEC, at } from './testing/rig.ts';

async function counts(rig: Rig) {
  return {
    boots: await rig.do(rig.client.getBootCount(0)),
    pointer: await rig.do(rig.client.getErrorPointer(0)),
    log: [...(await rig.do(rig.client.getErrorBuffer(0)))].slice(0, 6),
  };
}

test('first power-up: boot count 1, one 0x0F in the log, both ports off, settings loaded', async () => {
  const rig = await Rig.start();
  assert.is(rig.events('mcu-boot').length, 1);
  assert.equal(await counts(rig), { boots: 1, pointer: 1, log: [0x0f, 0, 0, 0, 0, 0] });
  assert.is(await rig.do(rig.client.getErrorCount(0)), 0);
  for (const pi of [0, 1] as const) assert.not.ok(await rig.do(rig.client.getPiPowered(0, pi)), `Pi ${pi} off`);
  assert.is(rig.events('power-on').length, 0);
});

test('every boot counts once and logs 0x0F once: external reset, brown-out, power cut', async () => {
  const rig = await Rig.start();
  rig.sim.control.resetMcu(0);
  await rig.runFor(100);
  rig.sim.control.setSupplyVolts(3.0);
  await rig.runFor(100);
  rig.sim.control.setSupplyVolts(SPEC.supplyV);
  await rig.runFor(100);
  rig.sim.control.setSupplyVolts(0);
  await rig.runFor(100);
  rig.sim.control.setSupplyVolts(SPEC.supplyV);
  await rig.runFor(100);
  assert.equal(await counts(rig), { boots: 4, pointer: 4, log: [0x0f, 0x0f, 0x0f, 0x0f, 0, 0] });
  assert.equal(rig.events('mcu-boot').map((e) => e.bootCount), [1, 2, 3, 4]);
});

test('step 3: a reset switches both ports off (running Pis lose power unsafely), then powers on only the PI_ON_STARTUP Pis', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.setPiOnStartup(0, 1, true));
  await rig.do(rig.client.piOn(0, 0));
  await rig.do(rig.client.piOn(0, 1));
  await rig.runFor(SPEC.piBootMs + 5000);
  const resetAt = rig.now;
  rig.sim.control.resetMcu(0);
  await rig.runFor(100);
  for (const pi of [0, 1] as const) {
    const off = rig.events('power-off', pi, resetAt);
    assert.equal(off.map((e) => [e.t, e.cause]), [[resetAt, 'mcu-reset']], `Pi ${pi} switched off at the reset`);
    assert.is(rig.events('unsafe-power-loss', pi, resetAt).length, 1, `Pi ${pi} was running`);
  }
  const on = rig.once('power-on', 1, resetAt);
  assert.ok(on >= resetAt && on < resetAt + 100, 'Pi 1 (PI_ON_STARTUP) back on as the boot completes');
  assert.is(rig.events('power-on', 0, resetAt).length, 0, 'Pi 0 stays off');
  assert.ok(await rig.do(rig.client.getPiPowered(0, 1)));
  assert.not.ok(await rig.do(rig.client.getPiPowered(0, 0)));
});

test('a PI_ON_STARTUP Pi is powered on as by PI_ON: it gets the HBT_DELAY grace period', async () => {
  const rig = await Rig.start({ boards: [{ dip: 0, pis: [{ model: 'pi3b+', daemon: false }, null] }] });
  await rig.do(rig.client.setPiOnStartup(0, 0, true));
  rig.sim.control.resetMcu(0);
  await rig.runFor(100);
  const on = rig.once('power-on', 0);
  await rig.runFor(SPEC.hbtDelayMs + 1000);
  at(rig.once('watchdog-expired', 0), on + SPEC.hbtDelayMs, 'no heartbeat within HBT_DELAY of the startup power-on');
});

test('PI_ON_STARTUP applies at power-up from a cold supply too', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.setPiOnStartup(0, 0, true));
  rig.sim.control.setSupplyVolts(0);
  await rig.runFor(1000);
  const upAt = rig.now;
  rig.sim.control.setSupplyVolts(SPEC.supplyV);
  await rig.runFor(100);
  assert.ok(rig.once('power-on', 0, upAt) < upAt + 100);
  assert.is(rig.events('power-on', 1, upAt).length, 0);
});

test('step 4: the board listens only once booted; its first answer already sees the startup Pi powered', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.setPiOnStartup(0, 0, true));
  rig.sim.control.resetMcu(0);
  const early = await rig.fails(rig.client.getSwVersion(0)); // arrives while the MCU boots
  assert.instance(early, NoReplyError);
  assert.ok(await rig.do(rig.client.getPiPowered(0, 0)));
});

test('brown-out: below 4.0 V the MCU stops (silent, ports off) and boots on recovery; 4.0 V to 6.0 V it keeps running', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.piOn(0, 0));
  rig.sim.control.setSupplyVolts(4.2);
  await rig.runFor(500);
  assert.is(await rig.do(rig.client.getSwVersion(0)), 4, 'still answering at 4.2 V');
  assert.ok(await rig.do(rig.client.getPiPowered(0, 0)), 'port switch still on (the regulator is what is down)');
  assert.is(rig.events('mcu-boot').length, 1, 'no reset above the brown-out threshold');
  rig.sim.control.setSupplyVolts(3.8);
  await rig.runFor(500);
  assert.instance(await rig.fails(rig.client.getSwVersion(0)), NoReplyError);
  assert.is(rig.events('power-off', 0).at(-1)?.cause, 'mcu-reset');
  rig.sim.control.setSupplyVolts(SPEC.supplyV);
  await rig.runFor(100);
  assert.is(rig.events('mcu-boot').length, 2);
  assert.is(await rig.do(rig.client.getBootCount(0)), 2);
  assert.not.ok(await rig.do(rig.client.getPiPowered(0, 0)), 'ports off after the brown-out reset');
});

test.run();
