/** StackClient: typed methods and conversions, compile-time argument checks, scan. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from '../board-model/VirtualClock.ts';
import { COMMANDS, COMMAND_NAMES, type CommandName } from './commands.ts';
import { rawPowerToWatts, rawToUnits, type HardwareVersion } from './conversions.ts';
import { ArgumentError, BoardError, DisconnectedError, NoReplyError } from './errors.ts';
import { buildFrame, encodeErrorResponse, encodeOkResponse, encodeRequest } from './frame.ts';
import { CommandNotInFirmwareError, FIRST_V4_VERSION, releaseOfVersion, versionHas } from './firmwareRelease.ts';
import { corruptMessage, scanFailed, type ScanProgress, type ScanResult } from './scan.ts';
import { StackClient } from './StackClient.ts';
import { LoopbackTransport, boardResponder } from './testing/LoopbackTransport.ts';
import { rejection, settle } from './testing/settle.ts';
import type { ResponsePayload } from './types.ts';

/** One OK payload per command: the type makes the table complete. */
const PAYLOADS: { [N in CommandName]: ResponsePayload<N> } = {
  GET_SW_VERSION: { version: 4 }, GET_HW_VERSION: { version: 3 }, LEDS_ON: {}, LEDS_OFF: {}, DEBUG_LED: {},
  SET_ID_PREFIX: {}, GET_ID_PREFIX: { prefix: 0x10 }, GET_ID: { id: 0x13 },
  GET_VIN: { raw: 0x4000 }, GET_CIN: { raw: 0x1000 }, GET_5V: { raw: 0x9000 }, GET_PI_V: { raw: 0x8000 }, GET_PI_C: { raw: 0x2000 },
  GET_PI_HBT: { healthy: 1 }, GET_PI_POWERED: { powered: 0 }, PI_ON: {}, PI_OFF: {}, PI_FORCE_OFF: {},
  GET_HBT_TIME: { value: 30 }, SET_HBT_TIME: {}, GET_HBT_DELAY: { value: 60 }, SET_HBT_DELAY: {},
  GET_OFF_DELAY: { value: 20 }, SET_OFF_DELAY: {}, GET_SIG_OFF_DELAY: { value: 25 }, SET_SIG_OFF_DELAY: {},
  GET_ERROR_BUFFER: { log: Uint8Array.of(0x0f, 0x11, 0x0f, 0, 0) }, CLEAR_ERROR_BUFFER: {}, GET_ERROR_COUNT: { count: 258 },
  CLEAR_ERROR_COUNT: {}, GET_ERROR_POINTER: { pointer: 3 }, SEND_SIG: {},
  GET_PI_ON_STARTUP: { enabled: 1 }, SET_PI_ON_STARTUP: {}, GET_SIG_WIDTH: { value: 2 }, SET_SIG_WIDTH: {},
  GET_POWER: { raw: 0x12345678 }, GET_5V_POWER: { raw: 0x00abcdef }, GET_PI_POWER: { raw: 0x01000000 }, GET_BOOT_COUNT: { count: 7 },
};

/** A well-behaved board: OK with the table's payload, error 0x14 for a bad Pi number. */
function setup(hardwareVersion: HardwareVersion = 3) {
  const clock = new VirtualClock();
  const bus = new LoopbackTransport(
    boardResponder((req) => {
      const pi = (req.args as { pi?: number }).pi;
      if (pi !== undefined && pi > 1) return encodeErrorResponse(0x14);
      return encodeOkResponse(req.command, PAYLOADS[req.command]);
    }),
  );
  const client = new StackClient(bus, { clock, hardwareVersion });
  return { clock, bus, client };
}

type Case = [label: string, call: (c: StackClient) => Promise<unknown>, request: Uint8Array, expected: unknown];

