/// <reference lib="dom" />
/**
 * The timeline: a scrubber back to any earlier moment (the session is replayed from its start),
 * undo for the student's inputs (the last one, or any one in the list), a link to this moment
 * (the URL fragment, kept up to date; "Copy link"), and the session exported as a scenario file.
 * Also restores a link's state when the page opens; a bad or old fragment is ignored with a notice.
 */
import { ConfigError } from '../board-model/ConfigError.ts';
import { parseScenario, type Scenario } from '../board-model/scenario.ts';
import type { App } from './App.ts';
import { h, labelled, panel, setAttr, setText } from './dom.ts';
import { formatSeconds } from './format.ts';
import { describeInput } from './rewind/inputs.ts';
import { ExportError, exportScenario } from './rewind/exportScenario.ts';
import type { GuidedStart, Start } from './rewind/Rewinder.ts';
import type { Lesson } from './lessons/lessonFile.ts';
import { decodeUrlState, encodeUrlState, type UrlState } from './rewind/urlState.ts';
import type { Session } from './Session.ts';
import type { VizData } from './vizData.ts';

/** Scrubber resolution (ms). */
const SCRUB_STEP_MS = 100;

/** Wall time between fragment updates while time runs (ms); paused, every change is written at once. */
const LINK_EVERY_MS = 1000;

/** The timeline panel. */
export class TimelinePanel {
  readonly el: HTMLElement;
  private readonly scrubber = h('input', { id: 'timeline-scrubber', type: 'range', min: 0, max: 0, step: SCRUB_STEP_MS, value: 0, 'aria-describedby': 'timeline-at' });
  private readonly at = h('output', { id: 'timeline-at' });
  private readonly undo = h('button', { type: 'button', id: 'timeline-undo' }, 'Undo last input');
  private readonly list = h('ol', { id: 'timeline-inputs', class: 'inputs', 'aria-label': 'your inputs' });
  private readonly link = h('input', { id: 'timeline-link', type: 'text', readonly: true });
  private readonly notice = h('p', { id: 'timeline-notice', class: 'status', role: 'status' });
  private scrubbing = false;
  private lastLinkWrite = -Infinity;
  private lastFragment = '';

  constructor(private readonly app: App, private readonly data: VizData) {
    const copy = h('button', { type: 'button', id: 'timeline-copy' }, 'Copy link');
    const save = h('button', { type: 'button', id: 'timeline-export' }, 'Export as scenario');
    this.scrubber.addEventListener('input', () => {
      this.scrubbing = true;
      setText(this.at, `go back to ${formatSeconds(Number(this.scrubber.value))}`);
    });
    this.scrubber.addEventListener('change', () => void this.rewindTo(Number(this.scrubber.value)));
    this.scrubber.addEventListener('blur', () => (this.scrubbing = false));
    this.undo.addEventListener('click', () => void this.act('undone', () => app.rewinder.undoLast()));
    copy.addEventListener('click', () => void this.copyLink());
    save.addEventListener('click', () => this.download());
    this.el = panel('timeline', 'Timeline', labelled('Rewind to', this.scrubber), this.at,
      h('div', { class: 'buttons' }, this.undo, copy, save),
      labelled('Link to this moment', this.link), this.notice,
      h('details', { id: 'timeline-log' }, h('summary', {}, 'Your inputs'), this.list));
    app.rewinder.onChange(() => this.showInputs());
  }

  /** A new session (a lesson, a rewind): show its inputs. */
  bind(_session: Session): void {
    this.showInputs();
  }

  /** Keep the scrubber, the time and the link up to date. */
  render(): void {
    const now = this.app.session.now;
    const horizon = this.app.rewinder.horizon;
    this.undo.disabled = !this.app.rewinder.inputs.some((i) => i.at <= now);
    setAttr(this.scrubber, 'max', String(Math.ceil(horizon / SCRUB_STEP_MS) * SCRUB_STEP_MS));
    if (!this.scrubbing || document.activeElement !== this.scrubber) {
      this.scrubbing = false;
      const value = String(Math.round(now / SCRUB_STEP_MS) * SCRUB_STEP_MS);
      if (this.scrubber.value !== value) this.scrubber.value = value;
      setAttr(this.scrubber, 'aria-valuetext', formatSeconds(now));
      setText(this.at, `now ${formatSeconds(now)} of ${formatSeconds(horizon)} reached`);
    }
    const wall = performance.now();
    if (this.app.driver.paused || wall - this.lastLinkWrite >= LINK_EVERY_MS) {
      this.lastLinkWrite = wall;
      this.writeLink();
    }
  }

