/** Same-time events are logged in causal order: what the port did before what it did to the Pi. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StackClient } from '../bus-protocol/StackClient.ts';
import { SimStack } from './SimStack.ts';
import { parseStack } from './stack.ts';

async function rig() {
  const sim = new SimStack({ stack: parseStack({ boards: [{ dip: 0, pis: ['pi3b+', null] }] }, 'test') }).start();
  const client = new StackClient(sim.host, { clock: sim.hostClock, retries: 0 });
  await sim.runFor(100);
  return { sim, client };
}

const at = (sim: SimStack, type: string) => {
  const e = sim.events.events.find((x) => x.type === type);
  assert.ok(e, `${type} logged`);
  return sim.events.events.filter((x) => x.t === e.t && x.pi === 0).map((x) => x.type);
};

test('power-on is logged before the pi-powered it causes (guards against the Pi reacting to the switch before the port reports it)', async () => {
  const { sim, client } = await rig();
  await sim.settle(client.piOn(0, 0));
  await sim.runFor(1000);
  assert.equal(at(sim, 'pi-powered'), ['power-on', 'pi-powered']);
  sim.stop();
});

test('a watchdog power cycle reads expiry, power-off, power-cycle, then the Pi losing power (guards against power-lost logged first)', async () => {
  const { sim, client } = await rig();
  await sim.settle(client.piOn(0, 0));
  await sim.runFor(40_000);
  sim.control.inject('crash', { board: 0, pi: 0 });
  await sim.runFor(30_000);
  assert.equal(at(sim, 'watchdog-expired'), ['watchdog-expired', 'power-off', 'power-cycle', 'heartbeat-lost', 'power-lost']);
  sim.stop();
});

test.run();
