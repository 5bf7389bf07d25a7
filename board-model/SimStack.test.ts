import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StackClient } from '../bus-protocol/StackClient.ts';
import { SimStack } from './SimStack.ts';
import { parseStack } from './stack.ts';

async function rig(boards: unknown[] = [{ dip: 0, pis: ['pi3b+', null] }]) {
  const sim = new SimStack({ stack: parseStack({ boards }, 'test') }).start();
  const client = new StackClient(sim.host, { clock: sim.hostClock, retries: 0 });
  await sim.runFor(100);
  return { sim, client };
}

test('pi-remove of a running Pi: the unsafe power loss stays in the summary and no pi-powered follows (guards against the summary skipping emptied ports)', async () => {
  const { sim, client } = await rig();
  await sim.settle(client.piOn(0, 0));
  await sim.runFor(60_000);
  const before = sim.events.events.length;
  sim.control.inject('pi-remove', { board: 0, pi: 0 });
  await sim.runFor(1000);
  const after = sim.events.events.slice(before).map((e) => e.type);
  assert.equal(after, ['fault', 'unsafe-power-loss']);
  const pis = sim.summary().pis;
  assert.is(pis.length, 1);
  assert.equal({ model: pis[0]!.model, plugged: pis[0]!.plugged, unsafe: pis[0]!.unsafePowerLosses }, { model: 'pi3b+', plugged: false, unsafe: 1 });
  assert.ok(pis[0]!.uptimeS > 30, 'the uptime before removal is kept');
  sim.control.inject('pi-insert', { board: 0, pi: 0, value: 'pi4' });
  await sim.runFor(1000);
  assert.equal(sim.summary().pis.map((p) => [p.model, p.plugged, p.unsafePowerLosses]), [['pi4', true, 1]]);
  sim.stop();
});

test('per-board boots and errorsLogged count this run\'s MCU events, not counters CLEAR_ERROR_COUNT zeroes (guards against under-reporting)', async () => {
  const { sim, client } = await rig();
  await sim.settle(client.request('GET_PI_V', 0, { pi: 0 }));
  const bad = Uint8Array.of(0x28, 0x00, 0x04, 0x07, 0x00); // GET_PI_V pi=7 with a wrong CRC
  await sim.host.write(bad);
  await sim.runFor(100);
  sim.control.resetMcu(0);
  await sim.runFor(100);
  await sim.settle(client.clearErrorCount(0));
  const { errorCount, bootCount } = sim.boards[0]!.mcu.getSnapshot().context.ram!.errors;
  assert.equal([errorCount, bootCount], [0, 0], 'the counters were cleared');
  assert.equal(sim.summary().boards, [{ id: 0, board: 0, boots: 2, errorsLogged: 1 }]);
  sim.stop();
});

test('a board that takes ID 0xFF at run time (SET_ID_PREFIX) is warned about, as a stack file with one is (guards against a silent master-address board)', async () => {
  const { sim, client } = await rig([{ dip: 15, pis: [null, null] }]);
  assert.equal(sim.warnings, []);
  await sim.settle(client.setIdPrefix(0x0f, 0xf0));
  const warnings = sim.events.filter('warning');
  assert.is(warnings.length, 1);
  assert.is(warnings[0]!.id, 0xff);
  assert.match(String(warnings[0]!.message), /boards\[0\] now has ID 0xFF \(prefix 0xF0, DIP 15\), the master address/);
  assert.is(sim.warnings.length, 1);
  assert.match(sim.warnings[0]!, /^at \S+: boards\[0\] now has ID 0xFF/);
  sim.control.resetMcu(0);
  await sim.runFor(100);
  assert.is(sim.events.filter('warning').length, 1, 'booting again with the same ID is not a new warning');
  sim.stop();
});

test('a DIP setting that makes ID 0xFF warns at the boot that reads it, not when the switch moves', async () => {
  const { sim } = await rig([{ dip: 0, prefix: 0xf0, pis: [null, null] }]);
  sim.control.inject('set-dip', { board: 0, value: 15 });
  await sim.runFor(100);
  assert.is(sim.events.filter('warning').length, 0);
  sim.control.inject('mcu-reset', { board: 0 });
  await sim.runFor(100);
  assert.is(sim.events.filter('warning', 0xff).length, 1);
  sim.stop();
});

test('hostWaiting: a host timer is waited on until it fires or is cleared; one set for +Infinity until it is cleared', async () => {
  const { sim } = await rig();
  assert.not.ok(sim.hostWaiting);
  let fired = 0;
  const first = sim.hostClock.setTimeout(() => fired++, 10);
  const second = sim.hostClock.setTimeout(() => fired++, 20);
  assert.ok(sim.hostWaiting);
  sim.hostClock.clearTimeout(second);
  sim.hostClock.clearTimeout(second); // twice: still counted once
  assert.ok(sim.hostWaiting, 'the first is still pending');
  await sim.runFor(10);
  assert.is(fired, 1);
  assert.not.ok(sim.hostWaiting);
  sim.hostClock.clearTimeout(first); // fired already: nothing changes
  assert.not.ok(sim.hostWaiting);
  const never = sim.hostClock.setTimeout(() => fired++, Number.POSITIVE_INFINITY);
  assert.ok(sim.hostWaiting, 'a host timer that never fires is still waited on');
  await sim.runFor(60_000);
  assert.ok(sim.hostWaiting);
  sim.hostClock.clearTimeout(never);
  assert.not.ok(sim.hostWaiting);
  assert.is(fired, 1);
  sim.stop();
});

test.run();
