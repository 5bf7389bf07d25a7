/** Raw ADC readings to physical units and back, PROTOCOL.md section 7. */

/** ADC reference voltage (V) and full-scale count of the 16-bit readings. */
export const ADC_REF_V = 3.3;
export const ADC_FULL_SCALE = 65535;

/** Board hardware revisions whose Pi-voltage divider differs. */
export type HardwareVersion = 2 | 3;

/** Which analog reading a raw value is (each has its own scale). */
export type Reading = 'vin' | 'cin' | 'rail5v' | 'piV' | 'piC';

/** Volts at the ADC pin for one raw count. */
const PIN_V_PER_COUNT = ADC_REF_V / ADC_FULL_SCALE;

/** Physical units per volt at the ADC pin, per reading (and hardware version for piV). */
export function scaleFor(reading: Reading, hw: HardwareVersion = 3): number {
  switch (reading) {
    case 'vin':
      return 112 / 12; // divider 100 k over 12 k
    case 'cin':
      return 1 / 20 / 0.039; // 0.039 ohm sense, gain 20
    case 'rail5v':
      return 7.2 / 3.9; // divider 3.3 k over 3.9 k
    case 'piV':
      return hw === 2 ? 5 / 3 : 7.2 / 3.9; // v2: 2 k over 3 k; v3: as the 5 V rail
    case 'piC':
      return 100 / (0.05 * 3300); // ZXCT1009 scale 100, 0.05 ohm, 3.3 k
  }
}

/** Unit of a reading's physical value. */
export function unitOf(reading: Reading): 'V' | 'A' {
  return reading === 'cin' || reading === 'piC' ? 'A' : 'V';
}

/** Raw ADC count (0..65535) to volts or amps. */
export function rawToUnits(reading: Reading, raw: number, hw: HardwareVersion = 3): number {
  return raw * PIN_V_PER_COUNT * scaleFor(reading, hw);
}

/** Volts or amps to the raw count the board would report: quantised and clamped to 0..65535. */
export function unitsToRaw(reading: Reading, value: number, hw: HardwareVersion = 3): number {
  const raw = Math.round(value / scaleFor(reading, hw) / PIN_V_PER_COUNT);
  return Math.min(ADC_FULL_SCALE, Math.max(0, raw));
}

/** Full-scale value of a reading in its unit (e.g. 30.8 V for vin). */
export function fullScale(reading: Reading, hw: HardwareVersion = 3): number {
  return rawToUnits(reading, ADC_FULL_SCALE, hw);
}

/** Which u32 power reading: GET_POWER (input side), GET_5V_POWER, GET_PI_POWER. */
export type PowerReading = 'input' | 'rail5v' | 'pi';

/**
 * Raw u32 power (product of two raw readings) to watts. GET_PI_POWER is converted like
 * GET_5V_POWER (ASSUMED in PROTOCOL.md); on hardware v2 the Pi voltage scale is used.
 */
export function rawPowerToWatts(kind: PowerReading, raw: number, hw: HardwareVersion = 3): number {
  const pin2 = PIN_V_PER_COUNT * PIN_V_PER_COUNT;
  if (kind === 'input') return raw * pin2 * scaleFor('vin') * scaleFor('cin');
  const vScale = kind === 'pi' ? scaleFor('piV', hw) : scaleFor('rail5v');
  return raw * pin2 * vScale * scaleFor('piC');
}

/** Product of two raw readings as the firmware forms it: a u32 saturating at 0xFFFFFFFF. */
export function rawPowerProduct(rawA: number, rawB: number): number {
  return Math.min(0xffffffff, rawA * rawB);
}
