/**
 * Guided lessons run headless on the page's Session in virtual time: each lesson's pauses come
 * in the expected order, time stops at the exact virtual time of each key event (whatever the
 * step size, so 1000x skips nothing), the callouts carry the live numbers, and the script's
 * checks still pass. Exercises pass and fail on what the student's own commands caused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Session } from '../Session.ts';
import { allLessons, runHeadless } from '../testing/lessonHeadless.ts';
import { judgeExercise } from './exercise.ts';
import { LessonRunner } from './LessonRunner.ts';
import type { Lesson } from './lessonFile.ts';

const lessons = allLessons();
const byFile = (prefix: string): Lesson => lessons.find((l) => l.file.startsWith(prefix))!;

/** Per lesson: what each callout must say, in order (the live numbers). */
const EXPECTED: Record<string, RegExp[]> = {
  '01': [/^PI_ON arrived at 1\.016 s: .*Pi 1's load switch and the port now reads 5\.\d\d V/, /^PI_FORCE_OFF arrived at 20\.005 s, only 18\.989 s after power-on: .*Pi 1 lost power while booting/,
    /^Pi 0 finished booting at 26\.005 s, 25 s after/, /^At 60\.005 s PI_FORCE_OFF cut Pi 0 too \(cause: force\)/],
  '02': [/first heartbeat at 26\.005 s, 25 s after power-on.*HBT_TIME \(15 s\)/, /^Pi 0 crashed at 60 s\. Its last heartbeat was at 57\.205 s/,
    /^The watchdog fired 15 s after the last heartbeat at 57\.205 s: HBT_TIME is 15 s\. It fired 12\.205 s after the crash\.$/,
    /for 5 s .*back on at 77\.205 s/, /^Power is back at 77\.205 s\..*HBT_DELAY \(90 s\)/, /heartbeats again at 102\.205 s/],
  '03': [/^Power on at 1\.005 s\..*due by 91\.005 s \(HBT_DELAY 90 s\)/, /fired 90 s after power-on \(HBT_DELAY is 90 s; heartbeats so far: 0\)/,
    /^Power is back at 96\.005 s, 5 s after the cut: a new grace period, due by 186\.005 s/, /fired 90 s after power-on/],
  '04': [/^PI_OFF arrived at 60\.005 s: .*SIG_WIDTH \(0\.2 s\)\. It will remove power at 90\.005 s \(OFF_DELAY 30 s/, /^Pi 0 halted at 68\.005 s, 8 s after the pulse/,
    /^Power removed at 90\.005 s, 30 s after the pulse \(cause: graceful\)/],
  '05': [/^At 60 s Pi 0 pulled .* cut power at 80 s \(SIG_OFF_DELAY 20 s\)/, /^Pi 0 halted at 68 s, 8 s after its request/, /^Power removed at 80 s, 20 s after the request \(cause: pi-initiated\)/],
  '06': [/^Pi 1 shorted at 60 s: the load \(6\.\d\d A\) is above the regulator's 5\.0 A limit, so the shared 5 V rail collapsed to 0\.00 V\. Pi 0's port now reads 0\.00 V/,
    /Pi 0 lost power while running/, /retries every 1 s, and this retry at 63 s held: the rail is back at 5\.\d\d V/, /^Pi 0 booted again at 88 s/],
  '07': [/^At 60 s the input fell to 5\.00 V, below the regulator's UVLO \(6\.0 V\): the 5 V rail is off, at 0\.00 V/, /lost power at 60 s/, /Pi 0 booted again at 87 s/,
    /^At 120 s the input is down to 3\.50 V/, /MCU booted at 122 s \(boot count 2\)/],
  '08': [/^Board 0 answered PI_ON with error 0x14 at 1\.01\d s/, /^Nobody answered GET_SW_VERSION to ID 9: no board has ID 0x09/, /^GET_ERROR_COUNT answered at 5\.01\d s/],
  '09': [/^At 5 s board 1/, /^Collision at 6\.01\d? s \(number 1\).*ID 0/, /^Collision at 6\.01\d? s \(number 2\)/, /no clean reply to GET_SW_VERSION: 2 boards answer to 0x00/],
  '10': [/HBT_DELAY set to 20 s, .*fired 20 s after power-on/, /^At 30 s the MCU booted, found the config block's CRC wrong .*HBT_DELAY is now 90 s/, /waited the default 90 s: it fired 90 s after power-on/],
  '11': [/^At 41\.006 s the board lost its input in the middle of writing its config block/, /Pi 0 lost power with the board, while running/, /never got its reply: the board's MCU had no power/,
    /MCU booted again at 41\.106 s \(boot count 2\)/],
};

for (const lesson of lessons) {
  test(`${lesson.file}: pauses in order at the exact event times, callouts with the live numbers, the script's checks pass`, async () => {
    const expected = EXPECTED[lesson.file.slice(0, 2)];
    assert.ok(expected, `expectations written for ${lesson.file}`);
    const { callouts, session, runner } = await runHeadless(lesson);
    assert.equal(callouts.map((c) => c.text).length, expected!.length, callouts.map((c) => c.text).join('\n'));
    callouts.forEach((c, i) => {
      assert.match(c.text, expected![i]!);
      assert.not.match(c.text, /\?|undefined|NaN/, c.text);
      // A collision is logged at the end of the garbled transmission, once the bus has seen it: the run stops then.
      if (c.event.type === 'collision') assert.ok(c.stoppedAt >= c.t && c.stoppedAt - c.t < 5, `${c.stoppedAt} vs ${c.t}`);
      else assert.is(c.stoppedAt, c.t, `${lesson.file} pause ${i} stopped at the event's time`);
    });
    assert.equal(callouts.map((c) => c.t), [...callouts.map((c) => c.t)].sort((a, b) => a - b), 'in time order');
    assert.equal(runner.history.map((c) => c.text), callouts.map((c) => c.text));
    assert.ok(session.verdicts!.every((v) => v.passed), session.verdicts!.filter((v) => !v.passed).map((v) => v.message).join('\n'));
    assert.is(runner.watching, false);
    runner.dispose();
    session.dispose();
  });
}

test('the step size does not matter: 1 s steps and one 10-minute step stop at the same moments', async () => {
  const lesson = byFile('02');
  const small = await runHeadless(lesson, 1000);
  const big = await runHeadless(lesson, 600_000);
  assert.equal(small.callouts.map((c) => [c.stoppedAt, c.text]), big.callouts.map((c) => [c.stoppedAt, c.text]));
  assert.equal(small.runner.steps, [{ t: 1000, label: 'PI_ON to board 0 Pi 0' }, { t: 60_000, label: 'crash on board 0 Pi 0' }]);
});

test('while a callout waits, time does not move; Continue goes to the next of the same moment, then lets time run', async () => {
  const lesson = byFile('02');
  const session = new Session({ scenario: lesson.scenario, lesson: true });
  const runner = new LessonRunner(lesson, session.sim);
  session.guide = runner;
  assert.is(await session.runTo(120_000), true);
  assert.is(session.now, runner.current!.t);
  assert.is(await session.runTo(120_000), true, 'still halted');
  await session.runTo(70_000);
  assert.is(runner.continue(), undefined);
  assert.is(await session.runTo(70_000), true, 'the crash pause at 60 s');
  assert.is(session.now, 60_000);
  runner.continue();
  assert.is(await session.runTo(72_205.20833333333), true);
  assert.match(runner.current!.text, /^The watchdog fired/);
  assert.match(runner.continue()!.text, /^The board cuts Pi 0's power/, 'same instant: the power cycle waits next');
  assert.is(session.now, 72_205.20833333333);
  assert.is(runner.continue(), undefined);
  assert.is(runner.halted, false);
  runner.dispose();
  session.dispose();
});

test('without a guide, or once no pause can come, runTo runs straight to the target', async () => {
  const lesson = byFile('05');
  const session = new Session({ scenario: lesson.scenario, lesson: true });
  assert.is(await session.runTo(90_000), false);
  assert.is(session.now, 90_000);
  session.dispose();
});

test('the prediction: a choice is right or wrong; a typed answer is kept for the student to compare', () => {
  const lesson = byFile('02');
  const session = new Session({ scenario: lesson.scenario, lesson: true });
  const runner = new LessonRunner(lesson, session.sim);
  assert.is(runner.prediction, undefined);
  runner.predict('At once, at 60 s');
  assert.equal(runner.prediction, { given: 'At once, at 60 s', correct: false });
  runner.predict(lesson.prediction.answer);
  assert.is(runner.prediction!.correct, true);
  runner.predict('   ');
  assert.is(runner.prediction, undefined);
  const typed = new LessonRunner({ ...lesson, prediction: { question: 'q', answer: 'a', explanation: 'e' } }, session.sim);
  typed.predict('about 72 s');
  assert.equal(typed.prediction, { given: 'about 72 s', correct: undefined });
  runner.dispose();
  typed.dispose();
  session.dispose();
});

/** Run an exercise with the student's commands at given times; the verdict in plain words. */
async function exercise(prefix: string, commands: Array<[number, Parameters<Session['send']>]>) {
  const ex = byFile(prefix).exercise!;
  const session = new Session({ scenario: ex.scenario, lesson: true });
  for (const [at, [command, id, args]] of commands) {
    await session.sim.runUntil(at);
    await session.sim.settle(session.send(command, id, args));
  }
  await session.runTo(ex.scenario.durationMs);
  session.afterAdvance();
  const verdict = judgeExercise(ex, session.verdicts!);
  session.dispose();
  return verdict;
}

test('exercise of PI_OFF: OFF_DELAY long enough passes; the default 30 s cuts the slow Pi and fails, saying why', async () => {
  const pass = await exercise('04', [[5000, ['SET_OFF_DELAY', 0, { pi: 0, value: 50 }]], [30_000, ['PI_OFF', 0, { pi: 0 }]]]);
  assert.is(pass.passed, true, pass.details.join('\n'));
  assert.equal(pass.reasons, ['Safe: Pi 0 halted before the board removed its power.']);
  const fail = await exercise('04', [[30_000, ['PI_OFF', 0, { pi: 0 }]]]);
  assert.is(fail.passed, false);
  assert.match(fail.reasons.join(' '), /^Pi 0 lost power at 60\.005 s while still shutting down: OFF_DELAY was shorter than its 45 s shutdown\./);
  assert.match(fail.reasons.join(' '), /never finished shutting down/);
  const idle = await exercise('04', []);
  assert.match(idle.reasons[0]!, /^The board never pulsed Pi 0's signal line: send PI_OFF/);
  assert.ok(idle.details.some((d) => d.startsWith('✗ expected shutdown-signal')));
});

test('exercise of the watchdog: HBT_TIME 8 passes, 5 fires while healthy, untouched is too slow', async () => {
  const pass = await exercise('02', [[10_000, ['SET_HBT_TIME', 0, { pi: 0, value: 8 }]]]);
  assert.is(pass.passed, true, pass.details.join('\n'));
  const short = await exercise('02', [[10_000, ['SET_HBT_TIME', 0, { pi: 0, value: 5 }]]]);
  assert.is(short.passed, false);
  assert.match(short.reasons[0]!, /^The watchdog fired at 31\.005 s, .*while Pi 0 was still healthy/);
  const slow = await exercise('02', []);
  assert.match(slow.reasons.join(' '), /did not fire within 10 s of the last heartbeat/);
});

test('a failed check without plain words still says something', () => {
  const ex = byFile('04').exercise!;
  const verdict = judgeExercise({ ...ex, checks: [] }, [{ expectation: ex.scenario.expect[0]!, passed: false, count: 0, times: [], message: 'expected x; happened never' }]);
  assert.equal(verdict.reasons, ['A check without plain words failed: see the details.']);
  assert.equal(verdict.details, ['✗ expected x; happened never']);
});

test.run();
