/**
 * FIRMWARE.md section 1, the parts of one board: the MCU runs from the input supply while it is
 * present; the input (12 V nominal, measurable 0..30.8 V); the 5 V regulator's ASSUMED numbers
 * (5.1 V, UVLO 6.0 V, MCU brown-out 4.0 V; the load figures are in section5Electrical); two
 * independent power ports; the LEDs; the DIP switch as the low nibble of the ID. Black box:
 * bus commands and the supply control; the LED state, which no command reads back, is looked
 * at through the MCU's state as a camera on the real board would see it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NoReplyError } from '../../bus-protocol/errors.ts';
import { encodeRequest } from '../../bus-protocol/frame.ts';
import { CLEAN_ADC, Rig, SPEC, near } from './testing/rig.ts';

/** The LEDs as seen on the board (enable, RGB debug LED). */
function leds(rig: Rig, board = 0): { enabled: boolean; debug: number[] } | undefined {
  const ram = rig.sim.boards[board]!.mcu.getSnapshot().context.ram;
  return ram && { enabled: ram.ledsEnabled, debug: [...ram.debugLed] };
}

test('the MCU runs from the input supply while it is present: no input, no answers; input back, it boots and answers', async () => {
  const rig = await Rig.start();
  assert.is(await rig.do(rig.client.getSwVersion(0)), 4);
  rig.sim.control.setSupplyVolts(0);
  await rig.runFor(1000);
  assert.instance(await rig.fails(rig.client.getSwVersion(0)), NoReplyError);
  rig.sim.control.setSupplyVolts(SPEC.supplyV);
  await rig.runFor(100);
  assert.is(await rig.do(rig.client.getSwVersion(0)), 4);
  assert.is(rig.events('mcu-boot').length, 2);
});

test('input supply: 12 V nominal by default; measurable up to 30.8 V, readings clamp at full scale above it', async () => {
  const rig = await Rig.start({ profile: CLEAN_ADC });
  near(await rig.do(rig.client.getVin(0)), SPEC.supplyV, 5e-4, 'default stack supply');
  for (const volts of [4.5, 24, 30]) {
    rig.sim.control.setSupplyVolts(volts);
    near(await rig.do(rig.client.getVin(0)), volts, 5e-4, `${volts} V`);
  }
  rig.sim.control.setSupplyVolts(35);
  assert.is((await rig.do(rig.client.request('GET_VIN', 0))).raw, 65535);
  near(await rig.do(rig.client.getVin(0)), SPEC.vinFullScaleV, 0.01, 'full scale');
});

test('5 V regulator: 5.1 V with no load; off below the 6.0 V UVLO (the Pis lose power), the MCU keeps running down to 4.0 V', async () => {
  const rig = await Rig.start({ profile: CLEAN_ADC });
  near(await rig.do(rig.client.get5v(0)), SPEC.railV, 1e-4, 'no load');
  await rig.do(rig.client.piOn(0, 0));
  await rig.do(rig.client.piOn(0, 1));
  await rig.runFor(SPEC.piBootMs + 1000);
  rig.sim.control.setSupplyVolts(SPEC.uvloV + 0.05);
  await rig.runFor(1000);
  assert.is(rig.events('unsafe-power-loss').length, 0, '6.05 V: still regulating');
  near(await rig.do(rig.client.get5v(0)), SPEC.railV - SPEC.railOhm * 2 * SPEC.piIdleA, 1e-4);
  const drop = rig.now;
  rig.sim.control.setSupplyVolts(SPEC.uvloV - 0.05);
  await rig.runFor(1000);
  assert.equal(rig.events('uvlo').map((e) => e.t), [drop], '5.95 V: undervoltage lockout');
  assert.equal(rig.events('unsafe-power-loss').map((e) => e.pi), [0, 1], 'both Pis share the regulator');
  near(await rig.do(rig.client.get5v(0)), 0, 1e-9, 'rail down');
  for (const volts of [5, SPEC.mcuBrownoutV + 0.05]) {
    rig.sim.control.setSupplyVolts(volts);
    await rig.runFor(100);
    assert.is(await rig.do(rig.client.getSwVersion(0)), 4, `MCU answers at ${volts} V`);
  }
  assert.is(rig.events('mcu-boot').length, 1, 'no reset above the brown-out threshold');
  rig.sim.control.setSupplyVolts(SPEC.mcuBrownoutV - 0.05);
  await rig.runFor(100);
  assert.instance(await rig.fails(rig.client.getSwVersion(0)), NoReplyError, '3.95 V: MCU browned out');
  rig.sim.control.setSupplyVolts(SPEC.supplyV);
  await rig.runFor(SPEC.piBootMs + 1000);
  assert.is(rig.events('mcu-boot').length, 2, 'reset on recovery');
  near(await rig.do(rig.client.get5v(0)), SPEC.railV, 1e-4, 'regulator back; ports off after the MCU reset');
});

