/**
 * How long host code woken by a reply may run before virtual time moves on (SimStack.drainHost):
 * up to 64 microtask turns while it has not parked, and 16 more once it has set a host timer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StackClient } from '../../bus-protocol/StackClient.ts';
import { SimStack } from '../SimStack.ts';
import { SINGLE_BOARD_STACK } from '../stack.ts';

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await undefined;
}

async function setup(): Promise<{ sim: SimStack; client: StackClient }> {
  const sim = new SimStack({ stack: SINGLE_BOARD_STACK, seed: 1 }).start();
  await sim.runFor(100);
  return { sim, client: new StackClient(sim.host, { clock: sim.hostClock, retries: 0 }) };
}

test('host code that has not parked gets its continuations run before time moves on (40 turns after a reply)', async () => {
  const { sim, client } = await setup();
  let replyAt = Number.NaN;
  let doneAt = Number.NaN;
  const work = (async () => {
    await client.request('GET_VIN', 0);
    replyAt = sim.clock.now();
    await turns(40);
    doneAt = sim.clock.now();
  })();
  await sim.runFor(1000);
  await work;
  assert.ok(Number.isFinite(replyAt));
  assert.is(doneAt, replyAt);
  sim.stop();
});

test('after host code parks (sets a timer), a second host task still gets 10 more turns at the same time', async () => {
  const { sim, client } = await setup();
  let replyAt = Number.NaN;
  let otherAt = Number.NaN;
  const work = (async () => {
    await client.request('GET_VIN', 0);
    replyAt = sim.clock.now();
    sim.hostClock.setTimeout(() => undefined, 500); // parked
    void (async () => {
      await turns(10);
      otherAt = sim.clock.now();
    })();
  })();
  await sim.runFor(1000);
  await work;
  assert.is(otherAt, replyAt);
  sim.stop();
});

test.run();
