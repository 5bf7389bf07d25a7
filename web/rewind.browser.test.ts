/**
 * Rewind and share by URL in headless Chromium (the page served on 127.0.0.1:0, and from file://):
 * rewinding to an earlier time shows the same state (event log, board card, bus monitor, clock)
 * as a fresh run to that time; the scrubber works from the keyboard; a permalink (and the link
 * the page keeps in its address) reloads to the same state, paused, with the same selection and
 * speed; undo removes a fault's effect; the exported scenario makes `pistack sim` reproduce the
 * page's events; a bad or old fragment is ignored with a visible notice. Time moves only through
 * the page's hook. Skipped, visibly, without /usr/bin/chromium.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { scenarioFromText } from '../board-model/scenario.ts';
import { runScenario } from '../board-model/sim/runScenario.ts';
import { advance, browserSuite, useVizPage } from './testing/vizBrowser.ts';

const PORT = '.board[data-board="3"] .port[data-pi="0"]';

browserSuite('rewind.browser.test.ts', 'rewind and links', () => {
  const viz = useVizPage({ viewport: { width: 1600, height: 1000 }, open: false });
  const open = (url: string): Promise<Page> => viz.open(url);
  let page: Page;
  let at45: Shown;
  let t45 = 0;

  /** Everything the test compares between two moments. */
  interface Shown {
    clock: string;
    events: string[];
    card: string;
    bus: string[];
    led: string | null;
  }

  async function shown(page: Page): Promise<Shown> {
    return {
      clock: (await page.textContent('#clock')) ?? '',
      events: await page.locator('#events tbody tr').allTextContents(),
      card: (await page.locator('.board[data-board="3"]').innerText()),
      bus: await page.locator('#bus tbody tr').allTextContents(),
      led: await page.getAttribute(`${PORT} .led.power`, 'aria-label'),
    };
  }

  /**
   * The student's session: from 0 s (a link paused at 0), past the MCUs' boot, PI_ON board 3 Pi 0
   * from the host panel at 2 s, a crash at 30 s, to 45 s (the watchdog has cut the Pi at 42 s).
   */
  async function studentSession(page: Page): Promise<void> {
    assert.is(await page.evaluate(() => window.pistackViz!.now()), 0);
    await advance(page, 2000);
    await page.click(`${PORT} .select`);
    await page.selectOption('#host-command', 'PI_ON');
    await page.selectOption('#host-field-pi', '0');
    await page.click('#host-send');
    await page.waitForFunction(() => /^PI_ON to board 3: OK$/.test(document.getElementById('host-decoded')?.textContent ?? ''));
    await advance(page, 28_000);
    await page.click('button[data-fault="crash"]');
    await page.waitForFunction(() => /^crash on board #3 Pi 0 at /.test(document.querySelector('#faults .status')?.textContent ?? ''));
    await advance(page, 15_000);
  }

  test('rewind to an earlier time shows the same state as a fresh run to that time', async () => {
    page = await open(`${viz.server.url}#v=1&t=0`);
    await studentSession(page);
    t45 = await page.evaluate(() => window.pistackViz!.now());
    at45 = await shown(page);
    assert.ok(at45.events.some((row) => row.includes('pi-crashed')), 'the crash is in the event log');
    assert.ok(at45.bus.length >= 2, 'the PI_ON frames are in the bus monitor');
    await advance(page, 40_000);
    assert.not.equal((await shown(page)).clock, at45.clock);
    await page.evaluate((t) => window.pistackViz!.rewind(t), t45);
    assert.equal(await shown(page), at45);

    const fresh = await open(`${viz.server.url}#v=1&t=0`);
    await studentSession(fresh);
    assert.equal(await shown(fresh), at45);
    assert.equal(await fresh.evaluate(() => window.pistackViz!.inputs()), await page.evaluate(() => window.pistackViz!.inputs()));
    await fresh.close();
    assert.equal(viz.errors, []);
  });

  test('the scrubber is labelled and works from the keyboard: Home goes back to 0, the arrow keys step 100 ms', async () => {
    const scrubber = page.getByLabel('Rewind to');
    assert.is(await scrubber.getAttribute('id'), 'timeline-scrubber');
    const box = await scrubber.boundingBox();
    assert.ok(box !== null && box.height >= 24 && box.width >= 24, `scrubber ${box?.width}x${box?.height}`);
    await scrubber.focus();
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.getElementById('clock')?.textContent === '0:00:00.000');
    assert.is(await page.locator('#events tbody tr', { hasText: 'pi-crashed' }).count(), 0);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.getElementById('clock')?.textContent === '0:00:00.100');
    await page.keyboard.press('End'); // the latest moment reached (90 s), replayed with the crash
    await page.waitForFunction(() => document.getElementById('clock')?.textContent === '0:01:25.100');
    assert.ok(await page.locator('#events tbody tr', { hasText: 'pi-crashed' }).count() > 0);
    assert.match((await page.textContent('#timeline-notice')) ?? '', /^Rewound to 85\.100 s; paused/);
    await page.evaluate((t) => window.pistackViz!.rewind(t), t45);
    assert.equal(await shown(page), at45);
    assert.equal(viz.errors, []);
  });

  test('a permalink reloads to the same state: time, inputs, selection, speed, paused (served and from file://)', async () => {
    await page.check('#speed-10'); // the speed goes into the link; time stays paused
    await page.waitForFunction(() => location.hash.includes('speed=10'));
    const link = await page.evaluate(() => window.pistackViz!.link());
    assert.is(await page.inputValue('#timeline-link'), link);
    assert.is(await page.evaluate(() => location.href), link, 'the address bar keeps the state too');
    assert.match(link, /#v=1&t=\d+\.\d{1,10}&seed=\d+&board=3&pi=0&speed=10&in=h:[0-9a-z]+:PI_ON:3:0,f:[0-9a-z]+:crash:3:0$/);
    const shownNow = await shown(page);
    for (const url of [link, viz.staticUrl(`#${link.split('#')[1]}`)]) {
      const again = await open(url);
      assert.equal(await shown(again), shownNow, url);
      assert.equal(await again.evaluate(() => window.pistackViz!.selection()), { board: 3, pi: 0 });
      assert.equal(await again.evaluate(() => window.pistackViz!.timeState()), { speed: 10, paused: true });
      assert.match((await again.textContent('#timeline-notice')) ?? '', /^Opened from the link: the start stack at \d+\.\d{3} s, board #3 Pi 0, paused\.$/);
      assert.is(await again.getAttribute(`${PORT} .select`, 'aria-pressed'), 'true');
      await again.close();
    }
    assert.equal(viz.errors, []);
  });

  test('a lesson\'s permalink reopens the lesson at the same moment, its steps and the student\'s input replayed', async () => {
    const lesson = await open(`${viz.server.url}#v=1&t=0`);
    await lesson.click('button[data-lesson="watchdog-cycle.json"]');
    await lesson.evaluate(() => window.pistackViz!.pause());
    await lesson.evaluate(() => window.pistackViz!.rewind(40_000));
    await lesson.click('.board[data-board="0"] .port[data-pi="1"] .select');
    await lesson.click('button[data-fault="short-circuit"]');
    await lesson.waitForFunction(() => /^short-circuit on board #0 Pi 1 at /.test(document.querySelector('#faults .status')?.textContent ?? ''));
    await lesson.evaluate(() => window.pistackViz!.rewind(75_000));
    const link = await lesson.evaluate(() => window.pistackViz!.link());
    assert.match(link, /#v=1&lesson=watchdog-cycle\.json&t=75000&seed=1&board=0&pi=1&speed=1&in=f:[0-9a-z]+:short-circuit:0:1$/);
    const events = await lesson.locator('#events tbody tr').allTextContents();
    assert.ok(events.some((row) => row.includes('watchdog-expired')), 'the lesson\'s watchdog fired at 72.2 s');
    const status = await lesson.textContent('#lesson-status');
    assert.match(status ?? '', /^Lesson "watchdog-cycle" .*running, 0:01:15\.000 of 0:02:00\.000\.$/);
    const again = await open(link);
    assert.equal(await again.locator('#events tbody tr').allTextContents(), events);
    assert.is(await again.textContent('#lesson-status'), status);
    assert.is(await again.textContent('#clock'), '0:01:15.000');
    await again.close();
    await lesson.close();
    assert.equal(viz.errors, []);
  });

  test('a teacher\'s hand-written link opens board 3 at 72 s', async () => {
    const teacher = await open(`${viz.server.url}#v=1&t=72000&board=3&pi=1`);
    assert.is(await teacher.textContent('#clock'), '0:01:12.000');
    assert.is(await teacher.getAttribute('.board[data-board="3"] .port[data-pi="1"] .select', 'aria-pressed'), 'true');
    assert.is(await teacher.inputValue('#host-id'), '3');
    await teacher.close();
  });

  test('undo removes a fault\'s effect: without the crash the Pi is powered and heartbeating at the same time', async () => {
    await page.evaluate((t) => window.pistackViz!.rewind(t), t45);
    assert.is(at45.led, 'Pi 0 power off', 'at 45 s the watchdog has cut the crashed Pi');
    await page.click('#timeline-undo');
    await page.waitForFunction(() => /^Undone; paused/.test(document.getElementById('timeline-notice')?.textContent ?? ''));
    assert.is(await page.textContent('#clock'), at45.clock);
    assert.is(await page.getAttribute(`${PORT} .led.power`, 'aria-label'), 'Pi 0 power on');
    assert.is(await page.locator('#events tbody tr', { hasText: 'pi-crashed' }).count(), 0);
    assert.is(await page.locator('#events tbody tr', { hasText: 'watchdog-expired' }).count(), 0);
    assert.equal(await page.evaluate(() => window.pistackViz!.inputs()), ['2.000 s: PI_ON to ID 3 Pi 0']);
    assert.equal(viz.errors, []);
  });

  test('a fault input can be undone from the list too; the exported scenario makes pistack sim reproduce the page\'s events', async () => {
    await page.click('button[data-fault="short-circuit"]');
    await page.waitForFunction(() => /^short-circuit on board #3 Pi 0 at /.test(document.querySelector('#faults .status')?.textContent ?? ''));
    await advance(page, 5000);
    await page.fill('#fault-volts', '10.5');
    await page.click('button[data-fault="supply-volts"]');
    await page.waitForFunction(() => /^supply-volts 10\.5 on the stack/.test(document.querySelector('#faults .status')?.textContent ?? ''));
    await advance(page, 5000);
    const download = page.waitForEvent('download');
    await page.click('#timeline-export');
    const file = await download;
    assert.is(file.suggestedFilename(), 'session-student.json');
    const text = readFileSync(await file.path(), 'utf8');
    assert.is(text, await page.evaluate(() => window.pistackViz!.scenario()));
    const result = await runScenario(scenarioFromText(text, 'session-student.json'));
    const events = await page.evaluate(() => window.pistackViz!.events());
    assert.is(events.filter((e) => e.type === 'fault').length, 2, 'the short and the supply change are logged');
    assert.ok(events.some((e) => e.type === 'brownout'), 'the short browns the rail out');
    assert.equal(result.events.map((e) => ({ t: e.t, type: e.type, ...('id' in e ? { id: e.id } : {}), ...('pi' in e ? { pi: e.pi } : {}) })), events);
    await page.click('#timeline-log summary');
    await page.click('#timeline-inputs button[aria-label^="undo "][aria-label*="short-circuit"]');
    await page.waitForFunction(() => /^Undone: .*short-circuit/.test(document.getElementById('timeline-notice')?.textContent ?? ''));
    assert.is((await page.evaluate(() => window.pistackViz!.inputs())).length, 2);
    assert.equal(viz.errors, []);
  });

  test('a bad or old fragment is ignored with a visible notice, never a crash', async () => {
    for (const [fragment, reason] of [['#v=0&t=5', /version 0 is not 1/], ['#v=1&lesson=nope.json', /no lesson "nope\.json"/], ['#v=1&board=40', /board #40 is not in the stack of 16/], ['#v=1&in=f:1:crash:99:0', /an input acts on board #99/]] as const) {
      const bad = await open(`${viz.server.url}${fragment}`);
      const notice = (await bad.textContent('#timeline-notice')) ?? '';
      assert.match(notice, /^The link's state was ignored \(/);
      assert.match(notice, reason);
      assert.ok(await bad.locator('#timeline-notice.fail').isVisible());
      assert.is(await bad.locator('.board').count(), 16);
      assert.match(await bad.evaluate(() => location.hash), /^#v=1&t=/, 'the address now carries the page\'s real state');
      await bad.close();
    }
    assert.equal(viz.errors, []);
  });
});

test.run();
