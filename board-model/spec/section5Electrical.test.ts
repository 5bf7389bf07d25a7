/**
 * FIRMWARE.md section 5, electrical model and readings (with PROTOCOL.md section 7): the rail
 * sags 0.03 ohm x total current from 5.1 V, above 5.0 A it collapses for both Pis (PSU
 * sharing), the input current is rail power / 88 % / Vin + 0.02 A, and readings are those
 * values turned back into raw ADC counts (quantised u16), the power readings products of raw
 * readings, with seeded noise of a few counts and a seeded per-board tolerance of +-1 %.
 * Most tests use a profile with a clean ADC (no noise, no tolerance), so the formulas can be
 * checked to the count; the last ones check the noise and tolerance of the default profile.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLEAN_ADC, Rig, SPEC, near } from './testing/rig.ts';

const PIN = 3.3 / 65535; // volts at the ADC pin per count (PROTOCOL.md section 7)
const SCALE = { vin: 112 / 12, cin: 1 / 20 / 0.039, rail5v: 7.2 / 3.9, piV3: 7.2 / 3.9, piV2: 5 / 3, piC: 100 / (0.05 * 3300) };
const toRaw = (value: number, scale: number): number => Math.min(65535, Math.max(0, Math.round(value / scale / PIN)));

/** Raw readings of board `id` (one request each). */
async function raws(rig: Rig, id = 0) {
  const r = async (p: Promise<{ raw: number }>) => (await rig.do(p)).raw;
  const c = rig.client;
  return {
    vin: await r(c.request('GET_VIN', id)),
    cin: await r(c.request('GET_CIN', id)),
    rail: await r(c.request('GET_5V', id)),
    piV: [await r(c.request('GET_PI_V', id, { pi: 0 })), await r(c.request('GET_PI_V', id, { pi: 1 }))],
    piC: [await r(c.request('GET_PI_C', id, { pi: 0 })), await r(c.request('GET_PI_C', id, { pi: 1 }))],
  };
}

/** What a clean ADC must read for supply V, total-load-relevant per-port currents (A) and switch states. */
function expectedRaws(supply: number, amps: [number, number], on: [boolean, boolean]) {
  const load = amps[0] + amps[1];
  const rail = SPEC.railV - SPEC.railOhm * load;
  const cin = (rail * load) / SPEC.efficiency / supply + SPEC.boardDrawA;
  return {
    vin: toRaw(supply, SCALE.vin),
    cin: toRaw(cin, SCALE.cin),
    rail: toRaw(rail, SCALE.rail5v),
    piV: [toRaw(on[0] ? rail : 0, SCALE.piV3), toRaw(on[1] ? rail : 0, SCALE.piV3)],
    piC: [toRaw(amps[0], SCALE.piC), toRaw(amps[1], SCALE.piC)],
  };
}

test('readings to the count: rail 5.1 V - 0.03 ohm x load, input current through 88 % plus 0.02 A, at each load', async () => {
  const rig = await Rig.start({ profile: CLEAN_ADC });
  assert.equal(await raws(rig), expectedRaws(12, [0, 0], [false, false]), 'no load: 5.1 V, 0.02 A');
  await rig.do(rig.client.piOn(0, 0));
  assert.equal(await raws(rig), expectedRaws(12, [SPEC.piBootA, 0], [true, false]), 'one Pi booting');
  await rig.do(rig.client.piOn(0, 1));
  await rig.runFor(SPEC.piBootMs + 1000);
  assert.equal(await raws(rig), expectedRaws(12, [SPEC.piIdleA, SPEC.piIdleA], [true, true]), 'two Pis idle');
  rig.sim.control.setPiLoad(0, 0, 1);
  rig.sim.control.setPiLoad(0, 1, 1);
  assert.equal(await raws(rig), expectedRaws(12, [SPEC.piLoadA, SPEC.piLoadA], [true, true]), 'two Pis at full load (1.9 A)');
  rig.sim.control.setSupplyVolts(24);
  assert.equal(await raws(rig), expectedRaws(24, [SPEC.piLoadA, SPEC.piLoadA], [true, true]), 'same load from 24 V: half the input current');
});

test('readings convert back (PROTOCOL.md section 7) to the electrical values within one count', async () => {
  const rig = await Rig.start({ profile: CLEAN_ADC });
  await rig.do(rig.client.piOn(0, 1));
  const rail = SPEC.railV - SPEC.railOhm * SPEC.piBootA;
  near(await rig.do(rig.client.getVin(0)), 12, SCALE.vin * PIN, 'Vin (V)');
  near(await rig.do(rig.client.get5v(0)), rail, SCALE.rail5v * PIN, 'rail (V)');
  near(await rig.do(rig.client.getPiV(0, 1)), rail, SCALE.piV3 * PIN, 'Pi 1 V');
  near(await rig.do(rig.client.getPiC(0, 1)), SPEC.piBootA, SCALE.piC * PIN, 'Pi 1 A');
  near(await rig.do(rig.client.getCin(0)), (rail * SPEC.piBootA) / SPEC.efficiency / 12 + SPEC.boardDrawA, SCALE.cin * PIN, 'Cin (A)');
  near(await rig.do(rig.client.getPiV(0, 0)), 0, 1e-9, 'Pi 0 off: 0 V');
});

