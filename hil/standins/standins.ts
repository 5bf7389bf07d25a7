/**
 * The "real board" stand-ins of fixtures/sessions/ (issue 12): for each of nine ASSUMED profile
 * fields, a profile that differs from v4-reference in that one field and an ordinary host-command
 * sequence chosen so the difference shows in the replies; plus one sequence for v4-reference
 * itself, which must replay without a difference. recordStandins.ts records them against
 * `pistack serve --pty`; standins.test.ts checks them in virtual time.
 */
import type { BusClient } from '../../bus-protocol/BusClient.ts';
import type { Clock } from '../../bus-protocol/clock.ts';
import type { CommandName } from '../../bus-protocol/commands.ts';
import { DisconnectedError } from '../../bus-protocol/errors.ts';
import { buildFrame, encodeRequest } from '../../bus-protocol/frame.ts';
import type { ArgsParam } from '../../bus-protocol/types.ts';
import { CHECK_NAMES } from '../../board-model/busProfileSchema.ts';

/** The board every sequence talks to (DIP 0 of the `single` stack). */
export const STANDIN_BOARD = 0;

/**
 * Reply allowance (ms after the wire time) when recording and replaying the stand-ins: the
 * reply-delay stand-in answers after 300 ms, and a served PTY on a loaded machine is late by
 * up to about 100 ms, so the host's default 40 ms would call both "no reply".
 */
export const STANDIN_REPLY_TIMEOUT_MS = 1000;

/** The replay tolerance file beside the sessions: reply times within 150 ms (the served PTY's lateness under load), the rest as by default. */
export const STANDIN_TOLERANCE_FILE = 'tolerance.json';

/** What a sequence can do: wait until a time, send a request once and keep whatever comes back. */
export interface StandinHost {
  /** Wait until `ms` after the sequence started (on the host's clock; virtual on sim:). */
  at(ms: number): Promise<void>;
  /** Send a command to STANDIN_BOARD once (no retry); an error reply or silence is recorded, not thrown. */
  send<N extends CommandName>(name: N, ...args: ArgsParam<N>): Promise<void>;
  /** Send raw bytes once (a frame with a bad CRC, a bad Pi number). */
  raw(bytes: Uint8Array): Promise<void>;
}

/** A StandinHost over a client; the sequence's time zero is now. */
export function standinHost(client: BusClient, clock: Clock): StandinHost {
  const start = clock.now();
  const sendOnce = async (bytes: Uint8Array, expect?: CommandName): Promise<void> => {
    const outcome = await client.requestRaw(bytes, expect);
    if (outcome.kind === 'failed' && outcome.error instanceof DisconnectedError) throw outcome.error;
  };
  return {
    at: (ms) => new Promise((resolve) => clock.setTimeout(resolve, Math.max(0, start + ms - clock.now()))),
    send: (name, ...args) => sendOnce(encodeRequest(name, STANDIN_BOARD, ...args), name),
    raw: (bytes) => sendOnce(bytes),
  };
}

/** One stand-in: the field, its value, the profile patch over v4-reference, and the sequence that shows it. */
export interface Standin {
  /** File stem: fixtures/sessions/standin-<name>.jsonl and .profile.json. */
  readonly name: string;
  /** The profile field (dotted path), or undefined for the v4-reference session. */
  readonly field: string | undefined;
  /** The stand-in's value, as text. */
  readonly value: string;
  /** Patch over v4-reference (`{}` for the reference itself). */
  readonly patch: Readonly<Record<string, unknown>>;
  /** Start of the label of the first exchange whose reply differs from v4-reference's (`GET_PI_POWERED to 0`); undefined: none may differ. */
  readonly firstDiffers: string | undefined;
  /** What the sequence does, for the README. */
  readonly commands: string;
  readonly sequence: (h: StandinHost) => Promise<void>;
}

const P0 = { pi: 0 } as const;
const P1 = { pi: 1 } as const;

/** A request for a Pi that does not exist (pi 2): error 0x14, logged. */
const BAD_PI = buildFrame(0x10, STANDIN_BOARD, [2]);

/** GET_SW_VERSION with a wrong CRC: 0x11 whatever the check order (tells the order from the CRC error's code). */
const KNOWN_BAD_CRC = Uint8Array.of(0x02, STANDIN_BOARD, 0x03, 0x00);

