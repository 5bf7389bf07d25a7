/** BusClient: one request at a time, reply deadlines in virtual time, retries, typed errors, disconnects. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { VirtualClock } from '../board-model/VirtualClock.ts';
import { ADAPTER_LATENCY_MS } from './ReplyWaiter.ts';
import { StackClient } from './StackClient.ts';
import { DEFAULT_REPLY_TIMEOUT_MS, HOST_JITTER_MARGIN_MS, type StackClientOptions, type TrafficEvent } from './BusClient.ts';
import { ArgumentError, BoardError, CrcError, DisconnectedError, MalformedReplyError, NoReplyError } from './errors.ts';
import { buildFrame, encodeErrorResponse, encodeOkResponse, encodeRequest } from './frame.ts';
import { BYTE_TIME_9600_MS } from './FrameParser.ts';
import { LoopbackTransport, type Responder } from './testing/LoopbackTransport.ts';
import type { ByteTransport } from './transport.ts';
import { rejection, settle, turn } from './testing/settle.ts';

const BT = BYTE_TIME_9600_MS;
const FC = { seed: Number(process.env.FC_SEED ?? 42), numRuns: 300 };
const VIN_OK = encodeOkResponse('GET_VIN', { raw: 0x1234 });

function setup(responder?: Responder, options: Partial<StackClientOptions> = {}) {
  const clock = new VirtualClock();
  const bus = new LoopbackTransport(responder);
  const client = new StackClient(bus, { clock, ...options });
  return { clock, bus, client };
}

/** Answer the first `silent` writes with nothing, later ones with `reply`. */
function silentThen(silent: number, reply: Uint8Array): Responder {
  let writes = 0;
  return (_request, bus) => {
    if (++writes > silent) bus.deliver(reply);
  };
}

test('two concurrent requests go out one at a time, in call order', async () => {
  const { bus, client } = setup();
  const vin = client.request('GET_VIN', 1);
  const hw = client.getHwVersion(2);
  await turn();
  assert.equal(bus.written, [encodeRequest('GET_VIN', 1)], 'the second waits for the first reply');
  bus.deliver(VIN_OK);
  assert.equal(await vin, { raw: 0x1234 });
  await turn();
  assert.equal(bus.written.at(-1), encodeRequest('GET_HW_VERSION', 2));
  bus.deliver(encodeOkResponse('GET_HW_VERSION', { version: 3 }));
  assert.is(await hw, 3);
});

test('no reply: deadline is the wire time of request and expected reply + replyTimeoutMs from the write', async () => {
  const { clock, client } = setup(undefined, { retries: 0 });
  const pending = client.getSwVersion(0);
  let error: unknown;
  pending.catch((e: unknown) => (error = e));
  const deadline = (4 + 5) * BT + DEFAULT_REPLY_TIMEOUT_MS; // GET_SW_VERSION: 4-byte request, 5-byte reply
  clock.advance(deadline - 0.01);
  await turn();
  assert.is(error, undefined, 'still waiting just before the deadline');
  clock.advance(0.01);
  await turn();
  assert.instance(error, NoReplyError);
  const e = error as NoReplyError;
  assert.is(e.partial.length, 0);
  assert.equal(e.request, encodeRequest('GET_SW_VERSION', 0));
  assert.ok(Math.abs(e.waitedMs - deadline) < 1e-9);
  assert.match(e.message, 'no reply to GET_SW_VERSION');
  assert.is(client.stats.timeouts, 1);
});

