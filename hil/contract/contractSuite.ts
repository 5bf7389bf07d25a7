/**
 * The board contract (STYLE.md rule 9): one suite of checks that hold for any conforming Pi Stack
 * board, written once against a port factory and run against every target (simulator in
 * process, SerialPortMock, TCP, PTY, and a real board when PISTACK_PORT is set). Everything goes
 * through the StackClient, as a real host would. The board is left as found: Pis that were off
 * are off again and the setting changed is restored. Error replies the suite provokes (0x11,
 * 0x12, 0x14) are logged by the firmware; the suite never clears a board's error log.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RawOutcome } from '../../bus-protocol/BusClient.ts';
import { COMMANDS } from '../../bus-protocol/commands.ts';
import { ERROR } from '../../bus-protocol/errorCodes.ts';
import { NoReplyError } from '../../bus-protocol/errors.ts';
import { buildFrame, encodeRequest } from '../../bus-protocol/frame.ts';
import { StackClient, type PiIndex } from '../../bus-protocol/StackClient.ts';
import type { HostPort } from '../ports.ts';

/** Which board to check and how patient to be. */
export interface ContractOptions {
  /** ID of the board under test (0..254). */
  id: number;
  /** Client reply allowance, ms; default the client's own (40). Real-time bridges under load want ~200. */
  replyTimeoutMs?: number;
  /** An ID no board on the bus answers to; default `id` with its top bit flipped. */
  silentId?: number;
  /** Plausible input voltage, V; default [10, 14] (the 12 V default stack). */
  vinRange?: readonly [number, number];
}

/** A command code no firmware release defines (PROTOCOL.md section 5 stops at 0x29). */
const UNKNOWN_CODE = 0x7f;

/** Full scale of the input current and Pi current readings, A (PROTOCOL.md section 7), with a little noise allowance. */
const CIN_MAX_A = 4.3;
const PI_C_MAX_A = 2.1;

/** Default "nobody here" ID: the board's ID with bit 7 flipped (another prefix), never 0xFF. */
function defaultSilentId(id: number): number {
  const other = id ^ 0x80;
  return other === 0xff ? id ^ 0x40 : other;
}

/** Assert an outcome is an error reply with `code`. */
function assertErrorReply(outcome: RawOutcome, code: number, what: string): void {
  if (outcome.kind !== 'reply') assert.unreachable(`${what}: expected error 0x${code.toString(16)}, got ${outcome.error.message}`);
  else if (outcome.frame.status !== 'error') assert.unreachable(`${what}: expected error 0x${code.toString(16)}, got an OK reply`);
  else assert.is(outcome.frame.code, code, `${what}: error code`);
}

