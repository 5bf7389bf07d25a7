/**
 * Run a guided lesson headless in Node, in virtual time, as the page does: a Session with the
 * lesson's runner as its guide, time moved by Session.runTo (which stops exactly at each
 * pause), every callout acknowledged as Continue would. Tests and the docs' figures use it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Session } from '../Session.ts';
import { LessonRunner, type Callout } from '../lessons/LessonRunner.ts';
import { lessonFromText, type Lesson } from '../lessons/lessonFile.ts';

const LESSONS = new URL('../../fixtures/lessons/', import.meta.url);
const SCENARIOS = new URL('../../fixtures/scenarios/', import.meta.url);

/** Every scenario file's JSON by name. */
export function scenarioJsons(): Map<string, unknown> {
  return new Map(readdirSync(SCENARIOS).filter((f) => f.endsWith('.json')).map((f) => [f, JSON.parse(readFileSync(new URL(f, SCENARIOS), 'utf8')) as unknown]));
}

/** Every lesson file, parsed, in curriculum order. */
export function allLessons(): Lesson[] {
  const scenarios = scenarioJsons();
  return readdirSync(LESSONS).filter((f) => f.endsWith('.json')).sort().map((f) => lessonFromText(readFileSync(new URL(f, LESSONS), 'utf8'), f, scenarios));
}

/** What a headless run saw: each callout with the clock when the run stopped for it. */
export interface HeadlessRun {
  readonly callouts: ReadonlyArray<Callout & { readonly stoppedAt: number }>;
  readonly session: Session;
  readonly runner: LessonRunner;
}

/** Run a lesson to its end through its pauses, moving time in chunks of `chunkMs` (as frames would). */
export async function runHeadless(lesson: Lesson, chunkMs = 100_000): Promise<HeadlessRun> {
  const session = new Session({ scenario: lesson.scenario, lesson: true });
  const runner = new LessonRunner(lesson, session.sim);
  session.guide = runner;
  const callouts: Array<Callout & { stoppedAt: number }> = [];
  const end = lesson.scenario.durationMs;
  let guard = 0;
  while (session.now < end && guard++ < 10_000) {
    await session.runTo(Math.min(end, session.now + chunkMs));
    for (let c = runner.current; c; c = runner.continue()) callouts.push({ ...c, stoppedAt: session.now });
  }
  session.afterAdvance();
  return { callouts, session, runner };
}
