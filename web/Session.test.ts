/**
 * The page's session runs lessons as `pistack sim` does: same steps, same events, same
 * verdicts (here in Node, with no page), and host commands from the panel go over the bus.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { scenarioFromText } from '../board-model/scenario.ts';
import { runScenario } from '../board-model/sim/runScenario.ts';
import { resolveScenario } from '../cli/simFiles.ts';
import { Session } from './Session.ts';

const load = (name: string) => scenarioFromText(readFileSync(new URL(`../fixtures/scenarios/${name}`, import.meta.url), 'utf8'), name);

for (const name of ['watchdog-cycle.json', 'duplicate-dip.json', 'graceful-off.json']) {
  test(`lesson ${name}: the same events and verdicts as pistack sim`, async () => {
    const scenario = load(name);
    const session = new Session({ scenario, lesson: true });
    let heard = 0;
    session.onVerdicts(() => heard++);
    assert.is(session.stopAt, scenario.durationMs);
    await session.sim.runUntil(scenario.durationMs);
    session.afterAdvance();
    session.afterAdvance();
    assert.is(heard, 1);
    assert.is(session.stopAt, undefined);
    const reference = await runScenario(scenario);
    assert.equal(session.verdicts!.map((v) => v.message), reference.expectations.map((e) => e.message));
    assert.equal(session.sim.events.events.map((e) => `${e.t} ${e.type} ${e.id} ${e.pi}`), reference.events.map((e) => `${e.t} ${e.type} ${e.id} ${e.pi}`));
    session.dispose();
  });
}

test('send: a real frame over the bus, the reply decoded, the outcome in the event log', async () => {
  const session = new Session({ scenario: resolveScenario({}, 0), lesson: false });
  assert.is(session.stopAt, undefined);
  await session.sim.runUntil(100); // the MCUs boot in a few ms before they listen
  const on = await session.sim.settle(session.send('PI_ON', 3, { pi: 0 }));
  assert.equal(Array.from(on.request), [0x11, 0x03, 0x04, 0x00, 0x68]);
  assert.is(on.outcome.kind, 'reply');
  const bad = await session.sim.settle(session.send('GET_PI_C', 3, { pi: 2 }));
  assert.ok(bad.outcome.kind === 'reply' && bad.outcome.frame.status === 'error' && bad.outcome.frame.code === 0x14);
  const absent = await session.sim.settle(session.send('GET_VIN', 40, {}));
  assert.is(absent.outcome.kind, 'failed');
  const types = session.sim.events.events.filter((e) => e.type.startsWith('host-')).map((e) => `${e.type} ${e.id} ${String(e['command'])}`);
  assert.equal(types, ['host-reply 3 PI_ON', 'host-error 3 GET_PI_C', 'host-timeout 40 GET_VIN']);
  session.dispose();
});

test.run();
