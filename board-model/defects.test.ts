/**
 * Manufacturing defects of a stack file's board (board-model/defects.ts): validated with errors
 * naming the field, and each one visible from the bus the way the real fault would be, while the
 * boards without defects are untouched.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeRequest } from '../bus-protocol/frame.ts';
import { StackClient } from '../bus-protocol/StackClient.ts';
import { ConfigError } from './ConfigError.ts';
import { DEFECT_KINDS, type Defect } from './defects.ts';
import { SimStack } from './SimStack.ts';
import { parseStack } from './stack.ts';

/** A two-board stack (DIP 0 with the defects, DIP 1 healthy), booted, with a client in virtual time. */
async function rig(defects: Defect[] | unknown[]) {
  const stack = parseStack({ boards: [{ dip: 0, pis: [null, null], defects }, { dip: 1, pis: [null, null] }] }, 'test');
  const sim = new SimStack({ stack }).start();
  await sim.runFor(100);
  const client = new StackClient(sim.host, { clock: sim.hostClock });
  return { sim, client, run: <T>(p: Promise<T>) => sim.settle(p) };
}

test('the defect kinds', () => {
  assert.equal([...DEFECT_KINDS], ['switch-stuck', 'wrong-scale', 'dead-sensor', 'dip-stuck', 'weak-regulator', 'no-termination']);
});

test('bad defects are rejected with the field named', () => {
  const bad = (defects: unknown[]): string => {
    try {
      parseStack({ boards: [{ dip: 0, pis: [null, null], defects }] }, 'stack.json');
    } catch (e) {
      assert.instance(e, ConfigError);
      return (e as Error).message;
    }
    return assert.unreachable('accepted') as never;
  };
  assert.match(bad([{ kind: 'switch-stuck', pi: 2, state: 'on' }]), /stack\.json: boards\[0\]\.defects\[0\]\.pi/);
  assert.match(bad([{ kind: 'dip-stuck', bit: 4, value: 1 }]), /boards\[0\]\.defects\[0\]\.bit: must be 0\.\.3, got 4/);
  assert.match(bad([{ kind: 'no-termination', noise: 2 }]), /defects\[0\]\.noise: must be 0\.\.1, got 2/);
  assert.match(bad([{ kind: 'weak-regulator' }]), /defects\[0\]: give outputResistanceOhm and\/or currentLimitA/);
  assert.match(bad([{ kind: 'wrong-scale', reading: 'piX', factor: 2 }]), /defects\[0\]\.reading/);
  assert.match(bad([{ kind: 'melted' }]), /defects\[0\]/);
});

test('switch-stuck on: the port is live with the firmware reporting it off; stuck off: never live', async () => {
  const { client, run } = await rig([{ kind: 'switch-stuck', pi: 0, state: 'on' }, { kind: 'switch-stuck', pi: 1, state: 'off' }]);
  assert.is(await run(client.getPiPowered(0, 0)), false);
  assert.ok((await run(client.getPiV(0, 0))) > 4.9, 'Pi 0 port live while off');
  await run(client.piOn(0, 1));
  assert.is(await run(client.getPiPowered(0, 1)), true, 'the firmware believes it is on');
  assert.ok((await run(client.getPiV(0, 1))) < 0.1, 'Pi 1 port dead while on');
  assert.ok((await run(client.getPiV(1, 0))) < 0.1, 'the healthy board is not affected');
});

test('wrong-scale and dead-sensor: the reading is off by the factor, or zero', async () => {
  const { sim, client, run } = await rig([{ kind: 'wrong-scale', reading: 'vin', factor: 0.5 }, { kind: 'dead-sensor', reading: 'piC', pi: 0 }]);
  const vin = await run(client.getVin(0));
  assert.ok(Math.abs(vin - 6) < 0.2, `Vin reads half: ${vin}`);
  assert.ok(Math.abs((await run(client.getVin(1))) - 12) < 0.3, 'the other board reads 12 V');
  sim.control.board(0).insertPi(0, { model: 'pi3b+', daemon: true });
  await run(client.piOn(0, 0));
  assert.ok((await run(client.getPiC(0, 0))) < 0.01, 'a dead current sensor reads 0 with a Pi booting');
});

test('dip-stuck: the board answers at the ID its stuck bit makes, not at its label', async () => {
  const stack = parseStack({ boards: [{ dip: 4, pis: [null, null], defects: [{ kind: 'dip-stuck', bit: 0, value: 1 }] }] }, 'test');
  const sim = new SimStack({ stack }).start();
  await sim.runFor(100);
  const client = new StackClient(sim.host, { clock: sim.hostClock });
  assert.is(await sim.settle(client.getId(5)), 5);
  const scan = await sim.settle(client.scan({ from: 0, to: 7 }));
  assert.equal(scan.found.map((f) => f.id), [5]);
});

test('weak-regulator: the rail sags through its output resistance; a low limit collapses it', async () => {
  const { sim, client, run } = await rig([{ kind: 'weak-regulator', outputResistanceOhm: 0.5 }]);
  sim.control.board(0).insertPi(0, { model: 'pi3b+', daemon: true });
  await run(client.piOn(0, 0));
  const rail = await run(client.get5v(0));
  assert.ok(rail < 4.95 && rail > 4.8, `5.1 V - 0.5 ohm x 0.45 A = 4.875 V, read ${rail}`);
  const weak = await rig([{ kind: 'weak-regulator', currentLimitA: 0.3 }]);
  weak.sim.control.board(0).insertPi(0, { model: 'pi3b+', daemon: true });
  await weak.run(weak.client.piOn(0, 0));
  assert.ok((await weak.run(weak.client.get5v(0))) < 0.1, 'a 0.45 A load above a 0.3 A limit collapses the rail');
});

test('no-termination: only that board\'s replies are noisy', async () => {
  const { sim, client } = await rig([{ kind: 'no-termination', noise: 0.2 }]);
  const count = async (id: number): Promise<number> => {
    let bad = 0;
    for (let i = 0; i < 40; i++) {
      const outcome = await sim.settle(client.requestRaw(encodeRequest('GET_SW_VERSION', id), 'GET_SW_VERSION'));
      if (outcome.kind !== 'reply' || outcome.frame.status !== 'ok') bad++;
    }
    return bad;
  };
  assert.ok((await count(0)) > 10, 'most replies of the unterminated board are damaged');
  assert.is(await count(1), 0, 'the other board is clean');
  assert.is(sim.bus.stats.noisyBytes, 0, 'the bus itself has no noise');
});

test.run();