/** Unknown command 0x40 with a wrong CRC: v4-reference checks the CRC first (0x11). */
const UNKNOWN_BAD_CRC = Uint8Array.of(0x40, STANDIN_BOARD, 0x03, 0x00);

async function polls(h: StandinHost, name: 'GET_PI_POWERED' | 'GET_PI_HBT', times: readonly number[], pi: 0 | 1 = 0): Promise<void> {
  for (const t of times) {
    await h.at(t);
    await h.send(name, { pi });
  }
}

/** HBT_DELAY 1 s, PI_ON: the Pi boots for 25 s, so its grace expires at about 1.1 s; poll power for 4.6 s. */
async function watchdogCycle(h: StandinHost): Promise<void> {
  await h.send('SET_HBT_DELAY', { ...P0, value: 1 });
  await h.at(100);
  await h.send('PI_ON', P0);
  await polls(h, 'GET_PI_POWERED', [600, 1600, 2600, 3600, 4600]);
  await polls(h, 'GET_PI_HBT', [4700]);
}

/**
 * HBT_DELAY 0, PI_ON: the grace expires at once whatever its unit, so a power-cycling firmware
 * cuts the power at once (and again after each off time), a report-only one never; poll power.
 * (With HBT_DELAY 1, a longer HBT_DELAY unit or a very short off time would explain the same polls.)
 */
async function watchdogExpiry(h: StandinHost): Promise<void> {
  await h.send('SET_HBT_DELAY', { ...P0, value: 0 });
  await h.at(100);
  await h.send('PI_ON', P0);
  await polls(h, 'GET_PI_POWERED', [600, 1600, 2600, 3600]);
  await polls(h, 'GET_PI_HBT', [3700]);
}

/** OFF_DELAY 1 s, SIG_OFF_DELAY 3 s, PI_ON, PI_OFF, poll; then SIG_OFF_DELAY 2 s and again (tells the delay from its unit). */
async function gracefulOff(h: StandinHost): Promise<void> {
  await h.send('SET_OFF_DELAY', { ...P0, value: 1 });
  await h.at(100);
  await h.send('SET_SIG_OFF_DELAY', { ...P0, value: 3 });
  await h.at(200);
  await h.send('PI_ON', P0);
  await h.at(400);
  await h.send('PI_OFF', P0);
  await polls(h, 'GET_PI_POWERED', [900, 1900, 2900, 3900]);
  await h.at(4000);
  await h.send('SET_SIG_OFF_DELAY', { ...P0, value: 2 });
  await h.at(4100);
  await h.send('PI_ON', P0);
  await h.at(4300);
  await h.send('PI_OFF', P0);
  await polls(h, 'GET_PI_POWERED', [5800, 6800]);
}

/** OFF_DELAY 2 s, PI_ON, PI_OFF, poll power every second. */
async function offDelayUnit(h: StandinHost): Promise<void> {
  await h.send('SET_OFF_DELAY', { ...P0, value: 2 });
  await h.at(100);
  await h.send('GET_OFF_DELAY', P0);
  await h.at(200);
  await h.send('PI_ON', P0);
  await h.at(400);
  await h.send('PI_OFF', P0);
  await polls(h, 'GET_PI_POWERED', [900, 1900, 2900, 3900]);
}

/** OFF_DELAY 2 s, PI_ON, PI_OFF, PI_ON again 0.5 s later, poll power. */
async function piOnDuringShutdown(h: StandinHost): Promise<void> {
  await h.send('SET_OFF_DELAY', { ...P0, value: 2 });
  await h.at(100);
  await h.send('PI_ON', P0);
  await h.at(300);
  await h.send('PI_OFF', P0);
  await h.at(800);
  await h.send('PI_ON', P0);
  await polls(h, 'GET_PI_POWERED', [1300, 2800, 3800]);
}

/** Pointer, two logged errors (bad Pi number), pointer after each, the log. */
async function errorPointer(h: StandinHost): Promise<void> {
  await h.send('GET_ERROR_POINTER');
  for (const t of [100, 300]) {
    await h.at(t);
    await h.raw(BAD_PI);
    await h.at(t + 100);
    await h.send('GET_ERROR_POINTER');
  }
  await h.at(500);
  await h.send('GET_ERROR_BUFFER');
}