const VIN = rawToUnits('vin', 0x4000);
const CASES: Case[] = [
  ['getSwVersion', (c) => c.getSwVersion(1), encodeRequest('GET_SW_VERSION', 1), 4],
  ['getHwVersion', (c) => c.getHwVersion(1), encodeRequest('GET_HW_VERSION', 1), 3],
  ['ledsOn', (c) => c.ledsOn(1), encodeRequest('LEDS_ON', 1), undefined],
  ['ledsOff', (c) => c.ledsOff(1), encodeRequest('LEDS_OFF', 1), undefined],
  ['debugLed', (c) => c.debugLed(0, 255, 0, 0), Uint8Array.of(0x06, 0x00, 0x06, 0xff, 0x00, 0x00, 0x69), undefined],
  ['setIdPrefix', (c) => c.setIdPrefix(1, 0x20), encodeRequest('SET_ID_PREFIX', 1, { prefix: 0x20 }), undefined],
  ['getIdPrefix', (c) => c.getIdPrefix(1), encodeRequest('GET_ID_PREFIX', 1), 0x10],
  ['getId', (c) => c.getId(1), encodeRequest('GET_ID', 1), 0x13],
  ['getVin', (c) => c.getVin(1), encodeRequest('GET_VIN', 1), VIN],
  ['getCin', (c) => c.getCin(1), encodeRequest('GET_CIN', 1), rawToUnits('cin', 0x1000)],
  ['get5v', (c) => c.get5v(1), encodeRequest('GET_5V', 1), rawToUnits('rail5v', 0x9000)],
  ['getPiV', (c) => c.getPiV(1, 1), encodeRequest('GET_PI_V', 1, { pi: 1 }), rawToUnits('piV', 0x8000, 3)],
  ['getPiC', (c) => c.getPiC(1, 0), encodeRequest('GET_PI_C', 1, { pi: 0 }), rawToUnits('piC', 0x2000)],
  ['getPiHbt', (c) => c.getPiHbt(1, 0), encodeRequest('GET_PI_HBT', 1, { pi: 0 }), true],
  ['getPiPowered', (c) => c.getPiPowered(1, 1), encodeRequest('GET_PI_POWERED', 1, { pi: 1 }), false],
  ['piOn', (c) => c.piOn(0, 1), Uint8Array.of(0x11, 0x00, 0x04, 0x01, 0xd2), undefined],
  ['piOff', (c) => c.piOff(1, 0), encodeRequest('PI_OFF', 1, { pi: 0 }), undefined],
  ['piForceOff', (c) => c.piForceOff(1, 0), encodeRequest('PI_FORCE_OFF', 1, { pi: 0 }), undefined],
  ['getHbtTime', (c) => c.getHbtTime(1, 0), encodeRequest('GET_HBT_TIME', 1, { pi: 0 }), 30],
  ['setHbtTime', (c) => c.setHbtTime(0, 0, 30), Uint8Array.of(0x15, 0x00, 0x05, 0x00, 0x1e, 0x19), undefined],
  ['getHbtDelay', (c) => c.getHbtDelay(1, 1), encodeRequest('GET_HBT_DELAY', 1, { pi: 1 }), 60],
  ['setHbtDelay', (c) => c.setHbtDelay(1, 1, 90), encodeRequest('SET_HBT_DELAY', 1, { pi: 1, value: 90 }), undefined],
  ['getOffDelay', (c) => c.getOffDelay(1, 0), encodeRequest('GET_OFF_DELAY', 1, { pi: 0 }), 20],
  ['setOffDelay', (c) => c.setOffDelay(1, 0, 15), encodeRequest('SET_OFF_DELAY', 1, { pi: 0, value: 15 }), undefined],
  ['getSigOffDelay', (c) => c.getSigOffDelay(1, 0), encodeRequest('GET_SIG_OFF_DELAY', 1, { pi: 0 }), 25],
  ['setSigOffDelay', (c) => c.setSigOffDelay(1, 0, 5), encodeRequest('SET_SIG_OFF_DELAY', 1, { pi: 0, value: 5 }), undefined],
  ['getErrorBuffer', (c) => c.getErrorBuffer(1), encodeRequest('GET_ERROR_BUFFER', 1), Uint8Array.of(0x0f, 0x11, 0x0f, 0, 0)],
  ['clearErrorBuffer', (c) => c.clearErrorBuffer(1), encodeRequest('CLEAR_ERROR_BUFFER', 1), undefined],
  ['getErrorCount', (c) => c.getErrorCount(1), encodeRequest('GET_ERROR_COUNT', 1), 258],
  ['clearErrorCount', (c) => c.clearErrorCount(1), encodeRequest('CLEAR_ERROR_COUNT', 1), undefined],
  ['getErrorPointer', (c) => c.getErrorPointer(1), encodeRequest('GET_ERROR_POINTER', 1), 3],
  ['sendSig', (c) => c.sendSig(1, 1), encodeRequest('SEND_SIG', 1, { pi: 1 }), undefined],
  ['getPiOnStartup', (c) => c.getPiOnStartup(1, 0), encodeRequest('GET_PI_ON_STARTUP', 1, { pi: 0 }), true],
  ['setPiOnStartup on', (c) => c.setPiOnStartup(1, 0, true), encodeRequest('SET_PI_ON_STARTUP', 1, { pi: 0, enabled: 1 }), undefined],
  ['setPiOnStartup off', (c) => c.setPiOnStartup(1, 1, false), encodeRequest('SET_PI_ON_STARTUP', 1, { pi: 1, enabled: 0 }), undefined],
  ['getSigWidth', (c) => c.getSigWidth(1, 0), encodeRequest('GET_SIG_WIDTH', 1, { pi: 0 }), 2],
  ['setSigWidth', (c) => c.setSigWidth(1, 0, 4), encodeRequest('SET_SIG_WIDTH', 1, { pi: 0, value: 4 }), undefined],
  ['getPower', (c) => c.getPower(1), encodeRequest('GET_POWER', 1), rawPowerToWatts('input', 0x12345678)],
  ['get5vPower', (c) => c.get5vPower(1), encodeRequest('GET_5V_POWER', 1), rawPowerToWatts('rail5v', 0x00abcdef)],
  ['getPiPower', (c) => c.getPiPower(1, 1), encodeRequest('GET_PI_POWER', 1, { pi: 1 }), rawPowerToWatts('pi', 0x01000000, 3)],
  ['getBootCount', (c) => c.getBootCount(1), encodeRequest('GET_BOOT_COUNT', 1), 7],
];

