/**
 * Cards that explain themselves, the board memory view and the bus monitor for beginners, in
 * headless Chromium (the page served on 127.0.0.1:0, default stack of 16 boards): badges for a
 * crash, a short and undervoltage; the watchdog countdown shrinks with virtual time and matches
 * the moment the watchdog really fires (HBT_TIME - (now - last beat)); the memory view shows a
 * corrupted config block; the bus monitor shows volts for GET_VIN, pairs request and reply,
 * explains a request that got no reply, calls a collision a collision, and filters; the Pause
 * button says Resume; a DIP bit clicked takes effect at the next boot; no serious or critical
 * axe-core violation in these panels. Time moves only through `pistackViz.advance()`.
 * Skipped, visibly, without /usr/bin/chromium.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { advance as advanceOn, axeProblems, browserSuite, screenshot, useVizPage } from './testing/vizBrowser.ts';

const card = (board: number) => `.board[data-board="${board}"]`;
const port = (board: number, pi: 0 | 1) => `${card(board)} .port[data-pi="${pi}"]`;

browserSuite('cards.browser.test.ts', 'cards', () => {
  const viz = useVizPage();

  function advance(ms: number): Promise<number> {
    return advanceOn(viz.page, ms);
  }

  function send(command: string, id: number, args: Record<string, number> = {}): Promise<string> {
    return viz.page.evaluate(([c, i, a]) => window.pistackViz!.send(c as 'PI_ON', i as number, a as Record<string, number>), [command, id, args] as const);
  }

  async function badges(selector: string): Promise<string[]> {
    return viz.page.locator(`${selector} > .status-line > .badges .badge`).evaluateAll((els) => els.map((e) => e.getAttribute('data-badge') ?? ''));
  }

  /** Aim the fault panel at a board and Pi by selecting it on its card. */
  async function aim(board: number, pi: 0 | 1): Promise<void> {
    await viz.page.click(`${port(board, pi)} .select`);
  }

  test('the Pause button says Resume while paused, and Pause again while running', async () => {
    assert.is((await viz.page.textContent('#time-pause'))?.trim(), 'Pause');
    await viz.page.click('#time-pause');
    assert.is((await viz.page.textContent('#time-pause'))?.trim(), 'Resume');
    assert.is(await viz.page.getAttribute('#time-pause', 'aria-pressed'), 'true');
    await viz.page.click('#time-pause');
    assert.is((await viz.page.textContent('#time-pause'))?.trim(), 'Pause');
    await viz.page.click('#time-pause');
    assert.is((await viz.page.textContent('#time-pause'))?.trim(), 'Resume');
    await advance(0); // draws every panel
    assert.is(await viz.page.textContent('#time-next-name'), 'next timer: none pending', 'no Pi powered, nothing on the bus: no timer at all');
  });

  test('labelled LEDs, a readable DIP switch with bit numbers, states in words with the XState path on hover, grammar', async () => {
    assert.match((await viz.page.textContent('#stack .caption')) ?? '', /^16 boards \(/);
    assert.is(await viz.page.locator(`${card(5)} .dip .bit`).count(), 4);
    const box = await viz.page.locator(`${card(5)} .dip .bit[data-bit="0"]`).boundingBox();
    assert.ok(box && box.width >= 24 && box.height >= 24, `DIP bit ${box?.width}x${box?.height} px`);
    assert.equal(await viz.page.locator(`${card(5)} .dip .bit-no`).allTextContents(), ['3', '2', '1', '0']);
    assert.match((await viz.page.getAttribute(`${port(5, 0)} .led.power`, 'title')) ?? '', /^Pi 0 power: 0\.00 V at the port \(load switch off\)$/);
    assert.equal(await viz.page.locator(`${port(5, 0)} .led-caption`).allTextContents(), ['PWR', 'HBT']);
    assert.is((await viz.page.textContent(`${port(5, 0)} .state`))?.trim(), 'power off · Pi: no power');
    assert.match((await viz.page.getAttribute(`${port(5, 0)} .state`, 'title')) ?? '', /powerPort\.power\.off\npowerPort\.signal\.released\npi\.unpowered/);
    assert.match((await viz.page.getAttribute('#host-command', 'aria-describedby')) ?? '', /host-command-desc/);
    assert.match((await viz.page.textContent('#host-command-desc')) ?? '', /^PI_ON \(0x11\): .+\.$/);
    assert.is(await viz.page.inputValue('#fault-volts'), '12');
    assert.match((await viz.page.textContent('#fault-volts-range')) ?? '', /^Nominal 12 V\. Safe: 6 V and above/);
  });

  test('the watchdog countdown decreases with virtual time and matches HBT_TIME - (now - last beat); CRASHED appears', async () => {
    assert.match(await send('PI_ON', 3, { pi: 0 }), /^reply$/);
    await advance(40_000);
    const timer = `${port(3, 0)} li[data-timer="watchdog"]`;
    assert.is(await viz.page.locator(timer).count(), 1, 'watchdog countdown while the heartbeat is healthy');
    assert.match((await viz.page.textContent(`${port(3, 0)} .state`)) ?? '', /^powered, heartbeat OK · Pi: running$/);
    assert.match((await viz.page.textContent(`${port(3, 0)} .rate`)) ?? '', /^♥ 5\.2 s$/);
    await aim(3, 0);
    await viz.page.click('button[data-fault="crash"]');
    await advance(2000);
    assert.equal(await badges(port(3, 0)), ['crashed']);
    const now1 = await viz.page.evaluate(() => window.pistackViz!.now());
    const left1 = Number(await viz.page.getAttribute(timer, 'data-left-ms'));
    await advance(3000);
    const left2 = Number(await viz.page.getAttribute(timer, 'data-left-ms'));
    assert.is(left1 - left2, 3000, 'counts down with virtual time, no beats after the crash');
    assert.match((await viz.page.textContent(`${timer} .t-left`)) ?? '', /^\d+\.\d s$/);
    assert.match((await viz.page.textContent(`${timer} .t-label`)) ?? '', /HBT_TIME 15 s/);
    // "Next timer" names the timer it would fire: the watchdog (after at most a few lazy re-checks of its deadline).
    let named = '';
    for (let i = 0; i < 6 && !/watchdog of board 3 Pi 0/.test(named); i++) {
      if (i > 0) {
        await viz.page.click('#time-next');
        await advance(0);
      }
      named = (await viz.page.textContent('#time-next-name')) ?? '';
    }
    assert.match(named, /^next timer at \d+\.\d{3} s: watchdog of board 3 Pi 0$/);
    for (let i = 0; i < 20 && (await viz.page.locator(`${port(3, 0)} li[data-timer="cycle-off"]`).count()) === 0; i++) await advance(1000);
    const fired = await viz.page.locator('#events tr[data-type="watchdog-expired"]').first().locator('td').first().textContent();
    const firedMs = Number.parseFloat(fired ?? 'NaN') * 1000;
    // The countdown read at now1 said the watchdog would fire left1 ms later: it did (to the ms the log shows).
    assert.ok(Math.abs(now1 + left1 - firedMs) <= 1, `countdown ${now1} + ${left1} vs fired at ${firedMs}`);
    assert.match((await viz.page.getAttribute(`${port(3, 0)} li[data-timer="cycle-off"]`, 'title')) ?? '', /5 s in all/);
    await screenshot(viz.page, 'cards-watchdog-countdown', card(3), 'element');
  });

  test('a short: SHORT on the Pi and RAIL 0 V on its board, the regulator retry counting; undervoltage from a low supply', async () => {
    await send('PI_ON', 4, { pi: 1 });
    await advance(2000);
    await aim(4, 1);
    await viz.page.click('button[data-fault="short-circuit"]');
    await advance(100);
    assert.equal(await badges(port(4, 1)), ['short']);
    assert.ok((await badges(card(4))).includes('rail-0v'));
    assert.is(await viz.page.locator(`${card(4)} > .status-line > .timers li[data-timer="regulator-retry"]`).count(), 1);
    assert.match((await viz.page.getAttribute(`${port(4, 1)} .led.power`, 'title')) ?? '', /switched on but no voltage/);
    assert.match((await viz.page.getAttribute(`${card(4)} .badge.short`, 'title')) ?? '', /short-circuited/);
    await viz.page.click('button[data-fault="clear-fault"]');
    await viz.page.fill('#fault-volts', '5');
    await viz.page.click('button[data-fault="supply-volts"]');
    await advance(10);
    assert.equal(await badges(card(7)), ['undervoltage', 'rail-0v']);
    await viz.page.fill('#fault-volts', '12');
    await viz.page.click('button[data-fault="supply-volts"]');
    await advance(1000);
    assert.equal(await badges(card(7)), []);
  });

  test('the memory view shows the selected board\'s flash and RAM; a corrupted config block is marked invalid', async () => {
    await aim(2, 0);
    assert.match((await viz.page.textContent('#memory .caption')) ?? '', /^Board ID 2 \(#2\)/);
    assert.match((await viz.page.textContent('#memory [data-block="config"] .verdict')) ?? '', /^CRC valid/);
    assert.is(await viz.page.textContent('#memory [data-field="boot-count"]'), '1', 'booted once: 5 V is above the MCU brown-out');
    assert.match((await viz.page.textContent('#memory table.log')) ?? '', /BOOTED/);
    await viz.page.click('button[data-fault="corrupt-config"]');
    await advance(10);
    assert.is(await viz.page.locator('#memory [data-block="config"].invalid').count(), 1);
    assert.match((await viz.page.textContent('#memory [data-block="config"] .verdict')) ?? '', /^INVALID: CRC mismatch: stored 0x[0-9A-F]{2}, data gives 0x[0-9A-F]{2}; the next boot restores defaults and logs CONFIG_CRC \(0x40\)$/);
    assert.match((await viz.page.textContent('#memory .note')) ?? '', /keeps running on the RAM copy/);
    await screenshot(viz.page, 'memory-corrupt-config', '#memory', 'element');
    await viz.page.click('button[data-fault="mcu-reset"]');
    await advance(100);
    assert.match((await viz.page.textContent('#memory [data-block="config"] .verdict')) ?? '', /^CRC valid/);
    assert.match((await viz.page.textContent('#memory table.log')) ?? '', /CONFIG_CRC/);
  });

  test('bus monitor: volts for GET_VIN, request and reply paired, a no-reply row with its cause, filters', async () => {
    await send('GET_VIN', 3);
    const x = viz.page.locator('#bus tbody.bus-exchange').first();
    assert.equal(await x.locator('tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-role'))), ['request', 'reply']);
    assert.match((await x.locator('tr[data-role="reply"]').textContent()) ?? '', /OK to GET_VIN: 1[12]\.\d{3} V \(raw=\d+\)/);
    assert.match((await x.locator('tr[data-role="request"] .byte.command').getAttribute('title')) ?? '', /^command 0x0A GET_VIN/);
    assert.match((await x.locator('tr[data-role="reply"] .byte.crc').getAttribute('title')) ?? '', /^CRC-8 0x[0-9A-F]{2}: matches/);
    assert.match((await x.locator('tr[data-role="reply"] .byte.data').getAttribute('title')) ?? '', /^raw \(u16\): \d+$/);
    await send('GET_ID', 40);
    const none = viz.page.locator('#bus tbody.bus-exchange').first();
    assert.is(await none.locator('tr[data-role="no-reply"]').getAttribute('data-cause'), 'no-board');
    assert.match((await none.locator('tr[data-role="no-reply"]').textContent()) ?? '', /no reply \(no-board\): no board has ID 0x28/);
    await viz.page.selectOption('#bus-filter-command', 'GET_VIN');
    assert.ok(await none.isHidden(), 'GET_ID filtered out');
    assert.ok(await viz.page.locator('#bus tbody.bus-exchange:not([hidden])').first().locator('tr[data-role="reply"]').isVisible());
    await viz.page.selectOption('#bus-filter-command', '');
    await viz.page.fill('#bus-filter-id', '40');
    assert.ok(await none.isVisible());
    assert.is(await viz.page.locator('#bus tbody.bus-exchange:not([hidden])').count(), 1);
    await viz.page.fill('#bus-filter-id', '');
    assert.match((await viz.page.textContent('#events tr[data-type="host-timeout"]')) ?? '', /host got no reply.*command GET_ID; cause no-board; no board has ID 0x28/);
  });

  test('a DIP bit clicked changes the DIP at once and the ID at the next boot; two boards on one ID: DUPLICATE ID and a collision row', async () => {
    // Board #5 (DIP 0101) to 0011 = 3, the ID of board #3.
    await viz.page.click(`${card(5)} .dip .bit[data-bit="2"]`);
    await viz.page.click(`${card(5)} .dip .bit[data-bit="1"]`);
    // Each click is an input (recorded for rewind, links, the export), applied once time is free: wait for both.
    await viz.page.waitForFunction(() => /DIP set to 0011/.test(document.querySelector('#stack .status')?.textContent ?? ''));
    assert.is(await viz.page.getAttribute(`${card(5)} .dip`, 'aria-label'), 'DIP switch 0011 (3)');
    assert.is(await viz.page.textContent('#board-5-title'), 'Board ID 5', 'the MCU read the DIP at boot');
    assert.match((await viz.page.textContent(`${card(5)} .dip-note`)) ?? '', /the MCU read 5 at boot: the ID changes at its next boot/);
    assert.match((await viz.page.textContent('#stack .status')) ?? '', /DIP set to 0011 \(3\).*next boot/);
    await aim(5, 0);
    await viz.page.click('button[data-fault="mcu-reset"]');
    await advance(5);
    assert.ok((await badges(card(5))).includes('mcu-booting'));
    await advance(100);
    assert.is(await viz.page.textContent('#board-5-title'), 'Board ID 3');
    assert.ok((await badges(card(5))).includes('duplicate-id'));
    assert.ok((await badges(card(3))).includes('duplicate-id'));
    await send('GET_VIN', 3);
    const x = viz.page.locator('#bus tbody.bus-exchange').first();
    assert.is(await x.locator('tr[data-role="collision"]').count(), 1);
    assert.match((await x.locator('tr[data-role="collision"]').textContent()) ?? '', /collision: board 3 \(#3\) and board 3 \(#5\) replied at the same time/);
    assert.not.match((await x.textContent()) ?? '', /more bytes needed/);
    assert.match((await x.locator('tr[data-role="no-reply"]').textContent()) ?? '', /no reply \(reply-corrupted\)/);
    await screenshot(viz.page, 'bus-collision', '#bus', 'element');
  });

  test('at 100x the heartbeat LED blinks at a steady readable rate with the period beside it, not a light stuck on', async () => {
    await send('PI_ON', 7, { pi: 1 });
    await advance(30_000);
    await viz.page.evaluate(() => window.pistackViz!.run(100));
    try {
      // Board #7 Pi 1 beats every 5.2 s of virtual time: 52 ms of wall time at 100x.
      await viz.page.waitForSelector(`${port(7, 1)} .led.heart.fast`, { timeout: 10_000 });
      assert.is(await viz.page.locator(`${port(7, 1)} .led.heart.on`).count(), 0, 'not simply lit');
      assert.match((await viz.page.getAttribute(`${port(7, 1)} .led.heart`, 'title')) ?? '', /one every 5\.2 s \(virtual time\); blinking steadily/);
      assert.match(await viz.page.evaluate((sel) => getComputedStyle(document.querySelector(sel)!).animationName, `${port(7, 1)} .led.heart`), /heart-rate/);
    } finally {
      await viz.page.evaluate(() => window.pistackViz!.pause());
    }
    await viz.page.waitForSelector(`${port(7, 1)} .led.heart:not(.fast)`, { timeout: 10_000 });
  });

  test('no serious or critical axe-core violations in the stack, memory, bus, event log and time bar; no console errors', async () => {
    const found = await axeProblems(viz.page, ['#stack', '#memory', '#bus', '#events', 'header.top']);
    assert.equal(found, []);
    assert.equal(viz.errors, []);
  });
});

test.run();
