/**
 * The board's ADC (FIRMWARE.md section 5): electrical values back to raw counts through the
 * PROTOCOL.md section 7 conversions, with a seeded per-board gain error (tolerance) per
 * channel and seeded noise of a few counts per reading.
 */
import { unitsToRaw, ADC_FULL_SCALE, type HardwareVersion, type Reading } from '../bus-protocol/conversions.ts';
import type { Random } from './random.ts';

/** ADC settings from the firmware profile. */
export interface AdcParams {
  /** Noise, uniform in +-noiseCounts (counts). */
  noiseCounts: number;
  /** Gain error per channel, uniform in +-tolerance (fraction). */
  tolerance: number;
  hardwareVersion: HardwareVersion;
}

/** Channel key: a reading and, for Pi readings, the port. */
type Channel = 'vin' | 'cin' | 'rail5v' | 'piV0' | 'piV1' | 'piC0' | 'piC1';

const PI_CHANNELS = { piV: ['piV0', 'piV1'], piC: ['piC0', 'piC1'] } as const;

function channel(reading: Reading, pi: 0 | 1 = 0): Channel {
  // A table, not a template string: read for every ADC request the simulator answers.
  return reading === 'piV' || reading === 'piC' ? PI_CHANNELS[reading][pi] : reading;
}

/** One board's ADC. */
export class Adc {
  private readonly gains = new Map<Channel, number>();
  /** Extra per-channel factor from a manufacturing defect (wrong divider, dead sensor = 0). */
  private readonly defects = new Map<Channel, number>();

  constructor(private readonly params: AdcParams, private readonly random: Random) {
    const tolerance = random.fork('tolerance');
    for (const c of ['vin', 'cin', 'rail5v', 'piV0', 'piV1', 'piC0', 'piC1'] as const) {
      this.gains.set(c, 1 + tolerance.range(-params.tolerance, params.tolerance));
    }
  }

  /** Give a channel a defect factor (1 = healthy, 0 = dead sensor, 2 = reads double). */
  setDefect(reading: Reading, factor: number, pi: 0 | 1 = 0): void {
    this.defects.set(channel(reading, pi), factor);
  }

  /** Raw count for a value in volts or amps (quantised, noisy, clamped to 0..65535). */
  read(reading: Reading, value: number, pi: 0 | 1 = 0): number {
    const c = channel(reading, pi);
    const scaled = value * this.gains.get(c)! * (this.defects.get(c) ?? 1);
    const raw = unitsToRaw(reading, scaled, this.params.hardwareVersion);
    const noise = this.params.noiseCounts > 0 ? Math.round(this.random.range(-this.params.noiseCounts, this.params.noiseCounts)) : 0;
    return Math.min(ADC_FULL_SCALE, Math.max(0, raw + noise));
  }
}