  /** Open the state a link's fragment gives (at page start); a bad fragment is ignored with a notice. */
  async restore(fragment: string): Promise<void> {
    const parsed = decodeUrlState(fragment);
    if (parsed.kind === 'none') return;
    if (parsed.kind === 'invalid') return this.ignore(`The link's state was ignored (${parsed.reason}); showing the start instead.`);
    const state = parsed.state;
    const start = this.startOf(state);
    if (typeof start === 'string') return this.ignore(`The link's state was ignored (${start}); showing the start instead.`);
    this.app.driver.setPaused(true);
    this.app.driver.setSpeed(state.speed);
    try {
      await this.app.rewinder.restore(start, state.inputs, state.t);
    } catch (e) {
      this.app.load({ scenario: this.data.start, lesson: this.data.startIsLesson });
      return this.ignore(`The link's state could not be replayed (${e instanceof Error ? e.message : String(e)}); showing the start instead.`);
    }
    this.app.selection.set(state.board, state.pi);
    this.app.driver.render();
    const what = start.guided ? `${start.guided.exercise ? 'the exercise of ' : ''}guided lesson "${this.app.guidedLesson(start.guided.file).title}"`
      : start.lesson ? `lesson "${start.scenario.name}"` : 'the start stack';
    setText(this.notice, `Opened from the link: ${what} at ${formatSeconds(state.t)}, board #${state.board} Pi ${state.pi}, paused.`);
  }

  /** The link's state now. */
  state(): UrlState {
    const r = this.app.rewinder;
    const g = r.start.guided;
    return {
      lesson: g ? undefined : r.start.lessonFile, guided: g?.file, exercise: g?.exercise, prediction: g && !g.exercise ? this.app.prediction : undefined, t: this.app.session.now, seed: r.start.scenario.seed,
      board: this.app.selection.board, pi: this.app.selection.pi, speed: this.app.driver.speed, inputs: r.inputs,
    };
  }

  /** The link to this moment (the page's address with the state's fragment). */
  linkText(): string {
    return `${location.href.split('#')[0]}#${encodeUrlState(this.state())}`;
  }

  /** The session as a scenario file's text; throws ExportError when it cannot be written. */
  scenarioText(): string {
    const r = this.app.rewinder;
    const g = r.start.guided;
    // A lesson's own file (a guided lesson's script), or the exercise's scenario: their steps and checks stay in the export.
    const lessonJson = g?.exercise ? this.app.guidedLesson(g.file).exercise?.json
      : r.start.lessonFile === undefined ? undefined : this.data.lessons.find((l) => l.file === r.start.lessonFile)?.json;
    const file = exportScenario({ scenario: r.start.scenario, ...(lessonJson === undefined ? {} : { lessonJson }), inputs: r.inputs, nowMs: this.app.session.now });
    return `${JSON.stringify(file, null, 2)}\n`;
  }

