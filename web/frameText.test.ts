/** The bus monitor's decoding: requests, OK and error replies as answers to the last request, collisions, garbage. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeErrorResponse, encodeOkResponse, encodeRequest } from '../bus-protocol/frame.ts';
import type { TransmissionRecord } from '../board-model/Rs485Bus.ts';
import { FrameReader } from './frameText.ts';
import { formatClock, hexBytes } from './format.ts';

const record = (from: string, bytes: Uint8Array, end = 10, collided = false, received = bytes): TransmissionRecord => ({ from, start: end - 5, end, bytes, received, collided });
const reader = () => new FrameReader((node) => (node === 'board 2' ? 'board 7' : undefined));

test('a request and its OK reply: direction, command, fields, bytes', () => {
  const r = reader();
  const req = r.read(record('host', encodeRequest('GET_PI_C', 7, { pi: 1 })));
  assert.equal(req, { t: 10, bytes: hexBytes(encodeRequest('GET_PI_C', 7, { pi: 1 })), direction: 'host → board 7', summary: 'GET_PI_C pi=1', flags: [] });
  const reply = r.read(record('board 2', encodeOkResponse('GET_PI_C', { raw: 1234 }), 20));
  assert.is(reply.direction, 'board 7 → host');
  assert.is(reply.summary, 'OK to GET_PI_C: raw=1234');
  assert.equal(reply.flags, []);
});

test('error replies name the code; collisions and CRC failures are marked', () => {
  const r = reader();
  r.read(record('host', encodeRequest('PI_ON', 7, { pi: 0 })));
  const error = r.read(record('board 2', encodeErrorResponse(0x14)));
  assert.is(error.summary, 'ERROR 0x14 INVALID_PI: invalid Pi number');
  assert.equal(error.flags, ['error-reply']);
  const sent = encodeOkResponse('PI_ON', {});
  const garbled = Uint8Array.from(sent, (b, i) => (i === 3 ? b ^ 0x5a : b));
  const collided = r.read(record('board 9', sent, 30, true, garbled));
  assert.is(collided.direction, 'board 9 → host');
  assert.match(collided.summary, /^not a reply: CRC byte is/);
  assert.equal(collided.flags, ['collision', 'crc']);
  assert.is(collided.bytes, hexBytes(garbled));
});

test('garbage from the host and short frames are invalid, not dropped', () => {
  const r = reader();
  const junk = r.read(record('host', Uint8Array.of(0x7e, 0x03, 0x03, 0x00)));
  assert.equal(junk.flags, ['crc']);
  assert.match(junk.summary, /^not a request: /);
  const short = r.read(record('host', Uint8Array.of(0x11)));
  assert.equal(short.flags, ['invalid']);
  assert.match(short.summary, /incomplete/);
  const reply = r.read(record('board 2', encodeOkResponse('GET_SW_VERSION', { version: 4 })));
  assert.is(reply.summary, 'OK: data=04', 'without a known request the payload stays raw');
});

test('clock format', () => {
  assert.is(formatClock(83_456), '0:01:23.456');
  assert.is(formatClock(3_600_000 * 25 + 1), '25:00:00.001');
});

test.run();
