/**
 * The readings `pistack pdu` exports on /metrics, read from one board with read-only commands
 * only (a read never changes the board, its error log included): commands newer than the
 * board's firmware are never sent (the client's firmware check), they are left out instead.
 */
import { rawPowerToWatts, rawToUnits, type HardwareVersion } from '../../bus-protocol/conversions.ts';
import type { StackClient } from '../../bus-protocol/StackClient.ts';

/** One Pi's readings; watts is undefined where the firmware has no GET_PI_POWER. */
export interface PiMetrics {
  readonly pi: 0 | 1;
  readonly powered: boolean;
  readonly heartbeat: boolean;
  /** V */
  readonly volts: number;
  /** A */
  readonly amps: number;
  /** W */
  readonly watts: number | undefined;
}

/** One board's readings (V, A, W); undefined where the firmware lacks the command. */
export interface BoardMetrics {
  readonly id: number;
  readonly input: { readonly volts: number; readonly amps: number; readonly watts: number | undefined };
  /** The 5 V rail: the protocol has no rail current reading, only volts and watts. */
  readonly rail: { readonly volts: number; readonly watts: number | undefined };
  readonly errorCount: number;
  readonly bootCount: number | undefined;
  readonly pis: readonly [PiMetrics, PiMetrics];
}

/** Read every /metrics figure of board `id` (hardware version `hw` converts the Pi voltages), one request at a time. */
export async function readBoardMetrics(client: StackClient, id: number, hw: HardwareVersion): Promise<BoardMetrics> {
  const optional = async <T>(command: 'GET_POWER' | 'GET_5V_POWER' | 'GET_PI_POWER' | 'GET_BOOT_COUNT', read: () => Promise<T>): Promise<T | undefined> =>
    (await client.has(id, command)) ? read() : undefined;
  const vin = rawToUnits('vin', (await client.request('GET_VIN', id)).raw, hw);
  const cin = rawToUnits('cin', (await client.request('GET_CIN', id)).raw, hw);
  const inputWatts = await optional('GET_POWER', async () => rawPowerToWatts('input', (await client.request('GET_POWER', id)).raw, hw));
  const railVolts = rawToUnits('rail5v', (await client.request('GET_5V', id)).raw, hw);
  const railWatts = await optional('GET_5V_POWER', async () => rawPowerToWatts('rail5v', (await client.request('GET_5V_POWER', id)).raw, hw));
  const errorCount = await client.getErrorCount(id);
  const bootCount = await optional('GET_BOOT_COUNT', () => client.getBootCount(id));
  const pis: PiMetrics[] = [];
  for (const pi of [0, 1] as const) {
    const powered = await client.getPiPowered(id, pi);
    const heartbeat = await client.getPiHbt(id, pi);
    const volts = rawToUnits('piV', (await client.request('GET_PI_V', id, { pi })).raw, hw);
    const amps = rawToUnits('piC', (await client.request('GET_PI_C', id, { pi })).raw, hw);
    const watts = await optional('GET_PI_POWER', async () => rawPowerToWatts('pi', (await client.request('GET_PI_POWER', id, { pi })).raw, hw));
    pis.push({ pi, powered, heartbeat, volts, amps, watts });
  }
  return { id, input: { volts: vin, amps: cin, watts: inputWatts }, rail: { volts: railVolts, watts: railWatts }, errorCount, bootCount, pis: [pis[0]!, pis[1]!] };
}