test('bytes that start to arrive extend the deadline to the rest of the reply at wire speed + adapter latency', async () => {
  const log = Uint8Array.from({ length: 32 }, (_, i) => i);
  const reply = encodeOkResponse('GET_ERROR_BUFFER', { log }); // 36 bytes: LEN tells the host
  const { clock, bus, client } = setup(undefined, { retries: 0, replyTimeoutMs: DEFAULT_REPLY_TIMEOUT_MS }); // fixed: the allowance does not adapt
  // The first deadline is (3 + 36) * BT + 40 = 80.6 ms; bytes starting at 50 ms push it to
  // 50 + 32 * BT + 16 = 99.3 ms.
  const first = client.getErrorBuffer(0);
  clock.advance(50);
  bus.deliver(reply.subarray(0, 4));
  const extended = 50 + (reply.length - 4) * BT + ADAPTER_LATENCY_MS;
  clock.advance(extended - 50 - 0.01);
  bus.deliver(reply.subarray(4));
  assert.equal(await first, log);

  const second = client.getErrorBuffer(0);
  const start = clock.now();
  clock.advance(60);
  bus.deliver(reply.subarray(0, 6));
  const error = (await rejection(second, clock)) as NoReplyError;
  assert.instance(error, NoReplyError);
  assert.equal(error.partial, reply.subarray(0, 6));
  assert.match(error.message, 'incomplete reply (00 FF 23 00 01 02)');
  assert.ok(Math.abs(clock.now() - (start + 60 + (reply.length - 6) * BT + ADAPTER_LATENCY_MS)) < 1e-9);
});

test('retries: a read is re-sent after a timeout, up to `retries` times', async () => {
  // Fixed allowance: with the adaptive one, a reply after silences on an unmeasured link is re-asked (ReplyTimer.test.ts).
  const { clock, bus, client } = setup(silentThen(2, VIN_OK), { replyTimeoutMs: DEFAULT_REPLY_TIMEOUT_MS });
  const outcome = await settle(client.getVin(1), clock);
  assert.ok(outcome.ok);
  assert.is(bus.written.length, 3);
  assert.equal(client.stats, { requests: 3, replies: 1, timeouts: 2, crcErrors: 0, malformed: 0, boardErrors: 0, retries: 2 });

  const { clock: c2, bus: b2, client: k2 } = setup(undefined, { retries: 1 });
  assert.instance(await rejection(k2.getVin(1), c2), NoReplyError);
  assert.is(b2.written.length, 2);
});

test('writes are never re-sent: a lost reply does not mean the board did not act', async () => {
  const { clock, bus, client } = setup(undefined, { retries: 5 });
  assert.instance(await rejection(client.piOff(0, 1), clock), NoReplyError);
  bus.responder = (_r, b) => b.deliver(Uint8Array.of(0x00, 0xff, 0x03, 0x00));
  assert.instance(await rejection(client.sendSig(0, 1), clock), CrcError);
  assert.is(bus.written.length, 2);
  assert.is(client.stats.retries, 0);
});

test('CRC error: bytes that never form a valid frame by the deadline; retried for reads', async () => {
  const bad = VIN_OK.slice();
  bad[bad.length - 1]! ^= 0x01;
  const { clock, bus, client } = setup((_r, b) => b.deliver(bad), { retries: 1 });
  const error = (await rejection(client.getVin(3), clock)) as CrcError;
  assert.instance(error, CrcError);
  assert.equal(error.received, bad);
  assert.is(error.id, 3);
  assert.is(bus.written.length, 2);
  assert.is(client.stats.crcErrors, 2);
});

test('a turnaround glitch before the reply, and a reply split into chunks over time, still resolve', async () => {
  // Regression: 37 00 | 00 FF 05 ...: the parser's candidate 00 00 FF claims LEN 0xFF and would
  // hold the real reply until the deadline.
  const { clock, client } = setup((_r, b) => {
    b.deliver(Uint8Array.of(0x37, 0x00), VIN_OK.subarray(0, 2));
    clock.setTimeout(() => b.deliver(VIN_OK.subarray(2, 5)), 10);
    clock.setTimeout(() => b.deliver(VIN_OK.subarray(5)), 30);
  });
  const outcome = await settle(client.getVin(0), clock);
  assert.ok(outcome.ok);
  assert.is(clock.now(), 30, 'taken when the last byte arrived');
  assert.is(client.stats.requests, 1);
});

