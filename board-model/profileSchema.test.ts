import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validate } from './ConfigError.ts';
import { PROFILE_FORMAT, PROFILE_VERSION, profileSchema } from './profileSchema.ts';
import { V4_REFERENCE } from './profiles.ts';

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

test('settings defaults are bytes and the setting units are positive', () => {
  const p = copy();
  (p['defaults'] as Record<string, unknown>)['hbtDelay'] = 300;
  (p['settingUnitMs'] as Record<string, unknown>)['sigWidth'] = 0;
  const m = message(p).split('\n');
  assert.ok(m.includes('p.json: defaults.hbtDelay: must be 0..255, got 300'), m.join('\n'));
  assert.ok(m.includes('p.json: settingUnitMs.sigWidth: must be above 0, got 0'), m.join('\n'));
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
