/** `pistack sim` and `pistack demo`: outputs, JSON, exit codes and errors that name what was wrong. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimProgress, progressText } from './simProgress.ts';
import { summaryLines } from './timeline.ts';
import type { RunResult } from '../board-model/sim/runScenario.ts';
import { cli } from './testing/runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-sim-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

test('demo: timeline, summary and all expectations passed, exit 0', async () => {
  const r = await cli('demo');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /Scenario "demo" on stack "default" \(16 boards, 32 Pis, 12 V\)/);
  assert.match(r.out, /board 1 Pi 0\s+watchdog-expired/);
  assert.match(r.out, /Expectations: 13 passed, 0 failed/);
});

test('sim --json: one JSON document with events, summary and bus figures', async () => {
  const scenario = file('one.json', {
    name: 'one', stack: 'single', duration: '2m',
    steps: [{ at: '1s', host: 'PI_ON', id: 0, pi: 0 }, { at: '60s', fault: 'crash', id: 0, pi: 0 }],
    expect: [{ event: 'power-cycle', id: 0, pi: 0, count: 1 }],
  });
  const r = await cli('sim', '--scenario', scenario, '--json');
  assert.is(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as {
    virtualMs: number; wallMs: number; passed: boolean;
    events: Array<{ t: number; type: string; id?: number; pi?: number }>;
    summary: { pis: Array<{ id: number; pi: number; powerCycles: number; unsafePowerLosses: number; uptimeS: number; energyWh: number }>; boards: Array<{ id: number; boots: number; errorsLogged: number }>; bus: { frames: number; replies: number; crcErrors: number; collisions: number; timeouts: number } };
  };
  assert.is(doc.virtualMs, 120_000);
  assert.ok(doc.wallMs >= 0);
  assert.is(doc.passed, true);
  const expiry = doc.events.find((e) => e.type === 'watchdog-expired');
  assert.ok(expiry, 'a watchdog expiry event');
  assert.is(expiry!.id, 0);
  assert.is(expiry!.pi, 0);
  assert.equal(doc.summary.pis.find((p) => p.pi === 0)?.powerCycles, 1);
  assert.equal(doc.summary.boards, [{ id: 0, board: 0, boots: 1, errorsLogged: 0 }]);
  assert.equal(doc.summary.bus, { frames: 1, replies: 1, crcErrors: 0, collisions: 0, timeouts: 0 });
});

test('sim: a failed expectation prints what was expected and what happened, exit 1', async () => {
  const scenario = file('fail.json', {
    name: 'fails', stack: 'single', duration: '30s',
    steps: [{ at: '1s', host: 'PI_ON', id: 0, pi: 1 }],
    expect: [{ event: 'pi-booted', id: 0, pi: 1, within: ['0s', '10s'] }],
  });
  const r = await cli('sim', '--scenario', scenario);
  assert.is(r.code, 1);
  assert.match(r.out, /FAIL  expected pi-booted for board 0 Pi 1 within 0s\.\.10s at least once; happened never; 1 outside that window \(at 26\.0\d+s\)/);
  assert.match(r.err, /1 expectation\(s\) failed in scenario "fails"/);
});

test('sim --poll: the host polls every board over the bus', async () => {
  const r = await cli('sim', '--stack', 'single', '--duration', '5m', '--poll', '60s', '--json');
  assert.is(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as { summary: { bus: { frames: number; replies: number } } };
  // Polls at 1m..4m (one at the very end would not finish): 4 x (2 board reads + 2 Pis x 3 reads).
  assert.is(doc.summary.bus.frames, 32);
  assert.is(doc.summary.bus.replies, 32);
});

test('sim: same seed, same run; the seed changes the noise', async () => {
  const args = ['sim', '--stack', 'single', '--duration', '2m', '--poll', '30s', '--json'];
  const a = JSON.parse((await cli(...args, '--seed', '7')).out) as { events: unknown[]; summary: unknown };
  const b = JSON.parse((await cli(...args, '--seed', '7')).out) as { events: unknown[]; summary: unknown };
  assert.equal(a.events, b.events);
  assert.equal(a.summary, b.summary);
});

test('sim: a stack with a duplicate ID is warned about', async () => {
  const stack = file('dup.json', { boards: [{ dip: 1, pis: ['pi3b+', null] }, { dip: 1, pis: [null, null] }] });
  const r = await cli('sim', '--stack', stack, '--duration', '1s');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /warning: boards\[0\] and boards\[1\] share ID 0x01/);
});

test('sim: bad inputs name the option, file and field; exit 1', async () => {
  let r = await cli('sim', '--duration', '5x');
  assert.is(r.code, 1);
  assert.match(r.err, /"--duration": .*"5x"/);
  r = await cli('sim', '--scenario', join(dir, 'missing.json'));
  assert.is(r.code, 1);
  assert.match(r.err, /"--scenario": cannot read .*missing\.json: no such file/);
  r = await cli('sim', '--stack', file('bad-stack.json', { boards: [{ dip: 17, pis: ['pi3b+', null] }] }));
  assert.is(r.code, 1);
  assert.match(r.err, /bad-stack\.json: boards\[0\]\.dip: must be 0\.\.15, got 17/);
  r = await cli('sim', '--scenario', file('bad-json.json', '{ "steps": [ }'));
  assert.is(r.code, 1);
  assert.match(r.err, /bad-json\.json/);
  r = await cli('sim', '--profile', file('bad-profile.json', { regulator: { currentLimitA: 'five' } }));
  assert.is(r.code, 1);
  assert.match(r.err, /bad-profile\.json: regulator\.currentLimitA: /);
  r = await cli('sim', '--seed', 'abc');
  assert.is(r.code, 1);
  assert.match(r.err, /"--seed" must be a number/);
});

test('sim --poll shorter than one poll cycle is refused with the shortest poll possible; nothing runs on after the summary (issue 10 item 3)', async () => {
  // Guards against `sim --poll 0.001 --duration 100ms` running on at full CPU after its summary.
  const r = await cli('sim', '--poll', '0.001', '--duration', '100ms');
  assert.is(r.code, 1);
  assert.is(r.out, '');
  assert.is(r.err, 'error: "--poll": 0.001ms is shorter than one poll cycle: the shortest poll possible is 1.751s (128 requests on the 9600-baud bus for this stack), or 0 for no polling\n');
  const shortest = await cli('sim', '--stack', 'single', '--poll', '110ms', '--duration', '1s', '--json');
  assert.is(shortest.code, 0, shortest.err);
  assert.ok((JSON.parse(shortest.out) as { summary: { bus: { frames: number } } }).summary.bus.frames >= 8);
});

test('--poll 0 and "poll": 0 both mean no polling (one rule, issue 10 item 7)', async () => {
  const polled = file('polled.json', { stack: 'single', duration: '5m', poll: '60s' });
  const off = await cli('sim', '--scenario', polled, '--poll', '0', '--json');
  assert.is(off.code, 0, off.err);
  assert.is((JSON.parse(off.out) as { summary: { bus: { frames: number } } }).summary.bus.frames, 0);
  const zero = await cli('sim', '--scenario', file('zero.json', { stack: 'single', duration: '5m', poll: 0 }), '--json');
  assert.is(zero.code, 0, zero.err);
  assert.is((JSON.parse(zero.out) as { summary: { bus: { frames: number } } }).summary.bus.frames, 0);
});

test('one duration rule with a maximum for --duration and "duration" (issue 10 item 7)', async () => {
  // Guards against 99999999999999999999999h and 1e300 being accepted while 1e9h was refused.
  for (const text of ['99999999999999999999999h', '1e9h', '100001h']) {
    const r = await cli('sim', '--duration', text);
    assert.is(r.code, 1);
    assert.is(r.err, `error: "--duration": "${text}" is too long (at most 100000h, 360000000000 ms)\n`);
  }
  const r = await cli('sim', '--scenario', file('huge.json', '{ "duration": 1e300 }'));
  assert.is(r.code, 1);
  assert.match(r.err, /huge\.json: duration: 1e\+300 is too long \(at most 100000h, 360000000000 ms\)/);
});

test('--duration shorter than the scenario\'s last step is refused as the file check refuses it (issue 10 item 7)', async () => {
  // Guards against steps after --duration being dropped silently.
  const scenario = file('late.json', { stack: 'single', duration: '2m', steps: [{ at: '1s', host: 'PI_ON', id: 0, pi: 0 }, { at: '90s', fault: 'crash', id: 0, pi: 0 }] });
  const r = await cli('sim', '--scenario', scenario, '--duration', '30s');
  assert.is(r.code, 1);
  assert.is(r.err, 'error: "--duration": 30s ends before the scenario\'s last step (steps[1] at 1m30s); give at least 1m30s\n');
  assert.is((await cli('sim', '--scenario', scenario, '--duration', '90s')).code, 0);
});

test('steps the bus cannot carry are reported in the summary and in --json (count, first, last), never dropped silently (issue 10 item 3)', async () => {
  const steps = Array.from({ length: 500 }, () => ({ at: '1s', host: 'GET_ID', id: 0 }));
  const scenario = file('busy.json', { stack: 'single', duration: '2s', steps });
  const text = await cli('sim', '--scenario', scenario, '--quiet');
  assert.is(text.code, 0, text.err);
  const [, count] = /Steps not sent: (\d+) \(the bus was busy or the run ended first: first steps\[(\d+)\] at 1s GET_ID id 0, last steps\[499\] at 1s GET_ID id 0\)/.exec(text.out) ?? [];
  assert.ok(count !== undefined && Number(count) > 300, text.out);
  const json = await cli('sim', '--scenario', scenario, '--json');
  const doc = JSON.parse(json.out) as { unsent: { count: number; first: { index: number }; last: { index: number } }; summary: { bus: { frames: number } } };
  assert.is(doc.unsent.count, Number(count));
  assert.is(doc.unsent.count + doc.summary.bus.frames, 500);
  assert.is(doc.unsent.last.index, 499);
  assert.match(json.err, /^warning: Steps not sent: \d+/);
});

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${signal} stops a long sim cleanly with the summary so far, exit ${code} (issue 10 item 3)`, async () => {
    // Guards against a run that could only be stopped by killing it: the run yields to the event loop.
    const before = process.listenerCount(signal);
    const running = cli('sim', '--stack', 'single', '--duration', '100000h', '--poll', '110ms', '--quiet');
    // the command's module loads first (lazily, cli/commandTable.ts): signal once its handler is in place
    while (process.listenerCount(signal) === before) await new Promise((resolve) => setImmediate(resolve));
    process.kill(process.pid, signal); // delivered once the run yields to the event loop
    const r = await running;
    assert.is(r.code, code, r.err);
    assert.match(r.out, new RegExp(`Summary\\n[\\s\\S]*Bus: \\d+ frames[\\s\\S]*stopped by ${signal} before 100000h00m00s`));
    assert.match(r.err, new RegExp(`error: interrupted by ${signal} at \\S+ of 100000h00m00s virtual time \\(expectations not checked\\)\\n$`));
  });
}

test('progress line: only on a terminal (and not --quiet), only once a run has taken 2 s, redrawn in place and erased before the summary', () => {
  let wall = 0;
  const drawn: string[] = [];
  const target = (enabled: boolean) => ({ enabled, write: (text: string) => void drawn.push(text), now: () => wall });
  const p = new SimProgress(target(true), 3_600_000);
  wall = 1999;
  p.update(60_000);
  assert.equal(drawn, [], 'nothing in the first 2 s');
  wall = 2000;
  p.update(1_800_000.5);
  assert.equal(drawn, ['\rsim: 30m00s of 1h00m00s (50.0%), 900x real time, ETA 2s (Ctrl-C stops with the summary so far)\x1b[K']);
  wall = 2100;
  p.update(1_900_000);
  assert.is(drawn.length, 1, 'at most four redraws a second');
  p.clear();
  assert.is(drawn.at(-1), '\r\x1b[K');
  const quiet = new SimProgress(target(false), 3_600_000);
  wall = 10_000;
  quiet.update(60_000);
  quiet.clear();
  assert.is(drawn.length, 2, 'a disabled target (not a TTY, or --quiet) gets nothing');
  assert.match(progressText(3_600_000, 360_000_000_000, 1000), /^sim: 1h00m00s of 100000h00m00s \(0\.0%\), 3,600x real time, ETA 27h46m /);
  assert.match(progressText(36_000, 3_600_000, 1000), /\(1\.0%\), 36x real time, ETA 1m39s /);
  assert.match(progressText(0, 3_600_000, 5000), /0x real time, ETA \? /);
});

test('the summary says when events were not all kept, polls were skipped, or one step was not sent', () => {
  const result = {
    events: [{ t: 0, type: 'mcu-boot' }], eventsTruncated: 12_345, pollsSkipped: 3,
    unsent: { count: 1, first: { index: 4, atMs: 61_000, step: 'PI_ON id 3 pi 0' }, last: { index: 4, atMs: 61_000, step: 'PI_ON id 3 pi 0' } },
    summary: { pis: [], boards: [], bus: { frames: 0, replies: 0, crcErrors: 0, collisions: 0, timeouts: 0 } },
  } as unknown as RunResult;
  const lines = summaryLines(result);
  assert.ok(lines.includes('  Steps not sent: 1 (the bus was busy or the run ended first: steps[4] at 1m01s PI_ON id 3 pi 0)'), lines.join('\n'));
  assert.ok(lines.includes('  Polls skipped: 3 (the previous poll was still waiting for replies)'), lines.join('\n'));
  assert.ok(lines.includes('  Events: the first 1 kept, 12,345 more counted but not listed'), lines.join('\n'));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
