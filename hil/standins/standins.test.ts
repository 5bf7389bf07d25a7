/**
 * The stand-in sessions of fixtures/sessions/ (issue 12 item 3), in virtual time (no PTY):
 * - each stand-in's sequence, recorded on `sim:` running its profile, differs from v4-reference
 *   (replay reports a mismatch, first at the expected exchange) and replays cleanly on its own
 *   profile, so the sequence really shows the field and nothing else;
 * - each committed recording (made over a served PTY by recordStandins.ts) does the same: a
 *   mismatch against v4-reference, none against the profile file saved beside it; and the
 *   v4-reference recording matches v4-reference (no false alarm under the PTY's timing).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseProfile, profileFromText, V4_REFERENCE } from '../../board-model/profiles.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import type { ModelReplayResult } from '../session/modelReplay.ts';
import { sessionExchanges } from '../session/exchanges.ts';
import { parseSession, type Session } from '../session/sessionFormat.ts';
import { recordOnSimStack, replayStandin, standinTolerance } from './recordSequence.ts';
import { STANDINS, standinProfileJson, type Standin } from './standins.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/sessions/', import.meta.url));
const tolerance = standinTolerance(FIXTURES);

function profileOf(s: Standin): FirmwareProfile {
  return parseProfile(standinProfileJson(s), `standin ${s.name}`);
}

function firstMismatch(r: ModelReplayResult): string {
  const m = r.results.find((x) => x.diffs.length > 0);
  return m === undefined ? '(none)' : `#${m.exchange.index} ${m.exchange.label}: ${m.diffs.map((d) => `${d.field} recorded ${d.recorded}, now ${d.now}`).join('; ')}`;
}

/** Against v4-reference: the reference session matches; every other one mismatches first where expected. Against its own profile: no mismatch. */
async function checkSession(s: Standin, session: Session, own: FirmwareProfile): Promise<void> {
  const onOwn = await replayStandin(session, own, tolerance);
  assert.is(onOwn.aborted, undefined);
  assert.is(onOwn.mismatched, 0, `${s.name} replays on its own profile: ${firstMismatch(onOwn)}`);
  const onReference = await replayStandin(session, V4_REFERENCE, tolerance);
  assert.is(onReference.results.length, onReference.exchanges, 'every exchange replayed');
  if (s.firstDiffers === undefined) {
    assert.is(onReference.mismatched, 0, `${s.name} matches v4-reference: ${firstMismatch(onReference)}`);
    return;
  }
  assert.ok(onReference.mismatched > 0, `${s.name} (${s.field} = ${s.value}) differs from v4-reference`);
  const first = firstMismatch(onReference);
  assert.ok(first.split(': ')[0]!.includes(s.firstDiffers), `${s.name}: first mismatch at ${s.firstDiffers}, got ${first}`);
}

test('at least eight ASSUMED fields have a stand-in, each a different field, plus v4-reference', () => {
  const fields = STANDINS.map((s) => s.field).filter((f) => f !== undefined);
  assert.ok(fields.length >= 8, `${fields.length} fields`);
  assert.is(new Set(fields).size, fields.length);
  assert.is(STANDINS.filter((s) => s.field === undefined).length, 1);
  for (const s of STANDINS) profileOf(s); // every patch is a valid profile
});

/** The stand-in's sequence recorded on sim: running its profile, in virtual time. */
const simRecording = (s: Standin): Promise<Session> => recordOnSimStack(s, profileOf(s));

const labels = (session: Session): string[] => sessionExchanges(session).exchanges.map((e) => e.label);

for (const s of STANDINS) {
  test(`sequence ${s.name}: recorded on sim: with ${s.field ?? 'v4-reference'} = ${s.value}, ${s.firstDiffers ? 'differs from' : 'matches'} v4-reference`, async () => {
    const session = await simRecording(s);
    assert.ok(session.complete);
    assert.ok(session.events.length <= 60, `short: ${session.events.length} events`);
    await checkSession(s, session, profileOf(s));
  });
}

for (const s of STANDINS) {
  test(`fixtures/sessions/standin-${s.name}.jsonl (recorded over a served PTY) ${s.firstDiffers ? 'differs from' : 'matches'} v4-reference and matches its profile file`, async () => {
    const file = join(FIXTURES, `standin-${s.name}.jsonl`);
    const profileFile = join(FIXTURES, `standin-${s.name}.profile.json`);
    assert.ok(existsSync(file), `${file} exists (record it: npx tsx hil/standins/recordStandins.ts)`);
    const session = parseSession(readFileSync(file, 'utf8'), file);
    assert.ok(session.complete, 'the recording has its end trailer');
    assert.is.not(session.header.port, 'sim:', 'recorded over a real serial port (the PTY)');
    const own = profileFromText(readFileSync(profileFile, 'utf8'), profileFile);
    assert.equal({ ...own, name: '' }, { ...profileOf(s), name: '' }, 'the profile file beside it is the stand-in profile');
    assert.equal(labels(session), labels(await simRecording(s)), 'the recording sends what the stand-in\'s sequence sends (re-record it after changing the sequence)');
    await checkSession(s, session, own);
  });
}

test.run();
