/**
 * Recording the stand-ins (recordAll.ts) with a `sim:` opener in virtual time instead of a served
 * PTY: files and profiles written, the summary, existing files refused before anything is
 * recorded (and replaced with --overwrite), unknown names, and a take that does not replay on its
 * own profile recorded again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { profileFromText, V4_REFERENCE } from '../../board-model/profiles.ts';
import { SINGLE_BOARD_STACK } from '../../board-model/stack.ts';
import { simPort } from '../ports.ts';
import { recordStandins, type ServedOpener } from './recordAll.ts';
import { STANDIN_TOLERANCE_FILE } from './standins.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/sessions/', import.meta.url));

/** A sim: stack running the profile file; `wrongFirst` serves v4-reference on the first call (a bad take). */
function simOpener(wrongFirst = false): ServedOpener & { calls: number } {
  const open = Object.assign(async (profileFile: string) => {
    open.calls++;
    const profile = wrongFirst && open.calls === 1 ? V4_REFERENCE : profileFromText(readFileSync(profileFile, 'utf8'), profileFile);
    const port = await simPort({ stack: SINGLE_BOARD_STACK, profile });
    return { port, portName: 'sim:', stop: () => port.close() };
  }, { calls: 0 });
  return open;
}

/** The message a promise rejects with ('' when it resolves). */
async function rejection(p: Promise<unknown>): Promise<string> {
  return p.then(() => '', (e: unknown) => (e instanceof Error ? e.message : String(e)));
}

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pistack-record-'));
  copyFileSync(join(FIXTURES, STANDIN_TOLERANCE_FILE), join(dir, STANDIN_TOLERANCE_FILE));
  return dir;
}

test('records the chosen stand-ins with their profile files and says what a replay against v4-reference reports', async () => {
  const dir = folder();
  try {
    const lines: string[] = [];
    await recordStandins({ dir, names: ['check-order', 'v4-reference'], overwrite: false, attempts: 1, open: simOpener(), log: (l) => lines.push(l) });
    assert.is(lines.length, 2);
    assert.match(lines[0]!, /^v4-reference: 22 exchanges, attempt 1; against its own profile 0 mismatched; against v4-reference 0 mismatched$/);
    assert.match(lines[1]!, /^check-order: 5 exchanges, attempt 1; against its own profile 0 mismatched; against v4-reference 2 mismatched; first #3 bad request: .*error code recorded 0x12/);
    assert.ok(existsSync(join(dir, 'standin-check-order.jsonl')));
    assert.match(readFileSync(join(dir, 'standin-check-order.profile.json'), 'utf8'), /"description": "STAND-IN, not a real board: v4-reference with bus\.checkOrder = /);
    const refused = simOpener();
    assert.match(await rejection(recordStandins({ dir, names: ['check-order'], overwrite: false, attempts: 1, open: refused, log: () => undefined })), /"session": .*standin-check-order\.jsonl exists; pass --overwrite to replace it/);
    assert.is(refused.calls, 0, 'refused before anything was served');
    await recordStandins({ dir, names: ['check-order'], overwrite: true, attempts: 1, open: simOpener(), log: () => undefined });
    assert.match(await rejection(recordStandins({ dir, names: ['nope'], overwrite: true, attempts: 1, open: simOpener(), log: () => undefined })), /"--only": unknown stand-in nope \(known: v4-reference, /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a take that does not replay on its own profile is recorded again; the summary says why', async () => {
  const dir = folder();
  try {
    const lines: string[] = [];
    const open = simOpener(true);
    await recordStandins({ dir, names: ['error-log-pointer'], overwrite: false, attempts: 3, open, log: (l) => lines.push(l) });
    assert.is(open.calls, 2);
    assert.match(lines[0]!, /^error-log-pointer: 6 exchanges, attempt 2; against its own profile 0 mismatched; against v4-reference 3 mismatched/);
    assert.match(lines[0]!, /\n {2}re-recorded after attempt 1: 3 mismatched on its own profile; first #1 GET_ERROR_POINTER to 0: pointer recorded 1, now 0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