/** Error count, one logged error, the whole log, the pointer. */
async function errorLogSize(h: StandinHost): Promise<void> {
  await h.send('GET_ERROR_COUNT');
  await h.at(100);
  await h.raw(BAD_PI);
  await h.at(200);
  await h.send('GET_ERROR_BUFFER');
  await h.at(400);
  await h.send('GET_ERROR_POINTER');
}

/** A version read, a known command with a bad CRC (0x11 on any check order), an unknown command with a bad CRC, the log and the count. */
async function checkOrder(h: StandinHost): Promise<void> {
  await h.send('GET_SW_VERSION');
  await h.at(50);
  await h.raw(KNOWN_BAD_CRC);
  await h.at(100);
  await h.raw(UNKNOWN_BAD_CRC);
  await h.at(200);
  await h.send('GET_ERROR_BUFFER');
  await h.at(400);
  await h.send('GET_ERROR_COUNT');
}

/** Run timed steps: each one at its time (ms from the start). */
async function timed(h: StandinHost, steps: ReadonlyArray<readonly [number, () => Promise<void>]>): Promise<void> {
  for (const [t, step] of steps) {
    await h.at(t);
    await step();
  }
}

/** Five reads, 500 ms apart (reply times compared within the tolerance file's 150 ms). */
async function reads(h: StandinHost): Promise<void> {
  await timed(h, [
    [0, () => h.send('GET_SW_VERSION')], [500, () => h.send('GET_HW_VERSION')], [1000, () => h.send('GET_ID')],
    [1500, () => h.send('GET_PI_POWERED', P0)], [2000, () => h.send('GET_HBT_TIME', P0)],
  ]);
}

/** A mix of everything the stand-ins use, on v4-reference: must replay without a difference. */
async function reference(h: StandinHost): Promise<void> {
  await timed(h, [
    [0, () => h.send('GET_SW_VERSION')], [100, () => h.send('GET_HW_VERSION')], [200, () => h.send('GET_VIN')],
    [300, () => h.send('GET_HBT_TIME', P0)], [400, () => h.send('SET_OFF_DELAY', { ...P0, value: 1 })],
    [500, () => h.send('SET_HBT_DELAY', { ...P1, value: 1 })], [600, () => h.send('PI_ON', P0)], [700, () => h.send('PI_ON', P1)],
    [800, () => h.send('GET_PI_POWERED', P0)], [900, () => h.send('GET_PI_C', P0)], [1000, () => h.send('PI_OFF', P0)],
    [1500, () => h.send('GET_PI_POWERED', P0)], [2500, () => h.send('GET_PI_POWERED', P0)], [2600, () => h.send('GET_PI_POWERED', P1)],
    [2700, () => h.send('GET_PI_HBT', P1)], [2800, () => h.raw(UNKNOWN_BAD_CRC)], [2900, () => h.send('GET_ERROR_POINTER')],
    [3000, () => h.send('GET_ERROR_BUFFER')], [3200, () => h.send('GET_ERROR_COUNT')], [3300, () => h.send('PI_FORCE_OFF', P1)],
    [3400, () => h.send('GET_PI_POWERED', P1)], [3500, () => h.send('GET_5V')],
  ]);
}

/** Checks in the v4-reference order, except that an unknown command is found before a bad CRC. */
const UNKNOWN_BEFORE_CRC = CHECK_NAMES.filter((c) => c !== 'unknown-command').flatMap((c) => (c === 'crc' ? ['unknown-command', 'crc'] : [c]));