/** Register the contract tests as a uvu suite named `contract: <name>` and queue it to run. */
export function defineContractSuite(name: string, open: () => Promise<HostPort>, options: ContractOptions): void {
  const { id } = options;
  const silentId = options.silentId ?? defaultSilentId(id);
  const [vinMin, vinMax] = options.vinRange ?? [10, 14];
  const test = suite(`contract: ${name}`);
  let port: HostPort | undefined;
  let client: StackClient | undefined;
  let openError: unknown;

  /** The open port and client, or the reason opening failed (each test then fails with it). */
  const need = () => {
    if (port === undefined || client === undefined) throw openError instanceof Error ? openError : new Error(`could not open the port: ${String(openError)}`);
    const run = <T>(work: Promise<T>) => port!.run(work);
    return { client, run };
  };

  test.before(async () => {
    try {
      port = await open();
      client = new StackClient(port.transport, { clock: port.clock, ...(options.replyTimeoutMs === undefined ? {} : { replyTimeoutMs: options.replyTimeoutMs }) });
    } catch (error) {
      openError = error;
    }
  });

  test.after(async () => {
    await port?.close();
  });

  test('GET_SW_VERSION and GET_HW_VERSION answer (hardware 2 or 3)', async () => {
    const { client, run } = need();
    const firmware = await run(client.getSwVersion(id));
    assert.ok(Number.isInteger(firmware) && firmware >= 1, `firmware version ${firmware}`);
    assert.ok([2, 3].includes(await run(client.getHwVersion(id))), 'hardware version is 2 or 3');
  });

  test('GET_ID is the addressed ID, GET_ID_PREFIX its high nibble', async () => {
    const { client, run } = need();
    assert.is(await run(client.getId(id)), id);
    assert.is(await run(client.getIdPrefix(id)), id & 0xf0);
  });

  test('a setting written reads back, and is restored (OFF_DELAY of Pi 0)', async () => {
    const { client, run } = need();
    const original = await run(client.getOffDelay(id, 0));
    const changed = original === 255 ? 254 : original + 1;
    try {
      await run(client.setOffDelay(id, 0, changed));
      assert.is(await run(client.getOffDelay(id, 0)), changed);
    } finally {
      await run(client.setOffDelay(id, 0, original));
    }
    assert.is(await run(client.getOffDelay(id, 0)), original, 'restored');
  });

  test('PI_ON powers a Pi (GET_PI_POWERED 1), PI_FORCE_OFF removes power (0)', async () => {
    const { client, run } = need();
    let pi: PiIndex | undefined;
    for (const candidate of [0, 1] as const) {
      if (!(await run(client.getPiPowered(id, candidate)))) {
        pi = candidate;
        break;
      }
    }
    if (pi === undefined) assert.unreachable(`both Pis of board ${id} are powered: the contract suite will not force a running Pi off; shut them down first`);
    const target = pi!;
    try {
      await run(client.piOn(id, target));
      assert.ok(await run(client.getPiPowered(id, target)), `Pi ${target} powered after PI_ON`);
    } finally {
      await run(client.piForceOff(id, target));
    }
    assert.not.ok(await run(client.getPiPowered(id, target)), `Pi ${target} off after PI_FORCE_OFF`);
  });

  test('a request with a bad CRC is answered with error 0x11', async () => {
    const { client, run } = need();
    const frame = encodeRequest('GET_SW_VERSION', id);
    frame[3]! ^= 0xff;
    assertErrorReply(await run(client.requestRaw(frame, 'GET_SW_VERSION')), ERROR.CRC_FAILED, 'bad CRC');
  });

  test('an unknown command is answered with error 0x12', async () => {
    const { client, run } = need();
    assertErrorReply(await run(client.requestRaw(buildFrame(UNKNOWN_CODE, id))), ERROR.UNKNOWN_COMMAND, `command 0x${UNKNOWN_CODE.toString(16)}`);
  });

  test('an invalid Pi number is answered with error 0x14', async () => {
    const { client, run } = need();
    const frame = buildFrame(COMMANDS.GET_PI_POWERED.code, id, [2]);
    assertErrorReply(await run(client.requestRaw(frame, 'GET_PI_POWERED')), ERROR.INVALID_PI, 'GET_PI_POWERED for Pi 2');
  });

  test('the error log is readable and its pointer is in range', async () => {
    const { client, run } = need();
    const log = await run(client.getErrorBuffer(id));
    assert.ok(log.length >= 1, 'the log has at least one slot');
    const pointer = await run(client.getErrorPointer(id));
    assert.ok(pointer >= 0 && pointer < log.length, `pointer ${pointer} within the ${log.length}-slot log`);
    const count = await run(client.getErrorCount(id));
    assert.ok(Number.isInteger(count) && count >= 0, `error count ${count}`);
  });

  test(`a request for another ID gets silence`, async () => {
    const { client, run } = need();
    const outcome = await run(client.requestRaw(encodeRequest('GET_HW_VERSION', silentId)));
    if (outcome.kind === 'reply') assert.unreachable(`ID ${silentId} answered ${outcome.frame.bytes.length} bytes; expected silence`);
    else {
      assert.instance(outcome.error, NoReplyError);
      assert.is((outcome.error as NoReplyError).partial.length, 0, 'not a byte on the bus');
    }
  });

  test('readings are plausible (input voltage, 5 V rail, currents)', async () => {
    const { client, run } = need();
    const vin = await run(client.getVin(id));
    assert.ok(vin >= vinMin && vin <= vinMax, `input ${vin.toFixed(2)} V within ${vinMin}..${vinMax} V`);
    const rail = await run(client.get5v(id));
    assert.ok(rail >= 4.5 && rail <= 5.5, `5 V rail ${rail.toFixed(2)} V within 4.5..5.5 V`);
    const cin = await run(client.getCin(id));
    assert.ok(cin >= 0 && cin <= CIN_MAX_A, `input current ${cin.toFixed(3)} A within 0..${CIN_MAX_A} A`);
    for (const pi of [0, 1] as const) {
      const current = await run(client.getPiC(id, pi));
      assert.ok(current >= 0 && current <= PI_C_MAX_A, `Pi ${pi} current ${current.toFixed(3)} A within 0..${PI_C_MAX_A} A`);
    }
  });

  test.run();
}
