/**
 * The adaptive reply allowance (bus-protocol/ReplyTimer.ts) end to end in virtual time: the real
 * StackClient talks through a PacedLink with added latency (a USB adapter holding bytes 16 ms,
 * a 50 ms network hop) to a simulated stack. No present board is ever reported absent, no reply
 * is taken for another request's, and the allowance tightens after the first replies.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { SimStack } from '../board-model/SimStack.ts';
import { DEFAULT_STACK, parseStack } from '../board-model/stack.ts';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { DEFAULT_REPLY_TIMEOUT_MS } from '../bus-protocol/BusClient.ts';
import { StackClient } from '../bus-protocol/StackClient.ts';
import type { ByteTransport } from '../bus-protocol/transport.ts';
import { longestReplyDelayMs } from '../cli/hostCommand.ts';
import { PacedLink } from './PacedLink.ts';

const SEED = Number(process.env.FC_SEED ?? 1313);
const LONGEST_REPLY_DELAY_MS = longestReplyDelayMs(V4_REFERENCE);

/** One end of an in-memory link (a PTY or socket pair without delay): writes reach the other end's listeners at once. */
class LinkEnd implements ByteTransport {
  readonly description = 'link';
  peer!: LinkEnd;
  readonly #listeners = new Set<(bytes: Uint8Array) => void>();
  async write(bytes: Uint8Array): Promise<void> {
    for (const listener of [...this.peer.#listeners]) listener(bytes.slice());
  }
  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  onClose(): () => void {
    return () => undefined;
  }
  async close(): Promise<void> {}
}

/**
 * Run virtual time until `work` settles, letting the client run after every timer (the link
 * delivers replies from the bus clock's timers, which SimStack.settle does not count as host work).
 */
async function run<T>(sim: SimStack, work: Promise<T>): Promise<T> {
  let done = false;
  work.then(() => (done = true), () => (done = true));
  for (;;) {
    let turn = Promise.resolve();
    for (let i = 0; i < 64; i++) turn = turn.then();
    await turn;
    if (done) return work;
    if (!sim.step(Number.POSITIVE_INFINITY)) throw new Error('simulation: nothing left to happen');
  }
}

/** A stack of boards at `ids` (prefix 0x00 or 0x10 by ID), a link adding `latencyMs` each way, and a client on it. */
async function rig(ids: readonly number[], latencyMs: number, seed = 7, retries = 0) {
  const stack = parseStack({ name: 'set', supplyVolts: 12, boards: ids.map((id) => ({ dip: id & 0x0f, prefix: id & 0xf0, pis: [null, null] })) }, 'test');
  const sim = new SimStack({ stack, seed }).start();
  await sim.runFor(100); // MCUs booted
  const host = new LinkEnd();
  const far = new LinkEnd();
  host.peer = far;
  far.peer = host;
  new PacedLink({ link: far, bus: sim.host, clock: sim.clock, byteTimeMs: sim.bus.byteTimeMs, latencyMs });
  const client = new StackClient(host, { clock: sim.hostClock, retries, longestReplyDelayMs: LONGEST_REPLY_DELAY_MS });
  return { sim, client };
}

test('no present board is reported absent, whatever the boards and the latency (16 and 50 ms among them)', async () => {
  const boardSets = fc.uniqueArray(fc.integer({ min: 0, max: 31 }), { maxLength: 8 });
  const latencies = fc.oneof(fc.constantFrom(0, 16, 50), fc.integer({ min: 0, max: 60 }));
  await fc.assert(
    fc.asyncProperty(boardSets, latencies, fc.integer({ min: 1, max: 1000 }), async (ids, latencyMs, seed) => {
      const { sim, client } = await rig(ids, latencyMs, seed);
      try {
        const result = await run(sim, client.scan({ from: 0, to: 31 }));
        const want = [...ids].sort((a, b) => a - b);
        assert.equal(result.found.map((b) => b.id), want, `found, latency ${latencyMs} ms`);
        assert.equal(result.corrupt, [], 'nothing corrupt');
        assert.ok(result.found.every((b) => b.hardwareVersion === 3 && b.firmwareVersion === 4), 'each board answered its own questions');
        assert.is(result.absent.length, 32 - ids.length);
      } finally {
        sim.stop();
      }
    }),
    { seed: SEED, numRuns: 40 },
  ).catch((error: unknown) => {
    throw new Error(`seed ${SEED}: ${error instanceof Error ? error.message : String(error)}`);
  });
});

test('on a 50 ms link, replies are never taken for the next request (a read answers its own question)', async () => {
  const { sim, client } = await rig([3], 50, 7, 2); // a silent first attempt is retried, as by every host command
  try {
    const answers = await run(sim, (async () => {
      const seen: string[] = [];
      for (let i = 0; i < 4; i++) seen.push(`sw ${await client.getSwVersion(3)}`, `hw ${await client.getHwVersion(3)}`, `count ${await client.getErrorCount(3)}`);
      return seen;
    })());
    assert.equal(answers, Array.from({ length: 4 }, () => ['sw 4', 'hw 3', 'count 0']).flat());
    assert.ok(client.replyTimer!.measured && client.replyTimer!.ambiguous >= 1, 'the first reply was ambiguous, later ones were measured');
    assert.ok(client.replyAllowanceMs >= 100, `allowance ${client.replyAllowanceMs} ms covers the 100 ms the link adds`);
  } finally {
    sim.stop();
  }
});

test('the allowance starts at the fixed timeout and tightens after the first replies (16 ms adapter latency)', async () => {
  const { sim, client } = await rig([0, 1, 2, 3], 16);
  try {
    assert.is(client.replyAllowanceMs, DEFAULT_REPLY_TIMEOUT_MS, 'before any reply: the fixed default');
    for (let i = 0; i < 24; i++) await run(sim, client.getSwVersion(i % 4));
    const excess = 2 * 16 + V4_REFERENCE.bus.replyDelayMs;
    assert.ok(client.replyAllowanceMs < DEFAULT_REPLY_TIMEOUT_MS, `tightened to ${client.replyAllowanceMs.toFixed(1)} ms`);
    assert.ok(client.replyAllowanceMs > excess, `still above the ${excess} ms the link and board take`);
    const t0 = sim.clock.now();
    const result = await run(sim, client.scan({ from: 4, to: 15 }));
    const perId = (sim.clock.now() - t0) / 12;
    assert.equal(result.absent.length, 12);
    assert.ok(perId < 9 * sim.bus.byteTimeMs + DEFAULT_REPLY_TIMEOUT_MS, `an absent ID costs ${perId.toFixed(1)} ms, less than with the fixed allowance`);
  } finally {
    sim.stop();
  }
});

test('without latency a whole-bus scan of the default stack takes well under 6 s of bus time; --reply-timeout fixes the allowance', async () => {
  const sim = new SimStack({ stack: DEFAULT_STACK }).start();
  await sim.runFor(100);
  const host = new LinkEnd();
  const far = new LinkEnd();
  host.peer = far;
  far.peer = host;
  new PacedLink({ link: far, bus: sim.host, clock: sim.clock, byteTimeMs: sim.bus.byteTimeMs });
  try {
    const adaptive = new StackClient(host, { clock: sim.hostClock });
    let t0 = sim.clock.now();
    const result = await run(sim, adaptive.scan({ from: 0, to: 254 }));
    const adaptiveMs = sim.clock.now() - t0;
    assert.is(result.found.length, 16);
    assert.ok(adaptiveMs < 6000, `0..254 in ${adaptiveMs.toFixed(0)} ms of bus time`);
    if (process.env.SCAN_FIGURES) console.log(`virtual-time scan 0..254 through PacedLink: ${adaptiveMs.toFixed(0)} ms, allowance ${adaptive.replyAllowanceMs.toFixed(2)} ms`);
    assert.ok(adaptive.replyAllowanceMs >= LONGEST_REPLY_DELAY_MS, 'never below the longest reply delay');
    await adaptive.close();
    const host2 = new LinkEnd();
    host2.peer = far;
    far.peer = host2;
    const fixed = new StackClient(host2, { clock: sim.hostClock, replyTimeoutMs: 40 });
    t0 = sim.clock.now();
    await run(sim, fixed.scan({ from: 16, to: 31 }));
    assert.is(fixed.replyAllowanceMs, 40, 'an explicit allowance never adapts');
    assert.ok(sim.clock.now() - t0 >= 16 * (9 * sim.bus.byteTimeMs + 40) - 1e-6, 'each absent ID waited the full fixed allowance');
  } finally {
    sim.stop();
  }
});

test('PacedLink latency: each direction is that much later; close() drops host bytes still in flight', async () => {
  const arrival = async (latencyMs: number, closeEarly = false): Promise<number | undefined> => {
    const sim = new SimStack({ stack: DEFAULT_STACK, seed: 3 }).start();
    await sim.runFor(100);
    const host = new LinkEnd();
    const far = new LinkEnd();
    host.peer = far;
    far.peer = host;
    const paced = new PacedLink({ link: far, bus: sim.host, clock: sim.clock, byteTimeMs: sim.bus.byteTimeMs, latencyMs });
    let at: number | undefined; // when the reply's last byte (of 5) is in
    let bytes = 0;
    host.onData((chunk) => {
      bytes += chunk.length;
      if (bytes >= 5) at ??= sim.clock.now();
    });
    const t0 = sim.clock.now();
    await host.write(Uint8Array.of(0x02, 0x03, 0x03, 0xad)); // GET_SW_VERSION to ID 3
    if (closeEarly) paced.close();
    await sim.runFor(200);
    sim.stop();
    return at === undefined ? undefined : at - t0;
  };
  const direct = await arrival(0);
  const held = await arrival(16);
  assert.ok(direct !== undefined && held !== undefined);
  assert.ok(Math.abs(held! - direct! - 32) < 1e-6, `16 ms each way: the reply ends ${held! - direct!} ms later`);
  assert.is(await arrival(16, true), undefined, 'nothing reached the bus after close()');
});

test('PacedLink rejects a bad latency', () => {
  const sim = new SimStack({ stack: DEFAULT_STACK });
  const link = new LinkEnd();
  for (const latencyMs of [-1, Number.NaN, Infinity]) {
    assert.throws(() => new PacedLink({ link, bus: sim.host, clock: sim.clock, byteTimeMs: 1, latencyMs }), /"latencyMs" must be a finite number of ms >= 0/);
  }
});

test.run();
