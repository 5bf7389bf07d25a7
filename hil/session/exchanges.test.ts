/**
 * Cutting a session into exchanges (requests split over chunks, two requests in one chunk,
 * garbage, bytes before any request), classifying replies the same way on both sides, and the
 * comparison rules: digital fields exact, analog readings within their band.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeErrorResponse, encodeOkResponse, encodeRequest } from '../../bus-protocol/frame.ts';
import { classifyReply, sessionExchanges } from './exchanges.ts';
import { compareOutcomes } from './replay.ts';
import { makeSessionHeader, type RecordedEvent, type Session } from './sessionFormat.ts';
import { DEFAULT_TOLERANCE, allowedDifference, bandFor, parseTolerance, replyTimeFor } from './tolerance.ts';

function session(events: Array<[number, 'host' | 'bus', Uint8Array]>): Session {
  const recorded: RecordedEvent[] = events.map(([t, dir, bytes], i) => ({ line: i + 2, t, dir, bytes }));
  return { source: 'test.jsonl', header: makeSessionHeader({ port: 'sim:', clock: 'virtual', toolVersion: '0' }), events: recorded, end: undefined, complete: false, warnings: [] };
}

test('a request written in pieces is one exchange, timed from its last piece; its reply may be split too', () => {
  const request = encodeRequest('GET_VIN', 3);
  const reply = encodeOkResponse('GET_VIN', { raw: 25374 });
  const { exchanges, warnings } = sessionExchanges(session([
    [0, 'host', request.subarray(0, 2)],
    [1, 'host', request.subarray(2)],
    [9, 'bus', reply.subarray(0, 3)],
    [12, 'bus', reply.subarray(3)],
  ]));
  assert.equal(warnings, []);
  assert.is(exchanges.length, 1);
  const e = exchanges[0]!;
  assert.equal([e.index, e.line, e.command, e.id, e.label, e.sentAt, e.replyAt], [1, 3, 'GET_VIN', 3, 'GET_VIN to 3', 1, 12]);
  assert.equal([...e.reply], [...reply]);
});

test('two requests in one chunk, a silent request, garbage and orphan bus bytes', () => {
  const both = Uint8Array.from([...encodeRequest('GET_ID', 1), ...encodeRequest('GET_ID', 2)]);
  const { exchanges, warnings } = sessionExchanges(session([
    [0, 'bus', Uint8Array.of(0xaa)],
    [1, 'host', both],
    [8, 'bus', encodeOkResponse('GET_ID', { id: 2 })],
    [60, 'host', Uint8Array.of(0x02, 0x00, 0x01, 0x55)],
    [120, 'host', encodeRequest('GET_SW_VERSION', 9)],
  ]));
  assert.equal(warnings, ['test.jsonl: 1 bus byte(s) before the first request are not part of any exchange (ignored)']);
  assert.equal(exchanges.map((e) => [e.label, e.reply.length]), [
    ['GET_ID to 1', 0],
    ['GET_ID to 2', 5],
    ['bad request (GET_SW_VERSION?): LEN byte is 1, below the minimum 3 [02 00 01 55]', 0],
    ['GET_SW_VERSION to 9', 0],
  ]);
  assert.equal(classifyReply(exchanges[0]!.reply, 'GET_ID'), { kind: 'silent' });
});

test('classifyReply: OK fields, error codes, garbage', () => {
  assert.equal(classifyReply(encodeOkResponse('GET_HBT_TIME', { value: 15 }), 'GET_HBT_TIME').kind, 'ok');
  const error = classifyReply(encodeErrorResponse(0x12), 'GET_VIN');
  assert.equal(error.kind === 'error' && error.code, 0x12);
  const bad = encodeOkResponse('GET_VIN', { raw: 1 });
  bad[4]! ^= 0x01;
  assert.is(classifyReply(bad, 'GET_VIN').kind, 'garbled');
  assert.is(classifyReply(bad.subarray(0, 3), 'GET_VIN').kind, 'garbled');
});

test('comparison: settings exactly, analog readings within max(percent, counts), power with its own band', () => {
  const ok = (fields: Record<string, number>) => ({ kind: 'ok' as const, fields, bytes: new Uint8Array() });
  assert.equal(compareOutcomes('GET_HBT_TIME', ok({ value: 15 }), ok({ value: 16 }), DEFAULT_TOLERANCE), [{ field: 'value', recorded: '15', now: '16' }]);
  assert.equal(compareOutcomes('GET_VIN', ok({ raw: 25000 }), ok({ raw: 25000 + 750 }), DEFAULT_TOLERANCE), [], '3 % of 25000');
  assert.is(compareOutcomes('GET_VIN', ok({ raw: 25000 }), ok({ raw: 25000 + 751 }), DEFAULT_TOLERANCE).length, 1);
  assert.equal(compareOutcomes('GET_PI_C', ok({ raw: 0 }), ok({ raw: 50 }), DEFAULT_TOLERANCE), [], '50 counts near zero');
  assert.is(compareOutcomes('GET_PI_C', ok({ raw: 0 }), ok({ raw: 51 }), DEFAULT_TOLERANCE).length, 1);
  assert.equal(bandFor(DEFAULT_TOLERANCE, 'GET_5V_POWER'), { percent: 6, counts: 50 * 65535 });
  assert.is(bandFor(DEFAULT_TOLERANCE, 'GET_ID'), undefined);
  assert.is(allowedDifference({ percent: 3, counts: 50 }, -1000), 50);
  const [diff] = compareOutcomes('GET_VIN', ok({ raw: 25000 }), { kind: 'silent' }, DEFAULT_TOLERANCE);
  assert.equal(diff, { field: 'reply', recorded: 'OK raw=25000 (11.749 V)', now: 'no reply' });
  assert.equal(compareOutcomes('GET_VIN', { kind: 'garbled', bytes: Uint8Array.of(1), reason: 'x' }, { kind: 'garbled', bytes: Uint8Array.of(2), reason: 'y' }, DEFAULT_TOLERANCE), []);
});

test('parseTolerance: partial files keep the defaults, per-command overrides apply', () => {
  const t = parseTolerance(JSON.stringify({ analog: { counts: 80 }, commands: { GET_CIN: { percent: 10 }, GET_ID: { replyTimeMs: 50 } } }), 't.json');
  assert.equal(t.analog, { percent: 3, counts: 80 });
  assert.equal(bandFor(t, 'GET_CIN'), { percent: 10, counts: 80 });
  assert.is(replyTimeFor(t, 'GET_ID'), 50);
  assert.is(replyTimeFor(t, 'GET_VIN'), 20);
  assert.throws(() => parseTolerance('{"replyTimeMs": "soon"}', 't.json'), /t\.json: replyTimeMs: expected a number, got "soon"/);
  assert.throws(() => parseTolerance('{', 't.json'), /t\.json: not valid JSON/);
});

test.run();
