/// <reference lib="dom" />
/**
 * Lessons: the scenarios of fixtures/scenarios, each with its name and description and a
 * button that loads it (a new stack, its steps scheduled from time 0). When its duration has
 * run, time stops and its expectations' verdicts are shown.
 */
import { formatDuration } from '../board-model/duration.ts';
import type { ExpectationResult } from '../board-model/sim/expectations.ts';
import { h, panel, setText } from './dom.ts';
import { firstSentence, formatClock } from './format.ts';
import type { Session } from './Session.ts';
import type { VizLesson } from './vizData.ts';

/** The lessons panel. */
export class LessonsPanel {
  readonly el: HTMLElement;
  private readonly current = h('p', { class: 'status', role: 'status', id: 'lesson-status' });
  private readonly verdicts = h('div', { class: 'verdicts', id: 'lesson-verdicts' });
  private session: Session | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(lessons: readonly VizLesson[], load: (lesson: VizLesson) => void, reset: () => void) {
    const back = h('button', { type: 'button', id: 'lesson-reset' }, 'Back to the start stack');
    back.addEventListener('click', reset);
    const list = h('ul', { class: 'lessons' }, ...lessons.map((lesson, i) => {
      const button = h('button', { type: 'button', 'data-lesson': lesson.file, 'aria-describedby': `lesson-${i}-name` }, 'Load');
      button.addEventListener('click', () => load(lesson));
      const more = lesson.description.length > firstSentence(lesson.description).length;
      return h('li', {}, button, ' ', h('strong', { id: `lesson-${i}-name` }, lesson.name),
        h('p', { class: 'desc' }, firstSentence(lesson.description)),
        more ? h('details', {}, h('summary', {}, 'More'), h('p', { class: 'desc' }, lesson.description)) : null);
    }));
    this.el = panel('lessons', 'Lessons', this.current, this.verdicts, back, h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': 'lesson list' }, list));
  }

  /** Show a new session: its lesson (if any) and its verdicts when they come. */
  bind(session: Session): void {
    this.unsubscribe?.();
    this.session = session;
    this.verdicts.replaceChildren();
    this.unsubscribe = session.onVerdicts((v) => this.showVerdicts(session, v));
  }

  /** Update the lesson's progress line. */
  render(): void {
    const s = this.session;
    if (!s) return;
    const sc = s.scenario;
    if (!s.lesson) return setText(this.current, `Free play on stack "${sc.stack.name}". Load a lesson to run its steps.`);
    const state = s.verdicts ? 'finished' : `running, ${formatClock(s.now)} of ${formatClock(sc.durationMs)}`;
    setText(this.current, `Lesson "${sc.name}" (${sc.steps.length} steps, ${formatDuration(sc.durationMs)}): ${state}.`);
  }

  private showVerdicts(session: Session, verdicts: readonly ExpectationResult[]): void {
    if (session !== this.session) return;
    const passed = verdicts.filter((v) => v.passed).length;
    const heading = h('p', { class: passed === verdicts.length ? 'pass' : 'fail' },
      `${session.scenario.name}: ${passed} of ${verdicts.length} expectations passed`);
    const list = h('ol', { tabindex: 0, 'aria-label': 'verdicts' }, ...verdicts.map((v) => h('li', { class: v.passed ? 'pass' : 'fail' }, `${v.passed ? '✓ passed' : '✗ failed'}: ${v.message}`)));
    this.verdicts.replaceChildren(heading, list);
  }
}
