import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from './ConfigError.ts';
import { FAULT_NAMES } from './faults.ts';
import { V3_PROFILE, V4_REFERENCE } from './profiles.ts';
import { DEFAULT_SEED, DEFAULT_TAIL_MS, parseScenario, scenarioFromText } from './scenario.ts';
import { DEFAULT_STACK } from './stack.ts';

function lines(json: unknown): string[] {
  try {
    parseScenario(json, 'scn.json');
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected a ConfigError');
}

function hasLine(json: unknown, line: string): void {
  const got = lines(json);
  assert.ok(got.includes(line), `missing: ${line}\n--- got:\n${got.join('\n')}`);
}

test('an empty scenario gets the default stack, v4-reference, the default seed and a default duration', () => {
  const s = parseScenario({}, 'empty.json');
  assert.is(s.name, 'empty.json');
  assert.is(s.description, '');
  assert.is(s.stack, DEFAULT_STACK);
  assert.is(s.profile, V4_REFERENCE);
  assert.is(s.seed, DEFAULT_SEED);
  assert.is(s.durationMs, DEFAULT_TAIL_MS);
  assert.is(s.pollMs, undefined);
  assert.equal(s.steps, []);
  assert.equal(s.expect, []);
});

test('normalises host steps: times in ms, spec command names, args from pi and value', () => {
  const s = parseScenario(
    {
      name: 'boot',
      stack: 'default',
      profile: 'v3',
      seed: 7,
      duration: '5m',
      poll: '10s',
      steps: [
        { at: '1s', host: 'pi-on', id: 3, pi: 1 },
        { at: 2000, host: 'set_hbt_time', id: 3, pi: 0, value: 30 },
        { at: '2s', host: 'DEBUG_LED', id: 0, value: [255, 0, 16] },
        { at: '1m', host: 'get-vin', id: 200 },
        { at: '1m', host: 'set-pi-on-startup', id: 1, pi: 0, value: true },
      ],
    },
    'boot.json',
  );
  assert.is(s.name, 'boot');
  assert.is(s.profile, V3_PROFILE);
  assert.is(s.seed, 7);
  assert.is(s.durationMs, 300_000);
  assert.is(s.pollMs, 10_000);
  assert.equal(s.steps, [
    { kind: 'host', atMs: 1000, command: 'PI_ON', id: 3, args: { pi: 1 } },
    { kind: 'host', atMs: 2000, command: 'SET_HBT_TIME', id: 3, args: { pi: 0, value: 30 } },
    { kind: 'host', atMs: 2000, command: 'DEBUG_LED', id: 0, args: { red: 255, green: 0, blue: 16 } },
    { kind: 'host', atMs: 60_000, command: 'GET_VIN', id: 200, args: {} },
    { kind: 'host', atMs: 60_000, command: 'SET_PI_ON_STARTUP', id: 1, args: { pi: 0, enabled: 1 } },
  ]);
});

test('bad host steps name the step and field', () => {
  const bad = {
    steps: [
      { at: '1s', host: 'PI_ON', id: 0, pi: 0 },
      { at: '2s', host: 'PI_ON', id: 0 },
      { at: '5x', host: 'GET_VIN', id: 0 },
      { at: '3s', host: 'GET_VIN', id: 0, pi: 1 },
      { at: '3s', host: 'SET_HBT_TIME', id: 0, pi: 0 },
      { at: '3s', host: 'SET_HBT_TIME', id: 0, pi: 0, value: 256 },
      { at: '3s', host: 'DEBUG_LED', id: 0, value: 5 },
      { at: '3s', host: 'GET_VINN', id: 0 },
      { at: '3s', host: 'GET_VIN', id: 256 },
      { at: '3s', host: 'GET_VIN', id: 0, value: 1 },
      { at: '1s', host: 'GET_VIN', id: 0 },
    ],
  };
  hasLine(bad, 'scn.json: steps[1].pi: PI_ON needs a pi (0 or 1; other values test error 0x14)');
  hasLine(bad, 'scn.json: steps[2].at: "5x" is not a duration (units ms, s, m, h)');
  hasLine(bad, 'scn.json: steps[3].pi: GET_VIN takes no pi');
  hasLine(bad, 'scn.json: steps[4].value: SET_HBT_TIME needs a value (value 0..255)');
  hasLine(bad, 'scn.json: steps[5].value: SET_HBT_TIME needs value 0..255, got 256');
  hasLine(bad, 'scn.json: steps[6].value: DEBUG_LED needs an array [red 0..255, green 0..255, blue 0..255], got 5');
  assert.ok(lines(bad).some((l) => l.startsWith('scn.json: steps[7].host: unknown command "GET_VINN" (known: GET_SW_VERSION, GET_HW_VERSION,')));
  hasLine(bad, 'scn.json: steps[8].id: must be 0..255, got 256');
  hasLine(bad, 'scn.json: steps[9].value: GET_VIN takes no value');
  hasLine(bad, 'scn.json: steps[10].at: 1s is before steps[9] (3s); list steps in time order');
});

test('fault steps resolve their board and check target, pi and value', () => {
  const s = parseScenario(
    {
      stack: { boards: [{ dip: 0, pis: ['pi3b+', null] }, { dip: 4, prefix: 0x10, profile: 'v3', pis: [null, null] }] },
      steps: [
        { at: '1s', fault: 'crash', id: 0, pi: 0 },
        { at: '2s', fault: 'supply-volts', value: 5.5 },
        { at: '3s', fault: 'slow-shutdown', id: 0x14, pi: 1, value: '2m' },
        { at: '4s', fault: 'mcu-reset', board: 1 },
        { at: '5s', fault: 'pi-insert', id: 0, pi: 1 },
        { at: '6s', fault: 'pi-load', id: 0, pi: 0 },
        { at: '7s', fault: 'duplicate-dip', id: 0x14, value: 0 },
      ],
    },
    'f.json',
  );
  assert.equal(s.steps, [
    { kind: 'fault', atMs: 1000, fault: 'crash', board: 0, id: 0, pi: 0 },
    { kind: 'fault', atMs: 2000, fault: 'supply-volts', value: 5.5 },
    { kind: 'fault', atMs: 3000, fault: 'slow-shutdown', board: 1, id: 0x14, pi: 1, value: 120_000 },
    { kind: 'fault', atMs: 4000, fault: 'mcu-reset', board: 1, id: 0x14 },
    { kind: 'fault', atMs: 5000, fault: 'pi-insert', board: 0, id: 0, pi: 1, value: 'pi3b+' },
    { kind: 'fault', atMs: 6000, fault: 'pi-load', board: 0, id: 0, pi: 0, value: 1 },
    { kind: 'fault', atMs: 7000, fault: 'duplicate-dip', board: 1, id: 0x14, value: 0 },
  ]);
  assert.is(s.durationMs, 7000 + DEFAULT_TAIL_MS);
});

test('bad fault steps name the step and field', () => {
  const bad = {
    stack: { boards: [{ dip: 0, pis: [null, null] }, { dip: 0, pis: [null, null] }, { dip: 2, pis: [null, null] }] },
    steps: [
      { at: 0, fault: 'meltdown', id: 0 },
      { at: 0, fault: 'crash', id: 2 },
      { at: 0, fault: 'crash', id: 0, pi: 0 },
      { at: 0, fault: 'crash', id: 9, pi: 0 },
      { at: 0, fault: 'mcu-reset', board: 5 },
      { at: 0, fault: 'mcu-reset', board: 2, pi: 1 },
      { at: 0, fault: 'supply-volts', id: 2 },
      { at: 0, fault: 'bus-noise', value: 2 },
      { at: 0, fault: 'set-dip', board: 2, value: 16 },
      { at: 0, fault: 'pi-insert', board: 2, pi: 0, value: 'pi9' },
      { at: 0, fault: 'crash', board: 2, pi: 2, value: 1 },
      { at: 0, fault: 'mcu-reset' },
    ],
  };
  hasLine(bad, `scn.json: steps[0].fault: must be one of ${FAULT_NAMES.map((n) => JSON.stringify(n)).join(', ')}, got "meltdown"`);
  hasLine(bad, 'scn.json: steps[1].pi: crash needs a pi (0 or 1)');
  hasLine(bad, 'scn.json: steps[2].id: ID 0x00 is shared by boards[0] and boards[1]; name one with "board" instead');
  hasLine(bad, 'scn.json: steps[3].id: no board has ID 0x09 (IDs in the stack: 0x00, 0x02)');
  hasLine(bad, 'scn.json: steps[4].board: no boards[5]: the stack has 3 boards');
  hasLine(bad, 'scn.json: steps[5].pi: mcu-reset acts on a whole board; remove "pi"');
  hasLine(bad, 'scn.json: steps[6].id: supply-volts acts on the whole stack; remove "id"');
  hasLine(bad, 'scn.json: steps[6].value: supply-volts needs a value (volts)');
  hasLine(bad, 'scn.json: steps[7].value: bus-noise needs a probability 0..1, got 2');
  hasLine(bad, 'scn.json: steps[8].value: set-dip needs a DIP setting 0..15, got 16');
  hasLine(bad, 'scn.json: steps[9].value: pi-insert needs a Pi model of profile v4-reference (pi3b+, pi4, pi-zero-2w), got "pi9"');
  hasLine(bad, 'scn.json: steps[10].pi: must be one of 0, 1, got 2');
  hasLine(bad, 'scn.json: steps[11]: mcu-reset needs "id" (the board\'s ID at the start) or "board" (its index in the stack)');
});

test('expectations: defaults, never, exact and ranged counts, within in ms', () => {
  const s = parseScenario(
    {
      duration: '10m',
      expect: [
        { event: 'pi-booted', id: 0, pi: 1, within: ['0s', '40s'] },
        { event: 'unsafe-power-loss', never: true },
        { event: 'power-cycle', id: 2, pi: 0, count: 2 },
        { event: 'host-timeout', id: 16, count: { min: 1 } },
        { event: 'mcu-boot', count: { max: 3 } },
      ],
    },
    'e.json',
  );
  assert.equal(s.expect, [
    { event: 'pi-booted', id: 0, pi: 1, withinMs: [0, 40_000], count: { min: 1 } },
    { event: 'unsafe-power-loss', withinMs: [0, 600_000], count: { min: 0, max: 0 } },
    { event: 'power-cycle', id: 2, pi: 0, withinMs: [0, 600_000], count: { min: 2, max: 2 } },
    { event: 'host-timeout', id: 16, withinMs: [0, 600_000], count: { min: 1 } },
    { event: 'mcu-boot', withinMs: [0, 600_000], count: { min: 0, max: 3 } },
  ]);
  assert.is(parseScenario({ expect: [{ event: 'pi-booted', within: ['10s', '2m'] }] }, 'e.json').durationMs, 120_000 + DEFAULT_TAIL_MS);
});

test('bad expectations name the entry and field', () => {
  const bad = {
    duration: '1m',
    steps: [{ at: '2m', host: 'GET_VIN', id: 0 }],
    expect: [
      { event: 'pi-exploded' },
      { event: 'mcu-boot', pi: 0 },
      { event: 'pi-booted', within: ['30s', '10s'] },
      { event: 'pi-booted', never: true, count: 1 },
      { event: 'pi-booted', count: { min: 3, max: 1 } },
      { event: 'pi-booted', count: -1 },
      { event: 'pi-booted', within: ['10s', '2m'] },
      { event: 'pi-booted', within: ['10s'] },
      { event: 'pi-booted', count: 'three' },
    ],
  };
  assert.ok(lines(bad).some((l) => l.startsWith('scn.json: expect[0].event: must be one of "power-on", "power-off",') && l.endsWith('got "pi-exploded"')));
  hasLine(bad, 'scn.json: steps[0].at: 2m00s is after the end of the scenario (duration 1m00s)');
  hasLine(bad, 'scn.json: expect[1].pi: mcu-boot is a board event; remove "pi"');
  hasLine(bad, 'scn.json: expect[2].within: starts after it ends (30s > 10s)');
  hasLine(bad, 'scn.json: expect[3].never: give "never" or "count", not both');
  hasLine(bad, 'scn.json: expect[4].count: min 3 is above max 1');
  hasLine(bad, 'scn.json: expect[5].count: must be at least 0, got -1');
  hasLine(bad, 'scn.json: expect[8].count: must be a whole number >= 0 or { "min"?, "max"? }, got "three"');
  hasLine(bad, 'scn.json: expect[6].within: ends at 2m00s, after the end of the scenario (duration 1m00s)');
  hasLine(bad, 'scn.json: expect[7].within: must have at least 2 items, got 1');
});

test('inline profile and stack errors are reported under their field', () => {
  hasLine({ profile: { regulator: { currentLimitA: 'five' } } }, 'scn.json: profile.regulator.currentLimitA: expected a number, got "five"');
  hasLine({ stack: { boards: [{ dip: 17, pis: [null, null] }] } }, 'scn.json: stack.boards[0].dip: must be 0..15, got 17');
  hasLine({ stack: 'huge' }, 'scn.json: stack: unknown builtin stack "huge" (builtin: default, single)');
  hasLine({ profile: 'v5' }, 'scn.json: profile: unknown builtin profile "v5" (builtin: v4-reference, v3)');
  hasLine({ stepz: [] }, 'scn.json: stepz: unknown field');
  hasLine({ steps: [{ at: '1s' }] }, 'scn.json: steps[0]: expected a step { at, host, id, ... } or { at, fault, ... }, got {"at":"1s"}');
});

test('poll: one rule with --poll: 0 is no polling, anything shorter than one poll cycle is refused with the shortest possible (issue 10 items 3, 7)', () => {
  // Guards against "poll": 0 being an error while --poll 0 meant off, and a 1 µs poll being accepted.
  assert.is(parseScenario({ poll: 0 }, 'scn.json').pollMs, undefined);
  hasLine({ poll: '1ms' }, 'scn.json: poll: 1ms is shorter than one poll cycle: the shortest poll possible is 1.751s (128 requests on the 9600-baud bus for this stack), or 0 for no polling');
  hasLine({ stack: 'single', poll: 0.001 }, 'scn.json: poll: 0.001ms is shorter than one poll cycle: the shortest poll possible is 110ms (8 requests on the 9600-baud bus for this stack), or 0 for no polling');
  assert.is(parseScenario({ stack: 'single', poll: '110ms' }, 'scn.json').pollMs, 110);
});

test('an inline partial profile is the default for the stack and can add Pi models', () => {
  const pi5 = { ...V4_REFERENCE.piModels['pi4'], label: 'Pi 5', bootTimeMs: 15_000 };
  const s = parseScenario(
    { profile: { name: 'lab', piModels: { pi5 } }, stack: { seed: 99, boards: [{ dip: 1, pis: ['pi5', null] }, { dip: 2, profile: 'lab', pis: [null, null] }] } },
    'lab.json',
  );
  assert.is(s.profile.name, 'lab');
  assert.is(s.profile.piModels['pi5']?.bootTimeMs, 15_000);
  assert.is(s.stack.boards[0]?.pis[0]?.model, 'pi5');
  assert.is(s.seed, 99, 'seed falls back to the stack seed');
});

test('scenarioFromText reads JSON text', () => {
  assert.is(scenarioFromText('{"name": "t", "duration": "90s"}', 't.json').durationMs, 90_000);
  assert.throws(() => scenarioFromText('{"name": "t",, }', 't.json'), (e: Error) => e instanceof ConfigError && e.message.startsWith('t.json: not valid JSON'));
});

test.run();