test('a reply whose last byte misses the deadline is a timeout with the partial bytes', async () => {
  const { clock, client } = setup((_r, b) => {
    b.deliver(VIN_OK.subarray(0, 4));
    clock.setTimeout(() => b.deliver(VIN_OK.subarray(4)), 60); // deadline (4 + 6) * BT + 40 = 50.4 ms
  }, { retries: 0 });
  const error = (await rejection(client.getVin(0), clock)) as NoReplyError;
  assert.instance(error, NoReplyError);
  assert.equal(error.partial, VIN_OK.subarray(0, 4));
});

test('property: noise that cannot start a reply, then the reply in any chunking, gives the reply on the first attempt', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 4, min: 0x02, max: 0xfe }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.array(fc.integer({ min: 1, max: 10 }), { maxLength: 10 }),
      async (noise, raw, cuts) => {
        const bytes = Uint8Array.from([...noise, ...encodeOkResponse('GET_VIN', { raw })]);
        const chunks: Uint8Array[] = [];
        let at = 0;
        for (const cut of cuts) if (at < bytes.length) chunks.push(bytes.subarray(at, (at += cut)));
        if (at < bytes.length) chunks.push(bytes.subarray(at));
        const { clock, client } = setup((_r, b) => b.deliver(...chunks), { retries: 0 });
        const outcome = await settle(client.request('GET_VIN', 0), clock);
        assert.equal(outcome, { ok: true, value: { raw } });
        assert.ok(clock.now() <= 4 * BT + DEFAULT_REPLY_TIMEOUT_MS);
      },
    ),
    FC,
  );
});

test('a write that never completes still ends at the reply deadline; one that throws is a disconnect', async () => {
  const clock = new VirtualClock();
  const bus = new LoopbackTransport();
  const stuck: ByteTransport = {
    description: 'stuck', write: () => new Promise<void>(() => undefined), onData: (l) => bus.onData(l), onClose: (l) => bus.onClose(l), close: () => bus.close(),
  };
  const client = new StackClient(stuck, { clock, retries: 0 });
  assert.instance(await rejection(client.getVin(0), clock), NoReplyError);
  const throwing = new StackClient({ ...stuck, write: () => { throw new Error('EBADF'); } }, { clock });
  assert.match(((await rejection(throwing.getVin(0), clock)) as DisconnectedError).detail, 'write failed: EBADF');
});

test('malformed: a CRC-valid reply the command cannot have, or a frame that is not a reply', async () => {
  const { clock, bus, client } = setup((_r, b) => b.deliver(encodeOkResponse('GET_SW_VERSION', { version: 4 })), { retries: 1 });
  const short = (await rejection(client.getVin(0), clock)) as MalformedReplyError;
  assert.instance(short, MalformedReplyError);
  assert.match(short.reason, 'needs LEN 5');
  assert.is(bus.written.length, 2, 'retried once (a read)');
  bus.responder = (_r, b) => b.deliver(buildFrame(0x01, 0xff, [0x12, 0x00]));
  assert.match(((await rejection(client.getVin(0), clock)) as MalformedReplyError).reason, 'error response needs LEN 4');
  bus.responder = (_r, b) => b.deliver(buildFrame(0x0a, 0x01, []));
  const notReply = (await rejection(client.getVin(1), clock)) as MalformedReplyError;
  assert.instance(notReply, MalformedReplyError);
  assert.match(notReply.reason, 'not a reply');
  assert.is(client.stats.malformed, 6);
});

test('BoardError carries the firmware code and is never retried', async () => {
  const { clock, bus, client } = setup((_r, b) => b.deliver(encodeErrorResponse(0x13)));
  const error = (await rejection(client.getPiC(4, 1), clock)) as BoardError;
  assert.instance(error, BoardError);
  assert.is(error.code, 0x13);
  assert.is(error.command, 'GET_PI_C');
  assert.is(error.id, 4);
  assert.is(bus.written.length, 1);
  assert.is(client.stats.boardErrors, 1);
});

