/**
 * The per-Pi settings of the config block (FIRMWARE.md section 2) as the host reads and writes
 * them over the bus, by name, so bench plans and the characteriser can say "HBT_DELAY" and
 * a ledger can put back every value it changed.
 */
import type { PiIndex, StackClient } from '../../bus-protocol/StackClient.ts';

/** Names of the per-Pi settings, as in the GET_/SET_ command names (PROTOCOL.md section 5). */
export const SETTING_NAMES = ['HBT_TIME', 'HBT_DELAY', 'OFF_DELAY', 'SIG_OFF_DELAY', 'SIG_WIDTH', 'PI_ON_STARTUP'] as const;

/** One per-Pi setting. */
export type SettingName = (typeof SETTING_NAMES)[number];

interface Access {
  get(client: StackClient, id: number, pi: PiIndex): Promise<number>;
  set(client: StackClient, id: number, pi: PiIndex, value: number): Promise<void>;
  /** Largest value (PI_ON_STARTUP is 0/1, the others u8). */
  max: number;
  /** Unit of one step as FIRMWARE.md section 2 assumes it. */
  unit: string;
}

/** Getter and setter of each setting; PI_ON_STARTUP reads and writes as 0/1. */
export const SETTING_ACCESS: Readonly<Record<SettingName, Access>> = {
  HBT_TIME: { get: (c, id, pi) => c.getHbtTime(id, pi), set: (c, id, pi, v) => c.setHbtTime(id, pi, v), max: 255, unit: 's' },
  HBT_DELAY: { get: (c, id, pi) => c.getHbtDelay(id, pi), set: (c, id, pi, v) => c.setHbtDelay(id, pi, v), max: 255, unit: 's' },
  OFF_DELAY: { get: (c, id, pi) => c.getOffDelay(id, pi), set: (c, id, pi, v) => c.setOffDelay(id, pi, v), max: 255, unit: 's' },
  SIG_OFF_DELAY: { get: (c, id, pi) => c.getSigOffDelay(id, pi), set: (c, id, pi, v) => c.setSigOffDelay(id, pi, v), max: 255, unit: 's' },
  SIG_WIDTH: { get: (c, id, pi) => c.getSigWidth(id, pi), set: (c, id, pi, v) => c.setSigWidth(id, pi, v), max: 255, unit: '100 ms' },
  PI_ON_STARTUP: {
    get: async (c, id, pi) => ((await c.getPiOnStartup(id, pi)) ? 1 : 0),
    set: (c, id, pi, v) => c.setPiOnStartup(id, pi, v !== 0),
    max: 1,
    unit: 'on/off',
  },
};

/** A value different from `original` to write in a round-trip test: the flipped flag, or a u8 far from it. */
export function probeValue(setting: SettingName, original: number): number {
  if (SETTING_ACCESS[setting].max === 1) return original === 0 ? 1 : 0;
  return original <= 127 ? original + 100 : original - 100;
}
