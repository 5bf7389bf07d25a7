/**
 * Pure helpers of the host commands: error-log decoding (ring order, wrap-around, unused slots),
 * --range and setting parsing, and JUnit XML escaping (a report must stay well-formed whatever a
 * diff contains).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRange } from './commands/scan.ts';
import { countCodes, decodeErrorLog } from './errorLog.ts';
import { junitXml } from './junit.ts';
import { formatSetting, parseSettingName, parseSettingValue } from './settings.ts';

test('decodeErrorLog: newest just before the pointer, wrapping around, unused 0x00 slots skipped', () => {
  const log = new Uint8Array(8);
  log.set([0x11, 0x0f, 0x12], 0); // pointer 3: 0x12 newest, then 0x0F, then 0x11
  assert.equal(decodeErrorLog(log, 3).map((e) => [e.age, e.slot, e.code, e.name]), [[0, 2, 0x12, 'UNKNOWN_COMMAND'], [1, 1, 0x0f, 'BOOTED'], [2, 0, 0x11, 'CRC_FAILED']]);
  const full = Uint8Array.of(0x0f, 0x11, 0x11, 0x99);
  assert.equal(decodeErrorLog(full, 1).map((e) => e.slot), [0, 3, 2, 1], 'a full log wraps: slot 0 newest, slot 1 oldest');
  assert.is(decodeErrorLog(full, 1)[1]!.name, 'UNKNOWN');
  assert.equal(countCodes(decodeErrorLog(full, 1)), [{ code: 0x11, name: 'CRC_FAILED', count: 2 }, { code: 0x0f, name: 'BOOTED', count: 1 }, { code: 0x99, name: 'UNKNOWN', count: 1 }]);
  assert.equal(decodeErrorLog(new Uint8Array(32), 0), []);
});

test('parseRange: FROM-TO, FROM..TO, one ID, hex', () => {
  assert.equal(parseRange('0-15'), { from: 0, to: 15 });
  assert.equal(parseRange('0x10..0x1F'), { from: 16, to: 31 });
  assert.equal(parseRange('7'), { from: 7, to: 7 });
  assert.throws(() => parseRange('-3'), /"--range" must be FROM-TO/);
});

test('settings: names in any spelling, values with their units', () => {
  assert.is(parseSettingName('sig-off-delay'), 'SIG_OFF_DELAY');
  assert.is(parseSettingName('SET_HBT_TIME'), 'HBT_TIME');
  assert.is(parseSettingValue('PI_ON_STARTUP', 'on'), 1);
  assert.is(parseSettingValue('ID_PREFIX', '0x20'), 0x20);
  assert.is(parseSettingValue('HBT_DELAY', '0xFF'), 255);
  assert.is(formatSetting('SIG_WIDTH', 3), '3 (300 ms)');
  assert.is(formatSetting('ID_PREFIX', 0x10), '0x10');
});

test('JUnit XML: counts, failures and skipped cases; markup escaped', () => {
  const xml = junitXml({
    name: 'suite <1>', timestamp: new Date('2026-01-31T12:00:00Z'), timeSeconds: 1.5, properties: { port: 'sim:' },
    cases: [
      { name: 'ok', classname: 'c', timeSeconds: 0.01 },
      { name: 'bad', classname: 'c', timeSeconds: 0.02, failure: { message: 'x & y', type: 'mismatch', text: 'line 1\n<line 2>' } },
      { name: 'later', classname: 'c', timeSeconds: 0, skipped: 'not run' },
    ],
  });
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites tests="3" failures="1" errors="0" skipped="1">/);
  assert.match(xml, /<testsuite name="suite &lt;1>"/);
  assert.match(xml, /<failure message="x &amp; y" type="mismatch"><!\[CDATA\[line 1\n<line 2>\]\]><\/failure>/);
  assert.match(xml, /<testcase classname="c" name="later" time="0">\n\s+<skipped\/>/);
  assert.match(xml, /<property name="port" value="sim:"\/>/);
  assert.ok(xml.trimEnd().endsWith('</testsuites>'));
});

test.run();
