/**
 * A guided lesson with rewind, undo and links in headless Chromium (regressions: the session a
 * rewind or an undo rebuilt ran without the lesson's guide, so its automatic pauses were gone;
 * a link inside a guided lesson opened the start stack). Rewound to a time, the pauses before it
 * are not shown again and the later ones stop time with the same callouts; undo keeps the
 * pauses; a link reloads the same lesson, time, seed, selection, speed and inputs with the guide
 * attached (served and from file://), a link at a pause shows its callout, and the exercise has
 * its own link. Time moves only through the page's hook. Skipped, visibly, without chromium.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { EXPECTED } from './testing/lessonCallouts.ts';
import { advance, browserSuite, useVizPage } from './testing/vizBrowser.ts';

const LESSON = '02-heartbeat-watchdog.json';
const TITLE = 'Lesson 2: The heartbeat and the watchdog';
const CALLOUTS = EXPECTED['02']!;

/** The callout shown now: "title|text", or "" when none. */
function callout(page: Page): Promise<string> {
  return page.evaluate(() => (document.getElementById('lesson-callout')!.hidden ? ''
    : `${document.getElementById('lesson-callout-title')!.textContent}|${document.getElementById('lesson-callout-text')!.textContent}`));
}

/** Move time on by up to `ms` (the guide stops it at its next pause); returns the callout then shown, or "". */
async function next(page: Page, ms = 200_000): Promise<string> {
  await advance(page, ms);
  return callout(page);
}

/** Press Continue (which lets time run) and pause again. */
async function proceed(page: Page): Promise<void> {
  await page.click('#lesson-continue');
  await page.evaluate(() => window.pistackViz!.pause());
}

/** Everything a link must bring back. */
async function shown(page: Page): Promise<Record<string, unknown>> {
  return {
    clock: await page.textContent('#clock'),
    events: await page.locator('#events tbody tr').allTextContents(),
    inputs: await page.evaluate(() => window.pistackViz!.inputs()),
    title: await page.textContent('#lesson-title'),
    current: await page.locator('li.current button').getAttribute('data-guided'),
    selection: await page.evaluate(() => window.pistackViz!.selection()),
    time: await page.evaluate(() => window.pistackViz!.timeState()),
    card: await page.locator('.board[data-board="0"]').innerText(),
  };
}

