/**
 * The conformance loop against the "real board" stand-ins (hil/standins/standins.ts, the same
 * profiles and host-command sequences as fixtures/sessions/), recorded here on `sim:` in virtual
 * time: each stand-in's session must diverge from v4-reference, shrink to a handful of exchanges,
 * name its field first among the suspects, and yield a proposed profile under which it conforms;
 * the shrunk session is a session file that diverges the same way; every sequence recorded on
 * v4-reference itself conforms. (fixtureSessions.test.ts does the same over the PTY recordings.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { V4_REFERENCE, parseProfile } from '../../board-model/profiles.ts';
import { SINGLE_BOARD_STACK } from '../../board-model/stack.ts';
import { sessionExchanges } from '../session/exchanges.ts';
import { formatSession, parseSession } from '../session/sessionFormat.ts';
import { recordOnSimStack } from '../standins/recordSequence.ts';
import { STANDINS, standinProfileJson } from '../standins/standins.ts';
import { conformSessions } from './conform.ts';

/** At most this many exchanges after shrinking ("a handful"). */
const HANDFUL = 6;
const model = { profile: V4_REFERENCE, stack: SINGLE_BOARD_STACK };

for (const standIn of STANDINS.filter((s) => s.field !== undefined)) {
  test(`a board differing in ${standIn.field}: divergence found, shrunk, field named first, patch proposed`, async () => {
    const board = parseProfile(standinProfileJson(standIn), standIn.name);
    const session = await recordOnSimStack(standIn, board);
    const { report, shrunkSession, proposed } = conformSessions([session], { ...model, shrink: true, diagnose: true });
    assert.ok(report.diverged, 'diverges from v4-reference');
    assert.ok(report.firstDivergence!.words.startsWith(`exchange #${report.firstDivergence!.exchange} `), report.firstDivergence!.words);
    assert.ok(report.firstDivergence!.request.startsWith(standIn.firstDiffers!), report.firstDivergence!.words);
    assert.ok(report.shrunk!.exchanges <= HANDFUL, `shrunk to ${report.shrunk!.exchanges} exchanges`);
    assert.ok(report.shrunk!.exchanges < report.shrunk!.originalExchanges);
    assert.is(report.suspects[0]?.field, standIn.field, JSON.stringify(report.suspects.slice(0, 3)));
    assert.is(report.suspects[0]!.explains, 'all sessions');
    assert.ok(proposed, `a proposed profile (${report.diagnosis?.unexplained})`);
    assert.is(conformSessions([session], { ...model, profile: proposed }).report.diverged, false, 'conforms under the proposed profile');
    // The shrunk session is a session file that still diverges the same way.
    const reread = parseSession(formatSession(shrunkSession!), 'shrunk.jsonl');
    const again = conformSessions([reread], model).report;
    assert.is(again.firstDivergence?.command, report.firstDivergence!.command);
    assert.is(again.firstDivergence?.field, report.firstDivergence!.field);
    assert.is(sessionExchanges(reread).exchanges.length, report.shrunk!.exchanges);
  });
}

test('every stand-in sequence recorded on v4-reference conforms (no false alarm)', async () => {
  for (const standIn of STANDINS) {
    const session = await recordOnSimStack(standIn, V4_REFERENCE);
    const { report } = conformSessions([session], { ...model, shrink: true, diagnose: true });
    assert.is(report.diverged, false, `${standIn.name}: ${report.firstDivergence?.words}`);
    assert.is(report.shrunk, null);
    assert.is(report.proposedProfile, null);
  }
});

test.run();
