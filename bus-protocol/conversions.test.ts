/** Raw ADC readings to units and back, PROTOCOL.md section 7. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  ADC_FULL_SCALE, ADC_REF_V, fullScale, rawPowerProduct, rawPowerToWatts, rawToUnits, scaleFor, unitOf, unitsToRaw, type Reading,
} from './conversions.ts';

const FC = { seed: Number(process.env.FC_SEED ?? 42) };
const READINGS: readonly Reading[] = ['vin', 'cin', 'rail5v', 'piV', 'piC'];

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} not within ${tolerance} of ${expected}`);
}

test('ADC constants: 3.3 V reference, 16-bit counts', () => {
  assert.is(ADC_REF_V, 3.3);
  assert.is(ADC_FULL_SCALE, 65535);
});

test('full-scale values: 30.8 V vin, 4.23 A cin, 2.0 A piC, 6.09 V rail', () => {
  near(fullScale('vin'), 30.8, 1e-9, 'vin');
  near(fullScale('cin'), 4.23, 0.005, 'cin');
  near(fullScale('cin'), 3.3 / 20 / 0.039, 1e-12, 'cin exact');
  near(fullScale('piC'), 2.0, 1e-12, 'piC');
  near(fullScale('rail5v'), 3.3 * 7.2 / 3.9, 1e-12, 'rail5v');
});

test('zero counts are zero units', () => {
  for (const r of READINGS) assert.is(rawToUnits(r, 0), 0, r);
});

test('units: amps for currents, volts for the rest', () => {
  assert.equal(READINGS.map(unitOf), ['V', 'A', 'V', 'V', 'A']);
});

test('Pi voltage: hardware v2 divider 5/3, v3 the 5 V rail divider 7.2/3.9', () => {
  near(scaleFor('piV', 2), 5 / 3, 1e-15, 'v2 scale');
  near(scaleFor('piV', 3), 7.2 / 3.9, 1e-15, 'v3 scale');
  near(fullScale('piV', 2), 5.5, 1e-12, 'v2 full scale');
  near(rawToUnits('piV', 32768, 3), rawToUnits('rail5v', 32768), 1e-12, 'v3 equals the rail');
  assert.ok(rawToUnits('piV', 40000, 2) < rawToUnits('piV', 40000, 3));
  assert.is(unitsToRaw('piV', 5.0, 2), Math.round(5.0 / (5 / 3) / (3.3 / 65535)));
  assert.is.not(unitsToRaw('piV', 5.0, 2), unitsToRaw('piV', 5.0, 3));
  assert.is(rawToUnits('vin', 1000, 2), rawToUnits('vin', 1000, 3), 'only piV depends on the hardware version');
});

test('a typical 12 V input and 5.1 V rail give plausible counts', () => {
  assert.is(unitsToRaw('vin', 12), Math.round(12 / (112 / 12) / (3.3 / 65535)));
  near(rawToUnits('vin', unitsToRaw('vin', 12)), 12, fullScale('vin') / 65535, 'vin');
  near(rawToUnits('rail5v', unitsToRaw('rail5v', 5.1)), 5.1, fullScale('rail5v') / 65535, 'rail');
});

test('unitsToRaw clamps to 0..65535', () => {
  for (const r of READINGS) {
    assert.is(unitsToRaw(r, -1), 0, r);
    assert.is(unitsToRaw(r, 1e6), 65535, r);
  }
});

test('raw -> units -> raw is exact for every count of every reading (property)', () => {
  fc.assert(
    fc.property(fc.constantFrom(...READINGS), fc.integer({ min: 0, max: 65535 }), fc.constantFrom(2 as const, 3 as const), (r, raw, hw) => {
      return unitsToRaw(r, rawToUnits(r, raw, hw), hw) === raw;
    }),
    { ...FC, numRuns: 2000 },
  );
});

test('units -> raw -> units is within one count (property)', () => {
  fc.assert(
    fc.property(fc.constantFrom(...READINGS), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(2 as const, 3 as const), (r, frac, hw) => {
      const value = frac * fullScale(r, hw);
      const back = rawToUnits(r, unitsToRaw(r, value, hw), hw);
      return Math.abs(back - value) <= fullScale(r, hw) / 65535;
    }),
    { ...FC, numRuns: 2000 },
  );
});

test('power: GET_POWER formula of section 7, full scale = 30.8 V x 4.23 A', () => {
  const raw = 0x12345678;
  near(rawPowerToWatts('input', raw), (raw * 3.3 ** 2) / 65535 ** 2 * (112 / 12) / 0.039 / 20, 1e-9, 'formula');
  near(rawPowerToWatts('input', 65535 * 65535), fullScale('vin') * fullScale('cin'), 1e-9, 'full scale');
});

test('power: GET_5V_POWER formula of section 7', () => {
  const raw = 123456789;
  near(rawPowerToWatts('rail5v', raw), ((raw * 3.3 ** 2) / 65535 ** 2) * (7.2 / 3.9) * 100 / (0.05 * 3300), 1e-9, 'formula');
  near(rawPowerToWatts('rail5v', rawPowerProduct(unitsToRaw('rail5v', 5), unitsToRaw('piC', 1))), 5, 0.001, '5 V x 1 A');
});

test('power: GET_PI_POWER converts like GET_5V_POWER on v3, with the Pi divider on v2', () => {
  assert.is(rawPowerToWatts('pi', 1e9, 3), rawPowerToWatts('rail5v', 1e9));
  near(rawPowerToWatts('pi', 1e9, 2) / rawPowerToWatts('pi', 1e9, 3), (5 / 3) / (7.2 / 3.9), 1e-12, 'ratio');
});

test('power products saturate at 0xFFFFFFFF (GET_5V_POWER with both Pis drawing full scale)', () => {
  assert.is(rawPowerProduct(65535, 65535), 65535 * 65535, 'one pair fits a u32');
  assert.is(rawPowerProduct(65535, 65535 + 65535), 0xffffffff);
  assert.is(rawPowerProduct(0x10000, 0x10000), 0xffffffff);
  assert.is(rawPowerProduct(0, 131070), 0);
  assert.is(rawPowerProduct(1000, 2000), 2_000_000);
});

test.run();
