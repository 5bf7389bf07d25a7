/**
 * settle() returns as soon as its promise has settled (issue 14 item 7: it used to drain the
 * rest of 64 microtask turns first). Host code still running after that point must lose
 * nothing: virtual time does not move before the next settle() or runUntil(), which give host
 * code its 64 turns first (as they always did), so it acts at the same virtual time as before.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StackClient } from '../bus-protocol/StackClient.ts';
import { SimStack } from './SimStack.ts';
import { SINGLE_BOARD_STACK } from './stack.ts';

async function booted(): Promise<{ sim: SimStack; client: StackClient }> {
  const sim = new SimStack({ stack: SINGLE_BOARD_STACK, seed: 1 }).start();
  await sim.runFor(100);
  return { sim, client: new StackClient(sim.host, { clock: sim.hostClock, retries: 0 }) };
}

/** A follower of `reply`: after `turns` more microtask turns it sends a request and notes when (virtual ms). */
function follower(reply: Promise<unknown>, client: StackClient, sim: SimStack, turns: number): { sentAt: () => number | undefined; done: Promise<unknown> } {
  let sentAt: number | undefined;
  const done = reply.then(async () => {
    for (let i = 0; i < turns; i++) await undefined;
    sentAt = sim.clock.now();
    return client.request('GET_PI_POWERED', 0, { pi: 1 });
  });
  return { sentAt: () => sentAt, done };
}

test('host code that continues after the settled promise acts at the same virtual time, whether the next call is settle() or runFor()', async () => {
  for (const turns of [0, 5, 40, 60]) {
    for (const next of ['settle', 'runFor'] as const) {
      const { sim, client } = await booted();
      const reply = client.request('GET_PI_POWERED', 0, { pi: 0 });
      const f = follower(reply, client, sim, turns);
      await sim.settle(reply);
      const settledAt = sim.clock.now();
      if (next === 'settle') assert.is((await sim.settle(f.done) as { powered: number }).powered, 0);
      else {
        await sim.runFor(50);
        assert.is((await f.done as { powered: number }).powered, 0, `${turns} turns, runFor: the follower's request was answered`);
      }
      assert.is(f.sentAt(), settledAt, `${turns} turns, then ${next}: the follower sent at the settled time`);
      sim.stop();
    }
  }
});

test('settle() returns within a few microtask turns of its promise settling, not after 64 (host code working on meanwhile)', async () => {
  const { sim, client } = await booted();
  const reply = client.request('GET_HBT_TIME', 0, { pi: 0 });
  let spins = 0;
  void reply.then(async () => {
    for (let i = 0; i < 500; i++) {
      await undefined;
      spins++;
    }
  });
  const value = await sim.settle(reply);
  assert.is(typeof value.value, 'number');
  assert.ok(spins < 32, `settle() waited ${spins} turns of unrelated host work`);
  sim.stop();
});

test.run();
