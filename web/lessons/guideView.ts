/// <reference lib="dom" />
/**
 * The guided part of the lessons panel: goal, prediction question (answered before Run), the
 * timeline with the script's steps and the pauses so far, the callout at each pause with its
 * Continue button, the conclusion with the prediction's answer, and the exercise with its
 * verdict in plain words. Thin: the decisions are LessonRunner's and exercise.ts's.
 */
import type { ExpectationResult } from '../../board-model/sim/expectations.ts';
import { h, setAttr, setClass, setText } from '../dom.ts';
import type { Session } from '../Session.ts';
import { seconds } from './callout.ts';
import { judgeExercise } from './exercise.ts';
import type { Lesson } from './lessonFile.ts';
import type { Callout, LessonRunner } from './LessonRunner.ts';

/** The guided lesson the page runs now: the lesson's own run (with its runner) or its exercise. */
export interface GuideState {
  readonly lesson: Lesson;
  /** The lesson's pauses; undefined during the exercise (the student acts, nothing pauses). */
  readonly runner: LessonRunner | undefined;
  readonly exercise: boolean;
  /** True once the student pressed Run (the prediction is in). */
  started: boolean;
}

/** What the guide asks of the page. */
export interface GuideActions {
  /** The prediction is in: let time run. */
  run(): void;
  /** The callout was read: next callout, or let time run. */
  continue(): void;
  /** A fresh stack for the exercise (paused, for the student's commands). */
  startExercise(): void;
  /** Run the exercise to its end and judge it. */
  finishExercise(): void;
  /** Select a board and Pi (the stack, charts, host and fault panels follow) and show its card. */
  show(board: number, pi: 0 | 1): void;
}

