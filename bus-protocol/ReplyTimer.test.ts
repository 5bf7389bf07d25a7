/** ReplyTimer arithmetic (RFC 6298 over the excess beyond wire time) and the client's handling of ambiguous replies, in virtual time. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from '../board-model/VirtualClock.ts';
import { DEFAULT_REPLY_TIMEOUT_MS } from './BusClient.ts';
import { DisconnectedError } from './errors.ts';
import { encodeOkResponse, encodeRequest } from './frame.ts';
import { BYTE_TIME_9600_MS } from './FrameParser.ts';
import { MAX_REPLY_ALLOWANCE_MS, ReplyTimer } from './ReplyTimer.ts';
import { StackClient } from './StackClient.ts';
import { LoopbackTransport } from './testing/LoopbackTransport.ts';
import { settle } from './testing/settle.ts';

const BT = BYTE_TIME_9600_MS;

test('before a sample: the initial allowance; the first sample gives R + 4 * R/2; later ones smooth with 1/8 and 1/4', () => {
  const timer = new ReplyTimer({ initialMs: 40, floorMs: 3 });
  assert.is(timer.allowanceMs, 40);
  assert.not.ok(timer.measured);
  assert.is(timer.reply(0, 14, 10), 'clean'); // excess 4 ms
  assert.is(timer.srttMs, 4);
  assert.is(timer.rttvarMs, 2);
  assert.is(timer.allowanceMs, 12);
  timer.reply(100, 112, 10); // excess 2 ms
  assert.is(timer.rttvarMs, 0.75 * 2 + 0.25 * 2);
  assert.is(timer.srttMs, 0.875 * 4 + 0.125 * 2);
  for (let i = 0; i < 100; i++) timer.reply(0, 10, 10); // excess 0: converges to the floor (3 ms here)
  assert.is(timer.allowanceMs, 3, 'never below the longest reply delay');
  assert.is(timer.samples, 102);
});

test('silences are owed only before the first sample, and only for MAX_REPLY_ALLOWANCE_MS; an ambiguous reply raises the allowance to its bound', () => {
  const timer = new ReplyTimer({ initialMs: 40 });
  timer.silence(0);
  timer.silence(50);
  assert.ok(timer.owes(100));
  assert.is(timer.reply(100, 212, 10), 'ambiguous');
  assert.is(timer.allowanceMs, 1.5 * (212 - 0 - 10), 'the reply answers a request written at 0 at the earliest; half again as margin');
  assert.not.ok(timer.measured, 'no sample from an ambiguous reply (Karn)');
  timer.drained();
  assert.not.ok(timer.owes(300));
  assert.is(timer.reply(300, 420, 10), 'clean');
  timer.silence(500);
  assert.not.ok(timer.owes(500), 'a measured link owes nothing: a silence is an absent board');

  const old = new ReplyTimer();
  old.silence(0);
  assert.not.ok(old.owes(MAX_REPLY_ALLOWANCE_MS + 1), 'a request older than the longest allowance owes nothing');
  old.silence(5000);
  old.reply(5000, 5000 + 3 * MAX_REPLY_ALLOWANCE_MS, 10);
  assert.is(old.allowanceMs, MAX_REPLY_ALLOWANCE_MS, 'capped');
});

test('client: a reply after a silence on an unmeasured link is not trusted: the line is drained and a read asked again', async () => {
  const clock = new VirtualClock();
  const bus = new LoopbackTransport();
  const late = encodeOkResponse('GET_SW_VERSION', { version: 4 });
  let writes = 0;
  bus.responder = (_r, b) => {
    writes++;
    // Every reply takes 100 ms of latency: each one arrives during a later request's wait.
    clock.setTimeout(() => b.deliver(late), 100);
  };
  const client = new StackClient(bus, { clock, retries: 2 });
  const outcome = await settle(client.getSwVersion(1), clock);
  assert.ok(outcome.ok && outcome.value === 4);
  assert.ok(client.replyTimer!.ambiguous >= 1 && client.replyTimer!.measured);
  assert.ok(client.replyAllowanceMs >= 100 - 9 * BT, `allowance ${client.replyAllowanceMs} covers the latency`);
  assert.ok(writes >= 3, 'asked again after the drain');
});

test('client: a write answered ambiguously keeps its reply and is never sent twice; a disconnect during the drain rejects', async () => {
  const clock = new VirtualClock();
  const bus = new LoopbackTransport();
  const ok = encodeOkResponse('LEDS_ON', {});
  const client = new StackClient(bus, { clock, retries: 0 });
  bus.responder = () => undefined;
  await settle(client.getSwVersion(1).catch(() => undefined), clock); // silent: owed
  bus.responder = (_r, b) => clock.setTimeout(() => b.deliver(ok), 10); // after the wire time: not a late reply
  const led = await settle(client.ledsOn(1), clock);
  assert.ok(led.ok);
  assert.is(bus.written.filter((f) => f[0] === encodeRequest('LEDS_ON', 1)[0]).length, 1);

  const clock2 = new VirtualClock();
  const bus2 = new LoopbackTransport();
  const client2 = new StackClient(bus2, { clock: clock2, retries: 0 });
  await settle(client2.getSwVersion(1).catch(() => undefined), clock2);
  bus2.responder = (_r, b) => clock2.setTimeout(() => b.deliver(encodeOkResponse('GET_SW_VERSION', { version: 4 })), 10);
  const pending = client2.getSwVersion(1);
  clock2.advance(11); // ambiguous reply in: draining
  bus2.disconnect('unplugged');
  const result = await settle(pending, clock2);
  assert.ok(!result.ok && result.error instanceof DisconnectedError);
  assert.is(client2.replyAllowanceMs, client2.replyTimer!.allowanceMs);
  assert.ok(DEFAULT_REPLY_TIMEOUT_MS === 40);
});

test('client: on a measured link, a reply completing sooner after the next write than the wire allows is a late reply to the silent request before', async () => {
  const clock = new VirtualClock();
  const bus = new LoopbackTransport();
  const hw = encodeOkResponse('GET_HW_VERSION', { version: 3 });
  const client = new StackClient(bus, { clock, retries: 0 });
  bus.responder = (_r, b) => clock.setTimeout(() => b.deliver(hw), 12);
  for (let i = 0; i < 8; i++) await settle(client.getHwVersion(1), clock); // measured: about 3 ms after the wire time
  const before = client.replyAllowanceMs;
  // ID 2 answers 30 ms late (after its wait), ID 3 in time: the late reply lands 1 ms into ID 3's wait.
  bus.responder = (request, b) => clock.setTimeout(() => b.deliver(hw), request[1] === 2 ? 9 * BT + before + 1 + 1 : 12);
  const result = await settle(client.scan({ from: 2, to: 3 }), clock);
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.equal(result.value.found.map((b) => b.id), [2, 3], 'ID 2 probed again after its late reply');
  assert.ok(client.replyAllowanceMs > before, 'the late reply taught the timer the link is slower');
  assert.equal(client.lateReplies, [], 'scan took the late replies');
});

test('scan: a silent ID between boards of one stack is probed again patiently (a reply lost in a collision leaves no trace)', async () => {
  const clock = new VirtualClock();
  const bus = new LoopbackTransport();
  const hw = encodeOkResponse('GET_HW_VERSION', { version: 3 });
  const sw = encodeOkResponse('GET_SW_VERSION', { version: 4 });
  let lost = 1;
  bus.responder = (request, b) => {
    if (request[1] === 2 && lost-- > 0) return; // the first reply of ID 2 never arrives
    if (request[1]! <= 3 || request[1] === 0x13) clock.setTimeout(() => b.deliver(request[0] === 0x03 ? hw : sw), 12);
  };
  const client = new StackClient(bus, { clock, retries: 0 });
  const result = await settle(client.scan({ from: 0, to: 0x1f }), clock);
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.equal(result.value.found.map((b) => b.id), [0, 1, 2, 3, 0x13]);
  const probesOf = (id: number) => bus.written.filter((f) => f[0] === 0x03 && f[1] === id).length;
  assert.is(probesOf(2), 2, 'the hole was probed again');
  assert.is(probesOf(4), 2, 'and the ID next to the last board of the stack');
  assert.is(probesOf(0x12), 2, 'and the ID next to the only board of another stack');
  assert.is(probesOf(0x11), 1, 'but not an ID two below it');
  assert.is(probesOf(5), 1, 'nor two above the last board');
});


test('client: a read re-sent after a silence gets twice the allowance, then four times (RFC 6298 5.5); writes, probes and fixed timeouts are never backed off', async () => {
  const clock = new VirtualClock();
  const bus = new LoopbackTransport();
  const vin = encodeOkResponse('GET_SW_VERSION', { version: 4 });
  const client = new StackClient(bus, { clock, retries: 2 });
  bus.responder = (_r, b) => clock.setTimeout(() => b.deliver(vin), 12);
  for (let i = 0; i < 8; i++) await settle(client.getSwVersion(1), clock); // measured: the allowance is down at its floor
  const base = client.replyAllowanceMs;
  const wire = (4 + 5) * BT;
  const allowances: number[] = [];
  let writes = 0;
  // A stalled host: the first two replies come too late for their wait and are lost; the third is in time for a doubled-twice allowance.
  bus.responder = () => {
    allowances.push(client.replyAllowanceMs);
    if (++writes === 3) clock.setTimeout(() => bus.deliver(vin), wire + 3 * base);
  };
  const outcome = await settle(client.getSwVersion(1), clock);
  assert.ok(outcome.ok && outcome.value === 4, 'answered on the third attempt');
  assert.equal(allowances, [base, 2 * base, 4 * base]);
  assert.is(client.replyAllowanceMs, client.replyTimer!.allowanceMs, 'back to the estimate after the request');

  bus.responder = () => allowances.push(client.replyAllowanceMs);
  allowances.length = 0;
  await settle(client.probe(9), clock);
  await settle(client.ledsOn(9).catch(() => undefined), clock);
  assert.is(allowances.length, 2, 'a probe and a write are sent once');
  assert.ok(allowances.every((a) => a === allowances[0]), 'neither backed off');

  const fixed = new StackClient(bus, { clock, retries: 2, replyTimeoutMs: 25 });
  allowances.length = 0;
  bus.responder = () => allowances.push(fixed.replyAllowanceMs);
  await settle(fixed.getSwVersion(1).catch(() => undefined), clock);
  assert.equal(allowances, [25, 25, 25], 'a fixed --reply-timeout stands');
});

test.run();
