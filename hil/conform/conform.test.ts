/**
 * The conformance loop against "real board" stand-ins in virtual time: for each of nine
 * ASSUMED fields, a session of ordinary host commands recorded on a stack whose profile differs
 * in that field must diverge from v4-reference, shrink to a handful of exchanges, name that field
 * first among the suspects, and yield a proposed profile under which it conforms; the same
 * commands recorded on v4-reference itself must conform.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { V4_REFERENCE, parseProfile } from '../../board-model/profiles.ts';
import { sessionExchanges } from '../session/exchanges.ts';
import { formatSession, parseSession } from '../session/sessionFormat.ts';
import { conformSessions } from './conform.ts';
import { recordOnSim } from './testing/recordOnSim.ts';
import { STAND_INS } from './testing/standIns.ts';

/** At most this many exchanges after shrinking ("a handful"). */
const HANDFUL = 6;

for (const standIn of STAND_INS) {
  test(`a board differing in ${standIn.field}: divergence found, shrunk, field named first, patch proposed`, async () => {
    const board = parseProfile({ ...standIn.patch, name: `stand-in ${standIn.field}` }, standIn.field);
    const session = await recordOnSim(board, standIn.script, undefined, `${standIn.field}.jsonl`);
    const { report, shrunkSession, proposed } = conformSessions([session], { shrink: true, diagnose: true });
    assert.ok(report.diverged, 'diverges from v4-reference');
    assert.ok(report.firstDivergence!.words.startsWith(`exchange #${report.firstDivergence!.exchange} `), report.firstDivergence!.words);
    assert.ok(report.shrunk!.exchanges <= HANDFUL, `shrunk to ${report.shrunk!.exchanges} exchanges`);
    assert.ok(report.shrunk!.exchanges < report.shrunk!.originalExchanges);
    assert.is(report.suspects[0]?.field, standIn.field, JSON.stringify(report.suspects.slice(0, 3)));
    assert.is(report.suspects[0]!.explains, 'all sessions');
    assert.ok(proposed, `a proposed profile (${report.diagnosis?.unexplained})`);
    assert.is(conformSessions([session], { profile: proposed }).report.diverged, false, 'conforms under the proposed profile');
    // The shrunk session is a session file that still diverges the same way.
    const reread = parseSession(formatSession(shrunkSession!), 'shrunk.jsonl');
    const again = conformSessions([reread]).report;
    assert.is(again.firstDivergence?.command, report.firstDivergence!.command);
    assert.is(again.firstDivergence?.field, report.firstDivergence!.field);
    assert.is(sessionExchanges(reread).exchanges.length, report.shrunk!.exchanges);
  });
}

test('the same host commands recorded on v4-reference conform (no false alarm)', async () => {
  const scripts = [...new Set(STAND_INS.map((s) => s.script))];
  for (const script of scripts) {
    const session = await recordOnSim(V4_REFERENCE, script);
    const { report } = conformSessions([session], { shrink: true, diagnose: true });
    assert.is(report.diverged, false, report.firstDivergence?.words);
    assert.is(report.shrunk, null);
    assert.is(report.proposedProfile, null);
  }
});

test.run();
