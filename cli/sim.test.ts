/** `pistack sim` and `pistack demo`: outputs, JSON, exit codes and errors that name what was wrong. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
