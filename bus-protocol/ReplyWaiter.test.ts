/**
 * ReplyWaiter: the one-chunk fast path (a whole reply with nothing before it) and the parser
 * path (split, or behind garbage) give the same result.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from '../board-model/VirtualClock.ts';
import { encodeOkResponse } from './frame.ts';
import { ReplyWaiter, type WaitResult } from './ReplyWaiter.ts';

const REPLY = encodeOkResponse('GET_VIN', { raw: 0x1234 });

function waiter(): { clock: VirtualClock; w: ReplyWaiter } {
  const clock = new VirtualClock();
  return { clock, w: new ReplyWaiter(clock, { startAt: 0, requestBytes: 4, expectedBytes: REPLY.length, replyTimeoutMs: 40, byteTimeMs: 10_000 / 9600 }) };
}

test('a whole reply in one chunk: that frame, a copy of its bytes, at the chunk time', async () => {
  const { w } = waiter();
  const chunk = REPLY.slice();
  w.feed(chunk, 12.5);
  chunk.fill(0);
  const r = (await w.result) as Extract<WaitResult, { kind: 'frame' }>;
  assert.is(r.kind, 'frame');
  assert.equal([...r.bytes], [...REPLY]);
  assert.is(r.at, 12.5);
});

test('the same reply in two chunks, or behind a garbage byte, is found by the parser', async () => {
  const split = waiter();
  split.w.feed(REPLY.subarray(0, 2), 10);
  split.w.feed(REPLY.subarray(2), 11);
  const a = (await split.w.result) as Extract<WaitResult, { kind: 'frame' }>;
  assert.equal([a.kind, [...a.bytes], a.at], ['frame', [...REPLY], 11]);
  const behind = waiter();
  behind.w.feed(Uint8Array.of(0x55, ...REPLY), 20);
  const b = (await behind.w.result) as Extract<WaitResult, { kind: 'frame' }>;
  assert.equal([b.kind, [...b.bytes]], ['frame', [...REPLY]]);
});

test('a chunk with a bad CRC is not taken by the fast path: the wait times out as garbled', async () => {
  const { clock, w } = waiter();
  const bad = REPLY.slice();
  bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
  w.feed(bad, 5);
  clock.advance(1000);
  const r = await w.result;
  assert.is(r.kind, 'timeout');
  assert.is((r as Extract<WaitResult, { kind: 'timeout' }>).garbled, 'crc');
});

test('a whole reply in one chunk that completes before the request could be answered is a late reply to the earlier one: skipped and reported, as on the parser path (regression: the fast path took it for this request\'s)', async () => {
  const clock = new VirtualClock();
  const stale: number[] = [];
  const w = new ReplyWaiter(clock, {
    startAt: 0, requestBytes: 4, expectedBytes: REPLY.length, replyTimeoutMs: 40, byteTimeMs: 10_000 / 9600,
    staleBefore: 8.4, onStale: (_bytes, at) => stale.push(at),
  });
  w.feed(REPLY.slice(), 3);
  w.feed(REPLY.slice(), 14);
  const r = (await w.result) as Extract<WaitResult, { kind: 'frame' }>;
  assert.equal([r.kind, r.at], ['frame', 14], 'the reply that could answer this request');
  assert.equal(stale, [3], 'the late one reported');
});

test.run();
