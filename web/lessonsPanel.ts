/// <reference lib="dom" />
/**
 * Lessons: the curriculum (fixtures/lessons, guided: a prediction, pauses with callouts, a
 * conclusion, an exercise; the GuideView shows the loaded one) and every scenario of
 * fixtures/scenarios as a free run. The loaded one is highlighted and scrolled into view; when
 * a scenario's duration has run, time stops and its expectations' verdicts are shown.
 */
import { formatDuration } from '../board-model/duration.ts';
import type { ExpectationResult } from '../board-model/sim/expectations.ts';
import { h, panel, setAttr, setClass, setText } from './dom.ts';
import { firstSentence, formatClock } from './format.ts';
import { GuideView, type GuideActions, type GuideState } from './lessons/guideView.ts';
import type { Session } from './Session.ts';
import type { VizGuidedLesson, VizLesson } from './vizData.ts';

/** What the panel asks of the page. */
export interface LessonsHost extends GuideActions {
  loadScenario(lesson: VizLesson): void;
  loadGuided(lesson: VizGuidedLesson): void;
  /** Back to the start stack, time running. */
  reset(): void;
  /** The guided lesson now running, if any. */
  guide(): GuideState | undefined;
  /** Key of what is loaded: "guided:FILE", "scenario:FILE", or undefined for the start stack. */
  loaded(): string | undefined;
}

/** The lessons panel. */
export class LessonsPanel {
  readonly el: HTMLElement;
  private readonly current = h('p', { class: 'status', role: 'status', id: 'lesson-status' });
  private readonly verdicts = h('div', { class: 'verdicts', id: 'lesson-verdicts' });
  private readonly guideView: GuideView;
  private readonly items = new Map<string, HTMLElement>();
  private session: Session | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(guided: readonly VizGuidedLesson[], lessons: readonly VizLesson[], private readonly host: LessonsHost) {
    this.guideView = new GuideView(host);
    const back = h('button', { type: 'button', id: 'lesson-reset' }, 'Back to the start stack');
    back.addEventListener('click', () => host.reset());
    const curriculum = h('ol', { class: 'lessons curriculum', 'aria-label': 'curriculum' }, ...guided.map((lesson, i) => {
      const button = h('button', { type: 'button', 'data-guided': lesson.file, 'aria-describedby': `guided-${i}-name` }, 'Start');
      button.addEventListener('click', () => host.loadGuided(lesson));
      return this.item(`guided:${lesson.file}`, button, h('strong', { id: `guided-${i}-name` }, `${i + 1}. ${lesson.title}`),
        h('p', { class: 'desc' }, `${lesson.level} · about ${lesson.minutes} min`));
    }));
    const list = h('ul', { class: 'lessons', 'aria-label': 'scenarios' }, ...lessons.map((lesson, i) => {
      const button = h('button', { type: 'button', 'data-lesson': lesson.file, 'aria-describedby': `lesson-${i}-name` }, 'Load');
      button.addEventListener('click', () => host.loadScenario(lesson));
      const more = lesson.description.length > firstSentence(lesson.description).length;
      return this.item(`scenario:${lesson.file}`, button, h('strong', { id: `lesson-${i}-name` }, lesson.name),
        h('p', { class: 'desc' }, firstSentence(lesson.description)),
        more ? h('details', {}, h('summary', {}, 'More'), h('p', { class: 'desc' }, lesson.description)) : null);
    }));
    this.el = panel('lessons', 'Lessons', this.current, this.guideView.el, this.verdicts, back,
      h('div', { class: 'scroll lesson-list', tabindex: 0, role: 'region', 'aria-label': 'lesson list' },
        h('h3', { class: 'list-title' }, 'Curriculum: guided lessons'), curriculum,
        h('h3', { class: 'list-title' }, 'All scenarios (free runs with checks)'), list));
  }

  /** Show a new session: its lesson (if any), highlighted in the list, and its verdicts when they come; nothing stale stays. */
  bind(session: Session): void {
    this.unsubscribe?.();
    this.session = session;
    this.verdicts.replaceChildren();
    setText(this.current, '');
    this.guideView.bind(session, this.host.guide());
    this.unsubscribe = session.onVerdicts((v) => this.showVerdicts(session, v));
    const loaded = this.host.loaded();
    for (const [key, li] of this.items) {
      setClass(li, 'current', key === loaded);
      if (key === loaded) setAttr(li, 'aria-current', 'true');
      else li.removeAttribute('aria-current');
    }
    const item = loaded === undefined ? undefined : this.items.get(loaded);
    if (item) scrollWithin(item);
  }

  /** Update the lesson's progress line and the guide. */
  render(): void {
    const s = this.session;
    if (!s) return;
    this.guideView.render();
    const sc = s.scenario;
    if (!s.lesson) return setText(this.current, `Free play on stack "${sc.stack.name}". Load a lesson to run its steps.`);
    const guide = this.host.guide();
    const state = s.verdicts ? 'finished' : `running, ${formatClock(s.now)} of ${formatClock(sc.durationMs)}`;
    if (guide) {
      const what = guide.exercise ? `Exercise of lesson ${guide.lesson.order}` : `Lesson ${guide.lesson.order}`;
      const phase = !guide.started && s.now === 0 ? 'waiting for your prediction' : guide.runner?.halted ? 'paused at a key moment' : state;
      return setText(this.current, `${what} "${guide.lesson.title}": ${phase}.`);
    }
    setText(this.current, `Lesson "${sc.name}" (${sc.steps.length} steps, ${formatDuration(sc.durationMs)}): ${state}.`);
  }

  private item(key: string, ...children: Array<Node | null>): HTMLElement {
    const li = h('li', {}, ...children);
    this.items.set(key, li);
    return li;
  }

  private showVerdicts(session: Session, verdicts: readonly ExpectationResult[]): void {
    if (session !== this.session) return;
    const passed = verdicts.filter((v) => v.passed).length;
    const guide = this.host.guide();
    const name = guide ? `${guide.exercise ? 'Exercise' : 'Script'} checks` : session.scenario.name;
    const heading = h('p', { class: passed === verdicts.length ? 'pass' : 'fail' }, `${name}: ${passed} of ${verdicts.length} expectations passed`);
    const list = h('ol', { tabindex: 0, 'aria-label': 'verdicts' }, ...verdicts.map((v) => h('li', { class: v.passed ? 'pass' : 'fail' }, `${v.passed ? '✓ passed' : '✗ failed'}: ${v.message}`)));
    this.verdicts.replaceChildren(heading, guide ? h('details', {}, h('summary', {}, 'Show the checks'), list) : list);
  }
}

/** Scroll a list item into view inside its scrolling list only (the page itself does not jump). */
function scrollWithin(item: HTMLElement): void {
  const box = item.closest('.scroll');
  if (!(box instanceof HTMLElement)) return;
  const top = item.offsetTop; // the list is position: relative, so this is the offset inside it
  if (top < box.scrollTop || top + item.offsetHeight > box.scrollTop + box.clientHeight) box.scrollTop = Math.max(0, top - 8);
}