test('UVLO without a brown-out: the regulator comes back with the input and the still-switched-on Pis boot again', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.setHbtTime(0, 0, 0));
  await rig.do(rig.client.piOn(0, 0));
  await rig.runFor(SPEC.piBootMs + 1000);
  rig.sim.control.setSupplyVolts(5);
  await rig.runFor(3000);
  const back = rig.now;
  rig.sim.control.setSupplyVolts(SPEC.supplyV);
  await rig.runFor(SPEC.piBootMs + 1000);
  assert.equal(rig.times('pi-booted', 0, back), [back + SPEC.piBootMs]);
});

test('two power ports, each switched and measured on its own', async () => {
  const rig = await Rig.start({ profile: CLEAN_ADC });
  await rig.do(rig.client.piOn(0, 1));
  const rail = SPEC.railV - SPEC.railOhm * SPEC.piBootA;
  assert.equal([await rig.do(rig.client.getPiPowered(0, 0)), await rig.do(rig.client.getPiPowered(0, 1))], [false, true]);
  near(await rig.do(rig.client.getPiV(0, 0)), 0, 1e-9, 'Pi 0 V');
  near(await rig.do(rig.client.getPiV(0, 1)), rail, 1e-4, 'Pi 1 V');
  near(await rig.do(rig.client.getPiC(0, 0)), 0, 1e-9, 'Pi 0 A');
  near(await rig.do(rig.client.getPiC(0, 1)), SPEC.piBootA, 1e-4, 'Pi 1 A');
});

test('LEDs: enabled and the debug LED off at boot; LEDS_ON, LEDS_OFF and DEBUG_LED answer OK and act; a reset restores the boot state', async () => {
  const rig = await Rig.start();
  assert.equal(leds(rig), { enabled: true, debug: [0, 0, 0] });
  await rig.do(rig.client.ledsOff(0));
  await rig.do(rig.client.debugLed(0, 255, 16, 1));
  assert.equal(leds(rig), { enabled: false, debug: [255, 16, 1] });
  await rig.do(rig.client.ledsOn(0));
  assert.equal(leds(rig), { enabled: true, debug: [255, 16, 1] });
  const outcome = await rig.raw(encodeRequest('LEDS_OFF', 0));
  assert.ok(outcome.kind === 'reply' && outcome.frame.bytes.length === 4, 'resp LEN 3: no payload');
  rig.sim.control.resetMcu(0);
  await rig.runFor(100);
  assert.equal(leds(rig), { enabled: true, debug: [0, 0, 0] });
});

test('DIP switch: the low nibble of the ID; read at boot, so a new setting applies after a reset', async () => {
  const rig = await Rig.start({ boards: [{ dip: 5, pis: [null, null] }, { dip: 9, prefix: 0x30, pis: [null, null] }] });
  assert.is(await rig.do(rig.client.getId(5)), 5);
  assert.is(await rig.do(rig.client.getId(0x39)), 0x39);
  rig.sim.control.setDip(0, 12, true);
  await rig.runFor(100);
  assert.is(await rig.do(rig.client.getId(12)), 12);
  assert.instance(await rig.fails(rig.client.getId(5)), NoReplyError);
});

test('DIP switch read at boot only (PROTOCOL.md section 4): a set-dip without a reset leaves the ID as it was until the next MCU boot (guards against set-dip taking effect at once)', async () => {
  const rig = await Rig.start({ boards: [{ dip: 5, pis: [null, null] }] });
  rig.sim.control.inject('set-dip', { board: 0, value: 12 });
  await rig.runFor(100);
  assert.is(await rig.do(rig.client.getId(5)), 5, 'GET_ID still reports the DIP read at boot');
  assert.instance(await rig.fails(rig.client.getId(12)), NoReplyError);
  assert.is(rig.sim.boards[0]!.id, 5);
  rig.sim.control.inject('mcu-reset', { board: 0 });
  await rig.runFor(100);
  assert.is(await rig.do(rig.client.getId(12)), 12);
  assert.instance(await rig.fails(rig.client.getId(5)), NoReplyError);
});

test('the ID prefix is the high nibble only: SET_ID_PREFIX 0x5A gives prefix 0x50, and the board answers as 0x50 | DIP at once', async () => {
  const rig = await Rig.start({ boards: [{ dip: 5, pis: [null, null] }] });
  await rig.do(rig.client.setIdPrefix(5, 0x5a));
  assert.is(await rig.do(rig.client.getIdPrefix(0x55)), 0x50);
  assert.is(await rig.do(rig.client.getId(0x55)), 0x55);
  assert.instance(await rig.fails(rig.client.getId(5)), NoReplyError);
});

test.run();
