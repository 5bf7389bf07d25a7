/**
 * StackClient over the real SerialTransport and SerialPortStream, against a scripted FakeBoard on
 * SerialPortMock's binding. Mock I/O is real async; time-outs use the virtual clock, advanced
 * only after the board has seen the write. No real sleeps.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SerialPortStream } from '@serialport/stream';
import { VirtualClock } from '../board-model/VirtualClock.ts';
import type { StackClientOptions, TrafficEvent } from '../bus-protocol/BusClient.ts';
import { ArgumentError, BoardError, CrcError, DisconnectedError, NoReplyError } from '../bus-protocol/errors.ts';
import { decodeRequest, encodeErrorResponse, encodeOkResponse, encodeRequest } from '../bus-protocol/frame.ts';
import { StackClient } from '../bus-protocol/StackClient.ts';
import { rejection, settle, turns } from '../bus-protocol/testing/settle.ts';
import { CLOSED_BY_HOST, SerialTransport, openSerialTransport } from './SerialTransport.ts';
import { FakeBoard, garble, type FakeBoardOptions, type FakeBoardScript } from './testing/FakeBoard.ts';

/** Event-loop turns the mock needs to carry bytes across (nextTick chains, no timers). */
const IO_TURNS = 5;
const VIN_OK = encodeOkResponse('GET_VIN', { raw: 0x4000 });

/** A board that answers every request OK: hardware 3, firmware 4, Vin raw 0x4000. */
const healthy: FakeBoardScript = (request) => {
  const decoded = decodeRequest(request);
  if (decoded.kind !== 'frame') return encodeErrorResponse(0x11);
  const { command } = decoded.frame;
  if (command === 'GET_VIN') return VIN_OK;
  if (command === 'GET_HW_VERSION') return encodeOkResponse(command, { version: 3 });
  if (command === 'GET_SW_VERSION') return encodeOkResponse(command, { version: 4 });
  if (command === 'PI_ON') return encodeOkResponse(command, {});
  return encodeErrorResponse(0x12);
};

async function setup(script?: FakeBoardScript, boardOptions?: FakeBoardOptions, clientOptions: Partial<StackClientOptions> = {}) {
  const board = new FakeBoard(script, boardOptions);
  const transport = await openSerialTransport({ path: board.path, binding: board.binding });
  const clock = new VirtualClock();
  const client = new StackClient(transport, { clock, ...clientOptions });
  return { board, transport, clock, client };
}

test('typed requests round-trip through the serial stream; replies are taken with no time passing', async () => {
  const { board, clock, client, transport } = await setup(healthy);
  assert.is(await client.getHwVersion(4), 3);
  assert.is(await client.getSwVersion(4), 4);
  assert.equal((await client.measure('GET_VIN', 4)).raw, 0x4000);
  await client.piOn(4, 1);
  assert.equal(board.requests, [
    encodeRequest('GET_HW_VERSION', 4), encodeRequest('GET_SW_VERSION', 4), encodeRequest('GET_VIN', 4), encodeRequest('PI_ON', 4, { pi: 1 }),
  ]);
  assert.is(clock.now(), 0);
  assert.match(transport.description, `${board.path} @ 9600 baud`);
  await client.close();
});

test('fragmented replies: one byte per read, or chunks on separate turns, still make one reply', async () => {
  const events: TrafficEvent[] = [];
  const { client } = await setup(healthy, { maxReadSize: 1 }, { onTraffic: (e) => events.push(e) });
  assert.is((await client.measure('GET_VIN', 0)).raw, 0x4000);
  assert.is(events.filter((e) => e.direction === 'bus').length, VIN_OK.length, 'one data event per byte');
  await client.close();

  const split = await setup(() => [VIN_OK.subarray(0, 2), VIN_OK.subarray(2, 3), VIN_OK.subarray(3)]);
  assert.is((await split.client.measure('GET_VIN', 0)).raw, 0x4000);
  await split.client.close();
});

test('silence: NoReplyError at the virtual deadline, after retries for a read', async () => {
  const { board, clock, client } = await setup(undefined, {}, { retries: 0 });
  const pending = client.getVin(1);
  let error: unknown;
  pending.catch((e: unknown) => (error = e));
  await board.waitForRequests(1);
  // Deadline: request (4 bytes) and expected reply (6 bytes) on the wire, plus 40 ms.
  clock.advance(10 * (10_000 / 9600) + 40 - 0.5);
  await turns(IO_TURNS);
  assert.is(error, undefined, 'not before the wire time of request and reply + 40 ms');
  clock.advance(1);
  await turns(IO_TURNS);
  assert.instance(error, NoReplyError);

  const retried = await setup(undefined, {}, { retries: 2 });
  assert.instance(await rejection(retried.client.getVin(1), retried.clock, IO_TURNS), NoReplyError);
  assert.is(retried.board.requests.length, 3);
  await retried.client.close();
  await client.close();
});

