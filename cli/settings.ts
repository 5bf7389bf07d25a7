/**
 * The board settings the CLI reads and writes (`pistack get/set`, `pistack status`), as data:
 * which GET/SET commands carry each one, whether it is per Pi, its unit and its range
 * (PROTOCOL.md section 5, FIRMWARE.md section 2).
 */
import type { CommandName } from '../bus-protocol/commands.ts';
import type { StackClient } from '../bus-protocol/StackClient.ts';
import { CliError, parseInteger } from './output.ts';

/** One setting: its commands, the payload field holding it, and how to show it. */
export interface SettingSpec {
  readonly get: CommandName;
  readonly set: CommandName;
  /** Name of the value field in the GET reply and the SET request. */
  readonly field: 'value' | 'enabled' | 'prefix';
  /** True when the setting exists once per Pi (takes --pi). */
  readonly perPi: boolean;
  /** Unit as the user types it. */
  readonly unit: string;
  /** What it does, for help and errors. */
  readonly summary: string;
}

/** Every setting, keyed by its CLI name. */
export const SETTINGS = {
  HBT_TIME: { get: 'GET_HBT_TIME', set: 'SET_HBT_TIME', field: 'value', perPi: true, unit: 'seconds', summary: 'heartbeat timeout (0 disables the watchdog)' },
  HBT_DELAY: { get: 'GET_HBT_DELAY', set: 'SET_HBT_DELAY', field: 'value', perPi: true, unit: 'seconds', summary: 'heartbeat grace period after power-on' },
  OFF_DELAY: { get: 'GET_OFF_DELAY', set: 'SET_OFF_DELAY', field: 'value', perPi: true, unit: 'seconds', summary: 'delay from a graceful PI_OFF to power removal' },
  SIG_OFF_DELAY: { get: 'GET_SIG_OFF_DELAY', set: 'SET_SIG_OFF_DELAY', field: 'value', perPi: true, unit: 'seconds', summary: 'delay from a Pi-initiated shutdown to power removal' },
  SIG_WIDTH: { get: 'GET_SIG_WIDTH', set: 'SET_SIG_WIDTH', field: 'value', perPi: true, unit: 'x100 ms', summary: 'shutdown pulse width' },
  PI_ON_STARTUP: { get: 'GET_PI_ON_STARTUP', set: 'SET_PI_ON_STARTUP', field: 'enabled', perPi: true, unit: '0/1', summary: 'power the Pi on when the board boots' },
  ID_PREFIX: { get: 'GET_ID_PREFIX', set: 'SET_ID_PREFIX', field: 'prefix', perPi: false, unit: 'high nibble of the ID, e.g. 0x10', summary: 'ID prefix (the board ID is prefix | DIP)' },
} as const satisfies Record<string, SettingSpec>;

/** A setting's CLI name. */
export type SettingName = keyof typeof SETTINGS;

/** Setting names in table order. */
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];

/** The per-Pi settings, in table order (what `status` shows per Pi). */
export const PI_SETTINGS = SETTING_NAMES.filter((n) => SETTINGS[n].perPi);

/** The help text block listing every setting with its meaning and unit (get and set). */
export function settingsHelp(): string {
  return `Settings:\n${SETTING_NAMES.map((n) => `  ${n.padEnd(14)} ${SETTINGS[n].summary} (${SETTINGS[n].unit})`).join('\n')}`;
}

/** Resolve a typed setting name: any case, '-' or '_', an optional GET_/SET_ prefix. */
export function parseSettingName(text: string): SettingName {
  const wanted = text.trim().toUpperCase().replace(/-/g, '_').replace(/^(GET|SET)_/, '');
  const found = SETTING_NAMES.find((n) => n === wanted);
  if (found === undefined) throw new CliError(`"SETTING": unknown setting "${text}"; one of ${SETTING_NAMES.join(', ')}`);
  return found;
}

/** Parse a value for `set`, naming "VALUE" and the unit on error. */
export function parseSettingValue(name: SettingName, text: string): number {
  if (name === 'PI_ON_STARTUP') {
    const t = text.trim().toLowerCase();
    if (t === 'on' || t === 'true') return 1;
    if (t === 'off' || t === 'false') return 0;
    return parseInteger(text, 'VALUE', { min: 0, max: 1, hint: 'PI_ON_STARTUP is 0/1 (or off/on)' });
  }
  if (name === 'ID_PREFIX') {
    const value = parseInteger(text, 'VALUE', { min: 0, max: 0xf0, hint: 'the prefix is the high nibble of the ID, 0x00..0xF0' });
    if ((value & 0x0f) !== 0) throw new CliError(`"VALUE": the prefix is the high nibble of the ID: a multiple of 0x10 such as 0x10 or 0x20, got ${text}`);
    return value;
  }
  return parseInteger(text, 'VALUE', { min: 0, max: 255, hint: `${name} is in ${SETTINGS[name].unit}, one byte` });
}

/** A value with its unit for people: `30 s`, `2 (200 ms)`, `1 (on)`, `0x10`. */
export function formatSetting(name: SettingName, value: number): string {
  switch (name) {
    case 'SIG_WIDTH':
      return `${value} (${value * 100} ms)`;
    case 'PI_ON_STARTUP':
      return `${value} (${value ? 'on' : 'off'})`;
    case 'ID_PREFIX':
      return `0x${value.toString(16).toUpperCase().padStart(2, '0')}`;
    default:
      return `${value} s`;
  }
}

/** Read one setting (pi ignored for board-wide settings). */
export async function readSetting(client: StackClient, name: SettingName, id: number, pi: 0 | 1): Promise<number> {
  const spec: SettingSpec = SETTINGS[name];
  const args = spec.perPi ? { pi } : {};
  const payload = (await client.request(spec.get, id, args as never)) as Record<string, number>;
  return payload[spec.field]!;
}

/** Write one setting (pi ignored for board-wide settings). */
export async function writeSetting(client: StackClient, name: SettingName, id: number, pi: 0 | 1, value: number): Promise<void> {
  const spec: SettingSpec = SETTINGS[name];
  const args = spec.perPi ? { pi, [spec.field]: value } : { [spec.field]: value };
  await client.request(spec.set, id, args as never);
}
