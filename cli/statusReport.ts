/**
 * Everything `pistack status` reads from one board, converted to units (PROTOCOL.md section 7,
 * with the hardware version the board reports), and its text table. The firmware version is read
 * first, and a command that firmware does not have (a v3 board has no GET_POWER) is never sent:
 * each would log error 0x12 in the board's error log. It is reported as unavailable instead.
 */
import { COMMANDS, type CommandName } from '../bus-protocol/commands.ts';
import { rawPowerToWatts, rawToUnits, type HardwareVersion, type PowerReading, type Reading } from '../bus-protocol/conversions.ts';
import { BoardError } from '../bus-protocol/errors.ts';
import type { StackClient } from '../bus-protocol/StackClient.ts';
import { PI_SETTINGS, SETTINGS, formatSetting, readSetting, type SettingName } from './settings.ts';
import { hexByte } from '../bus-protocol/hex.ts';

/** A converted reading: `value` in `unit`, with the raw count it came from. */
export interface StatusReading {
  readonly raw: number;
  readonly value: number;
  readonly unit: 'V' | 'A' | 'W';
}

/** One Pi's state, readings and settings; null where the firmware does not implement the command. */
export interface PiStatus {
  readonly pi: 0 | 1;
  readonly powered: boolean;
  readonly heartbeat: boolean;
  readonly voltage: StatusReading;
  readonly current: StatusReading;
  readonly power: StatusReading | null;
  readonly settings: Record<SettingName, number | null>;
}

/** The whole report, also the --json shape. */
export interface StatusReport {
  readonly id: number;
  /** The ID the board reports itself (GET_ID). */
  readonly reportedId: number;
  readonly prefix: number;
  readonly hardwareVersion: number;
  readonly firmwareVersion: number;
  readonly errorCount: number;
  readonly bootCount: number | null;
  readonly input: { readonly voltage: StatusReading; readonly current: StatusReading; readonly power: StatusReading | null };
  readonly rail5v: { readonly voltage: StatusReading; readonly power: StatusReading | null };
  readonly pis: readonly [PiStatus, PiStatus];
  /** Commands newer than v3 not read: the firmware does not have them (not sent), or refused them. */
  readonly unavailable: string[];
}

function reading(kind: Reading, raw: number, hw: HardwareVersion): StatusReading {
  return { raw, value: rawToUnits(kind, raw, hw), unit: kind === 'cin' || kind === 'piC' ? 'A' : 'V' };
}

function power(kind: PowerReading, raw: number, hw: HardwareVersion): StatusReading {
  return { raw, value: rawPowerToWatts(kind, raw, hw), unit: 'W' };
}

