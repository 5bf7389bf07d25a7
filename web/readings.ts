/**
 * Readings in units (PROTOCOL.md section 7): a reply's raw ADC value or power product as
 * volts, amps or watts for the board's hardware version, e.g. GET_VIN raw=25600 → "12.031 V".
 * Browser-safe, pure.
 */
import type { CommandName } from '../bus-protocol/commands.ts';
import { rawPowerToWatts, rawToUnits, unitOf, type HardwareVersion, type PowerReading, type Reading } from '../bus-protocol/conversions.ts';

const ADC: Partial<Record<CommandName, Reading>> = { GET_VIN: 'vin', GET_CIN: 'cin', GET_5V: 'rail5v', GET_PI_V: 'piV', GET_PI_C: 'piC' };
const POWER: Partial<Record<CommandName, PowerReading>> = { GET_POWER: 'input', GET_5V_POWER: 'rail5v', GET_PI_POWER: 'pi' };

/** A reply payload's reading in units with 3 decimals ("12.031 V"), or undefined when the command reads no ADC value. */
export function readingInUnits(command: CommandName | undefined, payload: Readonly<Record<string, unknown>>, hw: HardwareVersion): string | undefined {
  const raw = payload['raw'];
  if (command === undefined || typeof raw !== 'number') return undefined;
  const adc = ADC[command];
  if (adc) return `${rawToUnits(adc, raw, hw).toFixed(3)} ${unitOf(adc)}`;
  const power = POWER[command];
  if (power) return `${rawPowerToWatts(power, raw, hw).toFixed(3)} W`;
  return undefined;
}
