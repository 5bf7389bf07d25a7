/**
 * Read-only host commands leave the board as they found it (issue 10 item 2). The exact work of
 * `status`, `errors`, `get` and `scan` (readStatus, readErrorLog, readSetting, client.scan, with
 * the client runHost makes: checkFirmware on) runs against one shared simulated stack, and the
 * board's error log, error count, pointer and boot count are compared before and after: on
 * firmware profiles v3 and v4-reference (the spec has no firmware v2) and on hardware v2 and v3
 * boards (chosen by the stack). Then the CLI itself: its recorded frames hold no command the
 * firmware lacks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inRelease, commandByCode } from '../bus-protocol/commands.ts';
import { StackClient } from '../bus-protocol/StackClient.ts';
import { V3_PROFILE, V4_REFERENCE } from '../board-model/profiles.ts';
import type { FirmwareProfile } from '../board-model/profileSchema.ts';
import { parseStack } from '../board-model/stack.ts';
import { simPort } from '../hil/ports.ts';
import { parseSession } from '../hil/session/sessionFormat.ts';
import { readErrorLog } from './errorLog.ts';
import { PI_SETTINGS, readSetting } from './settings.ts';
import { readStatus } from './statusReport.ts';
import { cli } from './testing/runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-board-safety-'));

/** A stack of two boards (IDs 3 and 5) of hardware revision `hw`. */
function stack(hw: 2 | 3) {
  return parseStack({ name: `hw${hw}`, boards: [3, 5].map((dip) => ({ dip, hardwareVersion: hw, pis: ['pi3b+', null] })) }, `hw${hw} stack`);
}

/** Open a shared stack; give board 3 some history first (two CRC errors, 0x11), as a board in the field has. */
async function shared(profile: FirmwareProfile, hw: 2 | 3) {
  const port = await simPort({ stack: stack(hw), profile, seed: 5 });
  const sent: number[] = [];
  const client = new StackClient(port.transport, {
    clock: port.clock, checkFirmware: true, onTraffic: (e) => void (e.direction === 'host' && sent.push(e.bytes[0]!)),
  });
  const badCrc = Uint8Array.of(0x02, 0x03, 0x03, 0x00);
  for (let i = 0; i < 2; i++) await port.run(client.requestRaw(badCrc));
  const board = port.sim.boardsWithId(3)[0]!;
  /** The board's own error block (RAM), not a bus read that could itself disturb it. */
  const state = () => {
    const e = board.mcu.getSnapshot().context.ram!.errors;
    return { log: [...e.log], pointer: e.pointer, errorCount: e.errorCount, bootCount: e.bootCount };
  };
  /** What the bus says of the log: GET_ERROR_BUFFER, GET_ERROR_POINTER, GET_ERROR_COUNT (all firmware v3). */
  const busView = async () => {
    const read = await port.run(readErrorLog(client, 3));
    return { log: [...read.log], pointer: read.pointer, errorCount: read.errorCount };
  };
  return { port, client, sent, state, busView };
}

const CASES: Array<[FirmwareProfile, 2 | 3]> = [[V3_PROFILE, 2], [V3_PROFILE, 3], [V4_REFERENCE, 2], [V4_REFERENCE, 3]];

