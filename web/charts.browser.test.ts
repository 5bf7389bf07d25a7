/**
 * The page's layout and statecharts in headless Chromium, at a desktop size (1280x800) and a
 * phone size (390x844): on the desktop the selected board's card and its charts share the
 * first screen; on the phone the panels are tabs under a sticky time bar, nothing scrolls
 * sideways and every control is at least 24x24 px. Chart text at fit is at least 11 px; zoom,
 * fit, wheel, keys and pinch change the view; delays and guards show their values and a running
 * delay counts down; clicking a transition enabled now fires it (a real PI_ON / PI_OFF frame,
 * a crash through the control surface); the recent-transitions list never moves the chart;
 * axe-core finds no serious or critical violation on any view at either size. Time moves only
 * through the page's own step hook. Screenshots go to docs/screenshots (PISTACK_SCREENSHOTS=DIR
 * elsewhere). Skipped, visibly, without /usr/bin/chromium.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { advance as advanceOn, axeProblems as axeOn, browserSuite, screenshot, useVizPage } from './testing/vizBrowser.ts';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

browserSuite('charts.browser.test.ts', 'the charts and layout', () => {
  const viz = useVizPage({ viewport: DESKTOP, time: 'paused' });

  function advance(ms: number): Promise<number> {
    return advanceOn(viz.page, ms);
  }

  /** Serious and critical axe-core violations on the page as it is now. */
  function axeProblems(): Promise<string[]> {
    return axeOn(viz.page);
  }

  /** Smallest rendered text of the chart shown (px): font size times the SVG's screen scale, and the glyph box height. */
  function chartTextPx(): Promise<{ font: number; box: number; count: number }> {
    return viz.page.evaluate(() => {
      const texts = Array.from(document.querySelectorAll<SVGTextElement>('.chart.shown .svg text')).filter((t) => (t.textContent ?? '').trim() !== '');
      const fonts = texts.map((t) => Number(t.getAttribute('font-size')) * (t.getScreenCTM()?.a ?? 0));
      const boxes = texts.map((t) => t.getBoundingClientRect().height);
      return { font: Math.min(...fonts), box: Math.min(...boxes), count: texts.length };
    });
  }

  /** Visible controls smaller than 24x24 px (the SVG edges are excluded: each has a 24 px "Fire" button doing the same, WCAG 2.5.8's equivalent exception). */
  function smallControls(): Promise<string[]> {
    return viz.page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('button, select, input, summary, a[href], [role="tab"], [tabindex="0"]'))
      .filter((el) => !el.closest('svg'))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && r.right > 0 && style.visibility !== 'hidden' && (r.width < 24 || r.height < 24);
      }).map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className} ${Math.round(el.getBoundingClientRect().width)}x${Math.round(el.getBoundingClientRect().height)}`));
  }

  function overflow(): Promise<{ scroll: number; inner: number }> {
    return viz.page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: innerWidth }));
  }

  /** Click the chart edge whose label starts with `event` (it must be enabled), bringing it into the view first. */
  async function clickEdge(event: string): Promise<void> {
    const edge = viz.page.locator('.chart.shown g.edge.enabled').filter({ has: viz.page.locator('text', { hasText: new RegExp(`^${event}\\b`) }) }).first();
    await viz.page.click('#chart-fit');
    for (let i = 0; i < 8; i++) {
      const inside = await edge.evaluate((el) => {
        const r = el.querySelector('text')!.getBoundingClientRect();
        const b = el.closest('.svg')!.getBoundingClientRect();
        return r.left >= b.left && r.right <= b.right && r.top >= b.top && r.bottom <= b.bottom;
      });
      if (inside) break;
      await viz.page.click('#chart-zoom-out');
    }
    await edge.locator('text').first().click();
  }

  test('desktop 1280x800: the selected card and its charts share the first screen, with no page scrolling', async () => {
    await viz.page.click('.board[data-board="13"] .port[data-pi="1"] .select');
    assert.is(await viz.page.inputValue('#chart-board'), '13');
    assert.is(await viz.page.getAttribute('#chart-pi-1', 'aria-pressed'), 'true');
    const rects = await viz.page.evaluate(() => {
      const [card, chart] = ['.board.selected', '.chart.shown .svg'].map((sel) => document.querySelector(sel)!.getBoundingClientRect())
        .map((b) => ({ top: b.top, bottom: b.bottom, left: b.left, right: b.right }));
      return { card: card!, chart: chart!, scrollY, h: innerHeight, w: innerWidth };
    });
    assert.is(rects.scrollY, 0);
    for (const [name, r] of [['card', rects.card], ['chart', rects.chart]] as const) {
      assert.ok(r.top >= 0 && r.bottom <= rects.h && r.left >= 0 && r.right <= rects.w, `${name} in the first viewport: ${JSON.stringify(r)}`);
    }
    assert.ok(rects.chart.bottom - rects.chart.top >= 300, `a chart viewport of some height: ${JSON.stringify(rects.chart)}`);
    assert.ok(rects.card.right <= rects.chart.left, 'card left, charts right');
    const o = await overflow();
    assert.ok(o.scroll <= o.inner, `no horizontal overflow: ${o.scroll} > ${o.inner}`);
    assert.is(await viz.page.locator('.tabs').isVisible(), false, 'no tabs on a desktop');
    await viz.page.click('.board[data-board="0"] .port[data-pi="0"] .select');
    await screenshot(viz.page, 'layout-desktop', '#stack');
  });

  test('chart text at fit is at least 11 px in every chart, and nothing is cut off: pan reaches every edge', async () => {
    for (const key of ['powerPort', 'raspberryPi', 'regulator', 'boardMcu']) {
      await viz.page.click(`[data-pick="${key}"]`);
      await viz.page.click('#chart-fit');
      const px = await chartTextPx();
      assert.ok(px.count > 5, `${key}: texts drawn`);
      assert.ok(px.font >= 10.99, `${key}: smallest text ${px.font.toFixed(2)} px at fit`);
      assert.ok(px.box >= 11, `${key}: smallest text box ${px.box.toFixed(2)} px high`);
    }
    await viz.page.click('[data-pick="powerPort"]');
    // Pan to each corner with the keyboard: every text of the chart is shown fully at some point.
    // (a string: tsx would wrap named helpers in a function the page does not have)
    const seen = await viz.page.evaluate<{ shown: number; all: number }>(`(() => {
      const box = document.querySelector('.chart.shown .svg');
      const texts = Array.from(box.querySelectorAll('text')).filter((t) => t.textContent.trim() !== '');
      const shown = new Set();
      const b = box.getBoundingClientRect();
      const look = () => texts.forEach((t, i) => {
        const r = t.getBoundingClientRect();
        if (r.left >= b.left - 0.5 && r.right <= b.right + 0.5 && r.top >= b.top - 0.5 && r.bottom <= b.bottom + 0.5) shown.add(i);
      });
      const key = (k) => box.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
      for (let i = 0; i < 100; i++) ['ArrowUp', 'ArrowLeft'].forEach(key); // from the top-left corner
      for (let row = 0; row < 40; row++) {
        for (let col = 0; col < 60; col++) {
          look();
          key(row % 2 === 0 ? 'ArrowRight' : 'ArrowLeft');
        }
        key('ArrowDown');
      }
      look();
      return { shown: shown.size, all: texts.length };
    })()`);
    assert.is(seen.shown, seen.all, 'every label can be panned into full view');
  });

  test('zoom and fit: buttons, keys and the wheel change the scale; fit restores it', async () => {
    await viz.page.click('[data-pick="regulator"]');
    await viz.page.click('#chart-fit');
    const scale = () => viz.page.evaluate(() => Number(document.querySelector<HTMLElement>('.chart.shown .svg')!.dataset['scale']));
    const fit = await scale();
    await viz.page.click('#chart-zoom-in');
    assert.ok((await scale()) > fit * 1.2, 'zoom in');
    await viz.page.click('#chart-zoom-out');
    await viz.page.click('#chart-zoom-out');
    assert.ok((await scale()) < fit, 'zoom out');
    await viz.page.focus('.chart.shown .svg');
    await viz.page.keyboard.press('0');
    assert.ok(Math.abs((await scale()) - fit) < 1e-3, 'key 0 fits');
    await viz.page.keyboard.press('+');
    assert.ok((await scale()) > fit, 'key + zooms in');
    const box = (await viz.page.locator('.chart.shown .svg').boundingBox())!;
    await viz.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const before = await scale();
    await viz.page.mouse.wheel(0, 300);
    assert.ok((await scale()) < before, 'wheel down zooms out');
    for (let i = 0; i < 4; i++) await viz.page.click('#chart-zoom-in');
    await viz.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const viewBox = await viz.page.getAttribute('.chart.shown svg', 'viewBox');
    await viz.page.mouse.down();
    await viz.page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 30, { steps: 4 });
    await viz.page.mouse.up();
    assert.is.not(await viz.page.getAttribute('.chart.shown svg', 'viewBox'), viewBox, 'drag pans');
    await viz.page.click('#chart-fit');
    await viz.page.click('[data-pick="powerPort"]');
  });

  test('delays and guards show their values; clicking an enabled edge sends a real frame; a running delay counts down', async () => {
    await viz.page.click('[data-pick="powerPort"]');
    const texts = await viz.page.locator('.chart.shown svg text').allTextContents();
    assert.ok(texts.includes('after OFF_DELAY (30 s)'), 'OFF_DELAY with its value');
    assert.ok(texts.includes('after CYCLE_OFF_TIME (5 s)'));
    assert.ok(texts.some((t) => t.startsWith('WATCHDOG_EXPIRED [on expiry: power-cycle]')));
    await viz.page.click('[data-pick="regulator"]');
    assert.ok((await viz.page.locator('.chart.shown svg text').allTextContents()).some((t) => t.includes('[load > 5.0 A]')), 'regulator current limit');
    await viz.page.click('[data-pick="powerPort"]');
    assert.is(await viz.page.locator('#st-powerPort-power-off.active').count(), 1);
    assert.is(await viz.page.locator('.chart.shown g.edge.enabled').filter({ hasText: /^WATCHDOG/ }).count(), 0, 'timer-driven edges are not clickable');
    const shownTop = await viz.page.evaluate(() => document.querySelector('.chart.shown .svg')!.getBoundingClientRect().top);
    await clickEdge('PI_ON');
    await viz.page.waitForFunction(() => /^PI_ON: sent PI_ON to board 0 Pi 0 at .*: OK/.test(document.getElementById('chart-status')?.textContent ?? ''));
    assert.is(await viz.page.locator('#st-powerPort-power-on-booting.active').count(), 1, 'the port went on');
    assert.is(await viz.page.getAttribute('.board[data-board="0"] .port[data-pi="0"] .led.power', 'aria-label'), 'Pi 0 power on');
    assert.ok((await viz.page.locator('#bus tbody tr').allTextContents()).some((r) => r.includes('host → board 0') && r.includes('PI_ON')), 'a real PI_ON frame on the bus');
    assert.ok((await viz.page.locator('#events tbody tr').allTextContents()).some((r) => r.includes('host-reply') && r.includes('PI_ON')), 'logged');
    assert.match((await viz.page.textContent('.chart.shown .recent .latest')) ?? '', /power\.off → power\.on \(PI_ON\)$/);
    await advance(40_000); // booted, heartbeats alive
    await clickEdge('PI_OFF');
    await viz.page.waitForFunction(() => /^PI_OFF: sent PI_OFF .*: OK/.test(document.getElementById('chart-status')?.textContent ?? ''));
    assert.is(await viz.page.locator('#st-powerPort-power-stopping-byBoard.active').count(), 1);
    const timer = async () => (await viz.page.textContent('.chart.shown .timer')) ?? '';
    const first = /after OFF_DELAY \(30 s\): (\d+\.\d) s left/.exec(await timer());
    assert.ok(first, await timer());
    await advance(10_000);
    const later = /after OFF_DELAY \(30 s\): (\d+\.\d) s left/.exec(await timer());
    assert.ok(later, await timer());
    assert.ok(Math.abs(Number(first![1]) - Number(later![1]) - 10) < 0.15, `counted down 10 s: ${first![1]} → ${later![1]}`);
    const edgeLines = await viz.page.locator('.chart.shown g.edge.pending text').allTextContents();
    assert.ok(edgeLines.some((t) => /^\d+\.\d s left$/.test(t)), `countdown on the edge: ${edgeLines.join(' | ')}`);
    // One latest transition per region: power (PI_OFF) and signal (SIGNAL_PULSE / after SIG_WIDTH) are both marked.
    const marked = await viz.page.locator('.chart.shown g.edge.last').count();
    assert.is(marked, 2, 'power and signal regions each mark their latest');
    const nowTop = await viz.page.evaluate(() => document.querySelector('.chart.shown .svg')!.getBoundingClientRect().top);
    assert.is(nowTop, shownTop, 'the recent-transitions list did not push the chart down');
    await advance(25_000);
    assert.is(await viz.page.locator('#st-powerPort-power-off.active').count(), 1, 'off after OFF_DELAY');
  });

  test('both Pis one click away; a Pi crash fires from its chart through the control surface', async () => {
    await viz.page.click('#chart-pi-1');
    assert.match((await viz.page.textContent('figure[data-chart="powerPort"] .now')) ?? '', /power\.off/);
    await viz.page.click('#chart-pi-0');
    await viz.page.click('[data-pick="powerPort"]');
    await clickEdge('PI_ON');
    await viz.page.waitForFunction(() => /^PI_ON: .*OK/.test(document.getElementById('chart-status')?.textContent ?? ''));
    await advance(40_000);
    await viz.page.click('[data-pick="raspberryPi"]');
    await viz.page.click('.chart.shown [data-fire="CRASH"]');
    await viz.page.waitForFunction(() => /^CRASH: crash injected on board #0 Pi 0/.test(document.getElementById('chart-status')?.textContent ?? ''));
    assert.is(await viz.page.locator('#st-pi-crashed.active').count(), 1, 'the Pi crashed');
    assert.ok((await viz.page.locator('#events tbody tr').allTextContents()).some((r) => r.includes('pi-crashed')), 'logged');
    await viz.page.click('[data-pick="powerPort"]');
  });

  test('the schematic of the selected board: live values on hover, current flowing, a short takes the shared rail down for both Pis', async () => {
    await viz.page.click('.board[data-board="1"] .port[data-pi="0"] .select');
    assert.match((await viz.page.textContent('#schematic .caption')) ?? '', /^Board ID 1 \(board #1\)/);
    for (const pi of [0, 1]) assert.is(await viz.page.evaluate((p) => window.pistackViz!.send('PI_ON', 1, { pi: p }), pi), 'reply');
    await advance(30_000);
    assert.match((await viz.page.textContent('#sch-w-rail title')) ?? '', /^5 V rail: 5\.\d\d V, 0\.80 A to the Pis$/);
    assert.is(await viz.page.locator('#sch-w-port0 .flow.on').count(), 1, 'current drawn flowing to Pi 0');
    assert.is(await viz.page.locator('#sch-w-rail .wire.ok').count(), 1);
    assert.match((await viz.page.getAttribute('#sch-p-pi1', 'aria-label')) ?? '', /^Pi 1: running; 5\.\d\d V, 0\.40 A$/);
    await viz.page.click('button[data-fault="short-circuit"]');
    await advance(100);
    assert.match((await viz.page.textContent('#sch-w-rail title')) ?? '', /DOWN: both Pis share this rail/);
    assert.is(await viz.page.locator('#sch-w-rail .wire.off').count(), 1);
    assert.is(await viz.page.locator('#sch-p-pi1.off').count(), 1, 'Pi 1, not shorted, loses power too');
    assert.is(await viz.page.locator('#sch-w-port1 .flow.on').count(), 0, 'no current to Pi 1');
    assert.ok((await viz.page.locator('#schematic .readings li').count()) >= 16, 'every value also listed as text');
    await viz.page.click('.board[data-board="0"] .port[data-pi="0"] .select');
  });

  test('desktop: axe-core finds no serious or critical violation, with each chart shown', async () => {
    for (const key of ['powerPort', 'raspberryPi', 'regulator', 'boardMcu']) {
      await viz.page.click(`[data-pick="${key}"]`);
      assert.equal(await axeProblems(), [], `chart ${key}`);
    }
    await viz.page.click('[data-pick="powerPort"]');
    assert.equal(await smallControls(), [], 'every control at least 24x24 on the desktop too');
  });

  test('phone 390x844: tabs, a sticky time bar, no sideways scrolling, 24 px controls, charts fit the width, axe clean', async () => {
    await viz.page.setViewportSize(PHONE);
    await viz.page.waitForFunction(() => document.documentElement.classList.contains('narrow'));
    const tabs = await viz.page.locator('.tabs [role="tab"]:visible').allTextContents();
    assert.equal(tabs, ['Stack', 'Charts', 'Scope', 'Bus', 'Lesson'], 'a tab per group of panels');
    for (const tab of ['stack', 'charts', 'scope', 'bus', 'lesson']) {
      await viz.page.click(`#tab-${tab}`);
      assert.is(await viz.page.getAttribute(`#tab-${tab}`, 'aria-selected'), 'true');
      assert.is(await viz.page.locator(`#tabpanel-${tab}`).isVisible(), true);
      const others = await viz.page.locator('.tabpanel[role="tabpanel"]:visible').count();
      assert.is(others, 1, `only ${tab} shown`);
      const o = await overflow();
      assert.ok(o.scroll <= o.inner, `${tab}: no horizontal overflow (${o.scroll} > ${o.inner})`);
      assert.equal(await smallControls(), [], `${tab}: controls at least 24x24`);
      assert.equal(await axeProblems(), [], `${tab}: axe`);
      if (tab === 'stack') await screenshot(viz.page, 'layout-phone-stack', '#stack');
    }
    // Keyboard: arrows move along the tabs.
    await viz.page.focus('#tab-lesson');
    await viz.page.keyboard.press('ArrowRight');
    assert.is(await viz.page.evaluate(() => document.activeElement?.id), 'tab-stack');
    await viz.page.keyboard.press('End');
    assert.is(await viz.page.evaluate(() => document.activeElement?.id), 'tab-lesson');
    // Sticky time bar.
    await viz.page.click('#tab-stack');
    await viz.page.evaluate(() => scrollTo(0, 1500));
    const bar = await viz.page.evaluate(() => ({ top: document.querySelector('header.top')!.getBoundingClientRect().top, y: scrollY }));
    assert.ok(bar.y > 500 && bar.top === 0, `time bar stays at the top when scrolled: ${JSON.stringify(bar)}`);
    await viz.page.evaluate(() => scrollTo(0, 0));
    // Charts fit the width, readable, and pinch zooms.
    await viz.page.click('#tab-charts');
    for (const key of ['powerPort', 'raspberryPi', 'regulator', 'boardMcu']) {
      await viz.page.click(`[data-pick="${key}"]`);
      const w = await viz.page.evaluate(() => document.querySelector('.chart.shown .svg')!.getBoundingClientRect().right);
      assert.ok(w <= PHONE.width, `${key}: the chart viewport fits the width (${w})`);
      assert.ok((await chartTextPx()).font >= 10.99, `${key}: readable at fit`);
      assert.equal(await axeProblems(), [], `charts tab, ${key}: axe`);
    }
    await viz.page.click('[data-pick="powerPort"]');
    await viz.page.click('#chart-fit');
    const scale = () => viz.page.evaluate(() => Number(document.querySelector<HTMLElement>('.chart.shown .svg')!.dataset['scale']));
    const fit = await scale();
    const box = (await viz.page.locator('.chart.shown .svg').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const cdp = await viz.page.context().newCDPSession(viz.page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 2 });
    const touch = (type: "touchStart" | "touchMove" | "touchEnd", d: number) => cdp.send('Input.dispatchTouchEvent', {
      type, touchPoints: type === 'touchEnd' ? [] : [{ x: cx - d, y: cy, id: 0 }, { x: cx + d, y: cy, id: 1 }],
    });
    await touch('touchStart', 20);
    for (const d of [30, 45, 60, 80]) await touch('touchMove', d);
    await touch('touchEnd', 0);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false });
    assert.ok((await scale()) > fit * 2, `pinch out zooms in: ${fit} → ${await scale()}`);
    await viz.page.click('#chart-fit');
    await screenshot(viz.page, 'layout-phone-charts', '#charts');
    await viz.page.setViewportSize(DESKTOP);
    await viz.page.waitForFunction(() => !document.documentElement.classList.contains('narrow'));
    assert.is(await viz.page.locator('#stack').isVisible(), true, 'back on a desktop every panel shows');
    assert.equal(viz.errors, []);
  });
});

test.run();