browserSuite('guidedRewind.browser.test.ts', 'guided lessons with rewind, undo and links', () => {
  const viz = useVizPage({ open: '#v=1&t=0' });
  /** The callouts of the lesson's first run, "title|text". */
  const first: string[] = [];

  test('rewind inside a guided lesson: the pauses before the target are passed, the later ones stop time again with their callouts', async () => {
    const page = viz.page;
    await page.click(`button[data-guided="${LESSON}"]`);
    await page.check('#prediction-1');
    await page.click('#lesson-run');
    await page.evaluate(() => window.pistackViz!.pause());
    for (let i = 0; i < 5; i++) {
      const c = await next(page);
      assert.match(c.split('|')[1] ?? '', CALLOUTS[i]!, `callout ${i}: ${c}`);
      first.push(c);
      await proceed(page);
    }
    await page.evaluate(() => window.pistackViz!.rewind(65_000));
    assert.is(await page.textContent('#clock'), '0:01:05.000');
    assert.is(await page.textContent('#lesson-title'), TITLE, 'the guide is still there');
    assert.is(await callout(page), '', 'the crash at 60 s is passed: not shown again');
    assert.is(await page.locator('#lesson-guide .mark.pause').count(), 2, 'the passed pauses are on the lesson timeline');
    assert.match((await page.textContent('#lesson-run-hint')) ?? '', /^Your prediction: At 72\.2 s/, 'the prediction is kept');
    assert.is(await page.isHidden('#lesson-run'), true, 'no second Run');
    for (let i = 2; i < 5; i++) {
      assert.is(await next(page), first[i], `pause ${i} again, with the same callout`);
      assert.is(await page.getAttribute('#time-pause', 'aria-pressed'), 'true');
      await proceed(page);
    }
    assert.equal(viz.errors, []);
  });

  test('undo inside a guided lesson keeps its pauses', async () => {
    const page = viz.page;
    await page.evaluate(() => window.pistackViz!.rewind(30_000));
    assert.is(await page.evaluate(() => window.pistackViz!.send('GET_VIN', 0)), 'reply');
    assert.is((await page.evaluate(() => window.pistackViz!.inputs())).length, 1);
    await page.click('#timeline-undo');
    await page.waitForFunction(() => /^Undone; paused/.test(document.getElementById('timeline-notice')?.textContent ?? ''));
    assert.equal(await page.evaluate(() => window.pistackViz!.inputs()), []);
    assert.is(await page.textContent('#lesson-title'), TITLE);
    assert.is(await next(page), first[1], 'the crash at 60 s stops time again');
    await proceed(page);
    assert.equal(viz.errors, []);
  });

  test('a guided lesson\'s link reloads the same lesson, prediction, time, seed, selection, speed and inputs, with its guide (served and from file://)', async () => {
    const page = viz.page;
    await page.evaluate(() => window.pistackViz!.rewind(40_000));
    await page.click('.board[data-board="0"] .port[data-pi="1"] .select');
    assert.is(await page.evaluate(() => window.pistackViz!.send('PI_ON', 0, { pi: 1 })), 'reply');
    await page.check('#speed-10');
    await page.waitForFunction(() => location.hash.includes('speed=10'));
    const link = await page.evaluate(() => window.pistackViz!.link());
    assert.match(link, /#v=1&guided=02-heartbeat-watchdog\.json&predict=At%2072\.2%20s[^&]*&t=40\d{3}\.\d+&seed=1&board=0&pi=1&speed=10&in=h:[0-9a-z]+:PI_ON:0:1$/);
    const before = await shown(page);
    assert.equal(before['current'], LESSON);
    for (const url of [link, viz.staticUrl(`#${link.split('#')[1]}`)]) {
      const again = await viz.open(url);
      assert.equal(await shown(again), before, url);
      assert.match((await again.textContent('#timeline-notice')) ?? '', /^Opened from the link: guided lesson "The heartbeat and the watchdog" at 40\.\d{3} s, board #0 Pi 1, paused\.$/);
      assert.is(await again.isHidden('#lesson-run'), true, 'past 0 s the lesson has been run: no prediction asked');
      assert.match((await again.textContent('#lesson-run-hint')) ?? '', /^Your prediction: At 72\.2 s/, 'the link carries the prediction made');
      assert.is(await next(again), first[1], 'the guide is attached: the crash at 60 s stops time with its callout');
      await again.close();
    }
    assert.equal(viz.errors, []);
  });

  test('a link taken at a pause reopens at that moment with its callout; the exercise has its own link', async () => {
    const page = viz.page;
    assert.is(await next(page), first[1]);
    await proceed(page);
    assert.is(await next(page), first[2], 'the watchdog');
    const link = await page.evaluate(() => window.pistackViz!.link());
    const again = await viz.open(link);
    assert.is(await callout(again), first[2], 'the callout of the moment, at once');
    assert.is(await again.textContent('#clock'), await page.textContent('#clock'));
    await again.close();

    for (let c = await callout(page); c !== ''; c = await next(page)) await proceed(page);
    await page.waitForSelector('#exercise-start');
    await page.click('#exercise-start');
    await page.waitForFunction(() => window.pistackViz!.now() >= 100);
    const exercise = await page.evaluate(() => window.pistackViz!.link());
    assert.match(exercise, /#v=1&guided=02-heartbeat-watchdog\.json&exercise=1&t=/);
    const opened = await viz.open(exercise);
    assert.match((await opened.textContent('#lesson-title')) ?? '', /^Exercise: The heartbeat and the watchdog$/);
    assert.is(await opened.isVisible('#exercise-task'), true);
    assert.is(await opened.textContent('#clock'), await page.textContent('#clock'));
    await opened.close();
    assert.equal(viz.errors, []);
  });
});

test.run();