test('hardware v2 boards (profile hardwareVersion 2) read the Pi voltage through the 2 k / 3 k divider and say so', async () => {
  const rig = await Rig.start({ profile: { ...CLEAN_ADC, hardwareVersion: 2 } });
  assert.is(await rig.do(rig.client.getHwVersion(0)), 2);
  await rig.do(rig.client.piOn(0, 0));
  const rail = SPEC.railV - SPEC.railOhm * SPEC.piBootA;
  assert.is((await rig.do(rig.client.request('GET_PI_V', 0, { pi: 0 }))).raw, toRaw(rail, SCALE.piV2));
  assert.is((await rig.do(rig.client.request('GET_5V', 0))).raw, toRaw(rail, SCALE.rail5v), 'the 5 V rail divider is the same');
  near(await rig.do(rig.client.getPiV(0, 0)), rail, 1e-3, 'a v2-aware client converts it back');
});

// Needs Board.ts to give the MCU the board's own hardware version (docs/spec-coverage.md, known
// issues): today a stack entry "hardwareVersion": 2 changes the divider but GET_HW_VERSION still says 3.
test('a stack board marked hardwareVersion 2 answers GET_HW_VERSION with 2', async () => {
  const rig = await Rig.start({ boards: [{ dip: 0, hardwareVersion: 2, pis: ['pi3b+', null] }] });
  assert.is(await rig.do(rig.client.getHwVersion(0)), 2);
});

test('power readings are products of raw readings: GET_POWER = Vin x Cin, GET_5V_POWER = 5V x (C0 + C1), GET_PI_POWER = Pi V x Pi C', async () => {
  const rig = await Rig.start({ profile: CLEAN_ADC });
  await rig.do(rig.client.piOn(0, 0));
  await rig.do(rig.client.piOn(0, 1));
  await rig.runFor(SPEC.piBootMs + 1000);
  rig.sim.control.setPiLoad(0, 1, 0.5);
  const r = await raws(rig);
  const power = async (p: Promise<{ raw: number }>) => (await rig.do(p)).raw;
  assert.is(await power(rig.client.request('GET_POWER', 0)), r.vin * r.cin);
  assert.is(await power(rig.client.request('GET_5V_POWER', 0)), r.rail * (r.piC[0]! + r.piC[1]!));
  for (const pi of [0, 1] as const) assert.is(await power(rig.client.request('GET_PI_POWER', 0, { pi })), r.piV[pi]! * r.piC[pi]!);
  const load = SPEC.piIdleA + (SPEC.piIdleA + SPEC.piLoadA) / 2;
  const rail = SPEC.railV - SPEC.railOhm * load;
  near(await rig.do(rig.client.get5vPower(0)), rail * load, 0.01, '5 V power (W)');
  near(await rig.do(rig.client.getPower(0)), (rail * load) / SPEC.efficiency + 12 * SPEC.boardDrawA, 0.01, 'input power (W)');
});

test('GET_5V_POWER saturates at 0xFFFFFFFF; each current reading clamps at full scale (2.0 A)', async () => {
  const heavy = { ...CLEAN_ADC, piModels: { heavy: { ...new Rig().profile.piModels['pi3b+']!, loadCurrentA: 2.4 } } };
  const rig = await Rig.start({ profile: heavy, boards: [{ dip: 0, pis: ['heavy', 'heavy'] }] });
  for (const pi of [0, 1] as const) await rig.do(rig.client.piOn(0, pi));
  await rig.runFor(SPEC.piBootMs + 1000);
  for (const pi of [0, 1] as const) rig.sim.control.setPiLoad(0, pi, 1);
  const r = await raws(rig);
  assert.equal(r.piC, [65535, 65535], '2.4 A is above the 2.0 A full scale');
  assert.ok(r.rail * 2 * 65535 > 0xffffffff);
  assert.is((await rig.do(rig.client.request('GET_5V_POWER', 0))).raw, 0xffffffff);
  assert.is(rig.events('brownout').length, 0, '4.8 A is within the 5.0 A limit');
});

