/**
 * "Real board" stand-ins for conformance tests and the bench: for each of nine ASSUMED profile
 * fields, a profile patch a real firmware might differ by, and a session of ordinary host
 * commands (board 0, Pi 0) that shows the difference. recordOnSim() runs a script against the
 * patched profile; the same script against v4-reference must conform.
 */
import { encodeRequest } from '../../../bus-protocol/frame.ts';
import type { SimScript } from './recordOnSim.ts';

/** One stand-in: the field that differs, the patch over v4-reference, and the host commands that show it. */
export interface StandIn {
  readonly field: string;
  readonly patch: Record<string, unknown>;
  readonly script: (s: SimScript) => Promise<void>;
}

/** Poll GET_PI_POWERED of board 0, Pi 0 every `everyMs` for `forMs` (ms). */
async function pollPowered(s: SimScript, everyMs: number, forMs: number): Promise<void> {
  for (let t = 0; t < forMs; t += everyMs) {
    await s.client.getPiPowered(0, 0);
    await s.sleep(everyMs);
  }
}

/** Watchdog: a 2 s grace after power-on that the booting Pi cannot meet, then the power polled for 12 s. */
async function watchdog(s: SimScript): Promise<void> {
  await s.client.getSwVersion(0);
  await s.client.getPiPowered(0, 0);
  await s.client.getHbtTime(0, 0);
  await s.client.setHbtDelay(0, 0, 2);
  await s.client.piOn(0, 0);
  await pollPowered(s, 250, 12_000);
}

/** Graceful off: OFF_DELAY 2, SIG_OFF_DELAY 5, PI_OFF a second after PI_ON, the power polled for 8 s. */
async function gracefulOff(s: SimScript): Promise<void> {
  await s.client.getSwVersion(0);
  await s.client.getPiPowered(0, 0);
  await s.client.setOffDelay(0, 0, 2);
  await s.client.setSigOffDelay(0, 0, 5);
  await s.client.piOn(0, 0);
  await s.sleep(1000);
  await s.client.piOff(0, 0);
  await pollPowered(s, 250, 8000);
}

/** PI_ON a second into a pending board-initiated shutdown (OFF_DELAY 3), the power polled for 6 s. */
async function cancelShutdown(s: SimScript): Promise<void> {
  await s.client.getSwVersion(0);
  await s.client.getHbtDelay(0, 0);
  await s.client.setOffDelay(0, 0, 3);
  await s.client.piOn(0, 0);
  await s.sleep(1000);
  await s.client.piOff(0, 0);
  await s.sleep(1000);
  await s.client.piOn(0, 0);
  await pollPowered(s, 250, 6000);
}

/** Two damaged requests (a bad CRC; a wrong LEN with a bad CRC), then the error log read back. */
async function errorLog(s: SimScript): Promise<void> {
  await s.client.getSwVersion(0);
  await s.client.clearErrorBuffer(0);
  const badCrc = encodeRequest('GET_VIN', 0);
  badCrc[badCrc.length - 1]! ^= 0x5a;
  await s.client.requestRaw(badCrc, 'GET_VIN');
  await s.client.requestRaw(Uint8Array.from([0x0a, 0x00, 0x04, 0x00, 0x00]), 'GET_VIN');
  await s.client.getErrorPointer(0);
  await s.client.getErrorCount(0);
  await s.client.getErrorBuffer(0);
}

/** Ordinary reads of different reply lengths (the reply time is what differs). */
async function reads(s: SimScript): Promise<void> {
  await s.client.getSwVersion(0);
  await s.client.getHwVersion(0);
  await s.client.getVin(0);
  await s.client.getHbtTime(0, 0);
  await s.client.getPower(0);
  await s.client.getErrorBuffer(0);
  await s.client.getBootCount(0);
}

/** The nine stand-ins of the conformance tests (issue 12, "How to test it without a real board"). */
export const STAND_INS: readonly StandIn[] = [
  { field: 'gracefulOffDelay', patch: { gracefulOffDelay: 'sig-off-delay' }, script: gracefulOff },
  { field: 'watchdogAction', patch: { watchdogAction: 'report-only' }, script: watchdog },
  { field: 'cycleOffTimeMs', patch: { cycleOffTimeMs: 2000 }, script: watchdog },
  { field: 'errorLog.pointer', patch: { errorLog: { pointer: 'last-written' } }, script: errorLog },
  { field: 'errorLog.size', patch: { errorLog: { size: 16 } }, script: errorLog },
  { field: 'settingUnitMs.offDelay', patch: { settingUnitMs: { offDelay: 2000 } }, script: gracefulOff },
  { field: 'bus.checkOrder', patch: { bus: { checkOrder: ['address', 'too-short', 'overflow', 'length', 'crc', 'unknown-command', 'pi-number'] } }, script: errorLog },
  { field: 'piOnCancelsShutdown', patch: { piOnCancelsShutdown: false }, script: cancelShutdown },
  { field: 'bus.replyDelayMs', patch: { bus: { replyDelayMs: 30 } }, script: reads },
];

/** A bit of everything (for the property test): reads, the error log, a graceful off; every request may fail (a board that does not answer). */
export async function mixedScript(s: SimScript): Promise<void> {
  const steps: Array<() => Promise<unknown>> = [
    () => s.client.getSwVersion(0), () => s.client.getHbtTime(0, 0), () => s.client.getOffDelay(0, 0), () => s.client.getPiPowered(0, 0),
    () => s.client.requestRaw(Uint8Array.from([0x0a, 0x00, 0x04, 0x00, 0x00]), 'GET_VIN'), () => s.client.getErrorPointer(0),
    () => s.client.getErrorCount(0), () => s.client.getErrorBuffer(0), () => s.client.getVin(0), () => s.client.get5v(0),
    () => s.client.setOffDelay(0, 0, 2), () => s.client.piOn(0, 0), () => s.sleep(1000), () => s.client.piOff(0, 0),
  ];
  for (const step of steps) await step().catch(() => undefined);
  for (let t = 0; t < 4000; t += 500) {
    await s.client.getPiPowered(0, 0).catch(() => undefined);
    await s.sleep(500);
  }
}