test('disconnect rejects the pending request and every queued one; later requests reject at once', async () => {
  const { bus, client } = setup();
  const calls = [client.getVin(0), client.piOn(1, 0), client.requestRaw(encodeRequest('GET_ID', 2))];
  await turn();
  bus.disconnect('adapter unplugged');
  const [vin, on] = await Promise.allSettled(calls.slice(0, 2));
  for (const r of [vin, on]) {
    assert.is(r!.status, 'rejected');
    assert.instance((r as PromiseRejectedResult).reason, DisconnectedError);
    assert.match(((r as PromiseRejectedResult).reason as DisconnectedError).detail, 'adapter unplugged');
  }
  await assert.instance(await calls[2]!.catch((e: unknown) => e), DisconnectedError);
  assert.instance(await client.getVin(0).catch((e: unknown) => e), DisconnectedError);
  assert.is(bus.written.length, 1);
  assert.is(bus.listenerCount, 0, 'the client unsubscribed');
});

test('a failed write is a DisconnectedError and is not retried; close() rejects pending and closes the transport', async () => {
  const { bus, client } = setup();
  bus.failNextWrite = 'EIO';
  const error = (await client.getVin(0).catch((e: unknown) => e)) as DisconnectedError;
  assert.instance(error, DisconnectedError);
  assert.match(error.detail, 'write failed: EIO');
  assert.is(bus.written.length, 0);
  const pending = client.getVin(0);
  await turn();
  await client.close();
  assert.match(((await pending.catch((e: unknown) => e)) as DisconnectedError).detail, 'client closed');
  assert.ok(bus.closed);
});

test('requestRaw: damaged frames get the board\'s error frame back, never a throw', async () => {
  const good = encodeRequest('GET_VIN', 0);
  const { clock, bus, client } = setup((request, b) => {
    if (request[0] === 0x0a && request.length === 4) b.deliver(request[3] === good[3] ? VIN_OK : encodeErrorResponse(0x11));
  });
  const damaged = good.slice();
  damaged[3]! ^= 0xff;
  const answered = await client.requestRaw(damaged);
  assert.is(answered.kind, 'reply');
  if (answered.kind === 'reply') assert.equal(answered.frame.status === 'error' && answered.frame.code, 0x11);
  const typed = await client.requestRaw(good, 'GET_VIN');
  assert.equal(typed.kind === 'reply' && typed.frame.status === 'ok' && typed.frame.payload, { raw: 0x1234 });
  const silent = await settle(client.requestRaw(Uint8Array.of(0x7f, 0x00, 0x03)), clock);
  assert.ok(silent.ok && silent.value.kind === 'failed' && silent.value.error instanceof NoReplyError);
  if (silent.ok && silent.value.kind === 'failed') assert.match(silent.value.error.message, 'raw frame');
  assert.instance(await client.requestRaw(new Uint8Array(0)).catch((e: unknown) => e), ArgumentError);
  assert.is(bus.written.length, 3);
  assert.is(client.stats.retries, 0, 'raw requests are sent once');
});

test('requestRaw of a whole frame waits as request() does; only a frame cut short waits the 3.5 byte-time gap more (regression: the viz page, which sends whole frames raw, timed out 3.6 ms after pistack sim)', async () => {
  const waited = async (send: (client: StackClient) => Promise<unknown>): Promise<number> => {
    const { clock, client } = setup(undefined, { retries: 0 });
    const outcome = settle(send(client), clock);
    const got = await outcome;
    const error = got.ok ? (got.value as { error?: unknown }).error : got.error;
    assert.instance(error, NoReplyError);
    return (error as NoReplyError).waitedMs;
  };
  const whole = encodeRequest('GET_SW_VERSION', 0);
  const byRequest = await waited((c) => c.getSwVersion(0));
  assert.is(await waited((c) => c.requestRaw(whole, 'GET_SW_VERSION')), byRequest, 'a whole frame sent raw');
  const badCrc = whole.slice();
  badCrc[3]! ^= 0xff;
  assert.is(await waited((c) => c.requestRaw(badCrc, 'GET_SW_VERSION')), byRequest, 'a whole frame with a bad CRC ends with its last byte too');
  const cut = await waited((c) => c.requestRaw(whole.subarray(0, 3), 'GET_SW_VERSION'));
  assert.ok(Math.abs(cut - (byRequest - BT + 3.5 * BT)) < 1e-9, `a frame cut short: ${cut} ms`);
});

