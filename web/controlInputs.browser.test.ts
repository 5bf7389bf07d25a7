/**
 * Every control of the page is a recorded input, in headless Chromium (regression: a DIP bit
 * clicked on a card and a transition fired from a chart went straight to the simulator, so
 * rewind, undo, links and the export lost them). On the default stack: two DIP bits give board
 * #5 the ID of board #3, the MCU chart's RESET makes it read them, the port chart's PI_ON then
 * meets two boards answering and the Pi chart's CRASH crashes a Pi; all of it survives a rewind
 * (and is gone before its time), a reload of the link, and the export, which `pistack sim`'s
 * runner plays to the same events; undo removes the last one. Time moves only through the
 * page's hook. Skipped, visibly, without /usr/bin/chromium.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { scenarioFromText } from '../board-model/scenario.ts';
import { runScenario } from '../board-model/sim/runScenario.ts';
import { advance, browserSuite, useVizPage } from './testing/vizBrowser.ts';

const card = (board: number) => `.board[data-board="${board}"]`;

/** What the inputs change, as the page shows it. */
async function shown(page: Page): Promise<Record<string, unknown>> {
  return {
    clock: await page.textContent('#clock'),
    dip: await page.getAttribute(`${card(5)} .dip`, 'aria-label'),
    id: await page.textContent('#board-5-title'),
    badges: await page.locator(`${card(3)} .badge`).evaluateAll((els) => els.map((e) => e.getAttribute('data-badge'))),
    pi: await page.textContent(`${card(0)} .port[data-pi="1"] .state`),
    events: await page.locator('#events tbody tr').allTextContents(),
    inputs: await page.evaluate(() => window.pistackViz!.inputs()),
  };
}

/** Fire a chart's transition by its "Fire" button and wait for the chart's status line to say what happened. */
async function fire(page: Page, chart: string, event: string, said: RegExp): Promise<void> {
  await page.click(`[data-pick="${chart}"]`);
  await page.click(`.chart.shown [data-fire="${event}"]`);
  await page.waitForFunction((re) => new RegExp(re).test(document.getElementById('chart-status')?.textContent ?? ''), said.source);
}

browserSuite('controlInputs.browser.test.ts', 'DIP and chart inputs', () => {
  const viz = useVizPage({ viewport: { width: 1600, height: 1000 }, open: '#v=1&t=0' });
  let at: Record<string, unknown>;
  let now = 0;

  test('DIP bits and fired transitions are recorded inputs: rewind before them undoes them, rewind after replays them', async () => {
    const page = viz.page;
    await advance(page, 1000);
    await page.click(`${card(5)} .dip .bit[data-bit="2"]`);
    await page.click(`${card(5)} .dip .bit[data-bit="1"]`); // clicked before the first is applied: still from 0001
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-label') === 'DIP switch 0011 (3)', `${card(5)} .dip`);
    await page.click(`${card(5)} .port[data-pi="0"] .select`);
    await fire(page, 'boardMcu', 'RESET', /^RESET: mcu-reset injected on board #5/);
    await advance(page, 200);
    assert.is(await page.textContent('#board-5-title'), 'Board ID 3', 'the MCU read the new DIP at its reset');
    await page.click(`${card(3)} .port[data-pi="0"] .select`);
    await fire(page, 'powerPort', 'PI_ON', /^PI_ON: sent PI_ON to board 3 Pi 0/);
    await page.click(`${card(0)} .port[data-pi="1"] .select`);
    await fire(page, 'powerPort', 'PI_ON', /^PI_ON: sent PI_ON to board 0 Pi 1 .*: OK/);
    await advance(page, 30_000); // booted
    await fire(page, 'raspberryPi', 'CRASH', /^CRASH: crash injected on board #0 Pi 1/);
    await advance(page, 2000);
    at = await shown(page);
    now = await page.evaluate(() => window.pistackViz!.now());
    assert.equal((at['inputs'] as string[]).map((line) => line.replace(/^[\d.]+ s: /, '')),
      ['set-dip 1 on board #5', 'set-dip 3 on board #5', 'mcu-reset on board #5', 'PI_ON to ID 3 Pi 0', 'PI_ON to ID 0 Pi 1', 'crash on board #0 Pi 1']);
    assert.ok((at['badges'] as string[]).includes('duplicate-id'), 'two boards with ID 3');
    assert.match(String(at['pi']), /crashed/i);

    await page.evaluate(() => window.pistackViz!.rewind(500));
    assert.is(await page.getAttribute(`${card(5)} .dip`, 'aria-label'), 'DIP switch 0101 (5)', 'before the clicks: the DIP as it was');
    assert.is(await page.textContent('#board-5-title'), 'Board ID 5');
    await page.evaluate((t) => window.pistackViz!.rewind(t), now);
    assert.equal(await shown(page), at, 'rewound forward: every input replayed');
    assert.equal(viz.errors, []);
  });

  test('a reload of the link brings them back; the export has them and pistack sim plays it to the same events', async () => {
    const page = viz.page;
    const link = await page.evaluate(() => window.pistackViz!.link());
    assert.match(link, /&in=f:[0-9a-z]+:set-dip:5:0:1,f:[0-9a-z]+:set-dip:5:0:3,f:[0-9a-z]+:mcu-reset:5:0,h:[0-9a-z]+:PI_ON:3:0,h:[0-9a-z]+:PI_ON:0:1,f:[0-9a-z]+:crash:0:1$/);
    const again = await viz.open(link);
    assert.equal(await shown(again), at);
    await again.close();

    const text = await page.evaluate(() => window.pistackViz!.scenario());
    const steps = (JSON.parse(text) as { steps: Array<Record<string, unknown>> }).steps;
    assert.equal(steps.map((s) => s['fault'] ?? s['host']), ['set-dip', 'set-dip', 'mcu-reset', 'PI_ON', 'PI_ON', 'crash']);
    const result = await runScenario(scenarioFromText(text, 'session-student.json'));
    const events = await page.evaluate(() => window.pistackViz!.events());
    assert.ok(events.some((e) => e.type === 'collision'), 'the duplicate ID collides');
    assert.equal(result.events.map((e) => ({ t: e.t, type: e.type, ...('id' in e ? { id: e.id } : {}), ...('pi' in e ? { pi: e.pi } : {}) })), events);
    assert.equal(viz.errors, []);
  });

  test('undo removes the last input: the fired crash, then the PI_ON, ...; the DIP clicks last of all', async () => {
    const page = viz.page;
    await page.click('#timeline-undo');
    await page.waitForFunction(() => /^Undone; paused/.test(document.getElementById('timeline-notice')?.textContent ?? ''));
    assert.is((await page.evaluate(() => window.pistackViz!.inputs())).length, 5);
    assert.match((await page.textContent(`${card(0)} .port[data-pi="1"] .state`)) ?? '', /running/, 'without the crash the Pi runs');
    for (let left = 4; left >= 2; left--) {
      await page.evaluate(() => window.pistackViz!.undo());
      assert.is((await page.evaluate(() => window.pistackViz!.inputs())).length, left);
    }
    assert.is(await page.textContent('#board-5-title'), 'Board ID 5', 'without the reset the MCU kept its ID');
    assert.is(await page.getAttribute(`${card(5)} .dip`, 'aria-label'), 'DIP switch 0011 (3)', 'the DIP clicks are still there');
    await page.evaluate(() => window.pistackViz!.undo());
    assert.is(await page.getAttribute(`${card(5)} .dip`, 'aria-label'), 'DIP switch 0001 (1)');
    assert.equal(viz.errors, []);
  });
});

test.run();
