import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validate } from './ConfigError.ts';
import { PROFILE_FORMAT, PROFILE_VERSION, profileSchema } from './profileSchema.ts';
import { V4_REFERENCE, parseProfile } from './profiles.ts';

/** A mutable deep copy of the default profile, as a JSON file would give it. */
function copy(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(V4_REFERENCE)) as Record<string, unknown>;
}

function message(value: unknown): string {
  try {
    validate(profileSchema, value, 'p.json');
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

test('a complete profile validates and is JSON-serialisable without loss', () => {
  const parsed = validate(profileSchema, copy(), 'p.json');
  assert.equal(JSON.parse(JSON.stringify(parsed)), parsed);
  assert.is(parsed.format, PROFILE_FORMAT);
  assert.is(parsed.version, PROFILE_VERSION);
});

test('the schema is complete: a profile missing any top-level field is rejected', () => {
  for (const key of Object.keys(copy())) {
    if (key === 'description') continue; // the only optional field
    const p = copy();
    delete p[key];
    assert.match(message(p), new RegExp(`^p\\.json: ${key}: missing`), key);
  }
});

test('release, hardware version, format and version are checked against their allowed values', () => {
  assert.is(message({ ...copy(), release: 'v5' }), 'p.json: release: must be one of "v3", "v4", "v4.1", got "v5"');
  assert.is(message({ ...copy(), hardwareVersion: 4 }), 'p.json: hardwareVersion: must be one of 2, 3, got 4');
  assert.is(message({ ...copy(), format: 'pistack-stack' }), 'p.json: format: must be "pistack-firmware-profile", got "pistack-stack"');
  assert.is(message({ ...copy(), version: 2 }), 'p.json: version: must be 1, got 2');
});

test('settings defaults are bytes and the setting units are at least 1 ms', () => {
  const p = copy();
  (p['defaults'] as Record<string, unknown>)['hbtDelay'] = 300;
  (p['settingUnitMs'] as Record<string, unknown>)['sigWidth'] = 0;
  const m = message(p).split('\n');
  assert.ok(m.includes('p.json: defaults.hbtDelay: must be 0..255, got 300'), m.join('\n'));
  assert.ok(m.includes('p.json: settingUnitMs.sigWidth: must be 1..3600000 ms (a timer unit is at least 1 ms, at most 1 h), got 0'), m.join('\n'));
});

test('physical bounds refuse the runaway profile {hbtDelay unit 0.001 ms, cycleOffTimeMs 0} and say the bounds (issue 10 item 3)', () => {
  // Guards against a "valid" profile that looped the simulator for minutes at 20 MB/s.
  const m = (() => {
    try {
      parseProfile({ base: 'v4-reference', settingUnitMs: { hbtDelay: 0.001 }, cycleOffTimeMs: 0 }, 'p.json');
      return [];
    } catch (e) {
      return (e as Error).message.split('\n');
    }
  })();
  assert.ok(m.includes('p.json: settingUnitMs.hbtDelay: must be 1..3600000 ms (a timer unit is at least 1 ms, at most 1 h), got 0.001'), m.join('\n'));
  assert.ok(m.includes('p.json: cycleOffTimeMs: must be 100..3600000 ms (a power cycle is at least 100 ms, at most 1 h), got 0'), m.join('\n'));
  const p = copy();
  Object.assign(p['mcu'] as object, { bootMs: 120_000, tornWriteOutageMs: 0 });
  Object.assign(p['regulator'] as object, { hiccupRetryMs: 1 });
  const pi = (p['piModels'] as Record<string, Record<string, unknown>>)['pi3b+']!;
  Object.assign(pi, { heartbeatHighMs: 0.5, heartbeatPeriodMs: 1, selfShutdownPulseMs: 0 });
  const all = message(p);
  for (const field of ['mcu.bootMs: must be 0..60000 ms', 'mcu.tornWriteOutageMs: must be 1..60000 ms', 'regulator.hiccupRetryMs: must be 10..60000 ms',
    'heartbeatHighMs: must be 1..3600000 ms', 'heartbeatPeriodMs: must be 10..3600000 ms', 'selfShutdownPulseMs: must be 1..60000 ms']) {
    assert.ok(all.includes(field), `${field} in\n${all}`);
  }
});

test('a profile without Pi models is rejected', () => {
  assert.is(message({ ...copy(), piModels: {} }), 'p.json: piModels: must define at least one Pi model');
});

test('error log size keeps GET_ERROR_BUFFER within a u8 LEN', () => {
  const p = copy();
  (p['errorLog'] as Record<string, unknown>)['size'] = 253;
  assert.is(message(p), 'p.json: errorLog.size: must be 1..252, got 253');
});

test.run();
