/**
 * The characteriser proves itself on the simulator: a board running a deliberately different
 * firmware profile is measured over the bus alone, and each ASSUMED value that the bus can show
 * comes back as that profile's; the written profile loads; the reference profile measures as
 * "same" throughout; every setting touched is restored, also when the run is interrupted.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { V4_REFERENCE, parseProfile } from '../../board-model/profiles.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { openBench, inspector } from '../bench/testing/benchRig.ts';
import type { HostPort } from '../ports.ts';
import { characterize, snapMs, type CharacterizeResult } from './characterize.ts';
import { observeLog } from './probes.ts';
import { checkProfile, compare, profileFrom, tableLines } from './profileOut.ts';

/** Board A: another error-log layout, the other graceful-off delay at 500 ms units, report-only watchdog, slower replies. */
const PROFILE_A = parseProfile({
  name: 'deliberately-different-a', firmwareVersion: 5, hardwareVersion: 2, release: 'v4', notImplemented: ['GET_SIG_WIDTH'],
  errorLog: { size: 16, pointer: 'last-written' }, gracefulOffDelay: 'sig-off-delay', settingUnitMs: { sigOffDelay: 500 },
  watchdogAction: 'report-only', piOnCancelsShutdown: false, defaults: { hbtDelay: 60 },
  bus: { replyDelayMs: 5, replyJitterMs: 0.5, errorCodes: { crc: 0x31, piNumber: 0x24 } },
}, 'profile A');

/** Board B: other units of OFF_DELAY and HBT_DELAY, a 3 s power cycle, HBT_TIME 0 not disabling, error replies not logged. */
const PROFILE_B = parseProfile({
  name: 'deliberately-different-b', settingUnitMs: { offDelay: 500, hbtDelay: 2000 }, cycleOffTimeMs: 3000, hbtTimeZeroDisablesWatchdog: false,
  bus: { logErrorReplies: false, replyDelayMs: 3, replyJitterMs: 0 },
}, 'profile B');

async function measure(profile: FirmwareProfile, id = 9): Promise<{ result: CharacterizeResult; port: HostPort }> {
  const port = await openBench(id, [], profile);
  return { result: await characterize({ port, id }), port };
}

function valueOf(result: CharacterizeResult, field: string): unknown {
  const finding = result.findings.find((f) => f.field === field);
  assert.ok(finding, `a finding for ${field}`);
  return finding!.value;
}

function unobserved(result: CharacterizeResult): string[] {
  return result.unobserved.map((u) => u.field);
}

test('board A: every observable difference from v4-reference is recovered', async () => {
  const { result, port } = await measure(PROFILE_A);
  assert.is(result.stopped, undefined);
  const expect: Array<[string, unknown]> = [
    ['firmwareVersion', 5], ['hardwareVersion', 2], ['release', 'v4'], ['notImplemented', ['GET_SIG_WIDTH']], ['unknownReleaseCode', 0x12],
    ['errorLog.size', 16], ['errorLog.pointer', 'last-written'], ['bus.logErrorReplies', true],
    ['bus.errorCodes.crc', 0x31], ['bus.errorCodes.piNumber', 0x24], ['bus.errorCodes.tooShort', 0x10], ['bus.errorCodes.truncated', 0x22],
    ['bus.errorCodes.unknownCommand', 0x12], ['bus.errorCodes.length', 0x13],
    ['gracefulOffDelay', 'sig-off-delay'], ['settingUnitMs.sigOffDelay', 500], ['piOnCancelsShutdown', false], ['watchdogAction', 'report-only'],
    ['defaults.hbtDelay', 60], ['defaults.offDelay', 30], ['defaults.piOnStartup', false],
  ];
  for (const [field, value] of expect) assert.equal(valueOf(result, field), value, field);
  assert.ok(Math.abs((valueOf(result, 'bus.replyDelayMs') as number) - 5) <= 0.2, 'reply delay 5 ms');
  assert.ok(Math.abs((valueOf(result, 'bus.replyJitterMs') as number) - 0.5) <= 0.2, 'jitter 0.5 ms');
  // What this board cannot show, and says so.
  for (const field of ['settingUnitMs.offDelay', 'settingUnitMs.hbtDelay', 'cycleOffTimeMs', 'hbtTimeZeroDisablesWatchdog', 'defaults.sigWidth', 'settingUnitMs.sigWidth', 'settingUnitMs.hbtTime']) {
    assert.ok(unobserved(result).includes(field), `${field} reported as not measured`);
  }
  await port.close();
});

test('board B: units, cycle time and watchdog details are recovered', async () => {
  const { result, port } = await measure(PROFILE_B, 0x23);
  const expect: Array<[string, unknown]> = [
    ['gracefulOffDelay', 'off-delay'], ['settingUnitMs.offDelay', 500], ['settingUnitMs.hbtDelay', 2000], ['cycleOffTimeMs', 3000],
    ['watchdogAction', 'power-cycle'], ['hbtTimeZeroDisablesWatchdog', false], ['piOnCancelsShutdown', true], ['bus.logErrorReplies', false],
    ['bus.replyDelayMs', 3], ['bus.replyJitterMs', 0], ['defaults.prefix', 0x20], ['release', 'v4.1'], ['notImplemented', []],
  ];
  for (const [field, value] of expect) assert.equal(valueOf(result, field), value, field);
  assert.ok(unobserved(result).includes('errorLog.pointer'), 'no logged errors: the pointer cannot be placed');
  await port.close();
});

