/**
 * Guided lessons in headless Chromium: each lesson of the curriculum loads from the list
 * (highlighted, stale panels cleared), waits for a prediction before Run, then runs at 1000x
 * and stops by itself at each key event, exactly at its time, with the callout's live numbers
 * (the same as the Node runs), the board and Pi selected, until Continue; at its end the
 * conclusion gives the prediction's answer. An exercise passes and fails on the student's own
 * commands with the reason in plain words; "Back to the start stack" leaves time running; axe
 * finds no serious problem in the lesson panel. Screenshots of each lesson's key moment go
 * to docs/screenshots/lessons (PISTACK_SCREENSHOTS=DIR elsewhere). Skipped, visibly, without
 * /usr/bin/chromium.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allLessons } from './testing/lessonHeadless.ts';
import { EXPECTED, KEY_MOMENT } from './testing/lessonCallouts.ts';
import { axeProblems, browserSuite, screenshot, useVizPage } from './testing/vizBrowser.ts';
import { formatClock } from './format.ts';

const lessons = allLessons();

browserSuite('lessons.browser.test.ts', 'guided lessons', () => {
  const viz = useVizPage({ time: 1000 });

  /** Wait (bounded) until the callout shows a moment other than `previous`, or the conclusion is up; returns the callout title or "". */
  async function nextMoment(previous: string): Promise<string> {
    await viz.page.waitForFunction((old) => {
      const callout = document.getElementById('lesson-callout')!;
      const title = document.getElementById('lesson-callout-title')?.textContent ?? '';
      return (!callout.hidden && title !== old) || !document.getElementById('lesson-conclusion')!.hidden;
    }, previous, { timeout: 20_000 });
    return viz.page.evaluate(() => (document.getElementById('lesson-callout')!.hidden ? '' : document.getElementById('lesson-callout-title')!.textContent ?? ''));
  }

  lessons.forEach((lesson, n) => {
    test(`${lesson.file}: prediction, then automatic pauses with their callouts in order, then the conclusion with the answer`, async () => {
      // Paused first: while time runs, off-screen panels are skipped (content-visibility) and can
      // change the page's height between Playwright's aim and its click, which then missed the button.
      await viz.page.evaluate(() => window.pistackViz!.pause());
      await viz.page.click(`button[data-guided="${lesson.file}"]`);
      await viz.page.waitForSelector('li.current', { timeout: 10_000 });
      const item = viz.page.locator('li.current');
      assert.is(await item.count(), 1, 'one lesson highlighted');
      assert.is(await item.locator(`button[data-guided="${lesson.file}"]`).count(), 1);
      assert.is(await item.getAttribute('aria-current'), 'true');
      assert.ok(await viz.page.evaluate(() => {
        const li = document.querySelector('li.current') as HTMLElement;
        const box = li.closest('.scroll') as HTMLElement;
        return li.offsetTop >= box.scrollTop && li.offsetTop + li.offsetHeight <= box.scrollTop + box.clientHeight;
      }), 'the loaded lesson is scrolled into view in the list');
      // Stale panels are cleared: no verdicts, callout, conclusion or host reply of the lesson before.
      assert.is(await viz.page.textContent('#lesson-verdicts'), '');
      assert.is(await viz.page.isHidden('#lesson-callout'), true);
      assert.is(await viz.page.isHidden('#lesson-conclusion'), true);
      assert.is(await viz.page.textContent('#host-decoded'), '');
      assert.is(await viz.page.textContent('#lesson-title'), `Lesson ${lesson.order}: ${lesson.title}`);
      assert.is(await viz.page.evaluate(() => window.pistackViz!.now()), 0);
      assert.is(await viz.page.isDisabled('#lesson-run'), true, 'Run waits for a prediction');
      assert.match((await viz.page.textContent('#lesson-status')) ?? '', /waiting for your prediction/);
      assert.is(await viz.page.locator('#lesson-steps li').count(), lesson.scenario.steps.length, 'every step on the timeline');
      const choices = lesson.prediction.choices!;
      const pick = n % 2 === 0 ? lesson.prediction.answer : choices.find((c) => c !== lesson.prediction.answer)!;
      await viz.page.check(`#prediction-${choices.indexOf(pick)}`);
      await viz.page.click('#lesson-run');
      const expected = EXPECTED[lesson.file.slice(0, 2)]!;
      let title = '';
      const seen: string[] = [];
      for (;;) {
        title = await nextMoment(title);
        if (title === '') break;
        const text = (await viz.page.textContent('#lesson-callout-text')) ?? '';
        const i = seen.length;
        seen.push(text);
        assert.ok(i < expected.length, `more callouts than expected: ${text}`);
        assert.match(text, expected[i]!);
        const t = lesson.scenario.durationMs; // bound only
        const now = await viz.page.evaluate(() => window.pistackViz!.now());
        assert.ok(now <= t);
        assert.is(await viz.page.textContent('#clock'), formatClock(now), 'the clock shows the moment');
        assert.is(await viz.page.getAttribute('#time-pause', 'aria-pressed'), 'true', 'time stands still at the pause');
        if (!/^Collision/.test(text)) assert.match(title, new RegExp(`^${(now / 1000).toFixed(3).replace(/\.?0+$/, '').replace('.', '\\.')} s: `), `stopped at the event's own time (${now})`);
        const selected = await viz.page.evaluate(() => document.querySelector('.board.selected')?.getAttribute('data-board'));
        assert.ok(selected !== undefined && selected !== null, 'a board is selected');
        assert.ok(await viz.page.isVisible('#lesson-continue'));
        if (i === (KEY_MOMENT[lesson.file.slice(0, 2)] ?? 0)) await screenshot(viz.page, `lessons/${lesson.file.replace(/\.json$/, '')}`, '.area-left');
        await viz.page.click('#lesson-continue');
      }
      assert.is(seen.length, expected.length, seen.join('\n'));
      assert.is(await viz.page.textContent('#lesson-conclusion-text'), lesson.conclusion);
      assert.match((await viz.page.textContent('#prediction-answer')) ?? '', new RegExp(`^The answer: ${lesson.prediction.answer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\. `));
      assert.match((await viz.page.textContent('#prediction-verdict')) ?? '', pick === lesson.prediction.answer ? /Right!$/ : /Not quite\.$/);
      await viz.page.waitForSelector('#lesson-verdicts .pass');
      assert.match((await viz.page.textContent('#lesson-verdicts p')) ?? '', /^Script checks: (\d+) of \1 expectations passed$/);
      assert.equal(viz.errors, []);
    });
  });

  test('an exercise: the student sets OFF_DELAY and sends PI_OFF: passed; without OFF_DELAY: failed, with the reason in plain words', async () => {
    const lesson = lessons.find((l) => l.file.startsWith('04'))!;
    await viz.page.click(`button[data-guided="${lesson.file}"]`);
    await viz.page.check('#prediction-2');
    await viz.page.click('#lesson-run');
    for (let title = await nextMoment(''); title !== ''; title = await nextMoment(title)) await viz.page.click('#lesson-continue');
    await viz.page.click('#exercise-start');
    await viz.page.waitForFunction(() => window.pistackViz!.now() >= 100);
    assert.is(await viz.page.textContent('#lesson-title'), `Exercise: ${lesson.title}`);
    assert.is(await viz.page.getAttribute('#time-pause', 'aria-pressed'), 'true', 'paused for the student');
    assert.is(await viz.page.textContent('#lesson-verdicts'), '', 'the lesson verdicts are gone');
    assert.is(await viz.page.evaluate(() => window.pistackViz!.send('SET_OFF_DELAY', 0, { pi: 0, value: 50 })), 'reply');
    await viz.page.evaluate(() => window.pistackViz!.advance(30_000 - window.pistackViz!.now()));
    assert.is(await viz.page.evaluate(() => window.pistackViz!.send('PI_OFF', 0, { pi: 0 })), 'reply');
    await viz.page.click('#exercise-check');
    await viz.page.waitForSelector('#exercise-verdict');
    assert.is(await viz.page.textContent('#exercise-verdict'), '✓ Passed');
    assert.is(await viz.page.textContent('#exercise-reasons'), 'Safe: Pi 0 halted before the board removed its power.');
    await viz.page.click('#exercise-again');
    await viz.page.waitForFunction(() => window.pistackViz!.now() >= 100 && document.getElementById('exercise-verdict') === null);
    await viz.page.evaluate(() => window.pistackViz!.advance(30_000 - window.pistackViz!.now()));
    assert.is(await viz.page.evaluate(() => window.pistackViz!.send('PI_OFF', 0, { pi: 0 })), 'reply');
    await viz.page.click('#exercise-check');
    await viz.page.waitForSelector('#exercise-verdict');
    assert.is(await viz.page.textContent('#exercise-verdict'), '✗ Not yet');
    assert.match((await viz.page.textContent('#exercise-reasons')) ?? '', /Pi 0 lost power at 60\.005 s while still shutting down: OFF_DELAY was shorter than its 45 s shutdown\./);
    assert.equal(viz.errors, []);
  });

  test('axe finds no serious or critical problem in the lessons panel with a callout open', async () => {
    const lesson = lessons[1]!;
    await viz.page.click(`button[data-guided="${lesson.file}"]`);
    await viz.page.check('#prediction-1');
    await viz.page.click('#lesson-run');
    await nextMoment('');
    const found = await axeProblems(viz.page, ['#lessons']);
    assert.equal(found, []);
    const small = await viz.page.evaluate(() => Array.from(document.querySelectorAll('#lessons button, #lessons input')).filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && (r.width < 24 || r.height < 24) && !(el as HTMLInputElement).type?.startsWith('radio');
    }).map((el) => el.outerHTML.slice(0, 60)));
    assert.equal(small, [], 'controls at least 24x24 px');
  });

  test('"Back to the start stack" leaves time running, not silently paused', async () => {
    await viz.page.evaluate(() => window.pistackViz!.pause());
    await viz.page.click('#lesson-reset');
    assert.is(await viz.page.getAttribute('#time-pause', 'aria-pressed'), 'false');
    assert.match((await viz.page.textContent('#time-state')) ?? '', /^running at/);
    assert.is(await viz.page.isHidden('#lesson-guide'), true);
    assert.is(await viz.page.locator('li.current').count(), 0);
    assert.is(await viz.page.evaluate(() => window.pistackViz!.boards()), 16);
    const t = await viz.page.evaluate(() => window.pistackViz!.now());
    await viz.page.waitForFunction((t0) => window.pistackViz!.now() > t0, t);
    assert.equal(viz.errors, []);
  });
});

test.run();
