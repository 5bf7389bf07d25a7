/** Why a request got no reply: each cause the simulator can tell (guards against a bare host-timeout). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc8 } from '../bus-protocol/crc8.ts';
import { encodeRequest } from '../bus-protocol/frame.ts';
import { Rig } from './spec/testing/rig.ts';
import { NO_REPLY_CAUSES } from './noReplyCause.ts';
import { parseScenario } from './scenario.ts';
import { runScenario } from './sim/runScenario.ts';

const ONE_BOARD = [{ dip: 0, pis: [null, null] }];

test('no request to that ID yet: not-sent; no board at the ID: no-board', async () => {
  const rig = await Rig.start({ boards: ONE_BOARD });
  assert.is(rig.sim.explainNoReply(9).cause, 'not-sent');
  await rig.fails(rig.client.getSwVersion(9));
  assert.equal(rig.sim.explainNoReply(9), { cause: 'no-board', why: 'no board has ID 0x09' });
});

test('a request that arrives while the MCU boots: booting, with the listening delay in words', async () => {
  const rig = new Rig({ boards: ONE_BOARD });
  rig.sim.start();
  await rig.fails(rig.client.getSwVersion(0));
  const x = rig.sim.explainNoReply(0);
  assert.is(x.cause, 'booting');
  assert.match(x.why, /still booting .*listens 10ms after power-up or reset/);
  assert.is(await rig.do(rig.client.getSwVersion(0)), 4, 'answered once booted');
});

test('a board without power: unpowered', async () => {
  const rig = await Rig.start({ boards: ONE_BOARD });
  rig.sim.control.setSupplyVolts(0);
  await rig.runFor(100);
  await rig.fails(rig.client.getSwVersion(0));
  assert.is(rig.sim.explainNoReply(0).cause, 'unpowered');
});

test('a request another transmission overlaps: collision', async () => {
  const rig = await Rig.start({ boards: ONE_BOARD });
  const jammer = rig.sim.bus.attach('jammer');
  const pending = rig.fails(rig.client.getSwVersion(0));
  jammer.transmit(Uint8Array.of(0x55, 0x55));
  await pending;
  assert.is(rig.sim.explainNoReply(0).cause, 'collision');
});

test('a request line noise hits: noise; a reply it hits: reply-corrupted', async () => {
  const rig = await Rig.start({ boards: ONE_BOARD });
  rig.sim.control.setBusNoise(1);
  await rig.fails(rig.client.getSwVersion(0));
  assert.equal(rig.sim.explainNoReply(0), { cause: 'noise', why: 'line noise corrupted the request' });
  rig.sim.control.setBusNoise(0);
  const request = encodeRequest('GET_SW_VERSION', 0);
  const at = rig.now;
  rig.sim.clock.setTimeout(() => rig.sim.control.setBusNoise(1), request.length * rig.sim.bus.byteTimeMs + 0.5);
  await rig.fails(rig.client.getSwVersion(0));
  assert.ok(rig.now > at);
  assert.equal(rig.sim.explainNoReply(0), { cause: 'reply-corrupted', why: 'line noise corrupted the reply' });
});

test('two boards with one ID: their replies collide, reply-corrupted naming the duplicate', async () => {
  const rig = await Rig.start({ boards: [{ dip: 0, pis: [null, null] }, { dip: 0, pis: [null, null] }], profile: { bus: { replyJitterMs: 0 } } });
  await rig.fails(rig.client.getSwVersion(0));
  assert.equal(rig.sim.explainNoReply(0), { cause: 'reply-corrupted', why: '2 boards answer to 0x00 and their replies collided' });
});

test('a listening board that stays silent (a firmware that skips its checks): no-reply', async () => {
  const rig = await Rig.start({ boards: ONE_BOARD, profile: { bus: { checkOrder: ['address'] } } });
  const unknown = Uint8Array.of(0xee, 0x00, 0x03, 0);
  unknown[3] = crc8(unknown.subarray(0, 3));
  const outcome = await rig.raw(unknown);
  assert.is(outcome.kind, 'failed');
  assert.is(rig.sim.explainNoReply(0).cause, 'no-reply');
  assert.ok(NO_REPLY_CAUSES.includes(rig.sim.explainNoReply(0).cause));
});

test('pistack sim: a step at 0 s is a host-timeout with cause booting in the event (guards against an unexplained timeout)', async () => {
  const scenario = parseScenario({ stack: 'single', duration: '1s', steps: [{ at: '0s', host: 'GET_SW_VERSION', id: 0 }, { at: '100ms', host: 'GET_SW_VERSION', id: 7 }] }, 't.json');
  const result = await runScenario(scenario);
  const timeouts = result.events.filter((e) => e.type === 'host-timeout').map((e) => [e.id, e.cause]);
  assert.equal(timeouts, [[0, 'booting'], [7, 'no-board']]);
});

test.run();
