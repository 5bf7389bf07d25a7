/**
 * The `pistack viz` page in headless Chromium, served by the viz server on 127.0.0.1:0: the
 * default stack loads (16 boards); PI_ON from the host panel lights the power LED and, as
 * virtual time advances, the heartbeat blinks; a crash injected from the page leads to the
 * watchdog power cycle, lit in the port's chart and in the event log; the bus monitor decodes
 * a host command's frames, drawn in the same moment as the reply; a lesson shows its verdicts;
 * every control is labelled and the page loads nothing from elsewhere. Time moves only through
 * the page's own step hook, never by sleeping (one check runs the page at 1x to cover frame-driven
 * time, and waits on the reply itself). The page draws every panel at the end of each time move,
 * so what a test reads after a step or a reply is current without waiting for a frame.
 * Screenshots of these moments go to docs/screenshots (PISTACK_SCREENSHOTS=DIR elsewhere).
 * Skipped, visibly, without /usr/bin/chromium.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { advance as advanceOn, browserSuite, screenshot, useVizPage } from './testing/vizBrowser.ts';

const PORT = '.board[data-board="3"] .port[data-pi="0"]';

browserSuite('viz.browser.test.ts', 'the viz page', () => {
  const viz = useVizPage({ viewport: { width: 1600, height: 1000 }, open: false });
  const requests: string[] = [];

  test.before(async () => {
    viz.page = await viz.newPage();
    viz.page.on('request', (r) => requests.push(r.url()));
  });

  /** Advance virtual time through the page's hook; it resolves once every panel shows the new time. */
  function advance(ms: number): Promise<number> {
    return advanceOn(viz.page, ms);
  }

  /** What the page shows when the host panel's reply appears: at that moment (same task) and one task later. */
  interface ReplyMoment {
    readonly decoded: string;
    readonly firstRowAtOnce: string;
    readonly firstRowAfterTask: string;
  }

  /**
   * Click Send and read the bus monitor's newest row the instant the decoded reply appears
   * (MutationObserver), and again one task later: the tightest a reader can be. A reply that
   * never comes fails after 10 s of wall time rather than hanging the suite. (No named functions
   * inside: tsx would wrap them in a helper the page does not have.)
   */
  function sendAndWatch(): Promise<ReplyMoment> {
    return viz.page.evaluate(() => new Promise<ReplyMoment>((done, fail) => {
      const decoded = document.getElementById('host-decoded')!;
      const guard = setTimeout(() => fail(new Error(`no reply shown within 10 s (decoded: ${decoded.textContent})`)), 10_000);
      const watch = new MutationObserver(() => {
        const text = decoded.textContent ?? '';
        if (text === '' || text.startsWith('waiting')) return;
        watch.disconnect();
        clearTimeout(guard);
        const firstRowAtOnce = document.querySelector('#bus tbody')?.textContent ?? '';
        const channel = new MessageChannel();
        channel.port1.onmessage = () => done({ decoded: text, firstRowAtOnce, firstRowAfterTask: document.querySelector('#bus tbody')?.textContent ?? '' });
        channel.port2.postMessage(null);
      });
      watch.observe(decoded, { childList: true, characterData: true, subtree: true });
      document.getElementById('host-send')!.click();
    }));
  }


  /** Send a command from the host panel, as a user does; resolves with the decoded reply, every panel drawn. */
  async function send(command: string, id: number, pi?: 0 | 1): Promise<string> {
    await viz.page.fill('#host-id', String(id));
    await viz.page.selectOption('#host-command', command);
    if (pi !== undefined) await viz.page.selectOption('#host-field-pi', String(pi));
    const before = await viz.page.textContent('#host-request');
    await viz.page.click('#host-send');
    await viz.page.waitForFunction((old) => {
      const decoded = document.getElementById('host-decoded')?.textContent ?? '';
      return !decoded.startsWith('waiting') && decoded !== '' && document.getElementById('host-request')?.textContent !== old;
    }, before);
    return (await viz.page.textContent('#host-decoded')) ?? '';
  }

  test('the page loads with the default stack: 16 boards, each with its ID, DIP, LEDs and readings', async () => {
    await viz.page.goto(viz.server.url);
    await viz.page.waitForFunction(() => window.pistackViz !== undefined);
    assert.is(await viz.page.locator('.board').count(), 16);
    await viz.page.click('#time-pause'); // from here on, time moves only when the test says so
    assert.is(await viz.page.getAttribute('#time-pause', 'aria-pressed'), 'true');
    assert.is(await viz.page.textContent('#board-5-title'), 'Board ID 5');
    assert.is(await viz.page.getAttribute('.board[data-board="5"] .dip', 'aria-label'), 'DIP switch 0101 (5)');
    assert.is(await viz.page.getAttribute('.board[data-board="5"] .led.debug', 'aria-label'), 'debug LED 0,0,0; LEDs enabled');
    assert.match((await viz.page.textContent('.board[data-board="5"] .supply')) ?? '', /^in 12\.00 V 0\.02 A · 5 V rail 5\.10 V$/);
    assert.is(await viz.page.getAttribute(`${PORT} .led.power`, 'aria-label'), 'Pi 0 power off');
    const loadMs = await viz.page.evaluate(() => window.pistackViz!.loadMs);
    assert.ok(loadMs < 5000, `loaded in ${loadMs} ms`);
    assert.equal(viz.errors, []);
  });

  test('PI_ON from the host panel lights the power LED; as virtual time advances the heartbeat blinks', async () => {
    await viz.page.click(`${PORT} .select`); // select board ID 3, Pi 0: the host panel follows
    assert.is(await viz.page.getAttribute(`${PORT} .select`, 'aria-pressed'), 'true');
    assert.is(await viz.page.inputValue('#host-id'), '3');
    assert.match(await send('PI_ON', 3, 0), /^PI_ON to board 3: OK$/);
    assert.match((await viz.page.textContent('#host-request')) ?? '', /^11 03 04 00 68 /);
    assert.match((await viz.page.textContent('#host-reply-bytes')) ?? '', /^00 FF 03 63 /);
    await viz.page.waitForSelector(`${PORT} .led.power.on`);
    assert.is(await viz.page.getAttribute(`${PORT} .led.power`, 'aria-label'), 'Pi 0 power on');
    assert.is(await viz.page.textContent(`${PORT} .count`), '0');
    await advance(26_000); // boot 25 s, then the daemon's first pulse
    const first = Number(await viz.page.textContent(`${PORT} .count`));
    assert.ok(first >= 1, `pulses after boot: ${first}`);
    await advance(10_500); // two more 5.2 s periods
    const later = Number(await viz.page.textContent(`${PORT} .count`));
    assert.is(later, first + 2);
    assert.match((await viz.page.getAttribute(`${PORT} .led.heart`, 'aria-label')) ?? '', new RegExp(`heartbeat, ${later} pulses`));
    assert.match((await viz.page.textContent(`${PORT} .state`)) ?? '', /^powered, heartbeat OK · Pi: running$/);
    assert.match((await viz.page.textContent(`${PORT} .meter`)) ?? '', /^5\.\d\d V 0\.40 A 2\.\d\d W$/);
    assert.is(await viz.page.textContent('#lesson-status'), 'Free play on stack "default". Load a lesson to run its steps.');
    await screenshot(viz.page, 'stack-heartbeat', '#stack'); // the card and its chart
    await screenshot(viz.page, 'stack-heartbeat-panels', '#timeline'); // the timeline, host panel, faults and bus monitor of that moment
  });

  test('a crash injected from the page leads to the watchdog power cycle, lit in the port chart and in the event log', async () => {
    assert.is(await viz.page.inputValue('#chart-board'), '3');
    await viz.page.click('button[data-fault="crash"]');
    assert.match((await viz.page.textContent('#faults .status')) ?? '', /^crash on board #3 Pi 0 at /);
    let lit = false;
    for (let i = 0; i < 20 && !lit; i++) {
      await advance(1000);
      lit = (await viz.page.locator('#st-powerPort-power-cycling.active').count()) === 1;
    }
    assert.ok(lit, 'cycling lit within 20 s of the crash (HBT_TIME 15 s)');
    assert.is(await viz.page.locator('#tr-powerPort-power-on-2.last').count(), 1, 'WATCHDOG_EXPIRED edge marked');
    assert.match((await viz.page.textContent('figure[data-chart="powerPort"] .now')) ?? '', /^now: power\.cycling \| signal\.released$/);
    assert.match((await viz.page.textContent('figure[data-chart="powerPort"] .recent .latest')) ?? '', /power\.on → power\.cycling \(WATCHDOG_EXPIRED\)$/);
    assert.is(await viz.page.getAttribute(`${PORT} .led.power`, 'aria-label'), 'Pi 0 power off');
    const events = await viz.page.locator('#events tbody tr').allTextContents();
    for (const type of ['pi-crashed', 'watchdog-expired', 'power-cycle', 'heartbeat-lost']) {
      assert.ok(events.some((row) => row.includes('board 3 Pi 0') && row.includes(type)), `${type} in the event log`);
    }
    await screenshot(viz.page, 'watchdog-cycle', 'body', 'full');
    await screenshot(viz.page, 'watchdog-cycle-charts', '#charts', 'element');
    await advance(5000); // CYCLE_OFF_TIME: power comes back
    assert.is(await viz.page.locator('#tr-powerPort-power-cycling-2.last').count(), 1, 'after cycleOffTime edge marked');
    assert.is(await viz.page.getAttribute(`${PORT} .led.power`, 'aria-label'), 'Pi 0 power on');
    assert.is(await viz.page.locator('#st-powerPort-power-on-booting.active').count(), 1);
  });

  test('the bus monitor shows the decoded frames of a host command, and a timeout', async () => {
    assert.match(await send('GET_VIN', 3), /^GET_VIN to board 3: OK raw=\d+ \(12\.\d{3} V\)$/);
    const rows = await viz.page.locator('#bus tbody tr').allTextContents();
    assert.match(rows[0]!, /host → board 3GET_VIN0A 03 03 /);
    assert.match(rows[1]!, /board 3 → hostOK to GET_VIN: 12\.\d{3} V \(raw=\d+\)00 FF 05 /);
    assert.match(await send('GET_PI_C', 3, 1), /OK raw=0 \(0\.000 A\)$/);
    assert.match(await send('GET_ID', 40), /^GET_ID to board 40: no reply: /);
    assert.match((await viz.page.locator('#bus tbody tr').first().textContent()) ?? '', /host → board 40GET_ID09 28 03 /);
    assert.match((await viz.page.textContent('#bus .caption')) ?? '', /^\d+ frames on the wire/);
    await screenshot(viz.page, 'bus-monitor', '#bus', 'element');
  });

  test('a host reply and its frames in the bus monitor show together, paused and running (guards against reading the bus table one animation frame late: the flaky GET_ID 40 row)', async () => {
    await viz.page.fill('#host-id', '41');
    await viz.page.selectOption('#host-command', 'GET_ID');
    const paused = await sendAndWatch(); // paused: the exchange runs inside the click's own task
    assert.match(paused.decoded, /^GET_ID to board 41: no reply: /);
    assert.match(paused.firstRowAtOnce, /host → board 41GET_ID09 29 03 /, 'the request row is drawn before the reply text appears');
    await viz.page.evaluate(() => window.pistackViz!.run(1));
    try {
      await viz.page.fill('#host-id', '3');
      const running = await sendAndWatch(); // running: the reply comes inside an animation frame's time move
      assert.match(running.decoded, /^GET_ID to board 3: OK id=3$/);
      assert.match(running.firstRowAfterTask, /board 3 → hostOK to GET_ID: id=300 FF 04 03 /, 'the reply row is drawn in the frame that brought the reply');
    } finally {
      await viz.page.evaluate(() => window.pistackViz!.pause());
    }
  });

  test('a lesson loads with one click, runs its steps and shows its verdicts at its end', async () => {
    await viz.page.click('button[data-lesson="watchdog-cycle.json"]');
    await viz.page.evaluate(() => window.pistackViz!.pause());
    assert.is(await viz.page.evaluate(() => window.pistackViz!.boards()), 1);
    await advance(120_000);
    await viz.page.waitForSelector('#lesson-verdicts .pass');
    assert.match((await viz.page.textContent('#lesson-verdicts p')) ?? '', /^watchdog-cycle: 15 of 15 expectations passed$/);
    assert.match((await viz.page.textContent('#lesson-status')) ?? '', /^Lesson "watchdog-cycle" .*: finished\.$/);
    await screenshot(viz.page, 'lesson-verdicts', '#lessons', 'element');
  });

  test('usable by keyboard, every control labelled, nothing loaded from elsewhere', async () => {
    const unlabelled = await viz.page.evaluate(() => Array.from(document.querySelectorAll('button, select, input, [tabindex="0"]'))
      .filter((el) => {
        const e = el as HTMLInputElement;
        const label = e.labels && e.labels.length > 0 ? 'label' : '';
        const text = e.tagName === 'BUTTON' ? (e.textContent ?? '').trim() : '';
        return (e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || label || text) === '';
      }).map((el) => el.outerHTML.slice(0, 80)));
    assert.equal(unlabelled, []);
    await viz.page.selectOption('#host-command', 'SET_HBT_TIME');
    await viz.page.focus('#host-command');
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      await viz.page.keyboard.press('Tab');
      order.push(await viz.page.evaluate(() => document.activeElement?.id ?? ''));
    }
    assert.equal(order, ['host-field-pi', 'host-field-value', 'host-send'], 'tab order follows the form, with the fields of the command');
    const outline = await viz.page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.is(outline, 'solid', 'visible focus');
    await viz.page.focus('#speed-1');
    await viz.page.keyboard.press('ArrowRight');
    assert.is(await viz.page.evaluate(() => (document.activeElement as HTMLInputElement).value), '10');
    assert.match((await viz.page.textContent('#time-state')) ?? '', /^paused$|10x/);
    const origin = new URL(viz.server.url).origin;
    assert.equal(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:')), []);
    assert.equal(viz.errors, []);
  });

  test('the same page works from file:// (static files written by --out)', async () => {
    const local = await viz.open(viz.staticUrl());
    assert.is(await local.locator('.board').count(), 16);
    assert.is(await local.locator('#st-powerPort-power-off.active').count(), 1, 'charts inlined and lit');
    await local.close();
    assert.equal(viz.errors, []);
  });

  test('the host panel says why a request got no reply, as the host-timeout event does (guards against a bare "no reply")', async () => {
    const text = await send('GET_ID', 40);
    assert.match(text, /^GET_ID to board 40: no reply: .* \(no-board: no board has ID 0x28\)$/);
    await viz.page.waitForFunction(() => /cause no-board/.test(document.querySelector('#events tr[data-type="host-timeout"]')?.textContent ?? ''));
    assert.match((await viz.page.textContent('#events tr[data-type="host-timeout"]')) ?? '', /board 40host-timeouthost got no replycommand GET_ID; cause no-board; no board has ID 0x28/);
  });
});

test.run();
