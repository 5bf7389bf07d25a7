/** The bus monitor's decoding: requests, OK and error replies as answers to the last request, collisions, garbage. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeErrorResponse, encodeOkResponse, encodeRequest } from '../bus-protocol/frame.ts';
import type { TransmissionRecord } from '../board-model/Rs485Bus.ts';
import { rawToUnits } from '../bus-protocol/conversions.ts';
import { annotateBytes, FrameReader } from './frameText.ts';
import { eventDetails, eventDetailsWords, eventWho, eventWords, formatClock, hexBytes, plural } from './format.ts';

const record = (from: string, bytes: Uint8Array, end = 10, collided = false, received = bytes): TransmissionRecord => ({ from, start: end - 5, end, bytes, received, collided });
const reader = () => new FrameReader((node) => (node === 'board 2' ? 'board 7' : undefined));

test('a request and its OK reply: direction, command, fields, bytes', () => {
  const r = reader();
  const req = r.read(record('host', encodeRequest('GET_PI_C', 7, { pi: 1 })));
  assert.equal({ ...req, fields: undefined }, { t: 10, from: 'host', id: 7, command: 'GET_PI_C', fields: undefined, bytes: hexBytes(encodeRequest('GET_PI_C', 7, { pi: 1 })), direction: 'host → board 7', summary: 'GET_PI_C pi=1', flags: [] });
  const reply = r.read(record('board 2', encodeOkResponse('GET_PI_C', { raw: 1234 }), 20));
  assert.is(reply.direction, 'board 7 → host');
  assert.is(reply.summary, `OK to GET_PI_C: ${rawToUnits('piC', 1234, 3).toFixed(3)} A (raw=1234)`);
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
  assert.match(collided.summary, /^not a reply: COLLISION: another node transmitted at the same time/);
  assert.not.match(collided.summary, 'more bytes needed');
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

test('readings in units for the board\'s hardware version: GET_VIN raw=25600 reads 12.031 V on v3 hardware', () => {
  const r = new FrameReader(() => 'board 0', (id) => (id === 0 ? 3 : 2), () => 0);
  r.read(record('host', encodeRequest('GET_VIN', 0)));
  const reply = r.read(record('board 0', encodeOkResponse('GET_VIN', { raw: 25600 })));
  assert.is(reply.summary, `OK to GET_VIN: ${rawToUnits('vin', 25600, 3).toFixed(3)} V (raw=25600)`);
  assert.is(reply.id, 0);
  const v2 = new FrameReader(() => 'board 5', () => 2, () => 5);
  v2.read(record('host', encodeRequest('GET_POWER', 5)));
  assert.match(v2.read(record('board 5', encodeOkResponse('GET_POWER', { raw: 1000 }))).summary, / W \(raw=1000\)$/);
});

test('bytes annotated by field: command, ID, LEN, data, CRC; a wrong CRC and extra bytes say so', () => {
  const req = annotateBytes(encodeRequest('GET_PI_C', 7, { pi: 1 }), true, undefined);
  assert.equal(req.map((f) => f.kind), ['command', 'id', 'len', 'data', 'crc']);
  assert.match(req[0]!.title, 'GET_PI_C');
  assert.is(req[1]!.title, 'board ID 7 (the board that should answer)');
  assert.is(req[2]!.title, 'LEN 4: bytes before the CRC (the frame is 5 bytes)');
  assert.is(req[3]!.title, 'pi (u8): 1');
  assert.match(req[4]!.title, 'matches');
  const reply = annotateBytes(encodeOkResponse('GET_VIN', { raw: 25600 }), false, 'GET_VIN');
  assert.equal(reply.map((f) => [f.kind, f.hex]), [['status', '00'], ['id', 'FF'], ['len', '05'], ['data', '64 00'], reply.map((f) => [f.kind, f.hex])[4]!]);
  assert.match(reply[1]!.title, 'master');
  assert.match(annotateBytes(encodeErrorResponse(0x11), false, undefined)[3]!.title, 'CRC_FAILED');
  const bad = Uint8Array.of(...encodeRequest('PI_ON', 1, { pi: 0 }), 0x99);
  bad[4] = bad[4]! ^ 1;
  const fields = annotateBytes(bad, true, undefined);
  assert.match(fields[4]!.title, 'wrong');
  assert.equal(fields[5]!.kind, 'extra');
  assert.match(annotateBytes(Uint8Array.of(0x00, 0xff, 0x06, 1, 2, 3), false, undefined)[3]!.title, 'not decoded');
  assert.match(annotateBytes(Uint8Array.of(0xee), true, undefined)[0]!.title, 'unknown command');
  assert.match(annotateBytes(Uint8Array.of(0x07, 0x01), false, undefined)[0]!.title, 'not a status');
  assert.equal(annotateBytes(new Uint8Array(0), true, undefined), []);
});

test('clock format', () => {
  assert.is(formatClock(83_456), '0:01:23.456');
  assert.is(formatClock(3_600_000 * 25 + 1), '25:00:00.001');
});

test('events in words: types, power-off causes, readings in units, no-reply causes; plural grammar', () => {
  assert.is(eventWords('watchdog-expired'), 'watchdog fired: no heartbeat in time');
  assert.is(eventWords('something-new'), 'something-new');
  assert.is(eventDetailsWords({ t: 1, type: 'power-off', id: 0, pi: 0, cause: 'watchdog' }), 'by the watchdog');
  assert.is(eventDetailsWords({ t: 1, type: 'power-lost', id: 0, pi: 0, from: 'crashed' }), 'was crashed');
  assert.is(eventDetailsWords({ t: 1, type: 'host-reply', id: 0, command: 'GET_VIN', payload: { raw: 25600 } }), `command GET_VIN; ${rawToUnits('vin', 25600, 3).toFixed(3)} V (raw 25600)`);
  assert.is(eventDetailsWords({ t: 1, type: 'host-reply', id: 0, command: 'GET_ERROR_BUFFER', payload: { log: [15, 0] } }), 'command GET_ERROR_BUFFER; log 15 0');
  assert.is(eventDetailsWords({ t: 1, type: 'host-timeout', id: 3, command: 'PI_ON', cause: 'no-board', why: 'no board has ID 3' }), 'command PI_ON; cause no-board; no board has ID 3');
  assert.is(eventDetailsWords({ t: 1, type: 'host-error', id: 3, code: 0x14 }), '0x14 INVALID_PI: invalid Pi number');
  assert.is(eventDetailsWords({ t: 1, type: 'shutdown-requested', id: 3, pi: 1, by: 'pi' }), 'asked by the pi');
  assert.is(eventDetailsWords({ t: 1, type: 'undervoltage', volts: 4.5, loadA: 6, bootCount: 2, block: 'config', extra: { a: 1 } }), '4.50 V; load 6.00 A; boot number 2; config block; extra {"a":1}');
  assert.is(eventDetailsWords({ t: 1, type: 'fault', id: 0, fault: 'crash', value: 3 }), 'crash; value 3');
  assert.is(eventDetails({ t: 1, type: 'fault', id: 0, fault: 'crash', extra: { a: 1 } }), 'fault=crash extra={"a":1}');
  assert.is(eventWho({ t: 1, type: 'uvlo' }), 'stack');
  assert.is(plural(1, 'board'), '1 board');
  assert.is(plural(2, 'board'), '2 boards');
});

test.run();