/** Read every status figure of board `id`, one request at a time. */
export async function readStatus(client: StackClient, id: number): Promise<StatusReport> {
  const unavailable: string[] = [];
  const note = (command: CommandName, why: string) => {
    if (!unavailable.some((u) => u.startsWith(`${command}:`))) unavailable.push(`${command}: ${why}`);
  };
  /** A command newer than v3: not sent when the firmware lacks it; a refusal (e.g. 0x15) is a note, not a failure. */
  const optional = async <T>(command: CommandName, work: () => Promise<T>): Promise<T | null> => {
    if (!(await client.has(id, command))) {
      note(command, `not in firmware v${firmwareVersion} (added in ${COMMANDS[command].since}), not sent`);
      return null;
    }
    try {
      return await work();
    } catch (e) {
      if (e instanceof BoardError && COMMANDS[command].since !== 'v3') {
        note(command, e.message);
        return null;
      }
      throw e;
    }
  };
  const raw = async (command: 'GET_VIN' | 'GET_CIN' | 'GET_5V'): Promise<number> => (await client.request(command, id)).raw;
  const rawPi = async (command: 'GET_PI_V' | 'GET_PI_C' | 'GET_PI_POWER', pi: 0 | 1): Promise<number> => (await client.request(command, id, { pi })).raw;

  const reportedHw = await client.getHwVersion(id);
  const hw: HardwareVersion = reportedHw === 2 ? 2 : 3;
  const firmwareVersion = await client.getSwVersion(id);
  const reportedId = await client.getId(id);
  const prefix = await client.getIdPrefix(id);
  const vin = reading('vin', await raw('GET_VIN'), hw);
  const cin = reading('cin', await raw('GET_CIN'), hw);
  const rail = reading('rail5v', await raw('GET_5V'), hw);
  const inputPower = await optional('GET_POWER', async () => power('input', (await client.request('GET_POWER', id)).raw, hw));
  const railPower = await optional('GET_5V_POWER', async () => power('rail5v', (await client.request('GET_5V_POWER', id)).raw, hw));
  const errorCount = await client.getErrorCount(id);
  const bootCount = await optional('GET_BOOT_COUNT', () => client.getBootCount(id));
  const pis: PiStatus[] = [];
  for (const pi of [0, 1] as const) {
    const powered = await client.getPiPowered(id, pi);
    const heartbeat = await client.getPiHbt(id, pi);
    const voltage = reading('piV', await rawPi('GET_PI_V', pi), hw);
    const current = reading('piC', await rawPi('GET_PI_C', pi), hw);
    const piPower = await optional('GET_PI_POWER', async () => power('pi', await rawPi('GET_PI_POWER', pi), hw));
    const settings = {} as Record<SettingName, number | null>;
    for (const name of PI_SETTINGS) settings[name] = await optional(SETTINGS[name].get, () => readSetting(client, name, id, pi));
    pis.push({ pi, powered, heartbeat, voltage, current, power: piPower, settings });
  }
  return {
    id, reportedId, prefix, hardwareVersion: reportedHw, firmwareVersion, errorCount, bootCount,
    input: { voltage: vin, current: cin, power: inputPower }, rail5v: { voltage: rail, power: railPower },
    pis: [pis[0]!, pis[1]!], unavailable,
  };
}

/** A reading for the table: `12.03 V`, `0.412 A`, `2.10 W`, or `n/a`. */
export function formatReading(r: StatusReading | null): string {
  if (r === null) return 'n/a';
  return `${r.value.toFixed(r.unit === 'A' ? 3 : 2)} ${r.unit}`;
}

/** The report as an aligned text table. */
export function statusLines(s: StatusReport, port: string): string[] {
  const [p0, p1] = s.pis;
  const row = (label: string, a: string, b: string) => `  ${label.padEnd(15)} ${a.padEnd(14)} ${b}`;
  const yesNo = (v: boolean) => (v ? 'yes' : 'no');
  const setting = (name: SettingName, v: number | null) => (v === null ? 'n/a' : formatSetting(name, v));
  return [
    `board ${s.id} (${hexByte(s.id)}) on ${port}`,
    `  ID ${s.reportedId} (${hexByte(s.reportedId)}), prefix ${hexByte(s.prefix)}, DIP ${s.reportedId & 0x0f}; hardware v${s.hardwareVersion}, firmware v${s.firmwareVersion}`,
    `  errors logged ${s.errorCount}, boots ${s.bootCount ?? 'n/a'}`,
    '',
    `  input           ${formatReading(s.input.voltage).padEnd(10)} ${formatReading(s.input.current).padEnd(10)} ${formatReading(s.input.power)}`,
    `  5 V rail        ${formatReading(s.rail5v.voltage).padEnd(10)} ${''.padEnd(10)} ${formatReading(s.rail5v.power)} (both Pis)`,
    '',
    row('', 'Pi 0', 'Pi 1'),
    row('powered', yesNo(p0.powered), yesNo(p1.powered)),
    row('heartbeat', p0.heartbeat ? 'healthy' : 'none', p1.heartbeat ? 'healthy' : 'none'),
    row('voltage', formatReading(p0.voltage), formatReading(p1.voltage)),
    row('current', formatReading(p0.current), formatReading(p1.current)),
    row('power', formatReading(p0.power), formatReading(p1.power)),
    ...PI_SETTINGS.map((name) => row(name, setting(name, p0.settings[name]), setting(name, p1.settings[name]))),
    ...s.unavailable.map((u) => `  not available from this firmware: ${u}`),
  ];
}
