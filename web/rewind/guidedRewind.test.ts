/**
 * Rewind and undo inside a guided lesson (regression: the replayed session ran without the
 * lesson's guide, so its automatic pauses were gone): the rebuilt session gets a new runner, the
 * pauses before the target time are passed (in the history, not shown again), a pause at the
 * target time itself still waits, and every later pause stops time again with the same callout
 * as the first run.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Callout } from '../lessons/LessonRunner.ts';
import { LessonRunner } from '../lessons/LessonRunner.ts';
import type { Session } from '../Session.ts';
import { allLessons } from '../testing/lessonHeadless.ts';
import { TestHost } from '../testing/rewindHost.ts';
import { Rewinder, type Start } from './Rewinder.ts';

const lesson = allLessons().find((l) => l.file.startsWith('02-'))!;
const start: Start = { scenario: lesson.scenario, lesson: true, lessonFile: lesson.scenarioFile, guided: { file: lesson.file, exercise: false } };
const runners = new WeakMap<Session, LessonRunner>();

/** The page's part of a guided rebuild, in Node: every session built gets the lesson's runner; a replay catches it up. */
class GuidedHost extends TestHost {
  override build(s: Start): Session {
    const session = super.build(s);
    const runner = new LessonRunner(lesson, session.sim);
    session.guide = runner;
    runners.set(session, runner);
    return session;
  }

  replayed(session: Session, t: number): void {
    runners.get(session)!.catchUp(t);
  }

  get runner(): LessonRunner {
    return runners.get(this.session)!;
  }

  /** Run to `t` (ms) as the page does, stopping at each pause and pressing Continue; returns the callouts met. */
  async runThroughPauses(t: number): Promise<Callout[]> {
    const seen: Callout[] = [];
    for (let guard = 0; this.session.now < t && guard < 100; guard++) {
      await this.exclusive(async () => {
        await this.session.runTo(t);
        this.session.afterAdvance();
      });
      for (let c = this.runner.current; c; c = this.runner.continue()) seen.push(c);
    }
    return seen;
  }
}

const text = (c: Callout): string => `${c.t} ${c.text}`;

test('a guided lesson rewound to 65 s: the pauses before are passed, the later ones stop time again with the same callouts', async () => {
  const host = new GuidedHost(start);
  const rewinder = new Rewinder(host, start);
  const first = await host.runThroughPauses(110_000);
  assert.is(first.length, 6, first.map(text).join('\n'));
  const before = first.filter((c) => c.t < 65_000);
  assert.is(before.length, 2, 'the first heartbeat and the crash');

  await rewinder.rewindTo(65_000);
  assert.is(host.session.now, 65_000);
  assert.ok(host.session.guide === host.runner, 'the rebuilt session has its own guide');
  assert.is(host.runner.halted, false, 'nothing waits at 65 s');
  assert.equal(host.runner.history.map((c) => c.t), before.map((c) => c.t), 'passed pauses are in the history');
  const again = await host.runThroughPauses(110_000);
  assert.equal(again.map(text), first.slice(2).map(text));
});

test('rewound to the exact moment of a pause, its callout waits again; undo keeps the guide too', async () => {
  const host = new GuidedHost(start);
  const rewinder = new Rewinder(host, start);
  const first = await host.runThroughPauses(110_000);
  const watchdog = first[2]!;
  assert.match(watchdog.text, /^The watchdog fired 15 s after the last heartbeat/);

  await rewinder.rewindTo(watchdog.t);
  assert.is(host.runner.halted, true);
  assert.equal(host.runner.current && text(host.runner.current), text(watchdog));
  assert.is(host.runner.history.length, 2);

  // An input and its undo at 30 s: the session is rebuilt twice, and the pauses after 30 s still come.
  await rewinder.rewindTo(30_000);
  const sent = rewinder.record({ kind: 'host', command: 'GET_VIN', id: 0, args: {} });
  await host.runThroughPauses(31_000); // the reply comes as time runs
  assert.is((await sent)?.outcome.kind, 'reply');
  assert.is(rewinder.inputs.length, 1);
  await rewinder.undoLast();
  assert.is(rewinder.inputs.length, 0);
  assert.ok(host.session.guide === host.runner);
  assert.equal((await host.runThroughPauses(110_000)).map(text), first.slice(1).map(text));
});

test.run();
