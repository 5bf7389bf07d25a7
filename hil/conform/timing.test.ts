/**
 * Timing in conform: a slow-replying firmware is waited for (its replies are not taken for
 * silence), and wall-clock reply times are judged as a whole: a link that delivers replies late by
 * varying amounts (a loaded host) is jitter, a firmware with another reply delay is found. Also
 * which profile fields diagnosis ranks after ASSUMED behaviour (stored-setting defaults).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { V4_REFERENCE, parseProfile } from '../../board-model/profiles.ts';
import { SINGLE_BOARD_STACK } from '../../board-model/stack.ts';
import { BYTE_TIME_9600_MS } from '../../bus-protocol/FrameParser.ts';
import { sessionExchanges } from '../session/exchanges.ts';
import type { Session } from '../session/sessionFormat.ts';
import { conformSessions } from './conform.ts';
import { loadRecording } from './loadSession.ts';
import { replyAllowanceMs } from './modelReplay.ts';
import { profileFields } from './profileFields.ts';
import { recordOnSim, type SimScript } from './testing/recordOnSim.ts';

const reference = loadRecording(new URL('../../fixtures/sessions/standin-v4-reference.jsonl', import.meta.url).pathname);

/** `session` with each reply `lateBy(i)` ms later than recorded (and everything after it moved on). */
function late(session: Session, lateBy: (i: number) => number): Session {
  let shift = 0;
  let replies = 0;
  const events = session.events.map((e) => {
    if (e.dir === 'bus') shift += lateBy(replies++);
    return { ...e, t: e.t + shift };
  });
  return { ...session, events, end: session.end && { ...session.end, t: session.end.t + shift } };
}

/** A fixed-seed stream of numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('a recording whose replies all come late by varying amounts (a loaded host) conforms: jitter, not a firmware difference', () => {
  for (const seed of [1, 2, 3]) {
    const next = random(seed);
    const jittery = late(reference, () => 25 + 100 * next());
    const { report } = conformSessions([jittery], { profile: V4_REFERENCE, stack: SINGLE_BOARD_STACK });
    assert.is(report.diverged, false, `seed ${seed}: ${report.firstDivergence?.words}`);
    assert.match(report.sessions[0]!.startingPoint.join('\n'), /link's jitter, not compared one by one/);
  }
});

test('a recording whose replies are all about 300 ms late is a slower firmware: reply time diverges, bus.replyDelayMs about 300 named', () => {
  const next = random(7);
  const slow = late(reference, () => 300 + 5 * next());
  const { report } = conformSessions([slow], { profile: V4_REFERENCE, stack: SINGLE_BOARD_STACK, shrink: true, diagnose: true });
  assert.is(report.firstDivergence?.field, 'reply time', report.firstDivergence?.words);
  assert.is(report.suspects[0]?.field, 'bus.replyDelayMs', JSON.stringify(report.suspects.slice(0, 3)));
  const value = report.suspects[0]!.value as number;
  assert.ok(value > 280 && value < 330, `replyDelayMs ${value}`);
});

test('`pistack errors` of a 16-slot board, every reply 60 ms late: the log\'s field is still named first (not hidden by the late reply), the proposed profile adds the reply delay', async () => {
  const board = parseProfile({ name: 'sixteen', errorLog: { size: 16 } }, 'sixteen');
  const errors = async ({ client }: SimScript) => {
    await client.getErrorBuffer(0);
    await client.getErrorPointer(0);
    await client.getErrorCount(0);
    await client.getSwVersion(0);
    await client.getBootCount(0);
  };
  const session = late(await recordOnSim(board, errors), () => 60);
  const { report, proposed } = conformSessions([session], { profile: V4_REFERENCE, stack: SINGLE_BOARD_STACK, diagnose: true });
  assert.is(report.firstDivergence?.field, 'log', report.firstDivergence?.words);
  assert.equal(report.suspects[0], { field: 'errorLog.size', value: 16, explains: 'shrunk session' }, JSON.stringify(report.suspects.slice(0, 3)));
  const patch = report.proposedProfile!.patch as { errorLog: unknown; bus: { replyDelayMs: number } };
  assert.equal(patch.errorLog, { size: 16 });
  assert.ok(Math.abs(patch.bus.replyDelayMs - 62) < 10, `replyDelayMs ${patch.bus.replyDelayMs}`);
  assert.is(conformSessions([session], { profile: proposed, stack: SINGLE_BOARD_STACK }).report.diverged, false);
});

test('the model waits for a slow firmware: the reply allowance covers the profile\'s longest reply delay and the recorded reply', () => {
  const exchange = sessionExchanges(reference).exchanges[0]!;
  const wire = 9 * BYTE_TIME_9600_MS;
  const recorded = exchange.replyAt! - exchange.sentAt - wire;
  assert.is(replyAllowanceMs(exchange, V4_REFERENCE, 40, wire), Math.max(40, 3 + 40, recorded + 40));
  const slow = parseProfile({ name: 'slow', bus: { replyDelayMs: 300, replyJitterMs: 5 } }, 'slow');
  assert.is(replyAllowanceMs(exchange, slow, 40, wire), 345);
  assert.is(replyAllowanceMs({ ...exchange, replyAt: exchange.sentAt + wire + 900 }, V4_REFERENCE, 40, wire), 940);
});

test('diagnosis ranks stored-setting defaults after ASSUMED behaviour: defaults.* are marked, nothing else', () => {
  const fields = profileFields(V4_REFERENCE);
  const settings = fields.filter((f) => f.setting).map((f) => f.name);
  assert.equal(settings.sort(), ['defaults.hbtDelay', 'defaults.hbtTime', 'defaults.offDelay', 'defaults.piOnStartup', 'defaults.prefix', 'defaults.sigOffDelay', 'defaults.sigWidth']);
  assert.ok(fields.some((f) => f.name === 'watchdogAction' && !f.setting));
  assert.ok(fields.some((f) => f.name === 'settingUnitMs.offDelay' && !f.setting));
});

test.run();
