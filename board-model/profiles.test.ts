import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMAND_NAMES, inRelease } from '../bus-protocol/commands.ts';
import { ConfigError } from './ConfigError.ts';
import { BUILTIN_PROFILES, V3_PROFILE, V4_REFERENCE, parseProfile, profileFromText } from './profiles.ts';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

test('v4-reference holds the spec defaults', () => {
  const p = V4_REFERENCE;
  assert.is(p.format, 'pistack-firmware-profile');
  assert.is(p.version, 1);
  assert.is(p.name, 'v4-reference');
  assert.is(p.firmwareVersion, 4);
  assert.is(p.hardwareVersion, 3);
  assert.is(p.release, 'v4.1');
  assert.ok(COMMAND_NAMES.every((n) => inRelease(n, p.release)), 'answers all of 0x02..0x29');
  assert.equal(p.defaults, { prefix: 0, hbtTime: 15, hbtDelay: 90, offDelay: 30, sigOffDelay: 30, sigWidth: 2, piOnStartup: false });
  assert.equal(p.settingUnitMs, { hbtTime: 1000, hbtDelay: 1000, offDelay: 1000, sigOffDelay: 1000, sigWidth: 100 });
  assert.is(p.errorLog.size, 32);
  assert.is(p.errorLog.pointer, 'next-slot');
  assert.is(p.cycleOffTimeMs, 5000);
  assert.equal(p.bus.checkOrder, ['address', 'too-short', 'overflow', 'crc', 'unknown-command', 'length', 'pi-number']);
  assert.is(p.regulator.currentLimitA, 5);
  assert.is(p.piModels['pi3b+']?.heartbeatPeriodMs, 5200);
  assert.ok(p.piModels['pi4'] && p.piModels['pi-zero-2w']);
});

test('v3 differs only in name, version and release, and answers v4 commands with 0x12', () => {
  assert.is(V3_PROFILE.firmwareVersion, 3);
  assert.is(V3_PROFILE.release, 'v3');
  assert.is(V3_PROFILE.unknownReleaseCode, 0x12);
  assert.equal({ ...V3_PROFILE, name: '', description: '', firmwareVersion: 0, release: 'v4.1' }, { ...V4_REFERENCE, name: '', description: '', firmwareVersion: 0, release: 'v4.1' });
  assert.equal(Object.keys(BUILTIN_PROFILES).sort(), ['v3', 'v4-reference']);
});

test('builtins survive a JSON round trip unchanged and are frozen', () => {
  for (const p of Object.values(BUILTIN_PROFILES)) {
    assert.equal(parseProfile(JSON.parse(JSON.stringify(p)), 'copy.json'), p);
  }
  assert.throws(() => {
    (V4_REFERENCE.regulator as { currentLimitA: number }).currentLimitA = 1;
  });
});

test('a partial profile is deep-merged over its base (default v4-reference) and named after its source', () => {
  const p = parseProfile({ regulator: { currentLimitA: 3.5 }, piModels: { 'pi3b+': { bootTimeMs: 30_000 } } }, 'measured.json');
  assert.is(p.name, 'measured.json');
  assert.is(p.regulator.currentLimitA, 3.5);
  assert.is(p.regulator.nominalV, 5.1, 'siblings kept');
  assert.is(p.piModels['pi3b+']?.bootTimeMs, 30_000);
  assert.is(p.piModels['pi3b+']?.idleCurrentA, 0.4);
  assert.ok(p.piModels['pi4'], 'other models kept');
  assert.is(V4_REFERENCE.regulator.currentLimitA, 5, 'base untouched');
  const q = parseProfile({ base: 'v3', name: 'old', bus: { checkOrder: ['address', 'crc'] } }, 'old.json');
  assert.is(q.release, 'v3');
  assert.equal(q.bus.checkOrder, ['address', 'crc'], 'arrays replace, not merge');
});

test('notImplemented accepts case-insensitive and dash forms and normalises them', () => {
  const p = parseProfile({ notImplemented: ['get-power', 'Send_Sig'] }, 'p.json');
  assert.equal(p.notImplemented, ['GET_POWER', 'SEND_SIG']);
  const e = configError(() => parseProfile({ notImplemented: ['GET_POWR'] }, 'p.json'));
  assert.match(e.message, /^p\.json: notImplemented\[0\]: unknown command "GET_POWR" \(known: GET_SW_VERSION, /);
});

test('errors name the source, the field path and what was wrong', () => {
  const e = configError(() => parseProfile({ regulator: { currentLimitA: 'five' } }, 'my.json'));
  assert.is(e.message, 'my.json: regulator.currentLimitA: expected a number, got "five"');
  assert.is(e.source, 'my.json');
  assert.equal(e.issues, [{ path: 'regulator.currentLimitA', message: 'expected a number, got "five"' }]);
});

test('every problem is listed, one line each', () => {
  const e = configError(() =>
    parseProfile(
      {
        version: 2,
        gracefulOffDelay: 'never',
        errorLog: { size: 300 },
        defaults: { prefix: 0x13 },
        regulator: { currentLimitAmps: 5 },
        leds: { debugAtBoot: [0, 0] },
        piModels: { 'pi3b+': { heartbeatHighMs: 6000 }, pi5: { bootTimeMs: 1 } },
      },
      'bad.json',
    ),
  );
  const lines = e.message.split('\n');
  const expected = [
    'bad.json: version: must be 1, got 2',
    'bad.json: defaults.prefix: must be a multiple of 16 in 0x00..0xF0 (the high nibble of the ID), got 19',
    'bad.json: errorLog.size: must be 1..252, got 300',
    'bad.json: gracefulOffDelay: must be one of "off-delay", "sig-off-delay", got "never"',
    'bad.json: regulator.currentLimitAmps: unknown field',
    'bad.json: leds.debugAtBoot: must have at least 3 items, got 2',
    'bad.json: piModels["pi3b+"].heartbeatHighMs: must be below heartbeatPeriodMs (5200), got 6000',
    'bad.json: piModels.pi5.idleCurrentA: missing (expected a number)',
  ];
  for (const line of expected) assert.ok(lines.includes(line), `missing line: ${line}\n--- got:\n${e.message}`);
});

test('checkOrder must not repeat a check and must keep "address"', () => {
  const e = configError(() => parseProfile({ bus: { checkOrder: ['crc', 'crc'] } }, 'c.json'));
  assert.ok(e.message.includes('c.json: bus.checkOrder[1]: "crc" is listed twice'), e.message);
  assert.ok(e.message.includes('c.json: bus.checkOrder: must include "address"'), e.message);
});

test('unknown base and non-object input are reported', () => {
  assert.is(configError(() => parseProfile({ base: 'v9' }, 'b.json')).message, 'b.json: base: unknown base profile "v9" (builtin: v4-reference, v3)');
  assert.is(configError(() => parseProfile([1], 'a.json')).message, 'a.json: expected a firmware profile object, got [1]');
});

test('profileFromText reports bad JSON with line and column, and parses good text', () => {
  const e = configError(() => profileFromText('{\n  "name": "x",\n  "bus" 5\n}', 'broken.json'));
  assert.match(e.message, /^broken\.json: not valid JSON at line 3, column 9: /);
  const end = configError(() => profileFromText('{"name": ', 'short.json'));
  assert.match(end.message, /^short\.json: not valid JSON at line 1, column 10 \(end of text\)/);
  assert.is(profileFromText('{"name": "lab", "cycleOffTimeMs": 3000}', 'lab.json').cycleOffTimeMs, 3000);
});

test.run();