  private startOf(state: UrlState): Start | string {
    let scenario: Scenario = this.data.start;
    let lesson = this.data.startIsLesson;
    let lessonFile = state.lesson;
    let guided: GuidedStart | undefined;
    if (state.guided !== undefined) {
      const file = state.guided;
      if (!this.data.guided.some((g) => g.file === file)) return `no guided lesson "${file}" on this page`;
      let parsed: Lesson;
      try {
        parsed = this.app.guidedLesson(file);
      } catch (e) {
        return e instanceof ConfigError ? e.message : String(e);
      }
      const exercise = state.exercise === true;
      if (exercise && !parsed.exercise) return `guided lesson "${file}" has no exercise`;
      scenario = exercise ? parsed.exercise!.scenario : parsed.scenario;
      lesson = true;
      lessonFile = exercise ? undefined : parsed.scenarioFile;
      guided = { file, exercise, ...(state.prediction === undefined ? {} : { prediction: state.prediction }) };
    } else if (state.lesson !== undefined) {
      const found = this.data.lessons.find((l) => l.file === state.lesson);
      if (!found) return `no lesson "${state.lesson}" on this page`;
      try {
        scenario = parseScenario(found.json, found.file);
      } catch (e) {
        return e instanceof ConfigError ? e.message : String(e);
      }
      lesson = true;
    }
    if (state.seed !== undefined) scenario = { ...scenario, seed: state.seed };
    const boards = scenario.stack.boards.length;
    if (state.board >= boards) return `board #${state.board} is not in the stack of ${boards}`;
    const far = state.inputs.find((i) => i.kind === 'fault' && i.board >= boards);
    if (far) return `an input acts on board #${far.kind === 'fault' ? far.board : ''}, not in the stack of ${boards}`;
    return { scenario, lesson, lessonFile, ...(guided ? { guided } : {}) };
  }

  private ignore(text: string): void {
    setText(this.notice, text);
    this.notice.classList.add('fail');
    this.lastFragment = '';
    this.writeLink();
  }

  private writeLink(): void {
    const fragment = encodeUrlState(this.state());
    if (fragment === this.lastFragment) return;
    this.lastFragment = fragment;
    const text = this.linkText();
    if (this.link.value !== text) this.link.value = text;
    try {
      history.replaceState(history.state, '', `#${fragment}`);
    } catch {
      // Some file:// setups refuse replaceState: the link field and "Copy link" still carry the state.
    }
  }

  private async rewindTo(t: number): Promise<void> {
    this.scrubbing = false;
    await this.act(`rewound to ${formatSeconds(t)}`, () => this.app.rewinder.rewindTo(t));
  }

  private async act(done: string, fn: () => Promise<void>): Promise<void> {
    this.app.driver.setPaused(true);
    try {
      await fn();
      this.notice.classList.remove('fail');
      setText(this.notice, `${done[0]!.toUpperCase()}${done.slice(1)}; paused. Press Resume to run on.`);
    } catch (e) {
      this.notice.classList.add('fail');
      setText(this.notice, `Could not rewind: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async copyLink(): Promise<void> {
    this.writeLink();
    const text = this.linkText();
    this.link.value = text;
    try {
      await navigator.clipboard.writeText(text);
      setText(this.notice, 'Link copied: it opens this moment, paused.');
    } catch {
      this.link.select();
      setText(this.notice, 'The browser did not allow copying: the link is selected in the field, copy it with Ctrl+C.');
    }
  }

  private download(): void {
    let text: string;
    try {
      text = this.scenarioText();
    } catch (e) {
      setText(this.notice, e instanceof ExportError ? `Cannot export: ${e.message}` : String(e));
      return;
    }
    const name = `${(this.app.rewinder.start.lessonFile ?? 'session.json').replace(/\.json$/, '')}-student.json`;
    const a = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/json' })), download: name });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 0);
    setText(this.notice, `Exported ${name}: run it with \`pistack sim --scenario ${name}\`.`);
  }

  private showInputs(): void {
    const inputs = this.app.rewinder.inputs;
    const now = this.app.session.now;
    this.list.replaceChildren(...inputs.map((input, index) => {
      const text = describeInput(input);
      const remove = h('button', { type: 'button', 'data-input': index, 'aria-label': `undo ${text}` }, 'Undo');
      remove.addEventListener('click', () => void this.act(`undone: ${text}`, () => this.app.rewinder.remove(index)));
      return h('li', { class: input.at > now ? 'future' : '' }, remove, ' ', text, input.at > now ? ' (ahead: replays when time runs on)' : '');
    }));
    if (inputs.length === 0) this.list.append(h('li', {}, 'No inputs yet: commands you send and faults you inject appear here.'));
  }
}
