/**
 * Every scenario in fixtures/scenarios/ is a regression test: it is parsed, run in virtual time
 * and must meet all its `expect` entries. Replies' payloads and error codes, which `expect`
 * cannot name, are checked here per scenario. Runs are reproducible from the seed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SimEvent } from '../events.ts';
import { scenarioFromText, type Scenario } from '../scenario.ts';
import { runScenario, type RunResult } from './runScenario.ts';

const DIR = new URL('../../fixtures/scenarios/', import.meta.url);
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

function load(file: string): Scenario {
  return scenarioFromText(readFileSync(new URL(file, DIR), 'utf8'), `fixtures/scenarios/${file}`);
}

/** Payload of the one host-reply to `command` (for Pi `pi`), failing unless there is exactly one. */
function reply(result: RunResult, command: string, pi?: 0 | 1): Record<string, unknown> {
  const found = result.events.filter((e) => e.type === 'host-reply' && e.command === command && (pi === undefined || e.pi === pi));
  assert.is(found.length, 1, `${result.name}: one host-reply to ${command}${pi === undefined ? '' : ` Pi ${pi}`}`);
  return found[0]!.payload as Record<string, unknown>;
}

function errorCodes(result: RunResult): unknown[] {
  return result.events.filter((e) => e.type === 'host-error').map((e) => e.code);
}

/** What `expect` cannot say: reply payloads and error codes, by scenario name. */
const CHECKS: Record<string, (r: RunResult) => void> = {
  'config-corruption': (r) => {
    assert.equal(reply(r, 'GET_HBT_DELAY', 0), { value: 90 }, 'back to the default');
    assert.equal(reply(r, 'GET_ERROR_COUNT'), { count: 1 }, 'the 0x40');
  },
  'errors-corruption': (r) => {
    assert.equal(errorCodes(r), [0x14, 0x14]);
    assert.equal(reply(r, 'GET_ERROR_COUNT'), { count: 1 }, 'only the 0x41');
    assert.equal(reply(r, 'GET_ERROR_POINTER'), { pointer: 2 }, '0x41, 0x0F');
    assert.equal(reply(r, 'GET_BOOT_COUNT'), { count: 1 });
    assert.equal(reply(r, 'GET_HBT_DELAY', 0), { value: 20 }, 'config untouched');
  },
  'torn-write': (r) => {
    assert.equal(r.events.filter((e) => e.type === 'torn-write').map((e) => e.block), ['config']);
    assert.equal(reply(r, 'GET_HBT_DELAY', 0), { value: 90 });
    assert.equal(reply(r, 'GET_BOOT_COUNT'), { count: 2 }, 'the error block survived');
    assert.equal(reply(r, 'GET_ERROR_COUNT'), { count: 1 }, 'the 0x40');
  },
  'pi-on-startup-after-mcu-reset': (r) => {
    assert.equal(reply(r, 'GET_PI_POWERED', 0), { powered: 0 });
    assert.equal(reply(r, 'GET_PI_POWERED', 1), { powered: 1 });
    assert.equal(reply(r, 'GET_BOOT_COUNT'), { count: 2 });
  },
  'supply-brownout': (r) => {
    assert.equal(reply(r, 'GET_PI_POWERED', 0), { powered: 1 }, 'under UVLO the switch stays on');
    assert.equal(reply(r, 'GET_BOOT_COUNT'), { count: 2 });
  },
  'report-only': (r) => {
    assert.equal(reply(r, 'GET_PI_HBT', 0), { healthy: 0 });
    assert.equal(reply(r, 'GET_PI_POWERED', 0), { powered: 1 });
  },
  'v3-profile': (r) => {
    assert.equal(reply(r, 'GET_SW_VERSION'), { version: 3 });
    assert.equal(errorCodes(r), [0x12, 0x12, 0x12, 0x12], 'unknown command, code 18');
    assert.equal(reply(r, 'GET_ERROR_COUNT'), { count: 4 });
  },
  'error-replies': (r) => {
    assert.equal(errorCodes(r), [0x14, 0x14, 0x14]);
    assert.equal(reply(r, 'GET_ERROR_COUNT'), { count: 3 });
    assert.equal(reply(r, 'GET_ERROR_POINTER'), { pointer: 4 });
  },
  'duplicate-dip': (r) => {
    assert.equal(reply(r, 'GET_SW_VERSION'), { version: 4 }, 'before the duplicate');
    assert.ok(r.summary.bus.collisions >= 12);
  },
};

test('fixtures/scenarios holds the demo and a scenario per FIRMWARE.md behaviour', () => {
  for (const name of ['demo', 'watchdog-cycle', 'boot-grace', 'hang-boot', 'graceful-off', 'graceful-off-too-short', 'pi-initiated-off', 'send-sig-then-watchdog',
    'pi-on-cancels-off', 'force-off', 'pi-on-startup-after-mcu-reset', 'brownout-short-circuit', 'supply-brownout', 'config-corruption',
    'errors-corruption', 'torn-write', 'duplicate-dip', 'hbt-time-zero-disables-watchdog', 'report-only', 'v3-profile', 'undervoltage']) {
    assert.ok(FILES.includes(`${name}.json`), `${name}.json`);
  }
});

for (const file of FILES) {
  test(`scenario ${file} passes`, async () => {
    const scenario = load(file);
    assert.is(scenario.name, file.replace(/\.json$/, ''), 'the name matches the file');
    assert.ok(scenario.expect.length > 0, 'it expects something');
    const result = await runScenario(scenario);
    const failed = result.expectations.filter((e) => !e.passed).map((e) => e.message);
    assert.ok(result.passed, `${file}: ${failed.length} failed expectation(s):\n  ${failed.join('\n  ')}`);
    CHECKS[scenario.name]?.(result);
  });
}

test('a scenario run is reproducible: the same seed gives the same events, another seed other ones', async () => {
  const scenario = load('duplicate-dip.json');
  const strip = (events: SimEvent[]) => JSON.stringify(events);
  const a = await runScenario(scenario);
  const b = await runScenario(scenario);
  assert.is(strip(a.events), strip(b.events));
  assert.equal(a.summary, b.summary);
  const c = await runScenario(scenario, { seed: scenario.seed + 1 });
  assert.is.not(strip(c.events), strip(a.events));
});

test.run();
