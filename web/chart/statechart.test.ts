/**
 * Statecharts from the machine definitions: every state and transition of each machine is in
 * its DOT (with the ids the page lights), the committed docs/charts/*.dot are what the code
 * gives today, and the transitions XState reports while a stack runs map to edges of the chart.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SimStack } from '../../board-model/SimStack.ts';
import { SINGLE_BOARD_STACK } from '../../board-model/stack.ts';
import { CHARTS, chartDot } from './machines.ts';
import { actionLabel, activeStateIds, chartOf, guardLabel, ownTransitions, stateDomId, transitionDomIds } from './statechart.ts';
import { TransitionTracker } from './TransitionTracker.ts';
import { powerPortMachine } from '../../board-model/powerPortMachine.ts';
import { raspberryPiMachine } from '../../board-model/raspberryPiMachine.ts';

const DOCS = new URL('../../docs/charts/', import.meta.url);

test('every state and every transition of each machine appears in its DOT', () => {
  for (const spec of CHARTS) {
    const chart = chartOf(spec.machine);
    const dot = chartDot(spec);
    assert.ok(chart.states.length >= 3, spec.key);
    for (const state of chart.states) {
      if (state.parent === undefined) continue; // the root is the graph itself
      assert.ok(dot.includes(`id="${state.domId}"`), `${spec.key}: state ${state.id} has no node or cluster`);
      assert.ok(dot.includes(`<B>${state.key}</B>`), `${spec.key}: state ${state.id} has no label`);
    }
    let counted = 0;
    const walk = (node: typeof spec.machine.root): void => {
      counted += ownTransitions(node).length;
      for (const child of Object.values(node.states)) walk(child as typeof node);
    };
    walk(spec.machine.root);
    assert.is(chart.transitions.length, counted, `${spec.key}: every transition walked`);
    for (const t of chart.transitions) {
      if (t.targets.length > 0) assert.ok(dot.includes(`id="${t.domId}", label="${t.label}"`), `${spec.key}: edge ${t.domId} (${t.label})`);
      else assert.ok(dot.includes(t.label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')), `${spec.key}: targetless ${t.label} in a label`);
    }
  }
});

test('labels: delayed and eventless transitions, guards and actions are spelled out', () => {
  const port = chartOf(powerPortMachine);
  const cycling = port.transitions.filter((t) => t.source === 'powerPort.power.cycling').map((t) => t.label);
  assert.equal(cycling, ['PI_ON', 'PI_OFF', 'after cycleOffTime']);
  assert.ok(port.transitions.some((t) => t.label === 'WATCHDOG_EXPIRED [cyclesOnExpiry] / emit watchdog-expired' && t.actions.includes('assign')));
  assert.ok(port.transitions.some((t) => t.label === 'SETTINGS [in power.on.alive] / forwardHbtTime, storeSettings'));
  const pi = chartOf(raspberryPiMachine);
  assert.ok(pi.transitions.some((t) => t.label === 'always [!daemonInstalled]' && t.targets[0] === 'pi.running.noDaemon'));
  assert.ok(pi.transitions.some((t) => t.label === 'RAIL [railBelowReset] / losePower, trackRail'));
  assert.equal(pi.states.find((s) => s.id === 'pi.running.daemon')?.notes, ['invoke heartbeatDaemon']);
  assert.is(guardLabel({ type: 'inRange', params: {} }), 'inRange');
  assert.is(actionLabel({ type: 'notify', params: {} }), 'notify');
  assert.is(stateDomId('powerPort.power.on.alive'), 'st-powerPort-power-on-alive');
});

test('docs/charts/*.dot are up to date with the machines (regenerate: npx pistack chart --out docs/charts --overwrite)', () => {
  for (const spec of CHARTS) {
    const committed = readFileSync(fileURLToPath(new URL(`${spec.key}.dot`, DOCS)), 'utf8');
    assert.ok(committed === chartDot(spec), `docs/charts/${spec.key}.dot differs from ${spec.source}: run npx pistack chart --out docs/charts --overwrite`);
  }
});

test('active states of a state value, root first', () => {
  assert.equal(activeStateIds(powerPortMachine, { power: { on: 'alive' }, signal: 'released' }),
    ['powerPort', 'powerPort.power', 'powerPort.power.on', 'powerPort.power.on.alive', 'powerPort.signal', 'powerPort.signal.released']);
  assert.equal(activeStateIds(raspberryPiMachine, 'crashed'), ['pi', 'pi.crashed']);
});

test('transitions XState reports on a running stack are edges of the chart, with the tracker recording them in order', async () => {
  const ids = new Map(CHARTS.flatMap((c) => [...transitionDomIds(c.machine)]));
  const unknown: string[] = [];
  const tracker = new TransitionTracker(CHARTS.map((c) => c.machine));
  const sim: SimStack = new SimStack({
    stack: SINGLE_BOARD_STACK,
    inspect: (e) => {
      tracker.inspect(e);
      if (e.type === '@xstate.microstep') for (const t of e._transitions) if (!ids.has(t)) unknown.push(`${t.source.id} ${t.eventType}`);
    },
  }).start();
  tracker.now = () => sim.clock.now();
  sim.boards[0]!.ports[0].send({ type: 'PI_ON' });
  await sim.runUntil(40_000);
  sim.control.crashPi(0, 0);
  await sim.runUntil(80_000);
  sim.stop();
  assert.equal(unknown, []);
  const taken = tracker.recent(sim.boards[0]!.ports[0]).map((t) => `${t.from} → ${t.to} (${t.event})`);
  assert.ok(taken.includes('power.on → power.cycling (WATCHDOG_EXPIRED)'), taken.join('; '));
  assert.is(taken[taken.length - 1], 'power.cycling → power.on (after cycleOffTime)');
  const last = tracker.recent(sim.boards[0]!.ports[0]).at(-1)!;
  assert.is(last.edgeId, 'tr-powerPort-power-cycling-2');
  assert.ok(last.t > 40_000 && last.t < 80_000, String(last.t));
});

test.run();
