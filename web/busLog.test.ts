/** The bus monitor's exchanges on a live stack: request and reply paired, a no-reply with its cause, a collision as one. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StackClient } from '../bus-protocol/StackClient.ts';
import { encodeOkResponse, encodeRequest } from '../bus-protocol/frame.ts';
import { SimStack } from '../board-model/SimStack.ts';
import { parseStack } from '../board-model/stack.ts';
import { BusLog, collisionText, exchangeMatches, MAX_EXCHANGES } from './busLog.ts';
import { FrameReader } from './frameText.ts';
import { recordHostFailure } from './lessonSteps.ts';

function rig() {
  const sim = new SimStack({ stack: parseStack({ boards: [{ dip: 0, pis: ['pi3b+', null] }, { dip: 1, pis: [null, null] }] }, 'test') }).start();
  const client = new StackClient(sim.host, { clock: sim.hostClock, retries: 0 });
  const log = new BusLog();
  const reader = new FrameReader((node) => {
    const b = sim.boards[Number(/^board (\d+)$/.exec(node)?.[1])];
    return b ? `board ${b.id}${sim.boards.some((o) => o !== b && o.id === b.id) ? ` (#${b.index})` : ''}` : undefined;
  }, () => 3, (node) => sim.boards[Number(/^board (\d+)$/.exec(node)?.[1])]?.id);
  sim.bus.onTransmission((r) => log.addFrame(reader.read(r)));
  sim.events.subscribe((e) => log.addTimeout(e));
  const send = async (command: 'GET_VIN' | 'PI_ON', id: number, args?: { pi: 0 | 1 }) => {
    try {
      await sim.settle(args ? client.request(command, id, args) : client.request(command, id), 5000);
    } catch (e) {
      recordHostFailure(sim, id, command, e, args?.pi);
    }
  };
  return { sim, log, send };
}

test('a request and its reply form one exchange, the reading in volts', async () => {
  const { sim, log, send } = rig();
  await sim.runFor(100);
  await send('GET_VIN', 0);
  assert.is(log.exchanges.length, 1);
  const x = log.exchanges[0]!;
  assert.is(x.request!.summary, 'GET_VIN');
  assert.is(x.replies.length, 1);
  assert.match(x.replies[0]!.summary, /^OK to GET_VIN: 1[12]\.\d{3} V \(raw=\d+\)$/);
  assert.is(x.noReply, undefined);
  assert.ok(exchangeMatches(x, { id: 0, command: 'GET_VIN' }));
  assert.not.ok(exchangeMatches(x, { id: 1 }));
  assert.not.ok(exchangeMatches(x, { command: 'PI_ON' }));
  sim.stop();
});

test('a request to a missing board gets a no-reply with the simulator\'s cause', async () => {
  const { sim, log, send } = rig();
  await sim.runFor(100);
  await send('PI_ON', 9, { pi: 0 });
  const x = log.exchanges.at(-1)!;
  assert.is(x.replies.length, 0);
  assert.is(x.noReply?.cause, 'no-board');
  assert.match(x.noReply!.why, /9|ID/);
  assert.ok(x.version > 0, 'the exchange changed after it was first shown');
  sim.stop();
});

test('two boards with one ID: their replies collide, shown as a collision, with the cause of the no-reply', async () => {
  const { sim, log, send } = rig();
  await sim.runFor(100);
  sim.control.inject('duplicate-dip', { board: 1, value: 0 });
  await sim.runFor(100);
  await send('GET_VIN', 0);
  const x = log.exchanges.at(-1)!;
  assert.ok(x.replies.length >= 1);
  assert.ok(x.replies.every((r) => r.flags.includes('collision')));
  assert.ok(x.replies.every((r) => !r.summary.includes('more bytes needed')));
  assert.match(collisionText(x)!, /^collision: /);
  assert.is(x.noReply?.cause, 'reply-corrupted');
  sim.stop();
});

test('a reply with no request before it stands alone; a timeout with nothing to match is ignored; the log keeps MAX_EXCHANGES', () => {
  const log = new BusLog();
  const reader = new FrameReader(() => 'board 1');
  const rec = (from: string, bytes: Uint8Array) => ({ from, start: 0, end: 1, bytes, received: bytes, collided: false });
  log.addFrame(reader.read(rec('board 1', encodeOkResponse('GET_SW_VERSION', { version: 4 }))));
  assert.is(log.exchanges[0]!.request, undefined);
  assert.is(collisionText(log.exchanges[0]!), undefined);
  assert.is(log.addTimeout({ t: 1, type: 'host-timeout', id: 4, command: 'PI_ON' }), undefined);
  assert.is(log.addTimeout({ t: 1, type: 'fault' }), undefined);
  for (let i = 0; i < MAX_EXCHANGES + 5; i++) log.addFrame(reader.read(rec('host', encodeRequest('GET_SW_VERSION', 4))));
  assert.is(log.exchanges.length, MAX_EXCHANGES);
  const x = log.addTimeout({ t: 2, type: 'host-timeout', id: 4, command: 'GET_SW_VERSION' })!;
  assert.is(x.noReply?.cause, 'unknown');
  assert.is(x, log.exchanges.at(-1));
});

test.run();
