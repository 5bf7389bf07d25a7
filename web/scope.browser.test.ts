/**
 * The scope panel in headless Chromium (served on 127.0.0.1:0): a Pi switched on shows on the
 * scope (switch, volts, amps, heartbeat pulses, the bus request and reply); at 1000x for a
 * simulated minute every heartbeat edge is recorded (the recorder's count equals the stack
 * cards' pulse counts, which count the heartbeat line's rising edges as they happen); pan and
 * zoom by buttons, keys and wheel move the visible window; the CSV and VCD downloads are the
 * recorder's files; controls are labelled, at least 24x24 px, and axe-core finds no serious or
 * critical violation in the panel. Virtual time moves through the page's hook, or at 1000x
 * until a bounded wait sees a minute pass. Skipped, visibly, without /usr/bin/chromium.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { advance as advanceOn, axeProblems, browserSuite, screenshot, scrollBelowBar, useVizPage } from './testing/vizBrowser.ts';

browserSuite('scope.browser.test.ts', 'the scope panel', () => {
  const viz = useVizPage({ time: 'paused' });

  function advance(ms: number): Promise<number> {
    return advanceOn(viz.page, ms);
  }

  function scopeWindow(): Promise<{ start: number; end: number; follow: boolean }> {
    return viz.page.evaluate(() => window.pistackScope!.window());
  }

  test('a Pi switched on and heartbeating shows on the scope of the selected board', async () => {
    await viz.page.click('.board[data-board="3"] .port[data-pi="0"] .select');
    assert.is(await viz.page.inputValue('#scope-board'), '3', 'the scope follows the page\'s selection');
    assert.is(await viz.page.evaluate(() => window.pistackViz!.send('PI_ON', 3, { pi: 0 })), 'reply');
    await advance(40_000);
    const seen = await viz.page.evaluate(() => {
      const rec = window.pistackScope!.recorder();
      return {
        sw: rec.trace(3, 'pi0_switch').last, volts: rec.trace(3, 'pi0_volts').last, amps: rec.trace(3, 'pi0_amps').last, other: rec.trace(3, 'pi1_switch').last,
        beats: rec.trace(3, 'pi0_heartbeat').risingEdges(), req: rec.trace(3, 'bus_request').risingEdges(), reply: rec.trace(3, 'bus_reply').risingEdges(),
        markers: rec.markers(3).map((m) => m.label),
      };
    });
    assert.is(seen.sw, 1);
    assert.ok(seen.volts! > 5 && seen.volts! < 5.2, `Pi 0 at ${seen.volts} V`);
    assert.ok(seen.amps! > 0.3, `Pi 0 draws ${seen.amps} A`);
    assert.is(seen.other, 0);
    assert.ok(seen.beats >= 2, `heartbeats: ${seen.beats}`);
    assert.equal([seen.req, seen.reply], [1, 1], 'the PI_ON request and its reply on the wire');
    for (const type of ['power-on', 'pi-booted']) assert.ok(seen.markers.includes(type), `${type} marker`);
    const readout = (await viz.page.textContent('#scope-readout')) ?? '';
    const now = await viz.page.evaluate(() => window.pistackViz!.now());
    assert.ok(readout.startsWith(`now, ${(now / 1000).toFixed(3)} s: Input V 12.00 V · `), readout);
    assert.match(readout, /· Pi 0 V 5\.\d\d V · Pi 0 A 0\.\d{3} A · .*Pi 0 switch high/);
    assert.match((await viz.page.getAttribute('#scope-canvas', 'aria-label')) ?? '', /^scope of board index 3, 15 traces from .* following live, \d+ markers$/);
    // Hover over a marker: its text shows.
    const w = await scopeWindow();
    const bootAt = await viz.page.evaluate(() => window.pistackScope!.recorder().markers(3).find((m) => m.label === 'pi-booted')!.t);
    await scrollBelowBar(viz.page, '#scope'); // the whole panel in the screenshot below, none of it under the time bar
    const box = (await viz.page.locator('#scope-canvas').boundingBox())!;
    const x = 118 + ((bootAt - w.start) / (w.end - w.start)) * (box.width - 118 - 10);
    await viz.page.mouse.move(box.x + x, box.y + 60);
    await viz.page.waitForSelector('#scope-tip:not([hidden])');
    assert.match((await viz.page.textContent('#scope-tip')) ?? '', /^Event at \d+\.\d{3} s: pi-booted \(board 3 Pi 0\); Event at \d+\.\d{3} s: heartbeat-ok \(board 3 Pi 0\)$/);
    assert.match((await viz.page.textContent('#scope-readout')) ?? '', /^at the pointer, /);
    await screenshot(viz.page, 'scope-heartbeat', '#scope', 'element');
    await viz.page.mouse.move(0, 0);
    assert.equal(viz.errors, []);
  });

  test('at 1000x for a simulated minute every heartbeat edge is in the recorder (its count equals the stack cards\' pulse counts)', async () => {
    for (const [id, pi] of [[3, 1], [7, 0], [12, 1]] as const) {
      assert.is(await viz.page.evaluate(({ id, pi }) => window.pistackViz!.send('PI_ON', id, { pi }), { id, pi }), 'reply');
    }
    await advance(30_000);
    const t0 = await viz.page.evaluate(() => window.pistackViz!.now());
    await viz.page.evaluate(() => window.pistackViz!.run(1000));
    await viz.page.waitForFunction((end) => window.pistackViz!.now() >= end, t0 + 60_000, { timeout: 30_000, polling: 50 });
    await viz.page.evaluate(() => window.pistackViz!.pause());
    const t1 = await viz.page.evaluate(() => window.pistackViz!.now());
    assert.ok(t1 - t0 >= 60_000, `ran ${t1 - t0} ms of virtual time`);
    const counts = await viz.page.evaluate(() => {
      const rec = window.pistackScope!.recorder();
      const out: Array<{ board: number; pi: number; recorded: number; card: number }> = [];
      for (let b = 0; b < rec.boards; b++) {
        for (const pi of [0, 1]) {
          const card = Number(document.querySelector(`.board[data-board="${b}"] .port[data-pi="${pi}"] .count`)!.textContent);
          out.push({ board: b, pi, recorded: rec.trace(b, `pi${pi}_heartbeat`).risingEdges(), card });
        }
      }
      return out;
    });
    assert.equal(counts.map((c) => c.recorded), counts.map((c) => c.card), 'recorded rising edges = pulses counted on each card');
    const on = counts.filter((c) => c.card > 0);
    assert.equal(on.map((c) => `${c.board}/${c.pi}`), ['3/0', '3/1', '7/0', '12/1']);
    const b3 = on[0]!;
    const least = Math.floor((t1 - 26_000) / 5200); // booted by 26 s, then a pulse every 5.2 s
    assert.ok(b3.recorded >= least, `board 3 Pi 0: ${b3.recorded} pulses by ${t1} ms, at least ${least}`);
    const fallsAndRises = await viz.page.evaluate(() => window.pistackScope!.recorder().trace(3, 'pi0_heartbeat').total);
    assert.ok(fallsAndRises >= 2 * b3.recorded, 'every falling edge too');
  });

  test('following live, frames draw the scope by strips, and the picture equals a whole redraw (guards the append-only drawing: smeared or missing edges)', async () => {
    await viz.page.mouse.move(0, 0);
    await viz.page.locator('#scope-canvas').scrollIntoViewIfNeeded();
    const before = await viz.page.evaluate(() => window.pistackScope!.draws());
    await viz.page.evaluate(() => window.pistackViz!.run(100));
    try {
      await viz.page.waitForFunction((n) => window.pistackScope!.draws().strip >= n + 20, before.strip, { timeout: 30_000, polling: 50 });
    } finally {
      await viz.page.evaluate(() => window.pistackViz!.pause());
    }
    assert.ok((await scopeWindow()).follow);
    const diff = await viz.page.evaluate(() => { // no named functions inside: tsx would wrap them in __name
      const c = document.getElementById('scope-canvas') as HTMLCanvasElement;
      const strips = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      window.pistackScope!.redraw();
      const whole = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let differ = 0;
      for (let i = 0; i < strips.length; i += 4) {
        let d = 0;
        for (let k = 0; k < 4; k++) d = Math.max(d, Math.abs(strips[i + k]! - whole[i + k]!));
        if (d > 64) differ++;
      }
      return { differ, pixels: strips.length / 4 };
    });
    assert.ok(diff.differ < diff.pixels * 0.001, `${diff.differ} of ${diff.pixels} pixels differ clearly between the strips and a whole redraw`);
  });

  test('pan and zoom move the visible window: buttons, arrow keys, +/- keys, the wheel, drag; Live and Fit', async () => {
    const now = await viz.page.evaluate(() => window.pistackViz!.now());
    const w0 = await scopeWindow();
    assert.equal([w0.end, w0.follow], [now, true]);
    const span0 = w0.end - w0.start;
    await viz.page.click('#scope-zoom-in');
    let w = await scopeWindow();
    assert.is(w.end - w.start, span0 / 2);
    assert.is(w.follow, true, 'zooming while live keeps following');
    await viz.page.click('#scope-back');
    w = await scopeWindow();
    assert.equal([w.end, w.follow], [now - span0 / 4, false]);
    assert.is(await viz.page.getAttribute('#scope-live', 'aria-pressed'), 'false');
    await viz.page.focus('.scope-plot');
    await viz.page.keyboard.press('ArrowLeft');
    const afterKey = await scopeWindow();
    assert.is(afterKey.end, w.end - (span0 / 2) / 4);
    await viz.page.keyboard.press('-');
    const zoomedOut = await scopeWindow();
    assert.is(zoomedOut.end - zoomedOut.start, span0);
    assert.is((zoomedOut.start + zoomedOut.end) / 2, (afterKey.start + afterKey.end) / 2, 'zoom keeps the middle');
    await viz.page.keyboard.press('+');
    assert.is((await scopeWindow()).end - (await scopeWindow()).start, span0 / 2);
    await viz.page.locator('#scope-canvas').scrollIntoViewIfNeeded();
    const box = (await viz.page.locator('#scope-canvas').boundingBox())!;
    await viz.page.mouse.move(box.x + 500, box.y + 100);
    await viz.page.mouse.wheel(0, 200);
    const wheeled = await scopeWindow();
    assert.ok(Math.abs(wheeled.end - wheeled.start - (span0 / 2) * 1.25) < 1e-6, 'wheel down zooms out');
    const before = await scopeWindow();
    await viz.page.mouse.down();
    await viz.page.mouse.move(box.x + 700, box.y + 100, { steps: 4 });
    await viz.page.mouse.up();
    const dragged = await scopeWindow();
    assert.ok(dragged.end < before.end, 'dragging right shows earlier time');
    const moved = before.end - dragged.end;
    const expected = (200 / (box.width - 128)) * (before.end - before.start);
    assert.ok(Math.abs(moved - expected) < expected * 0.01, `by the dragged distance: ${moved} ms, expected ${expected}`);
    // While paused-back, time running does not move the window; Live follows again.
    await advance(5000);
    assert.equal(await scopeWindow(), dragged, 'scrolled back: the window stays while time runs');
    await viz.page.click('#scope-live');
    const live = await scopeWindow();
    assert.equal([live.end, live.follow], [now + 5000, true]);
    await viz.page.click('#scope-fit');
    const fit = await scopeWindow();
    assert.equal([fit.start, fit.end], [0, now + 5000], 'fit: everything recorded');
    await viz.page.keyboard.press('End');
    assert.is((await scopeWindow()).follow, true);
  });

  test('the markers by keyboard: [ and ] step through them, their text shows as on hover, a marker out of view is brought into it', async () => {
    await viz.page.mouse.move(0, 0);
    await viz.page.focus('.scope-plot');
    await viz.page.keyboard.press('Home'); // everything recorded in view
    const markers = await viz.page.evaluate(() => window.pistackScope!.recorder().markers(3).map((m) => ({ t: m.t, label: m.label })));
    const last = markers[markers.length - 1]!;
    await viz.page.keyboard.press('[');
    const tip = (await viz.page.textContent('#scope-tip')) ?? '';
    assert.ok(tip.includes(`${(last.t / 1000).toFixed(3)} s: ${last.label}`), `the last marker: ${tip}`);
    assert.is(await viz.page.getAttribute('#scope-tip', 'hidden'), null);
    assert.match((await viz.page.textContent('#scope-readout')) ?? '', new RegExp(`^at the marker, ${(last.t / 1000).toFixed(3)} s: `));
    await viz.page.keyboard.press('-'); // wider, then narrow to a few seconds at the end so the first marker is out of view
    for (let i = 0; i < 6; i++) await viz.page.keyboard.press('+');
    const narrow = await scopeWindow();
    const first = markers[0]!;
    assert.ok(first.t < narrow.start, 'the first marker is out of view');
    for (let i = 0; i < markers.length + 2; i++) await viz.page.keyboard.press('[');
    const w = await scopeWindow();
    assert.ok(first.t >= w.start && first.t <= w.end, `brought into view: ${first.t} in ${w.start}..${w.end}`);
    assert.ok(((await viz.page.textContent('#scope-tip')) ?? '').includes(`${(first.t / 1000).toFixed(3)} s: ${first.label}`));
    await viz.page.keyboard.press(']');
    assert.ok(((await viz.page.textContent('#scope-tip')) ?? '').includes(`: ${markers.find((m) => m.t > first.t)!.label}`));
    await viz.page.keyboard.press('Escape');
    assert.is(await viz.page.getAttribute('#scope-tip', 'hidden'), '');
    await viz.page.keyboard.press('End');
  });

  test('CSV and VCD downloads are the recorder\'s files for the board shown', async () => {
    for (const kind of ['csv', 'vcd'] as const) {
      const [download] = await Promise.all([viz.page.waitForEvent('download'), viz.page.click(`#scope-${kind}`)]);
      assert.is(download.suggestedFilename(), `pistack-board-3-scope.${kind}`);
      const text = readFileSync((await download.path())!, 'utf8');
      const expected = await viz.page.evaluate((k) => (k === 'csv' ? window.pistackScope!.csv() : window.pistackScope!.vcd()), kind);
      assert.is(text, expected);
      if (kind === 'csv') {
        const [head, ...rows] = text.trimEnd().split('\n');
        assert.match(head!, /^time_s,vin_V,cin_A,rail_V,pi0_volts_V,pi0_amps_A,pi1_volts_V,pi1_amps_A,pi0_heartbeat,pi0_signal,pi0_switch,pi1_heartbeat,pi1_signal,pi1_switch,bus_request,bus_reply$/);
        const col = head!.split(',').indexOf('pi0_heartbeat');
        const rises = rows.filter((r, i) => i > 0 && r.split(',')[col] === '1' && rows[i - 1]!.split(',')[col] === '0').length;
        assert.is(rises, Number(await viz.page.textContent('.board[data-board="3"] .port[data-pi="0"] .count')), 'every pulse in the CSV');
      } else {
        assert.match(text, /^\$version pistack viz scope \$end\n\$comment board 3; virtual time in microseconds \$end\n\$timescale 1 us \$end\n\$scope module board_3 \$end\n/);
        assert.match(text, /\$var wire 1 \S+ pi0_heartbeat \$end/);
        assert.match(text, /\$var real 64 \S+ pi0_volts_V \$end/);
        assert.match(text, /\$enddefinitions \$end\n#0\n\$dumpvars\n/);
      }
    }
  });

  test('the CSV download works from file:// too (static files written by --out)', async () => {
    const local = await viz.open(viz.staticUrl());
    await local.evaluate(async () => {
      window.pistackViz!.pause();
      await window.pistackViz!.advance(1000);
    });
    const [download] = await Promise.all([local.waitForEvent('download'), local.click('#scope-csv')]);
    assert.is(download.suggestedFilename(), 'pistack-board-0-scope.csv');
    const text = readFileSync((await download.path())!, 'utf8');
    assert.is(text, await local.evaluate(() => window.pistackScope!.csv()));
    assert.match(text, /^time_s,vin_V,/);
    await local.close();
    assert.equal(viz.errors, []);
  });

  test('readable and accessible: controls labelled and at least 24x24 px, text at least 11 px, no serious axe-core violation', async () => {
    const small = await viz.page.evaluate(() => Array.from(document.querySelectorAll('#scope button, #scope select'))
      .map((el) => ({ id: el.id, r: el.getBoundingClientRect() })).filter(({ r }) => r.width < 24 || r.height < 24).map(({ id }) => id));
    assert.equal(small, []);
    const unlabelled = await viz.page.evaluate(() => Array.from(document.querySelectorAll('#scope button, #scope select, #scope [tabindex="0"]'))
      .filter((el) => {
        const e = el as HTMLSelectElement;
        return !(e.getAttribute('aria-label') || (e.labels && e.labels.length > 0) || (e.tagName === 'BUTTON' && (e.textContent ?? '').trim()));
      }).map((el) => el.outerHTML.slice(0, 60)));
    assert.equal(unlabelled, []);
    const fonts = await viz.page.evaluate(() => ['#scope-readout', '#scope-caption', '#scope .field .label'].map((s) => parseFloat(getComputedStyle(document.querySelector(s)!).fontSize)));
    assert.ok(fonts.every((f) => f >= 11), `font sizes ${fonts}`);
    const violations = await axeProblems(viz.page, ['#scope']);
    assert.equal(violations, []);
    assert.equal(viz.errors, []);
  });

  test('the board selector names each board by its ID now (a DIP change and reset gives a new one) and selects the page\'s board', async () => {
    await viz.page.click('.board[data-board="15"] .port[data-pi="0"] .select');
    assert.is(await viz.page.inputValue('#scope-board'), '15');
    await viz.page.selectOption('#fault-dip', '14');
    await viz.page.click('button[data-fault="duplicate-dip"]');
    await advance(1000);
    assert.is(await viz.page.textContent('#scope-board option[value="15"]'), 'ID 14 (#15)');
    await viz.page.selectOption('#scope-board', '2');
    assert.is(await viz.page.getAttribute('.board[data-board="2"] .port[data-pi="0"] .select', 'aria-pressed'), 'true', 'choosing a board in the scope selects it on the page');
    assert.match((await viz.page.textContent('#scope-caption')) ?? '', /^Board ID 2: /);
  });

  test('a lesson\'s script steps are lesson markers on the scope, at their times', async () => {
    await viz.page.click('button[data-lesson="watchdog-cycle.json"]');
    const markers = await viz.page.evaluate(() => window.pistackScope!.recorder().markers(0).filter((m) => m.kind === 'lesson').map((m) => [m.t, m.label]));
    assert.equal(markers.map(([t]) => t), [1000, 60000], 'PI_ON at 1 s, the crash at 60 s');
    assert.match(String(markers[0]![1]), /PI_ON/);
    assert.match(String(markers[1]![1]), /crash/);
  });
});

test.run();