test('the adaptive allowance keeps a host-jitter margin: after steady round trips, a reply 9 ms later than usual is still taken (regression: through serve --pty about 1 % of replies were given up while on the way, and the next request collided with them)', async () => {
  const clock = new VirtualClock();
  let lateBy = 0;
  const bus = new LoopbackTransport((request) => {
    // Wire time of the request and the 6-byte reply, the board's 2 ms reply delay, then the usual 0.8 ms of host lag (or more).
    clock.setTimeout(() => bus.deliver(VIN_OK), (request.length + 6) * BT + 2 + 0.8 + lateBy);
  });
  const client = new StackClient(bus, { clock, retries: 0 });
  const ask = async (): Promise<unknown> => {
    const got = settle(client.request('GET_VIN', 0), clock);
    const r = await got;
    return r.ok ? r.value : r.error;
  };
  for (let i = 0; i < 30; i++) assert.equal(await ask(), { raw: 0x1234 }, `steady exchange ${i}`);
  assert.ok(client.replyAllowanceMs >= 3 + HOST_JITTER_MARGIN_MS, `allowance ${client.replyAllowanceMs} ms`);
  lateBy = 9;
  assert.equal(await ask(), { raw: 0x1234 }, 'a reply 9 ms later than the steady ones');
  assert.is(client.stats.timeouts, 0);
});

test('onTraffic sees host and bus chunks with clock times; stray bytes with no request pending are ignored', async () => {
  const events: TrafficEvent[] = [];
  const { clock, bus, client } = setup(undefined, { onTraffic: (e) => events.push(e) });
  bus.deliver(Uint8Array.of(0xaa));
  clock.advance(5);
  const vin = client.getVin(0);
  clock.advance(3);
  bus.deliver(VIN_OK);
  assert.equal(await vin, rawToVin());
  assert.equal(events.map((e) => [e.direction, e.bytes.length, e.at]), [['bus', 1, 0], ['host', 4, 5], ['bus', 6, 8]]);
});
function rawToVin(): number {
  return 0x1234 * (3.3 / 65535) * (112 / 12);
}

test('a late reply to a timed-out attempt is dropped before the retry is sent', async () => {
  const { clock, bus, client } = setup(undefined, { replyTimeoutMs: DEFAULT_REPLY_TIMEOUT_MS });
  bus.responder = (_r, b) => {
    if (bus.written.length === 2) b.deliver(VIN_OK);
  };
  const vin = client.getVin(0);
  clock.setTimeout(() => bus.deliver(encodeOkResponse('GET_VIN', { raw: 0xdead })), (4 + 6) * BT + DEFAULT_REPLY_TIMEOUT_MS);
  const outcome = await settle(vin, clock);
  assert.ok(outcome.ok && Math.abs(outcome.value - rawToVin()) < 1e-12);
});

test('options are checked and named', () => {
  const clock = new VirtualClock();
  for (const bad of [{ replyTimeoutMs: -1 }, { retries: Number.NaN }, { byteTimeMs: Infinity }]) {
    const option = Object.keys(bad)[0]!;
    assert.throws(() => new StackClient(new LoopbackTransport(), { clock, ...bad }), (e: unknown) => e instanceof ArgumentError && e.option === option);
  }
});

test.run();
