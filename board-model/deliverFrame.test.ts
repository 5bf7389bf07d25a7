/**
 * deliverFrame (boardMcuMachine.ts): a request that leaves the MCU's RAM as it was is handled
 * without an XState transition, everything else (and, on an inspected board, reads until the
 * machine has taken one FRAME while running) goes through the machine as FRAME. Both paths
 * must answer the same.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InspectionEvent } from 'xstate';
import { encodeRequest } from '../bus-protocol/frame.ts';
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

test('an inspected board takes reads through the machine until it has shown one FRAME, then only writes; same answers', async () => {
  const frames: string[] = [];
  const { sim, client } = await booted((e) => {
    if (e.type === '@xstate.event' && (e.event as { type: string }).type === 'FRAME') frames.push('FRAME');
  });
  const plain = await booted();
  assert.is((await sim.settle(client.request('GET_PI_POWERED', 0, { pi: 0 }))).powered, 0);
  assert.is((await plain.sim.settle(plain.client.request('GET_PI_POWERED', 0, { pi: 0 }))).powered, 0);
  assert.is(frames.length, 1, 'the inspector saw the first read as a FRAME event');
  assert.is((await sim.settle(client.request('GET_HBT_TIME', 0, { pi: 1 }))).value, (await plain.sim.settle(plain.client.request('GET_HBT_TIME', 0, { pi: 1 }))).value);
  assert.is(frames.length, 1, 'a later read shows the inspector nothing new: no FRAME event');
  await sim.settle(client.request('SET_HBT_TIME', 0, { pi: 1, value: 42 }));
  assert.is(frames.length, 2, 'a write is a FRAME event');
  assert.is((await sim.settle(client.request('GET_HBT_TIME', 0, { pi: 1 }))).value, 42);
  sim.stop();
  plain.sim.stop();
});

test('an inspected board whose first frame comes while the MCU boots still shows the first frame it takes while running', async () => {
  const frames: string[] = [];
  const sim = new SimStack({ stack: SINGLE_BOARD_STACK, seed: 1, inspect: (e) => {
    if (e.type === '@xstate.microstep' && (e.event as { type: string }).type === 'FRAME') frames.push('FRAME');
  } }).start();
  const client = new StackClient(sim.host, { clock: sim.hostClock, retries: 0 });
  const early = await sim.settle(client.requestRaw(encodeRequest('GET_PI_POWERED', 0, { pi: 0 })));
  assert.is(early.kind, 'failed', 'no answer while booting');
  assert.is(frames.length, 0, 'no FRAME transition while booting');
  await sim.runFor(100);
  await sim.settle(client.request('GET_PI_POWERED', 0, { pi: 0 }));
  assert.is(frames.length, 1, 'the first read while running is a FRAME transition');
  sim.stop();
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
