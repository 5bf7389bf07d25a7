/**
 * Manufacturing defects a simulated board can be built with (a stack file's `boards[i].defects`),
 * so that a bench acceptance test (`pistack bench`) has something real to catch. Each defect is
 * a hardware fault: the firmware is unchanged and reports what it believes (a stuck load switch
 * still reads GET_PI_POWERED as commanded; only the port voltage and current give it away).
 */
import { z } from 'zod';
import type { Reading } from '../bus-protocol/conversions.ts';
import { intIn, nonNegative, positive, realIn } from './fields.ts';
import type { Random } from './random.ts';
import type { RegulatorParams } from './regulatorMachine.ts';

const piField = z.literal([0, 1]);
const readingField = z.enum(['vin', 'cin', 'rail5v', 'piV', 'piC']);

/** Zod schema of one defect; `kind` says which. */
export const defectSchema = z.discriminatedUnion('kind', [
  /** A port's load switch is stuck on (the port is live whatever the firmware does) or off (never live). */
  z.strictObject({ kind: z.literal('switch-stuck'), pi: piField, state: z.enum(['on', 'off']) }),
  /** Wrong sense resistor or divider: a reading is off by `factor` (2 = reads double). `pi` for piV/piC (default 0). */
  z.strictObject({ kind: z.literal('wrong-scale'), reading: readingField, pi: piField.optional(), factor: realIn(0, 100) }),
  /** A dead sensor: the reading is always about 0 (a scale factor of 0). `pi` for piV/piC (default 0). */
  z.strictObject({ kind: z.literal('dead-sensor'), reading: readingField, pi: piField.optional() }),
  /** One DIP switch bit (0..3) reads `value` whatever its label setting: the board answers at another ID. */
  z.strictObject({ kind: z.literal('dip-stuck'), bit: intIn(0, 3), value: z.literal([0, 1]) }),
  /** A weak 5 V regulator: higher output resistance (ohm) and/or a lower current limit (A) than the profile's. */
  z
    .strictObject({ kind: z.literal('weak-regulator'), outputResistanceOhm: nonNegative.optional(), currentLimitA: positive.optional() })
    .refine((d) => d.outputResistanceOhm !== undefined || d.currentLimitA !== undefined, { message: 'give outputResistanceOhm and/or currentLimitA' }),
  /** Missing bus termination: each byte this board transmits has one bit flipped with probability `noise` (0..1). */
  z.strictObject({ kind: z.literal('no-termination'), noise: realIn(0, 1) }),
]);

/** One manufacturing defect of a simulated board. */
export type Defect = z.output<typeof defectSchema>;

/** The defect kinds, for help texts and docs. */
export const DEFECT_KINDS = ['switch-stuck', 'wrong-scale', 'dead-sensor', 'dip-stuck', 'weak-regulator', 'no-termination'] as const;

/** A board's defects, ready to apply (Board.ts). */
export interface BoardDefects {
  /** ADC channel factors for Adc.setDefect. */
  readonly adc: ReadonlyArray<{ reading: Reading; pi: 0 | 1; factor: number }>;
  /** The regulator parameters with any weak-regulator defect applied. */
  regulator(params: RegulatorParams): RegulatorParams;
  /** The DIP value the MCU reads for a label setting (stuck bits applied). */
  dip(label: number): number;
  /** The load switch state for a commanded one (stuck switches applied). */
  switchState(pi: 0 | 1, commanded: boolean): boolean;
  /** The bytes that reach the bus when the board transmits `bytes` (noise of a missing termination). */
  transmitted(bytes: Uint8Array): Uint8Array;
}

/** Fold a board's defect list into the hooks Board applies; `random` seeds the termination noise. */
export function boardDefects(defects: readonly Defect[] | undefined, random: Random): BoardDefects {
  const list = defects ?? [];
  const adc: Array<{ reading: Reading; pi: 0 | 1; factor: number }> = [];
  const stuck: [boolean | undefined, boolean | undefined] = [undefined, undefined];
  let dipMask = 0;
  let dipBits = 0;
  let weak: { outputResistanceOhm?: number | undefined; currentLimitA?: number | undefined } = {};
  let noise = 0;
  for (const d of list) {
    if (d.kind === 'wrong-scale') adc.push({ reading: d.reading, pi: d.pi ?? 0, factor: d.factor });
    else if (d.kind === 'dead-sensor') adc.push({ reading: d.reading, pi: d.pi ?? 0, factor: 0 });
    else if (d.kind === 'switch-stuck') stuck[d.pi] = d.state === 'on';
    else if (d.kind === 'dip-stuck') {
      dipMask |= 1 << d.bit;
      dipBits = (dipBits & ~(1 << d.bit)) | (d.value << d.bit);
    } else if (d.kind === 'weak-regulator') weak = { ...weak, ...d };
    else noise = d.noise;
  }
  const flips = random.fork('defect: missing termination');
  return {
    adc,
    regulator: (params) => ({
      ...params,
      ...(weak.outputResistanceOhm === undefined ? {} : { outputResistanceOhm: weak.outputResistanceOhm }),
      ...(weak.currentLimitA === undefined ? {} : { currentLimitA: weak.currentLimitA }),
    }),
    dip: (label) => (label & ~dipMask) | dipBits,
    switchState: (pi, commanded) => stuck[pi] ?? commanded,
    transmitted: (bytes) => {
      if (noise <= 0) return bytes;
      const out = bytes.slice();
      for (let i = 0; i < out.length; i++) if (flips.chance(noise)) out[i] = out[i]! ^ (1 << flips.int(0, 7));
      return out;
    },
  };
}
