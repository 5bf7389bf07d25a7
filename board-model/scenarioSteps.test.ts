import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConfigIssue } from './ConfigError.ts';
import { BUILTIN_PROFILES, V4_REFERENCE } from './profiles.ts';
import { parseSteps } from './scenarioSteps.ts';
import { DEFAULT_STACK } from './stack.ts';

const ctx = { stack: DEFAULT_STACK, profiles: BUILTIN_PROFILES, defaultProfile: V4_REFERENCE };

test('collects every problem without throwing and keeps the valid steps', () => {
  const issues: ConfigIssue[] = [];
  const steps = parseSteps([{ at: '1s', host: 'get-id', id: 4 }, { at: '2s', host: 'nope', id: 4 }, { at: '3s', fault: 'crash', id: 4, pi: 1 }], ctx, issues);
  assert.equal(steps, [
    { kind: 'host', atMs: 1000, command: 'GET_ID', id: 4, args: {} },
    { kind: 'fault', atMs: 3000, fault: 'crash', board: 4, id: 4, pi: 1 },
  ]);
  assert.is(issues.length, 1);
  assert.is(issues[0]?.path, 'steps[1].host');
});

test('supply-volts has an upper bound: the board input range 0..30.8 V, stated in the error (issue 10 item 7)', () => {
  // Guards against a 1000 V supply being accepted.
  const issues: ConfigIssue[] = [];
  const steps = parseSteps([{ at: 0, fault: 'supply-volts', value: 30.8 }, { at: 1, fault: 'supply-volts', value: 1000 }, { at: 2, fault: 'supply-volts', value: -1 }], ctx, issues);
  assert.is(steps.length, 1);
  const message = "supply-volts needs a voltage 0..30.8 V (the board input's range, FIRMWARE.md section 1), got";
  assert.equal(issues, [{ path: 'steps[1].value', message: `${message} 1000` }, { path: 'steps[2].value', message: `${message} -1` }]);
});

test('a step may not be both or neither kind', () => {
  const issues: ConfigIssue[] = [];
  parseSteps([{ at: 0, host: 'GET_ID', fault: 'crash', id: 0 }, 5], ctx, issues);
  assert.equal(issues, [
    { path: 'steps[0]', message: 'give "host" or "fault", not both' },
    { path: 'steps[1]', message: 'expected a step { at, host, id, ... } or { at, fault, ... }, got 5' },
  ]);
});

test('time order and the duration limit use every parseable time, even of invalid steps', () => {
  const issues: ConfigIssue[] = [];
  parseSteps([{ at: '10s', host: 'bad', id: 0 }, { at: '5s', host: 'GET_ID', id: 0 }, { at: '2m', host: 'GET_ID', id: 0 }], { ...ctx, durationMs: 60_000 }, issues);
  assert.equal(issues.slice(1), [
    { path: 'steps[1].at', message: '5s is before steps[0] (10s); list steps in time order' },
    { path: 'steps[2].at', message: '2m00s is after the end of the scenario (duration 1m00s)' },
  ]);
});

test('equal times are allowed and keep their file order', () => {
  const issues: ConfigIssue[] = [];
  const steps = parseSteps([{ at: '1s', host: 'PI_ON', id: 0, pi: 0 }, { at: 1000, host: 'PI_ON', id: 0, pi: 1 }], ctx, issues);
  assert.equal(issues, []);
  assert.equal(steps.map((s) => (s.kind === 'host' ? s.args['pi'] : -1)), [0, 1]);
});

test.run();