test('above the 5.0 A current limit the rail collapses and both Pis of the board brown out; at 4.9 A it holds', async () => {
  const base = new Rig().profile.piModels['pi3b+']!;
  const profile = { ...CLEAN_ADC, piModels: { 'draw-2.45': { ...base, loadCurrentA: 2.45 }, 'draw-2.55': { ...base, loadCurrentA: 2.55 } } };
  const rig = await Rig.start({ profile, boards: [{ dip: 0, pis: ['draw-2.45', 'draw-2.45'] }, { dip: 1, pis: ['draw-2.55', 'draw-2.55'] }] });
  for (const id of [0, 1]) for (const pi of [0, 1] as const) await rig.do(rig.client.piOn(id, pi));
  await rig.runFor(SPEC.piBootMs + 1000);
  const loadAt = rig.now;
  for (const board of [0, 1]) for (const pi of [0, 1] as const) rig.sim.control.setPiLoad(board, pi, 1);
  await rig.runFor(10);
  assert.equal(rig.events('brownout').map((e) => [e.id, e.t]), [[1, loadAt]], 'board 1 only (5.1 A), at once');
  assert.equal(rig.events('unsafe-power-loss').map((e) => [e.id, e.pi]), [[1, 0], [1, 1]], 'both Pis of board 1');
  assert.is((await rig.do(rig.client.request('GET_5V', 0))).raw, toRaw(SPEC.railV - SPEC.railOhm * 4.9, SCALE.rail5v), 'board 0 sags to 4.953 V');
  assert.is((await rig.do(rig.client.request('GET_5V', 1))).raw, 0, 'board 1 rail down');
});

test('PSU sharing: a short circuit on one Pi collapses the rail, its healthy neighbour loses power too; clearing it lets both back', async () => {
  const rig = await Rig.start({ profile: CLEAN_ADC });
  // HBT_TIME 60 s: the watchdog, which cannot see the rail, must not cycle the rebooting Pis too.
  for (const pi of [0, 1] as const) await rig.do(rig.client.setHbtTime(0, pi, 60));
  await rig.do(rig.client.piOn(0, 0));
  await rig.do(rig.client.piOn(0, 1));
  await rig.runFor(SPEC.piBootMs + 1000);
  rig.sim.control.shortCircuit(0, 1);
  const shortAt = rig.now;
  await rig.runFor(2500);
  assert.ok(rig.times('brownout').every((t) => t >= shortAt) && rig.times('brownout')[0] === shortAt);
  assert.is(rig.times('unsafe-power-loss', 0)[0], shortAt, 'the healthy Pi 0 went down with it (and again at each hiccup retry)');
  const r = await raws(rig);
  assert.equal([r.rail, r.piV[0], r.piV[1]], [0, 0, 0], 'no rail, no port voltage');
  assert.ok((await rig.do(rig.client.getPiPowered(0, 0))) && (await rig.do(rig.client.getPiPowered(0, 1))), 'the switches are still on');
  rig.sim.control.clearFaults(0, 1);
  const clearAt = rig.now;
  await rig.runFor(SPEC.piBootMs + 2000);
  assert.ok(rig.events('pi-booted', 0, clearAt).length === 1 && rig.events('pi-booted', 1, clearAt).length === 1, 'both boot again');
  assert.is((await rig.do(rig.client.request('GET_5V', 0))).raw, toRaw(SPEC.railV - SPEC.railOhm * 2 * SPEC.piIdleA, SCALE.rail5v));
});

test('default profile: each reading is within +-1 % plus a few counts of the electrical value; noise varies from read to read', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.piOn(0, 0));
  await rig.runFor(SPEC.piBootMs + 1000);
  const rail = SPEC.railV - SPEC.railOhm * SPEC.piIdleA;
  const within = (value: number, truth: number, scale: number, what: string) => near(value, truth, truth * SPEC.tolerance + 3.5 * scale * PIN, what);
  const rails: number[] = [];
  for (let i = 0; i < 20; i++) {
    within(await rig.do(rig.client.getVin(0)), 12, SCALE.vin, 'Vin');
    within(await rig.do(rig.client.getCin(0)), (rail * SPEC.piIdleA) / SPEC.efficiency / 12 + SPEC.boardDrawA, SCALE.cin, 'Cin');
    within(await rig.do(rig.client.getPiC(0, 0)), SPEC.piIdleA, SCALE.piC, 'Pi C');
    within(await rig.do(rig.client.getPiV(0, 0)), rail, SCALE.piV3, 'Pi V');
    rails.push((await rig.do(rig.client.request('GET_5V', 0))).raw);
  }
  const spread = Math.max(...rails) - Math.min(...rails);
  assert.ok(spread >= 2 && spread <= 6, `noise of a few counts: spread ${spread}`);
});

test('default profile: the tolerance is seeded per board (two boards in one state read differently), and the same seed reads the same', async () => {
  const twoBoards = [{ dip: 0, pis: [null, null] }, { dip: 1, pis: [null, null] }];
  const gains = async (seed: number): Promise<number[]> => {
    const rig = await Rig.start({ boards: twoBoards, seed });
    const out = [];
    for (const id of [0, 1]) {
      let sum = 0;
      for (let i = 0; i < 8; i++) sum += (await rig.do(rig.client.request('GET_VIN', id))).raw;
      out.push(sum / 8 / toRaw(12, SCALE.vin)); // average out the noise: what is left is the gain
    }
    return out;
  };
  const a = await gains(1);
  for (const g of a) near(g, 1, SPEC.tolerance + 1e-4, 'gain');
  assert.ok(Math.abs(a[0]! - a[1]!) > 1e-4, `two boards, two gains: ${a.join(', ')}`);
  assert.equal(await gains(1), a, 'same seed, same readings');
  assert.not.equal(await gains(5), a, 'another seed, other boards');
});

test.run();