test('the written profile is partial over v4-reference and loads; the simulator with it measures the same again', async () => {
  const { result, port } = await measure(PROFILE_A);
  await port.close();
  const profile = profileFrom(result, 'board-9');
  assert.is(profile.base, 'v4-reference');
  assert.is(profile.name, 'board-9');
  const loaded = checkProfile(JSON.parse(JSON.stringify(profile)) as Record<string, unknown>, 'board-9.json');
  assert.is(loaded.gracefulOffDelay, 'sig-off-delay');
  assert.is(loaded.settingUnitMs.sigOffDelay, 500);
  assert.is(loaded.settingUnitMs.offDelay, V4_REFERENCE.settingUnitMs.offDelay, 'unmeasured: the reference value');
  assert.is(loaded.errorLog.size, 16);
  assert.equal(parseProfile(JSON.parse(JSON.stringify(profile)), 'again').notImplemented, ['GET_SIG_WIDTH']);
  const again = await measure(loaded);
  const rows = compare(again.result.findings);
  for (const f of result.findings) {
    if (f.value === undefined || f.field.startsWith('bus.reply')) continue;
    assert.equal(again.result.findings.find((g) => g.field === f.field)?.value, f.value, f.field);
  }
  assert.ok(rows.some((r) => r.field === 'errorLog.pointer' && r.verdict === 'different' && r.reference === 'next-slot'));
  await again.port.close();
});

test('v4-reference measures as "same" in every settled field; the table has the four columns', async () => {
  const { result, port } = await measure(V4_REFERENCE);
  const rows = compare(result.findings);
  assert.equal(rows.filter((r) => r.verdict !== 'same'), []);
  const lines = tableLines(rows);
  assert.match(lines[0]!, /^field\s+measured\s+v4-reference\s+same\/different$/);
  assert.ok(lines.some((l) => /^settingUnitMs\.offDelay\s+1000 ms\s+1000 ms\s+same$/.test(l)));
  assert.ok(result.boardMs > 20_000 && result.wallMs < 2000, `board ${result.boardMs} ms, wall ${result.wallMs} ms`);
  await port.close();
});

test('every setting touched is restored and the port left off', async () => {
  const { result, port } = await measure(PROFILE_B, 4);
  assert.equal(result.pending, []);
  assert.ok(result.restored.length >= 4 && result.restored.every((r) => r.ok));
  const look = await inspector(port);
  const c = look.client;
  assert.is(await look.run(c.getOffDelay(4, 0)), 30);
  assert.is(await look.run(c.getSigOffDelay(4, 0)), 30);
  assert.is(await look.run(c.getHbtTime(4, 0)), 15);
  assert.is(await look.run(c.getHbtDelay(4, 0)), 90);
  assert.is(await look.run(c.getPiPowered(4, 0)), false);
  await look.close();
  await port.close();
});

test('interrupted: stops, restores, says so', async () => {
  const port = await openBench(1);
  const controller = new AbortController();
  const result = await characterize({
    port, id: 1, signal: controller.signal,
    onNote: (text) => {
      if (text.startsWith('PI_OFF with OFF_DELAY 8')) port.clock.setTimeout(() => controller.abort('SIGINT'), 500);
    },
  });
  assert.match(result.stopped ?? '', /interrupted: SIGINT/);
  assert.equal(result.pending, []);
  const look = await inspector(port);
  assert.is(await look.run(look.client.getOffDelay(1, 0)), 30);
  assert.is(await look.run(look.client.getPiPowered(1, 0)), false);
  await look.close();
  await port.close();
});

test('a port that is on is never used; both on: refuses before any timing', async () => {
  const port = await openBench(2);
  const sim = port.sim!;
  const look = await inspector(port);
  await look.run(look.client.piOn(2, 0));
  const one = await characterize({ port, id: 2 });
  assert.is(one.pi, 1);
  await look.run(look.client.piOn(2, 0));
  await look.run(look.client.piOn(2, 1));
  const both = await characterize({ port, id: 2 });
  assert.match(both.stopped ?? '', /both Pis are powered/);
  assert.is(both.findings.some((f) => f.field === 'gracefulOffDelay'), false);
  assert.ok(sim.boards[0]!.ports.every((p) => p.getSnapshot().matches({ power: 'on' })), 'the powered ports were left alone');
  await look.close();
  await port.close();
});

test('log observation: next-slot, last-written, not logged, wrapping', () => {
  const log = (bytes: number[]) => Uint8Array.from(bytes);
  assert.is(observeLog({ log: log([0, 0, 0, 0]), pointer: 1 }, { log: log([0, 0x11, 0x12, 0]), pointer: 3 }, [0x11, 0x12]).pointer, 'next-slot');
  assert.is(observeLog({ log: log([0, 0, 0, 0]), pointer: 3 }, { log: log([0x11, 0x12, 0, 0]), pointer: 1 }, [0x11, 0x12]).pointer, 'last-written');
  assert.is(observeLog({ log: log([0, 0, 0, 0]), pointer: 3 }, { log: log([0x12, 0, 0, 0x11]), pointer: 1 }, [0x11, 0x12]).pointer, 'next-slot');
  assert.is(observeLog({ log: log([5, 5]), pointer: 1 }, { log: log([5, 5]), pointer: 1 }, [0x11]).logged, false);
  assert.is(snapMs(1003.4), 1000);
  assert.is(snapMs(487), 500);
  assert.is(snapMs(96.2), 100);
  assert.is(snapMs(7.4), 7);
});

test.run();