test('every typed method sends its frame and converts its reply, with no time passing', async () => {
  const { clock, bus, client } = setup();
  for (const [label, call, request, expected] of CASES) {
    const value = await call(client);
    assert.equal(bus.written.at(-1), request, `${label}: request frame`);
    assert.equal(value, expected, `${label}: value`);
  }
  assert.is(clock.now(), 0, 'replies are taken the moment they arrive: no sleeps, no silence wait');
  assert.is(clock.pending, 0, 'no reply timer left armed');
  assert.equal(client.stats, { requests: CASES.length, replies: CASES.length, timeouts: 0, crcErrors: 0, malformed: 0, boardErrors: 0, retries: 0 });
});

test('every command of the table has a typed method case', () => {
  const sent = new Set(CASES.map(([, , request]) => request[0]));
  for (const name of COMMAND_NAMES) assert.ok(sent.has(COMMANDS[name].code), name);
});

test('measure() gives raw, value and unit; hardware v2 changes only the Pi voltage scale', async () => {
  const v3 = setup(3).client;
  const v2 = setup(2).client;
  assert.equal(await v3.measure('GET_VIN', 0), { raw: 0x4000, value: VIN, unit: 'V' });
  assert.equal(await v3.measure('GET_PI_C', 0, { pi: 1 }), { raw: 0x2000, value: rawToUnits('piC', 0x2000), unit: 'A' });
  assert.equal(await v3.measure('GET_CIN', 0), { raw: 0x1000, value: rawToUnits('cin', 0x1000), unit: 'A' });
  assert.equal(await v3.measure('GET_POWER', 0), { raw: 0x12345678, value: rawPowerToWatts('input', 0x12345678), unit: 'W' });
  assert.is(await v2.getPiV(0, 0), rawToUnits('piV', 0x8000, 2));
  assert.is.not(await v2.getPiV(0, 0), await v3.getPiV(0, 0));
  assert.is(await v2.getPiPower(0, 0), rawPowerToWatts('pi', 0x01000000, 2));
  assert.is(await v2.get5v(0), await v3.get5v(0));
  assert.is(v2.hardwareVersion, 2);
});

test('type-level: wrong calls do not compile (and fail at run time without touching the bus)', async () => {
  const { clock, bus, client } = setup();
  // @ts-expect-error PI_ON needs { pi }
  assert.instance(await rejection(client.request('PI_ON', 0, {}), clock), ArgumentError);
  // @ts-expect-error SET_HBT_TIME needs { pi, value }
  assert.throws(() => encodeRequest('SET_HBT_TIME', 0, { pi: 0 }), (e: unknown) => e instanceof ArgumentError && e.option === 'value');
  // @ts-expect-error not a command of the table
  assert.instance(await rejection(client.request('GET_NOTHING', 0), clock), ArgumentError);
  assert.instance(await rejection(client.getVin(256), clock), ArgumentError);
  assert.is(bus.written.length, 0);
  // @ts-expect-error a Pi index is 0 or 1; the board refuses 2 with 0x14 (invalid Pi number)
  const error = await rejection(client.piOn(0, 2), clock);
  assert.instance(error, BoardError);
  assert.is((error as BoardError).code, 0x14);
  // @ts-expect-error getVin resolves to volts, not a payload
  const payload: { raw: number } = await client.getVin(0);
  assert.type(payload, 'number');
});

