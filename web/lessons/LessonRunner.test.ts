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
import { EXPECTED } from '../testing/lessonCallouts.ts';
import { judgeExercise } from './exercise.ts';
import { LessonRunner } from './LessonRunner.ts';
import type { Lesson } from './lessonFile.ts';

const lessons = allLessons();
const byFile = (prefix: string): Lesson => lessons.find((l) => l.file.startsWith(prefix))!;


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
