import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from './scenario.ts';

const scenario = (steps: unknown[], extra: Record<string, unknown> = {}) => parseScenario({ stack: 'single', duration: '1m', steps, ...extra }, 's.json');

test('a host step at 0 s is warned about at load time: it reaches the board before its MCU listens (guards against a silently lost first step)', () => {
  const s = scenario([{ at: '0s', host: 'GET_SW_VERSION', id: 0 }]);
  assert.equal(s.warnings, [
    's.json: steps[0]: GET_SW_VERSION to 0x00 at 0s arrives while the board\'s MCU boots after power-up (it listens from 10ms): it will time out (cause "booting"); send it at 10ms or later',
  ]);
});

test('steps whose last byte arrives once the MCU listens, and steps to IDs no board has, are not boot-window warnings', () => {
  assert.is(scenario([{ at: '6ms', host: 'GET_SW_VERSION', id: 0 }]).warnings, undefined, '6 ms + 4 bytes of 1.04 ms ends after 10 ms');
  assert.ok(scenario([{ at: '5ms', host: 'GET_SW_VERSION', id: 0 }]).warnings !== undefined, '5 ms + 4.17 ms ends before 10 ms');
  assert.is(scenario([{ at: '0s', host: 'GET_SW_VERSION', id: 9 }]).warnings, undefined);
  assert.is(scenario([]).warnings, undefined);
});

test('a step right after an mcu-reset or duplicate-dip step on its board is in that boot window; the profile\'s bootMs sets its length', () => {
  const s = scenario([{ at: '5s', fault: 'mcu-reset', id: 0 }, { at: '5s', host: 'GET_VIN', id: 0 }, { at: '6s', host: 'GET_VIN', id: 0 }]);
  assert.equal(s.warnings?.length, 1);
  assert.match(s.warnings![0]!, /steps\[1\]: GET_VIN to 0x00 at 5s arrives while the board's MCU boots after the mcu-reset at 5s \(it listens from 5\.01s\)/);
  const slow = scenario([{ at: '1s', host: 'GET_VIN', id: 0 }], { profile: { base: 'v4-reference', mcu: { bootMs: 2000 } } });
  assert.match(slow.warnings![0]!, /listens from 2s/);
});

test.run();
