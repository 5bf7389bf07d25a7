/**
 * What conform reads and where the model starts: a fuzz regression file is a recording like any
 * other (the broken board behind fixtures/regressions/example-crc-skipped-model.json is diagnosed:
 * its CRC check is missing); firmware 3 starts from v3; a header's boards are used as given; a
 * file that is no recording is a ConformInputError naming it; two fields off at once are found
 * as a pair.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { V3_PROFILE, V4_REFERENCE, parseProfile } from '../../board-model/profiles.ts';
import { sessionExchanges } from '../session/exchanges.ts';
import { conformSessions, profilePatch } from './conform.ts';
import { loadRecording } from './loadSession.ts';
import { ConformInputError, closestBuiltin, startingPoint } from './startingPoint.ts';
import { recordOnSim } from './testing/recordOnSim.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-conform-inputs-'));

test('a fuzz regression file is read as its session; the board that skips the CRC check is diagnosed', () => {
  const session = loadRecording('fixtures/regressions/example-crc-skipped-model.json');
  assert.is(session.header.format, 'pistack-session');
  const { report, proposed } = conformSessions([session], { profile: V4_REFERENCE, diagnose: true });
  assert.ok(report.diverged);
  assert.is(report.suspects[0]?.field, 'bus.checkOrder');
  assert.not.ok(proposed!.bus.checkOrder.includes('crc'), 'the proposed board checks no CRC');
});

test('a firmware 3 session starts from v3; a header listing boards is used as given', async () => {
  const session = await recordOnSim(V3_PROFILE, async ({ client }) => void (await client.getSwVersion(0)));
  const start = startingPoint(session, sessionExchanges(session).exchanges);
  assert.is(start.setup.profile.name, 'v3');
  assert.is(start.base, 'v3');
  const withBoards = { ...session, header: { ...session.header, stack: { boards: [{ id: 0, pis: [null, 'pi4'] as [string | null, string | null] }, { id: 0x12 }] } } };
  const boards = startingPoint(withBoards, sessionExchanges(withBoards).exchanges).setup.stack.boards;
  assert.equal(boards.map((b) => [b.prefix, b.dip, b.pis[0], b.pis[1]?.model]), [[0, 0, null, 'pi4'], [0x10, 2, { model: 'pi3b+', daemon: true }, 'pi3b+']]);
});

test('profile patches are the smallest difference over the closest builtin', () => {
  assert.is(closestBuiltin({ ...V3_PROFILE, name: 'mine' }), 'v3');
  assert.equal(profilePatch({ ...V4_REFERENCE, name: 'x', cycleOffTimeMs: 2000 }, 'v4-reference'), { base: 'v4-reference', cycleOffTimeMs: 2000 });
});

test('two fields off at once: no single field explains it, the pair does (bounded pair search)', async () => {
  const board = parseProfile({ name: 'two fields', errorLog: { size: 16, unusedSlot: 0xff } }, 'two fields');
  const session = await recordOnSim(board, async ({ client }) => {
    await client.getSwVersion(0);
    await client.clearErrorBuffer(0);
    await client.getErrorBuffer(0);
  });
  const { report, proposed } = conformSessions([session], { diagnose: true });
  assert.ok(report.diagnosis!.pairs, 'pairs were tried');
  assert.equal(report.suspects[0], { field: 'errorLog.size + errorLog.unusedSlot', value: { 'errorLog.size': 16, 'errorLog.unusedSlot': 255 }, explains: 'all sessions' });
  assert.equal(proposed!.errorLog.size, 16);
  assert.is(conformSessions([session], { profile: proposed }).report.diverged, false);
});

test('a file that is no recording is a ConformInputError naming it', () => {
  const path = join(dir, 'profile.json');
  writeFileSync(path, JSON.stringify({ base: 'v4-reference' }));
  assert.throws(() => loadRecording(path), (e: unknown) => e instanceof ConformInputError && /profile\.json: line 1: expected the session header/.test((e as Error).message));
  assert.throws(() => loadRecording(join(dir, 'none.jsonl')), /none\.jsonl: cannot read: no such file/);
});

test.run();