for (const [profile, hw] of CASES) {
  test(`firmware ${profile.name}, hardware v${hw}: status, errors, get and scan leave the error log, count, pointer and boot count as found (v3 used to log 0x12 nine times per status)`, async () => {
    const { port, client, sent, state, busView } = await shared(profile, hw);
    try {
      const before = state();
      assert.equal(before.log.slice(0, 3), [0x0f, 0x11, 0x11], 'the history the commands must not push out');
      const busBefore = await busView();
      const status = await port.run(readStatus(client, 3));
      assert.is(status.hardwareVersion, hw);
      assert.is(status.firmwareVersion, profile.firmwareVersion);
      const errors = await port.run(readErrorLog(client, 3));
      assert.equal([errors.errorCount, errors.pointer], [before.errorCount, before.pointer]);
      assert.is(errors.bootCount, profile.release === 'v3' ? null : before.bootCount);
      for (const name of PI_SETTINGS) {
        const read = port.run(readSetting(client, name, 3, 0));
        if (inRelease('GET_SIG_WIDTH', profile.release) || (name !== 'SIG_WIDTH' && name !== 'PI_ON_STARTUP')) await read;
        else await read.then(() => assert.unreachable(`${name} on firmware v3`), (e: Error) => assert.match(e.message, /runs firmware v3, which has no/));
      }
      const scan = await port.run(client.scan({ from: 0, to: 7 }));
      assert.equal(scan.found.map((b) => [b.id, b.hardwareVersion, b.firmwareVersion, b.problems]), [[3, hw, profile.firmwareVersion, []], [5, hw, profile.firmwareVersion, []]]);
      assert.equal(state(), before, 'the board\'s error block is unchanged');
      assert.equal(await busView(), busBefore, 'and reads back the same over the bus');
      const foreign = sent.filter((code) => !inRelease(commandByCode(code)!, profile.release)).map((code) => commandByCode(code));
      assert.equal(foreign, [], 'no command the firmware lacks went out');
      if (profile.release === 'v3') assert.match(status.unavailable.join('\n'), 'GET_POWER: not in firmware v3 (added in v4.1), not sent');
    } finally {
      await port.close();
    }
  });
}

test('the CLI on a v3 board: status, errors and get send nothing the firmware lacks (recorded frames), and say so', async () => {
  for (const args of [['status'], ['errors'], ['get', 'HBT_TIME']]) {
    const file = join(dir, `${args[0]}.jsonl`);
    const r = await cli(...args, '--port', 'sim:', '--profile', 'v3', '--id', '3', '--record', file);
    assert.is(r.code, 0, `${args.join(' ')}: ${r.err}`);
    const codes = parseSession(readFileSync(file, 'utf8'), file).events.filter((e) => e.dir === 'host').map((e) => commandByCode(e.bytes[0]!)!);
    assert.ok(codes.length > 0);
    assert.equal(codes.filter((c) => !inRelease(c, 'v3')), [], `${args[0]} sent only v3 commands`);
  }
  const errors = await cli('errors', '--port', 'sim:', '--profile', 'v3', '--id', '3');
  assert.match(errors.out, /^board 3 error log: 1 entry in 32 slots, pointer 1; error count 0, boot count n\/a/);
  const file = join(dir, 'sig-width.jsonl');
  const refused = await cli('get', 'SIG_WIDTH', '--port', 'sim:', '--profile', 'v3', '--id', '3', '--record', file);
  assert.equal([refused.code, refused.out], [1, '']);
  assert.is(refused.err, 'error: board 3 runs firmware v3, which has no GET_SIG_WIDTH (added in firmware v4); not sent, so the board logs no error\n');
  assert.equal(parseSession(readFileSync(file, 'utf8'), file).events.filter((e) => e.dir === 'host').map((e) => e.bytes[0]), [0x02], 'only GET_SW_VERSION');
});

test('a firmware that reports v4 but refuses a v4.1 command (0x15): status and errors show it as unavailable, not a failure', async () => {
  const profile = join(dir, 'partial-v4.json');
  writeFileSync(profile, JSON.stringify({ base: 'v4-reference', notImplemented: ['GET_POWER', 'GET_BOOT_COUNT'] }));
  const status = await cli('status', '--port', 'sim:', '--profile', profile, '--id', '3');
  assert.is(status.code, 0, status.err);
  assert.match(status.out, /not available from this firmware: GET_POWER: board 3 answered GET_POWER with error 0x15/);
  const errors = await cli('errors', '--port', 'sim:', '--profile', profile, '--id', '3', '--json');
  assert.is(errors.code, 0, errors.err);
  assert.is((JSON.parse(errors.out) as { bootCount: number | null }).bootCount, null);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