test('corrupt and error replies: CrcError after the deadline, BoardError with its code at once', async () => {
  const { board, clock, client } = await setup((request) => (request[0] === 0x0a ? garble(VIN_OK) : encodeErrorResponse(0x15)), {}, { retries: 0 });
  const crc = (await rejection(client.getVin(2), clock, IO_TURNS)) as CrcError;
  assert.instance(crc, CrcError);
  assert.equal(crc.received, garble(VIN_OK));
  const boardError = (await rejection(client.getSigWidth(2, 0), clock, IO_TURNS)) as BoardError;
  assert.instance(boardError, BoardError);
  assert.is(boardError.code, 0x15);
  assert.is(board.requests.length, 2);
  await client.close();
});

test('scan over the serial port: present, absent and corrupt (duplicate DIP) IDs', async () => {
  const { clock, client } = await setup((request) => {
    if (request[1] === 1) return healthy(request, undefined as never);
    if (request[1] === 2) return garble(encodeOkResponse('GET_HW_VERSION', { version: 3 }));
    return undefined;
  });
  const outcome = await settle(client.scan({ from: 0, to: 3 }), clock, IO_TURNS);
  assert.ok(outcome.ok);
  if (outcome.ok) {
    assert.equal(outcome.value.found, [{ id: 1, hardwareVersion: 3, firmwareVersion: 4, problems: [] }]);
    assert.equal(outcome.value.absent, [0, 3]);
    assert.equal(outcome.value.corrupt.map((c) => c.id), [2]);
  }
  await client.close();
});

test('the adapter unplugged mid-request: DisconnectedError for the pending and the queued request', async () => {
  const { board, transport, client } = await setup();
  const reasons: string[] = [];
  transport.onClose((reason) => reasons.push(reason));
  const pending = client.getVin(0);
  const queued = client.piOn(0, 0);
  await board.waitForRequests(1);
  board.unplug('adapter disconnected');
  for (const call of [pending, queued]) {
    const error = (await call.catch((e: unknown) => e)) as DisconnectedError;
    assert.instance(error, DisconnectedError);
    assert.is(error.detail, 'adapter disconnected');
  }
  assert.equal(reasons, ['adapter disconnected']);
  await assert.instance(await transport.write(Uint8Array.of(1)).catch((e: unknown) => e), Error);
  await client.close(); // closing a gone port is fine
  assert.is(board.requests.length, 1);
});

test('openSerialTransport: bad options are named, a missing port is explained, close() is idempotent', async () => {
  const board = new FakeBoard();
  assert.instance(await openSerialTransport({ path: '' }).catch((e: unknown) => e), ArgumentError);
  assert.instance(await openSerialTransport({ path: board.path, baudRate: 0, binding: board.binding }).catch((e: unknown) => e), ArgumentError);
  const missing = (await openSerialTransport({ path: '/dev/nothing-here', binding: board.binding }).catch((e: unknown) => e)) as Error;
  assert.match(missing.message, 'cannot open /dev/nothing-here');
  const transport = await openSerialTransport({ path: board.path, baudRate: 19200, binding: board.binding });
  const reasons: string[] = [];
  transport.onClose((reason) => reasons.push(reason));
  await transport.write(Uint8Array.of(0x02, 0x00, 0x03, 0xad));
  assert.equal(board.requests, [Uint8Array.of(0x02, 0x00, 0x03, 0xad)]);
  await Promise.all([transport.close(), transport.close()]);
  await transport.close();
  assert.equal(reasons, [CLOSED_BY_HOST]);
});

test('a stream error closes the transport with the reason', async () => {
  const board = new FakeBoard();
  const stream = new SerialPortStream({ binding: board.binding, path: board.path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => stream.open((e) => (e ? reject(e) : resolve())));
  const transport = new SerialTransport(stream, 'test stream');
  const reasons: string[] = [];
  const off = transport.onClose((reason) => reasons.push(reason));
  stream.emit('error', new Error('EIO'));
  assert.equal(reasons, ['serial port error: EIO']);
  off();
  await transport.close();
  assert.equal(reasons.length, 1);
  await turns(IO_TURNS);
  assert.not.ok(stream.isOpen);
});

test.run();