/** The guide area of the lessons panel. */
export class GuideView {
  readonly el = h('div', { class: 'guide', id: 'lesson-guide', hidden: true });
  private state: GuideState | undefined;
  private session: Session | undefined;
  private calloutKey = '';
  private marks = 0;
  private readonly now = h('span', { class: 'now', 'aria-hidden': 'true' });
  private readonly bar = h('div', { class: 'bar' }, this.now);
  private readonly clock = h('p', { class: 'caption', id: 'lesson-time' });
  private readonly steps = h('ol', { class: 'steps', id: 'lesson-steps' });
  private readonly run = h('button', { type: 'button', id: 'lesson-run', disabled: true }, 'Run the lesson');
  private readonly runHint = h('p', { class: 'caption', id: 'lesson-run-hint' });
  private readonly calloutTitle = h('h4', { id: 'lesson-callout-title' });
  private readonly calloutText = h('p', { id: 'lesson-callout-text' });
  private readonly continueButton = h('button', { type: 'button', id: 'lesson-continue' }, 'Continue');
  private readonly callout = h('div', { class: 'callout', id: 'lesson-callout', role: 'region', 'aria-labelledby': 'lesson-callout-title', hidden: true },
    this.calloutTitle, this.calloutText, this.continueButton);
  private readonly live = h('p', { class: 'visually-hidden', 'aria-live': 'polite', id: 'lesson-live' });
  private readonly conclusion = h('div', { class: 'conclusion', id: 'lesson-conclusion', hidden: true });
  private readonly exercise = h('div', { class: 'exercise', id: 'lesson-exercise', hidden: true });
  private readonly top = h('div', {});
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly actions: GuideActions) {
    this.run.addEventListener('click', () => {
      const s = this.state;
      if (!s || s.started) return;
      this.actions.run();
      this.showPrediction();
    });
    this.continueButton.addEventListener('click', () => this.actions.continue());
    this.el.append(this.top, h('div', { class: 'timeline', role: 'group', 'aria-label': 'lesson timeline' }, this.bar, this.clock, this.steps), this.callout, this.live, this.conclusion, this.exercise);
  }

  /** Show a new session's guided lesson (or hide for free play and plain scenarios); nothing of the previous one stays. */
  bind(session: Session, state: GuideState | undefined): void {
    this.unsubscribe?.();
    this.session = session;
    this.state = state;
    this.calloutKey = '';
    this.marks = 0;
    this.el.hidden = !state;
    this.callout.hidden = true;
    this.conclusion.hidden = true;
    this.conclusion.replaceChildren();
    this.exercise.hidden = true;
    this.exercise.replaceChildren();
    this.bar.replaceChildren(this.now);
    this.steps.replaceChildren();
    setText(this.live, '');
    if (!state) return this.top.replaceChildren();
    const { lesson } = state;
    const end = session.scenario.durationMs;
    this.top.replaceChildren(
      h('h3', { id: 'lesson-title' }, `${state.exercise ? 'Exercise' : `Lesson ${lesson.order}`}: ${lesson.title}`),
      h('p', { class: 'caption' }, `${lesson.level} · about ${lesson.minutes} min · script ${lesson.scenarioFile}`),
      state.exercise ? h('p', { class: 'goal', id: 'exercise-task' }, lesson.exercise?.task ?? '') : h('p', { class: 'goal', id: 'lesson-goal' }, h('strong', {}, 'Goal: '), lesson.goal),
      state.exercise ? this.exerciseControls() : this.predictionForm(lesson));
    if (!state.exercise) this.keepPrediction(state);
    for (const step of session.scenario.steps) this.mark('step', step.atMs, end);
    this.steps.append(...session.scenario.steps.map((step, i) => h('li', { 'data-t': step.atMs }, h('span', { class: 't' }, seconds(step.atMs)), ' ', state.runner?.steps[i]?.label ?? '')));
    this.unsubscribe = session.onVerdicts((v) => this.finished(session, v));
  }

  /** Follow time: the timeline's cursor, the steps done, a new callout. */
  render(): void {
    const s = this.session;
    const state = this.state;
    if (!s || !state) return;
    const end = s.scenario.durationMs;
    const pct = `${Math.min(100, (s.now / end) * 100).toFixed(2)}%`;
    if (this.now.style.left !== pct) this.now.style.left = pct;
    setText(this.clock, `${seconds(s.now)} of ${seconds(end)}`);
    for (const li of Array.from(this.steps.children)) setClass(li, 'done', Number(li.getAttribute('data-t')) <= s.now);
    const runner = state.runner;
    if (!runner) return;
    while (this.marks < runner.history.length) this.mark('pause', runner.history[this.marks++]!.t, end);
    this.showCallout(runner.current);
  }

  private mark(kind: 'step' | 'pause', t: number, end: number): void {
    const m = h('span', { class: `mark ${kind}`, title: `${kind === 'step' ? 'step' : 'pause'} at ${seconds(t)}` });
    m.style.left = `${Math.min(100, (t / end) * 100).toFixed(2)}%`;
    this.bar.insertBefore(m, this.now);
  }

  private showCallout(c: Callout | undefined): void {
    const key = c ? `${c.t}|${c.pause}|${this.state?.runner?.history.length}` : '';
    if (key === this.calloutKey) return;
    this.calloutKey = key;
    this.callout.hidden = !c;
    if (!c) return;
    setText(this.calloutTitle, `${seconds(c.t)}: ${c.title}`);
    setText(this.calloutText, c.text);
    setText(this.live, c.text);
    this.actions.show(c.board, c.pi); // the callout floats at the viewport's edge (lessons.css): the board's card can take the screen
    this.continueButton.focus({ preventScroll: true });
  }

  private predictionForm(lesson: Lesson): HTMLElement {
    const p = lesson.prediction;
    const answer = (value: string): void => {
      this.state?.runner?.predict(value);
      const ready = this.state?.runner?.prediction !== undefined;
      this.run.disabled = !ready;
      setText(this.runHint, ready ? '' : 'Make your prediction, then run the lesson.');
    };
    const inputs = p.choices
      ? p.choices.map((choice, i) => {
        const input = h('input', { type: 'radio', name: 'prediction', id: `prediction-${i}`, value: choice });
        input.addEventListener('change', () => input.checked && answer(choice));
        return h('label', { class: 'choice', for: `prediction-${i}` }, input, ' ', choice);
      })
      : [(() => {
        const input = h('input', { type: 'text', id: 'prediction-text', 'aria-labelledby': 'prediction-question' });
        input.addEventListener('input', () => answer(input.value));
        return input;
      })()];
    this.run.disabled = true;
    setText(this.runHint, 'Make your prediction, then run the lesson.');
    return h('fieldset', { class: 'prediction', id: 'lesson-prediction' }, h('legend', { id: 'prediction-question' }, `Predict: ${p.question}`), ...inputs, h('div', { class: 'controls' }, this.run), this.runHint);
  }

  /** A session rebuilt by a rewind, an undo or a link: the prediction already made stays made, and after Run the form stays closed. */
  private keepPrediction(state: GuideState): void {
    const given = state.runner?.prediction?.given;
    if (given !== undefined) {
      const radio = Array.from(this.top.querySelectorAll<HTMLInputElement>('input[name="prediction"]')).find((i) => i.value === given);
      const text = this.top.querySelector<HTMLInputElement>('#prediction-text');
      if (radio) radio.checked = true;
      if (text) text.value = given;
      this.run.disabled = false;
      setText(this.runHint, '');
    }
    if (state.started) this.showPrediction();
  }

  private showPrediction(): void {
    const form = this.el.querySelector('#lesson-prediction');
    form?.querySelectorAll('input').forEach((i) => (i.disabled = true));
    form?.querySelectorAll<HTMLElement>('.choice, .controls, #prediction-text').forEach((el) => (el.hidden = true)); // the question stays, compact
    this.run.disabled = true;
    const given = this.state?.runner?.prediction;
    setText(this.runHint, given ? `Your prediction: ${given.given}` : '');
  }

  private exerciseControls(): HTMLElement {
    const check = h('button', { type: 'button', id: 'exercise-check' }, 'Run to the end and check');
    check.addEventListener('click', () => this.actions.finishExercise());
    return h('div', { class: 'controls' }, check,
      h('p', { class: 'caption' }, 'Time is paused: send your commands from the host panel (or use the fault buttons), then run to the end, or press Resume and watch.'));
  }

  private finished(session: Session, verdicts: readonly ExpectationResult[]): void {
    const state = this.state;
    if (session !== this.session || !state) return;
    if (state.exercise) return this.judged(state.lesson, verdicts);
    const { lesson } = state;
    const p = lesson.prediction;
    const given = state.runner?.prediction;
    const verdict = !given ? 'You did not make a prediction.' : given.correct === undefined ? `You said: ${given.given}.` : given.correct ? `You said: ${given.given}. Right!` : `You said: ${given.given}. Not quite.`;
    this.conclusion.replaceChildren(
      h('h4', {}, 'Conclusion'), h('p', { id: 'lesson-conclusion-text' }, lesson.conclusion),
      h('p', { id: 'prediction-answer' }, h('strong', {}, 'The answer: '), `${p.answer}. `, p.explanation),
      h('p', { id: 'prediction-verdict', class: given?.correct === false ? 'fail' : given?.correct ? 'pass' : undefined }, verdict));
    this.conclusion.hidden = false;
    this.callout.hidden = true;
    if (lesson.exercise) {
      const start = h('button', { type: 'button', id: 'exercise-start' }, 'Start the exercise');
      start.addEventListener('click', () => this.actions.startExercise());
      this.exercise.replaceChildren(h('h4', {}, 'Your turn'), h('p', {}, lesson.exercise.task), start);
      this.exercise.hidden = false;
    }
    this.conclusion.scrollIntoView({ block: 'nearest' });
  }

  private judged(lesson: Lesson, verdicts: readonly ExpectationResult[]): void {
    const exercise = lesson.exercise;
    if (!exercise) return;
    const v = judgeExercise(exercise, verdicts);
    const again = h('button', { type: 'button', id: 'exercise-again' }, 'Try again');
    again.addEventListener('click', () => this.actions.startExercise());
    this.exercise.replaceChildren(
      h('p', { id: 'exercise-verdict', class: v.passed ? 'pass' : 'fail' }, v.passed ? '✓ Passed' : '✗ Not yet'),
      h('ul', { id: 'exercise-reasons' }, ...v.reasons.map((r) => h('li', {}, r))),
      h('details', {}, h('summary', {}, 'The checks'), h('ul', { class: 'caption' }, ...v.details.map((d) => h('li', {}, d)))),
      again);
    this.exercise.hidden = false;
    setAttr(this.exercise, 'data-passed', String(v.passed));
    this.exercise.scrollIntoView({ block: 'nearest' });
  }
}