/** Every stand-in, the v4-reference session first. */
export const STANDINS: readonly Standin[] = [
  { name: 'v4-reference', field: undefined, value: '(v4-reference)', patch: {}, firstDiffers: undefined, sequence: reference,
    commands: 'versions, GET_VIN, GET_HBT_TIME, SET_OFF_DELAY 1 and SET_HBT_DELAY 1, PI_ON both Pis, PI_OFF Pi 0, power and heartbeat polls, a bad-CRC frame, error pointer/log/count, PI_FORCE_OFF Pi 1, GET_5V' },
  { name: 'graceful-off-delay', field: 'gracefulOffDelay', value: '"sig-off-delay"', patch: { gracefulOffDelay: 'sig-off-delay' }, firstDiffers: 'GET_PI_POWERED', sequence: gracefulOff,
    commands: 'SET_OFF_DELAY 1, SET_SIG_OFF_DELAY 3, PI_ON, PI_OFF, GET_PI_POWERED at +0.5..3.5 s; SET_SIG_OFF_DELAY 2, PI_ON, PI_OFF, GET_PI_POWERED at +1.5, +2.5 s' },
  { name: 'watchdog-action', field: 'watchdogAction', value: '"report-only"', patch: { watchdogAction: 'report-only' }, firstDiffers: 'GET_PI_POWERED', sequence: watchdogExpiry,
    commands: 'SET_HBT_DELAY 0, PI_ON, GET_PI_POWERED at +0.5..3.5 s, GET_PI_HBT' },
  { name: 'cycle-off-time', field: 'cycleOffTimeMs', value: '2000', patch: { cycleOffTimeMs: 2000 }, firstDiffers: 'GET_PI_POWERED', sequence: watchdogCycle,
    commands: 'SET_HBT_DELAY 1, PI_ON, GET_PI_POWERED at +0.5..4.5 s, GET_PI_HBT' },
  { name: 'error-log-pointer', field: 'errorLog.pointer', value: '"last-written"', patch: { errorLog: { pointer: 'last-written' } }, firstDiffers: 'GET_ERROR_POINTER', sequence: errorPointer,
    commands: 'GET_ERROR_POINTER, twice (GET_PI_POWERED pi=2 -> 0x14, GET_ERROR_POINTER), GET_ERROR_BUFFER' },
  { name: 'error-log-size', field: 'errorLog.size', value: '16', patch: { errorLog: { size: 16 } }, firstDiffers: 'GET_ERROR_BUFFER', sequence: errorLogSize,
    commands: 'GET_ERROR_COUNT, GET_PI_POWERED pi=2 -> 0x14, GET_ERROR_BUFFER, GET_ERROR_POINTER' },
  { name: 'off-delay-unit', field: 'settingUnitMs.offDelay', value: '500', patch: { settingUnitMs: { offDelay: 500 } }, firstDiffers: 'GET_PI_POWERED', sequence: offDelayUnit,
    commands: 'SET_OFF_DELAY 2, GET_OFF_DELAY, PI_ON, PI_OFF, GET_PI_POWERED at +0.5..3.5 s' },
  { name: 'check-order', field: 'bus.checkOrder', value: JSON.stringify(UNKNOWN_BEFORE_CRC), patch: { bus: { checkOrder: UNKNOWN_BEFORE_CRC } }, firstDiffers: 'bad request', sequence: checkOrder,
    commands: 'GET_SW_VERSION, GET_SW_VERSION with a bad CRC, unknown command 0x40 with a bad CRC, GET_ERROR_BUFFER, GET_ERROR_COUNT' },
  { name: 'pi-on-cancels-shutdown', field: 'piOnCancelsShutdown', value: 'false', patch: { piOnCancelsShutdown: false }, firstDiffers: 'GET_PI_POWERED', sequence: piOnDuringShutdown,
    commands: 'SET_OFF_DELAY 2, PI_ON, PI_OFF, PI_ON 0.5 s later, GET_PI_POWERED at +1.0, +2.5, +3.5 s' },
  { name: 'reply-delay', field: 'bus.replyDelayMs', value: '300', patch: { bus: { replyDelayMs: 300 } }, firstDiffers: 'GET_SW_VERSION', sequence: reads,
    commands: 'GET_SW_VERSION, GET_HW_VERSION, GET_ID, GET_PI_POWERED, GET_HBT_TIME, 500 ms apart' },
];

/** The stand-in's profile file (fixtures/sessions/standin-<name>.profile.json): a patch over v4-reference, named and described as a stand-in. */
export function standinProfileJson(s: Standin): Record<string, unknown> {
  const what = s.field === undefined ? 'v4-reference itself' : `v4-reference with ${s.field} = ${s.value}`;
  return { base: 'v4-reference', name: `standin-${s.name}`, description: `STAND-IN, not a real board: ${what} (hil/standins/standins.ts)`, ...s.patch };
}
