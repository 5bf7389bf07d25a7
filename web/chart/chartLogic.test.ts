/**
 * The charts' pure logic: zoom math (fit never below readable text, zoom about a point, pan,
 * pinch), labels with their values from a live context, which transitions the page may fire
 * now, the latest transition per parallel region, state entry times (the countdowns' start),
 * and the tab list's keys.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimStack } from '../../board-model/SimStack.ts';
import { SINGLE_BOARD_STACK } from '../../board-model/stack.ts';
import { powerPortMachine } from '../../board-model/powerPortMachine.ts';
import { regulatorMachine } from '../../board-model/regulatorMachine.ts';
import { raspberryPiMachine } from '../../board-model/raspberryPiMachine.ts';
import { CHARTS, COUNTDOWN_ROOM, chartDot, valuedChartDot } from './machines.ts';
import { activeStateIds, chartOf } from './statechart.ts';
import { StateEntries, transitionDomain } from './entries.ts';
import { latestPerRegion, regionOf } from './regions.ts';
import { enabledTransitions, triggerText, TRIGGERS } from './triggers.ts';
import { TransitionTracker } from './TransitionTracker.ts';
import { delayMs, delayOf, formatDuration, formatLeft, valuedLabel } from './values.ts';
import { centreOn, clampView, fitView, MIN_TEXT_PX, panBy, pinchFactor, readableScale, showsBox, smallestFont, viewBoxOf, zoomAt } from './zoom.ts';
import { tabKeyTarget } from '../tabKeys.ts';

const near = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

test('fit: a small chart is shown whole and centred; a big one at the readable scale, never smaller', () => {
  const port = { w: 600, h: 400 };
  const small = fitView({ x: 0, y: 0, w: 300, h: 100 }, port, 1.375);
  near(small.scale, 2, 'whole chart scale');
  near(small.x, 0, 'x');
  near(small.y, -50, 'centred vertically');
  const big = fitView({ x: 0, y: 0, w: 1465, h: 493 }, port, readableScale(8));
  near(big.scale, (MIN_TEXT_PX / 8) * 1.002, 'readable scale');
  assert.ok(big.scale * 8 >= MIN_TEXT_PX, '8-unit text renders at >= 11 px');
  assert.ok(big.x >= 0 && big.x + port.w / big.scale <= 1465, 'within the chart');
  assert.is(smallestFont([10, 8, NaN, 0, 14]), 8);
  assert.is(smallestFont([]), 14);
  near(readableScale(0), 1, 'no text: 1:1');
  assert.ok(readableScale(10) * 10 > MIN_TEXT_PX, 'readable with room for rounding');
});

test('zoom about a point keeps that point still; pan follows the pointer; bounds hold; pinch ratio', () => {
  const v = { scale: 2, x: 10, y: 20 };
  const z = zoomAt(v, 1.5, 100, 50, 0.5, 10);
  near(z.scale, 3, 'scale');
  near(v.x + 100 / v.scale, z.x + 100 / z.scale, 'chart x under the pointer');
  near(v.y + 50 / v.scale, z.y + 50 / z.scale, 'chart y under the pointer');
  near(zoomAt(v, 100, 0, 0, 0.5, 10).scale, 10, 'upper bound');
  near(zoomAt(v, 0.001, 0, 0, 0.5, 10).scale, 0.5, 'lower bound');
  const p = panBy(v, 40, -20);
  near(p.x, -10, 'dragging right shows what is left');
  near(p.y, 30, 'dragging up shows what is below');
  near(pinchFactor([0, 0, 100, 0], [0, 0, 200, 0]), 2, 'fingers apart');
  near(pinchFactor([5, 5, 5, 5], [0, 0, 1, 1]), 1, 'degenerate start');
  const content = { x: 0, y: 0, w: 1000, h: 1000 };
  const port = { w: 100, h: 100 };
  const c = clampView({ scale: 1, x: -500, y: 2000 }, content, port);
  assert.equal([c.x, c.y], [0, 900]);
  const centred = centreOn({ scale: 1, x: 0, y: 0 }, { x: 400, y: 400, w: 20, h: 20 }, port);
  assert.equal([centred.x, centred.y], [360, 360]);
  assert.ok(showsBox(centred, { x: 400, y: 400, w: 20, h: 20 }, port));
  assert.not.ok(showsBox({ scale: 1, x: 0, y: 0 }, { x: 400, y: 400, w: 20, h: 20 }, port));
  assert.is(viewBoxOf({ scale: 2, x: 1.23456, y: 0 }, { w: 100, h: 50 }), '1.235 0 50 25');
});

test('labels carry the values of a live context: delays with their firmware name, guards with thresholds', async () => {
  const sim = new SimStack({ stack: SINGLE_BOARD_STACK }).start();
  try {
    const board = sim.boards[0]!;
    const port = board.ports[0].getSnapshot().context;
    assert.is(valuedLabel('powerPort', powerPortMachine, 'after gracefulOffDelay', 'after gracefulOffDelay', '', port), 'after OFF_DELAY (30 s)');
    assert.is(valuedLabel('powerPort', powerPortMachine, 'after cycleOffTime', 'after cycleOffTime', '', port), 'after CYCLE_OFF_TIME (5 s)');
    assert.is(valuedLabel('powerPort', powerPortMachine, 'WATCHDOG_EXPIRED [cyclesOnExpiry] / emit watchdog-expired', 'WATCHDOG_EXPIRED', 'cyclesOnExpiry', port),
      'WATCHDOG_EXPIRED [on expiry: power-cycle] / emit watchdog-expired');
    const reg = board.regulator.getSnapshot().context;
    assert.is(valuedLabel('regulator', regulatorMachine, 'always [overLimit] / brownout', 'always', 'overLimit', reg), 'always [load > 5.0 A] / brownout');
    assert.match(valuedLabel('regulator', regulatorMachine, 'after hiccupRetry / emit recovered', 'after hiccupRetry', '', reg), /^after hiccup retry \(\d+(\.\d+)? (ms|s)\) \/ emit recovered$/);
    const pi = board.pis[0]!.getSnapshot().context;
    assert.is(valuedLabel('raspberryPi', raspberryPiMachine, 'RAIL [railBelowReset] / losePower, trackRail', 'RAIL', 'railBelowReset', pi), 'RAIL [rail < 4.20 V] / losePower, trackRail');
    assert.is(valuedLabel('raspberryPi', raspberryPiMachine, 'always [!daemonInstalled]', 'always', '!daemonInstalled', pi), 'always [no daemon: no]');
    assert.is(valuedLabel('raspberryPi', raspberryPiMachine, 'always [unknownGuard]', 'always', 'unknownGuard', pi), 'always [unknownGuard]', 'unknown guards stay as written');
    assert.is(valuedLabel('powerPort', powerPortMachine, 'after mystery', 'after mystery', '', undefined), 'after mystery', 'no context, unknown delay: as written');
    const dot = valuedChartDot(CHARTS[0]!, port);
    assert.ok(dot.includes(`label="after OFF_DELAY (30 s)\n${COUNTDOWN_ROOM}"`), 'the page DOT reserves a countdown line');
    assert.not.ok(chartDot(CHARTS[0]!).includes('OFF_DELAY'), 'docs/charts stay generic');
  } finally {
    sim.stop();
  }
  assert.is(delayMs(powerPortMachine, '500 ms', undefined), 500);
  assert.is(delayMs(powerPortMachine, 'nothing', {}), undefined);
  assert.is(delayMs(powerPortMachine, 'hbtDelay', {}), undefined, 'a delay that throws on a bad context has no value');
  assert.is(delayOf('after sigWidth'), 'sigWidth');
  assert.is(delayOf('PI_ON'), undefined);
  assert.equal([formatDuration(500), formatDuration(30_000), formatDuration(1500), formatDuration(12_345)], ['500 ms', '30 s', '1.5 s', '12.3 s']);
  assert.equal([formatLeft(12_345), formatLeft(-5)], ['12.3 s left', '0.0 s left']);
});

test('enabled now: from "off" PI_ON is a host command and WATCHDOG_EXPIRED is never clickable; guards are asked', () => {
  const chart = chartOf(powerPortMachine);
  const off = new Set(activeStateIds(powerPortMachine, { power: 'off', signal: 'released' }));
  const asked: string[] = [];
  const enabled = enabledTransitions('powerPort', chart.transitions, off, (e) => (asked.push(e), true));
  const events = enabled.map((e) => e.transition.event);
  assert.ok(events.includes('PI_ON'), events.join());
  assert.not.ok(events.includes('WATCHDOG_EXPIRED'));
  assert.equal(enabled.find((e) => e.transition.event === 'PI_ON')!.trigger, { kind: 'command', command: 'PI_ON' });
  assert.is(new Set(events).size, events.length, 'one per event');
  assert.equal(enabledTransitions('powerPort', chart.transitions, off, () => false), [], 'refused by the actor: nothing');
  assert.ok(asked.every((e) => e in TRIGGERS.powerPort));
  const pi = chartOf(raspberryPiMachine);
  const running = new Set(activeStateIds(raspberryPiMachine, { running: 'daemon' }));
  const crash = enabledTransitions('raspberryPi', pi.transitions, running, () => true).find((e) => e.transition.event === 'CRASH');
  assert.equal(crash?.trigger, { kind: 'fault', fault: 'crash' });
  assert.is(triggerText({ kind: 'command', command: 'PI_ON' }, 3, 3, 0), 'send PI_ON to board 3 (Pi 0)');
  assert.is(triggerText({ kind: 'fault', fault: 'crash' }, 3, 2, 1), 'inject crash on board #2 Pi 1');
  assert.is(triggerText({ kind: 'fault', fault: 'mcu-reset' }, 3, 2, 1), 'inject mcu-reset on board #2');
});

test('one latest transition per parallel region (the port: power and signal)', () => {
  const chart = chartOf(powerPortMachine);
  assert.is(regionOf(chart, 'powerPort.power.on.alive'), 'powerPort.power');
  assert.is(regionOf(chart, 'powerPort.signal.pulsing'), 'powerPort.signal');
  assert.is(regionOf(chart, 'powerPort'), 'powerPort');
  const regions = new Map(chart.states.map((s) => [s.id, regionOf(chart, s.id)]));
  const recent = [
    { source: 'powerPort.power.off', n: 1 }, { source: 'powerPort.signal.released', n: 2 },
    { source: 'powerPort.power.on', n: 3 }, { source: 'powerPort', n: 4 },
  ];
  assert.equal(latestPerRegion(recent, regions).map((t) => t.n).sort(), [2, 3, 4]);
});

test('state entry times: a transition re-enters what lies below its domain, a self-loop without reenter keeps the source', () => {
  const chart = chartOf(powerPortMachine);
  const byId = new Map(chart.states.map((s) => [s.id, s]));
  const t = (source: string, targets: string[], reenter = false) => ({ domId: 'x', source, targets, event: 'E', guard: '', actions: [], label: 'E', reenter });
  assert.is(transitionDomain(chart, byId, t('powerPort.power.off', ['powerPort.power.on'])), 'powerPort.power');
  assert.is(transitionDomain(chart, byId, t('powerPort.power.on', ['powerPort.power.on.booting'])), 'powerPort.power.on');
  assert.is(transitionDomain(chart, byId, t('powerPort.power.on', ['powerPort.power.on'], true)), 'powerPort.power');
  const e = new StateEntries(chart);
  e.update(0, activeStateIds(powerPortMachine, { power: 'off', signal: 'released' }), []);
  e.update(100, activeStateIds(powerPortMachine, { power: { on: 'booting' }, signal: 'released' }), [t('powerPort.power.off', ['powerPort.power.on'])]);
  assert.is(e.enteredAt('powerPort.power.on.booting'), 100);
  assert.is(e.enteredAt('powerPort.signal.released'), 0, 'the other region is untouched');
  assert.is(e.enteredAt('powerPort.power.off'), undefined, 'left');
  e.update(200, activeStateIds(powerPortMachine, { power: { on: 'booting' }, signal: 'released' }), [t('powerPort.power.on', ['powerPort.power.on'], true)]);
  assert.is(e.enteredAt('powerPort.power.on'), 200, 'reentered');
});

test('the tracker times a running delay from its source state\'s entry (the countdown of CYCLE_OFF_TIME after a crash)', async () => {
  const tracker = new TransitionTracker(CHARTS.map((c) => c.machine));
  const sim: SimStack = new SimStack({ stack: SINGLE_BOARD_STACK, inspect: tracker.inspect }).start();
  tracker.now = () => sim.clock.now();
  try {
    const port = sim.boards[0]!.ports[0];
    assert.is(tracker.enteredAt(port, 'powerPort.power.off'), 0, 'initial states entered at the start');
    port.send({ type: 'PI_ON' });
    await sim.runUntil(40_000);
    sim.control.crashPi(0, 0);
    let cycling: number | undefined;
    for (let t = 40_000; t < 80_000 && cycling === undefined; t += 100) {
      await sim.runUntil(t);
      cycling = tracker.enteredAt(port, 'powerPort.power.cycling');
    }
    assert.ok(cycling !== undefined && cycling > 40_000, `entered cycling at ${cycling}`);
    const last = tracker.recent(port).at(-1)!;
    assert.is(last.to, 'power.cycling');
    assert.is(last.t, cycling);
    assert.is(delayMs(powerPortMachine, 'cycleOffTime', port.getSnapshot().context), 5000);
  } finally {
    sim.stop();
  }
});

test('tab keys: arrows wrap, Home and End jump, other keys do nothing', () => {
  assert.is(tabKeyTarget('ArrowRight', 4, 5), 0);
  assert.is(tabKeyTarget('ArrowLeft', 0, 5), 4);
  assert.is(tabKeyTarget('ArrowDown', 1, 5), 2);
  assert.is(tabKeyTarget('ArrowUp', 1, 5), 0);
  assert.is(tabKeyTarget('Home', 3, 5), 0);
  assert.is(tabKeyTarget('End', 0, 5), 4);
  assert.is(tabKeyTarget('a', 0, 5), undefined);
  assert.is(tabKeyTarget('Home', 0, 0), undefined);
});

test.run();
