/**
 * deliverFrame (boardMcuMachine.ts): a request that leaves the MCU's RAM as it was is handled
 * without an XState transition, everything else (and every frame of an inspected board) goes
 * through the machine as FRAME. Both paths must answer the same.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InspectionEvent } from 'xstate';
import { StackClient } from '../bus-protocol/StackClient.ts';
import { SimStack } from './SimStack.ts';
import { SINGLE_BOARD_STACK } from './stack.ts';

async function booted(inspect?: (e: InspectionEvent) => void): Promise<{ sim: SimStack; client: StackClient }> {
  const sim = new SimStack({ stack: SINGLE_BOARD_STACK, seed: 1, ...(inspect ? { inspect } : {}) }).start();
  await sim.runFor(100);
  return { sim, client: new StackClient(sim.host, { clock: sim.hostClock, retries: 0 }) };
}

test('a read is answered without a new MCU snapshot; a write changes the RAM through the machine', async () => {
  const { sim, client } = await booted();
  const mcu = sim.boards[0]!.mcu;
  let snapshots = 0;
  mcu.subscribe(() => void snapshots++);
  const before = mcu.getSnapshot();
  assert.is((await sim.settle(client.request('GET_HBT_TIME', 0, { pi: 1 }))).value, before.context.ram!.config.ports[1].hbtTime);
  assert.is(snapshots, 0, 'a read made no XState transition');
  assert.is(mcu.getSnapshot(), before);
  await sim.settle(client.request('SET_HBT_TIME', 0, { pi: 1, value: 42 }));
  assert.ok(snapshots > 0, 'a write went through the machine');
  assert.is(mcu.getSnapshot().context.ram!.config.ports[1].hbtTime, 42);
  assert.is((await sim.settle(client.request('GET_HBT_TIME', 0, { pi: 1 }))).value, 42);
  sim.stop();
});

test('an inspected board takes every frame through the machine, reads included, with the same answers', async () => {
  const frames: string[] = [];
  const { sim, client } = await booted((e) => {
    if (e.type === '@xstate.event' && (e.event as { type: string }).type === 'FRAME') frames.push('FRAME');
  });
  const plain = await booted();
  assert.is((await sim.settle(client.request('GET_PI_POWERED', 0, { pi: 0 }))).powered, 0);
  assert.is((await plain.sim.settle(plain.client.request('GET_PI_POWERED', 0, { pi: 0 }))).powered, 0);
  assert.is(frames.length, 1, 'the inspector saw the read as a FRAME event');
  sim.stop();
  plain.sim.stop();
});

test('error replies are counted as logged errors on both paths (io.handled)', async () => {
  const { sim, client } = await booted();
  const board = sim.boards[0]!;
  const before = board.seen.errorsLogged;
  const bad = Uint8Array.of(0x7e, 0x00, 0x03, 0x00); // unknown command with a wrong CRC: an error reply, logged
  const outcome = await sim.settle(client.requestRaw(bad));
  assert.is(outcome.kind, 'reply');
  assert.is(board.seen.errorsLogged, before + 1);
  sim.stop();
});

test.run();
