/**
 * Bench plans as data: the builtin default plan loads by name, and a bad plan is rejected with
 * every problem naming the file and the field. Limits read and print the same everywhere.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../board-model/ConfigError.ts';
import { formatLimits, formatMeasurement, measured, resolveLimits, withinLimits } from './limits.ts';
import { builtinPlanNames, loadPlan } from './loadPlan.ts';
import { READABLE_COMMANDS, parsePlan } from './planSchema.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-plans-'));

function problems(plan: unknown): string {
  try {
    parsePlan(plan, 'plan.json');
  } catch (e) {
    assert.instance(e, ConfigError);
    return (e as Error).message;
  }
  return assert.unreachable('the plan was accepted') as never;
}

test('the default plan loads by name: the checks the acceptance test needs, in order', () => {
  assert.ok(builtinPlanNames().includes('default'));
  const { plan, source } = loadPlan('default');
  assert.is(source, 'builtin default');
  const names = plan.steps.map((s) => s.name);
  for (const name of ['identity', 'bus.reply-errors', 'identity.hardware-version', 'identity.firmware-version', 'settings.HBT_TIME', 'settings.PI_ON_STARTUP', 'error-log',
    'input.voltage', 'input.current-idle', 'pi0.switch-on', 'pi0.port-voltage', 'pi0.rail-voltage', 'pi0.current-no-load', 'pi0.attach-load', 'pi0.current-with-load',
    'pi0.switch-off', 'pi0.current-off', 'pi1.current-with-load', 'load.rail-voltage', 'pi0.watchdog', 'pi1.watchdog', 'pi0.graceful-off', 'pi1.graceful-off']) {
    assert.ok(names.includes(name), name);
  }
  assert.ok(plan.steps.find((s) => s.name === 'identity')!.gate);
  assert.is(plan.pollMs, 50);
});

test('a plan file with malformed steps: each problem names the field', () => {
  const message = problems({
    name: 'bad',
    steps: [
      { name: 'a', do: 'read', command: 'GET_5V', limits: { low: '4.8', high: 5.2 } },
      { name: 'g', do: 'read', command: 'GET_ID', limits: { equals: 3, low: 1 } },
      { name: 'h', do: 'teleport' },
      { name: 'i', do: 'watchdog', pi: 0, limits: { trip: { low: 4, high: 3 }, offTime: { low: 1 } } },
      { name: 'j k', do: 'wait', ms: 1, extra: true },
      { name: 'l', do: 'power', pi: 2, action: 'on' },
    ],
  });
  const lines = message.split('\n');
  const has = (re: RegExp) => assert.ok(lines.some((l) => re.test(l)), `${re} in:\n${message}`);
  has(/^plan\.json: steps\[0\]\.limits\.low: expected a number, got "4\.8"$/);
  has(/^plan\.json: steps\[1\]\.limits: give a range \(low and\/or high\), "equals" or "oneOf"/);
  has(/^plan\.json: steps\[2\]\.do: unknown step kind "teleport" \(one of identity, read, reply-errors, setting-roundtrip, error-log, power, wait, manual, watchdog, graceful-off\)$/);
  has(/^plan\.json: steps\[3\]\.limits\.trip\.high: must be >= low \(4\), got 3$/);
  has(/^plan\.json: steps\[4\]\.name: letters, digits/);
  has(/^plan\.json: steps\[4\]\.extra: unknown field$/);
  has(/^plan\.json: steps\[5\]\.pi: must be/);
});

test('plan times have bounds stated in the error: wait up to 24 h, settle up to 10 min, timeouts 1 ms..1 h (issue 10 item 3)', () => {
  const message = problems({
    name: 'bounds',
    steps: [
      { name: 'w', do: 'wait', ms: 86_400_001 },
      { name: 'p', do: 'power', pi: 0, action: 'on', settleMs: -1 },
      { name: 'd', do: 'watchdog', pi: 0, timeoutMs: 0, limits: { trip: { low: 1 }, offTime: { low: 1 } } },
      { name: 'g', do: 'graceful-off', pi: 0, settleMs: 600_001, timeoutMs: 3_600_001, limits: { offTime: { low: 1 } } },
    ],
  });
  const lines = message.split('\n');
  for (const line of [
    'plan.json: steps[0].ms: must be 0..86400000 ms (a wait of at most 24 h), got 86400001',
    'plan.json: steps[1].settleMs: must be 0..600000 ms (a settle time of at most 10 min), got -1',
    'plan.json: steps[2].timeoutMs: must be 1..3600000 ms (a timeout of 1 ms to 1 h), got 0',
    'plan.json: steps[3].settleMs: must be 0..600000 ms (a settle time of at most 10 min), got 600001',
    'plan.json: steps[3].timeoutMs: must be 1..3600000 ms (a timeout of 1 ms to 1 h), got 3600001',
  ]) assert.ok(lines.includes(line), `${line} in:\n${message}`);
  assert.is(parsePlan({ name: 'ok', steps: [{ name: 'w', do: 'wait', ms: 86_400_000 }] }, 'plan.json').steps[0]!.do, 'wait');
});

test('a plan whose steps do not fit together: each problem names the field', () => {
  const message = problems({
    name: 'bad',
    steps: [
      { name: 'b', do: 'read', command: 'GET_PI_V', limits: { low: 4.8 } },
      { name: 'c', do: 'read', command: 'PI_ON', pi: 0, limits: { equals: 1 } },
      { name: 'd', do: 'read', command: 'GET_VIN', limits: { low: 10, unit: 'A' } },
      { name: 'e', do: 'power', pi: 0, action: 'on', needs: ['zzz'] },
      { name: 'b', do: 'wait', ms: 10 },
      { name: 'f', do: 'read', command: 'GET_SW_VERSION', pi: 1, limits: { equals: 4 } },
    ],
  });
  assert.equal(message.split('\n'), [
    'plan.json: steps[0].pi: GET_PI_V needs "pi" (0 or 1)',
    'plan.json: steps[1].command: "PI_ON" is not a read command with one value (use one of ' + READABLE_COMMANDS.join(', ') + ')',
    'plan.json: steps[2].limits.unit: this step measures in V, got "A"',
    'plan.json: steps[3].needs[0]: no earlier step is named "zzz"',
    'plan.json: steps[4].name: "b" is used by an earlier step',
    'plan.json: steps[5].pi: GET_SW_VERSION takes no Pi',
  ]);
});

test('a plan with no steps, or not an object', () => {
  assert.match(problems({ name: 'x', steps: [] }), /plan\.json: steps: must have at least 1 items/);
  assert.match(problems([1, 2]), /plan\.json: expected a bench plan object, got \[1,2\]/);
});

test('loadPlan: a missing file lists the builtin plans; bad JSON gives its position', () => {
  assert.throws(() => loadPlan(join(dir, 'nope.json')), /cannot read the plan: no such file \(builtin plans: default\)/);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{\n  "name": "x",\n  "steps": [\n');
  assert.throws(() => loadPlan(bad), /bad\.json: not valid JSON at line/);
});

test('read steps accept every read command with one value, and no others', () => {
  assert.ok(READABLE_COMMANDS.includes('GET_VIN') && READABLE_COMMANDS.includes('GET_PI_POWERED') && READABLE_COMMANDS.includes('GET_BOOT_COUNT'));
  assert.not.ok(READABLE_COMMANDS.includes('GET_ERROR_BUFFER'));
  assert.not.ok(READABLE_COMMANDS.includes('PI_ON'));
});

test('limits: ranges, exact values, sets, symbols; a missing value never passes', () => {
  const id = { id: 0x35 };
  assert.equal(resolveLimits({ equals: '$id' }, id), { equals: 0x35 });
  assert.equal(resolveLimits({ equals: '$prefix' }, id), { equals: 0x30 });
  assert.ok(withinLimits(5, { low: 4.75, high: 5.25 }));
  assert.not.ok(withinLimits(5.3, { low: 4.75, high: 5.25 }));
  assert.ok(withinLimits(0, { high: 0 }));
  assert.ok(withinLimits(3, { oneOf: [2, 3] }));
  assert.not.ok(withinLimits(null, { high: 10 }));
  assert.is(formatLimits({ low: 4.75, high: 5.25 }, 'V'), '4.750..5.250 V');
  assert.is(formatLimits({ high: 0 }, 'count'), '<= 0');
  assert.is(formatLimits({ oneOf: [2, 3] }, ''), 'one of 2, 3');
  assert.is(formatMeasurement(measured('GET_5V', 5.0712, 'V', { low: 4.85, high: 5.25 })), 'GET_5V = 5.071 V (4.850..5.250 V) PASS');
  assert.is(formatMeasurement(measured('trip time', null, 's', { low: 4.5 }, 'no drop')), 'trip time = none (>= 4.50 s) FAIL: no drop');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