/** A stack for scan: per-ID behaviour for GET_HW_VERSION and GET_SW_VERSION. */
function scanSetup() {
  const clock = new VirtualClock();
  const garbled = Uint8Array.of(0x00, 0xff, 0x04, 0x03, 0x00); // CRC wrong: two boards at once
  const behaviour: Record<number, (command: CommandName) => Uint8Array | undefined> = {
    0: (c) => encodeOkResponse('GET_HW_VERSION', { version: c === 'GET_HW_VERSION' ? 3 : 4 }),
    2: () => garbled,
    3: () => encodeErrorResponse(0x12),
    4: () => Uint8Array.of(0x00, 0xff, 0x04), // cut short
    5: (c) => (c === 'GET_HW_VERSION' ? encodeOkResponse('GET_HW_VERSION', { version: 2 }) : garbled),
    6: () => buildFrame(0x00, 0x06, [3]), // CRC-valid but addressed like a request: not a reply
  };
  const bus = new LoopbackTransport(boardResponder((req) => behaviour[req.id]?.(req.command)));
  const client = new StackClient(bus, { clock });
  const perId = (id: number, code: number) => bus.written.filter((f) => f[1] === id && f[0] === code).length;
  return { clock, bus, client, perId };
}

test('scan: found, absent and corrupt IDs; no retries while probing; garbled is never absent', async () => {
  const { clock, client, perId } = scanSetup();
  const progress: ScanProgress[] = [];
  const outcome = await settle(client.scan({ from: 0, to: 7, onProgress: (p) => progress.push(p) }), clock);
  assert.ok(outcome.ok);
  if (!outcome.ok) return;
  const result = outcome.value;
  assert.equal(result.found.map(({ problems, ...b }) => ({ ...b, problems: problems.length })), [
    { id: 0, hardwareVersion: 3, firmwareVersion: 4, problems: 0 },
    { id: 3, hardwareVersion: undefined, firmwareVersion: undefined, problems: 2 },
    { id: 5, hardwareVersion: 2, firmwareVersion: undefined, problems: 1 },
  ]);
  assert.match(result.found[1]!.problems[0]!, 'board 3 answered GET_HW_VERSION with error 0x12');
  assert.match(result.found[1]!.problems[1]!, 'board 3 answered GET_SW_VERSION with error 0x12');
  assert.match(result.found[2]!.problems[0]!, /board 5: reply to GET_SW_VERSION failed its CRC check/);
  assert.ok(scanFailed(result), 'corrupt answers and half-answering boards fail the scan');
  assert.equal(result.absent, [1, 7]);
  assert.equal(result.corrupt.map((c) => c.id), [2, 4, 6]);
  for (const c of result.corrupt) assert.is(c.message, corruptMessage(c.id));
  assert.match(result.corrupt[0]!.detail, /CRC/);
  assert.match(corruptMessage(2), 'something answered at ID 2 but the reply was corrupt (duplicate DIP setting?)');
  // Corrupt answers (2, 4, 6) and the silent ID before one (1) are probed once more, patiently:
  // a late reply colliding with the next probe looks the same. The verdicts stand.
  const probes = [1, 2, 2, 1, 2, 1, 2, 1];
  for (let id = 0; id <= 7; id++) assert.is(perId(id, 0x03), probes[id], `GET_HW_VERSION probes to ID ${id}`);
  assert.is(perId(5, 0x02), 3, 'the version query of a present board keeps its retries');
  assert.is(perId(1, 0x02), 0, 'absent IDs are not asked for their version');
  assert.equal(progress.map((p) => `${p.id}:${p.outcome}:${p.done}/${p.total}`), [
    '0:found:1/8', '1:absent:2/8', '2:corrupt:3/8', '3:found:4/8', '4:corrupt:5/8', '5:found:6/8', '6:corrupt:7/8', '7:absent:8/8',
  ]);
});

test('scan with firmware: false asks one question per ID: versions undefined, no problems from the skipped question', async () => {
  const { clock, client, perId } = scanSetup();
  const outcome = await settle(client.scan({ from: 0, to: 5, firmware: false }), clock);
  assert.ok(outcome.ok);
  if (!outcome.ok) return;
  assert.equal(outcome.value.found.map(({ id, hardwareVersion, firmwareVersion, problems }) => ({ id, hardwareVersion, firmwareVersion, problems: problems.length })), [
    { id: 0, hardwareVersion: 3, firmwareVersion: undefined, problems: 0 },
    { id: 3, hardwareVersion: undefined, firmwareVersion: undefined, problems: 1 },
    { id: 5, hardwareVersion: 2, firmwareVersion: undefined, problems: 0 },
  ]);
  for (let id = 0; id <= 5; id++) assert.is(perId(id, 0x02), 0, `no GET_SW_VERSION to ID ${id}`);
  assert.is(perId(0, 0x03), 1, 'the board itself is probed once');
});

test('scan: default range 0..15; bad ranges name the option; a disconnect aborts', async () => {
  const { clock, bus, client } = scanSetup();
  const all = await settle(client.scan(), clock);
  assert.ok(all.ok && all.value.absent.length + all.value.found.length + all.value.corrupt.length === 16);
  for (const options of [{ from: -1 }, { to: 255 }, { from: 1.5 }, { from: 9, to: 8 }]) {
    const error = await rejection(client.scan(options), clock);
    assert.instance(error, ArgumentError, JSON.stringify(options));
  }
  const scanning = client.scan({ from: 8, to: 15 });
  clock.setTimeout(() => bus.disconnect('adapter unplugged'), 30); // mid-scan: 8 silent IDs take over 8 * (9 * BT + 3 ms)
  const error = await rejection(scanning, clock);
  assert.instance(error, DisconnectedError);
  assert.match((error as DisconnectedError).message, 'adapter unplugged');
});

test('scan: a disconnect during the version phase aborts too', async () => {
  const { clock, bus, client } = scanSetup();
  bus.responder = boardResponder((req) => {
    if (req.command === 'GET_SW_VERSION') bus.disconnect('adapter unplugged');
    return req.id === 0 ? encodeOkResponse('GET_HW_VERSION', { version: 3 }) : undefined;
  });
  assert.instance(await rejection(client.scan({ from: 0, to: 1 }), clock), DisconnectedError);
});

test('scanFailed: only a scan that found boards, all of them whole, and nothing corrupt is a pass', () => {
  const board = { id: 1, hardwareVersion: 3, firmwareVersion: 4, problems: [] };
  const clean: ScanResult = { found: [board], corrupt: [], absent: [2] };
  assert.not.ok(scanFailed(clean));
  assert.ok(scanFailed({ found: [], corrupt: [], absent: [0, 1] }), 'an empty bus is not a success');
  assert.ok(scanFailed({ ...clean, found: [{ ...board, firmwareVersion: undefined, problems: ['no reply'] }] }));
  assert.ok(scanFailed({ ...clean, corrupt: [{ id: 2, detail: 'CRC', message: corruptMessage(2) }] }));
});

test('firmware releases: v3 and below have the original set, 4 and up everything (the v4-reference assumption)', () => {
  assert.is(FIRST_V4_VERSION, 4);
  assert.equal([2, 3, 4, 5].map(releaseOfVersion), ['v3', 'v3', 'v4.1', 'v4.1']);
  assert.ok(versionHas(3, 'GET_ERROR_BUFFER'));
  assert.not.ok(versionHas(3, 'GET_SIG_WIDTH'));
  assert.not.ok(versionHas(3, 'GET_BOOT_COUNT'));
  assert.ok(versionHas(4, 'GET_BOOT_COUNT'));
  const error = new CommandNotInFirmwareError('GET_POWER', 3, 3);
  assert.is(error.message, 'board 3 runs firmware v3, which has no GET_POWER (added in firmware v4.1); not sent, so the board logs no error');
  assert.equal([error.kind, error.command, error.id, error.version], ['not-in-firmware', 'GET_POWER', 3, 3]);
});

/** A board with firmware `version` that answers 0x12 (and would log it) to commands that version lacks. */
function firmwareSetup(version: number, checkFirmware: boolean) {
  const clock = new VirtualClock();
  const bus = new LoopbackTransport(
    boardResponder((req) => {
      if (!versionHas(version, req.command)) return encodeErrorResponse(0x12);
      return req.command === 'GET_SW_VERSION' ? encodeOkResponse('GET_SW_VERSION', { version }) : encodeOkResponse(req.command, PAYLOADS[req.command]);
    }),
  );
  return { clock, bus, client: new StackClient(bus, { clock, checkFirmware }) };
}

test('checkFirmware: a command the board\'s firmware lacks is never sent (each would log 0x12 on the board)', async () => {
  const { clock, bus, client } = firmwareSetup(3, true);
  const error = await rejection(client.getSigWidth(3, 0), clock);
  assert.instance(error, CommandNotInFirmwareError);
  assert.match((error as Error).message, 'board 3 runs firmware v3, which has no GET_SIG_WIDTH (added in firmware v4)');
  assert.instance(await rejection(client.getBootCount(3), clock), CommandNotInFirmwareError);
  assert.instance(await rejection(client.measure('GET_POWER', 3), clock), CommandNotInFirmwareError);
  assert.equal(bus.written.map((f) => f[0]), [0x02], 'only GET_SW_VERSION, once: the version is remembered per ID');
  assert.is(await client.getHbtTime(3, 0), 30, 'v3 commands go out without asking');
  assert.ok(await client.has(3, 'GET_ERROR_COUNT'));
  assert.not.ok(await client.has(3, 'GET_PI_ON_STARTUP'));
  assert.equal(bus.written.map((f) => f[0]), [0x02, 0x14]);
});

test('checkFirmware: a v4 board gets its v4 and v4.1 commands after one version read; off by default', async () => {
  const v4 = firmwareSetup(4, true);
  assert.is(await v4.client.getBootCount(3), 7);
  assert.is(await v4.client.getSigWidth(3, 1), 2);
  assert.equal(v4.bus.written.map((f) => f[0]), [0x02, 0x29, 0x24]);
  const unchecked = firmwareSetup(3, false);
  const error = await rejection(unchecked.client.getBootCount(3), unchecked.clock);
  assert.instance(error, BoardError, 'without the check the request goes out and the board refuses it');
  assert.equal(unchecked.bus.written.map((f) => f[0]), [0x29]);
});

test('checkFirmware: a board whose version cannot be read gets nothing newer than v3 (the version error is raised)', async () => {
  const { clock, bus, client } = firmwareSetup(3, true);
  bus.responder = undefined;
  const error = await rejection(client.getSigWidth(5, 0), clock);
  assert.instance(error, NoReplyError);
  assert.match((error as Error).message, 'no reply to GET_SW_VERSION');
  assert.ok(bus.written.every((f) => f[0] === 0x02));
});

test('probe: one ID with a retry budget: found, absent, corrupt; only a disconnect rejects', async () => {
  const { clock, bus, client, perId } = scanSetup();
  const probed = await settle(Promise.all([client.probe(0, 2), client.probe(1, 2), client.probe(2, 2), client.probe(3)]), clock);
  assert.ok(probed.ok);
  if (!probed.ok) return;
  assert.equal(probed.value.map((o) => o.kind), ['found', 'absent', 'corrupt', 'found']);
  assert.match((probed.value[3] as { problem: string }).problem, 'answered GET_HW_VERSION with error 0x12');
  assert.is(perId(1, 0x03), 3, 'an absent ID is asked 1 + retries times');
  bus.disconnect('adapter unplugged');
  assert.instance(await rejection(client.probe(0), clock), DisconnectedError);
});


test('reception error replies (0x10, 0x11, 0x21, 0x22): a read asks again within its retries; a write, or another error, is raised at once', async () => {
  const clock = new VirtualClock();
  const bus = new LoopbackTransport();
  const client = new StackClient(bus, { clock, retries: 2 });
  for (const code of [0x10, 0x11, 0x21, 0x22]) {
    let sent = 0;
    bus.responder = boardResponder((req) => (++sent === 1 ? encodeErrorResponse(code) : encodeOkResponse(req.command as 'GET_SW_VERSION', { version: 4 })));
    const outcome = await settle(client.getSwVersion(2), clock);
    assert.ok(outcome.ok && outcome.value === 4, `code ${code}: answered on the second attempt`);
    assert.is(sent, 2, `code ${code}: asked twice`);
  }
  let sent = 0;
  bus.responder = boardResponder(() => (sent++, encodeErrorResponse(0x21)));
  const always = await rejection(client.getSwVersion(2), clock);
  assert.instance(always, BoardError);
  assert.is(sent, 3, 'a read gives up after its retries');
  sent = 0;
  assert.instance(await rejection(client.ledsOn(2), clock), BoardError);
  assert.is(sent, 1, 'a write is never sent twice');
  sent = 0;
  bus.responder = boardResponder(() => (sent++, encodeErrorResponse(0x12)));
  assert.instance(await rejection(client.getSwVersion(2), clock), BoardError);
  assert.is(sent, 1, 'UNKNOWN_COMMAND is an answer, not a reception error');
});

test.run();
