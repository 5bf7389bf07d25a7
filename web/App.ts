/// <reference lib="dom" />
/**
 * The page: lays out the panels, owns the current Session (rebuilt when a lesson loads), the
 * time driver, the selection and the transition tracker, and renders the panels once per
 * animation frame (those on screen; FrameGate) and every panel at the end of every time move (TimeDriver).
 */
import { ConfigError } from '../board-model/ConfigError.ts';
import { parseScenario, type Scenario } from '../board-model/scenario.ts';
import { BusMonitor } from './busMonitor.ts';
import { CHARTS } from './chart/machines.ts';
import { TransitionTracker } from './chart/TransitionTracker.ts';
import { ChartView } from './chartView.ts';
import { SchematicView } from './schematicView.ts';
import { h, onVisible } from './dom.ts';
import { EventLogPanel } from './eventLogPanel.ts';
import { FaultPanel } from './faultPanel.ts';
import { HostPanel } from './hostPanel.ts';
import type { GuideState } from './lessons/guideView.ts';
import { parseLesson, type Lesson } from './lessons/lessonFile.ts';
import { LessonRunner } from './lessons/LessonRunner.ts';
import { stepLabel } from './lessons/stepLabel.ts';
import { LessonsPanel, type LessonsHost } from './lessonsPanel.ts';
import { MemoryView } from './memoryView.ts';
import { FrameGate, type PanelRate } from './frameGate.ts';
import { ScopePanel } from './scopePanel.ts';
import { Session } from './Session.ts';
import { Selection, StackView } from './stackView.ts';
import { Rewinder, type Start } from './rewind/Rewinder.ts';
import { TimelinePanel } from './timelinePanel.ts';
import { TimeControls } from './timeControls.ts';
import { TimeDriver } from './TimeDriver.ts';
import { keepInView, PageLayout } from './tabs.ts';
import type { VizData, VizGuidedLesson, VizLesson } from './vizData.ts';

interface View {
  readonly el: HTMLElement;
  bind(session: Session): void;
  /** Bring the panel up to date; `live`: an animation frame's drawing, where parts that cannot be seen may wait. */
  render?(live: boolean): void;
}

/** Live drawing rate of the panels that need not follow every frame (wall ms between draws while on screen). */
const RATES: Record<string, PanelRate> = {
  // The lesson's callout shows at the frame a lesson pauses; the bus table and the event log draw only what is new, in the frame it came (a host reply and its frames show together).
  lessons: { always: true }, bus: { always: true }, events: { always: true },
  timeline: { everyMs: 100 }, schematic: { everyMs: 100 }, memory: { everyMs: 250 },
};

/** The whole page. */
export class App {
  readonly driver: TimeDriver;
  readonly selection = new Selection();
  readonly tracker = new TransitionTracker(CHARTS.map((c) => c.machine));
  /** Panels in areas (desktop) or tabs (narrow): `this.layout.add(tab, panel.el, area)` places one. */
  readonly layout = new PageLayout();
  /** The student's inputs, rewind and undo (web/rewind). */
  readonly rewinder: Rewinder;
  /** The timeline panel (scrubber, undo, link, export). */
  readonly timeline: TimelinePanel;
  /** Settles once the state of the page's link (URL fragment), if any, is shown. */
  readonly restored: Promise<void>;
  /** The scope: `scope.recorder.addMarker(t, label)` puts a lesson step on its time axis. */
  readonly scope: ScopePanel;
  private current: Session;
  private readonly views: View[];
  /** Each session's guided lesson (or exercise), if it runs one. */
  private readonly guides = new WeakMap<Session, GuideState>();
  /** Parsed guided lessons by file name. */
  private readonly lessons = new Map<string, Lesson>();
  /** What the lessons list highlights: "guided:FILE", "scenario:FILE", or undefined for the start stack. */
  private loadedKey: string | undefined;

  constructor(root: HTMLElement, private readonly data: VizData) {
    this.current = this.build({ scenario: data.start, lesson: data.startIsLesson });
    this.driver = new TimeDriver(() => this.current);
    this.rewinder = new Rewinder({
      build: (start, t) => this.build(start, t), adopt: (session) => this.adopt(session), replayed: (session, t) => this.replayed(session, t),
      current: () => this.current, exclusive: (fn) => this.driver.exclusive(fn), redraw: () => this.driver.render(),
    }, { scenario: data.start, lesson: data.startIsLesson });
    const timeline = (this.timeline = new TimelinePanel(this, data));
    const stack = new StackView(this.selection);
    const charts = new ChartView(data.charts, this.tracker, this.selection, this.driver);
    const host = new HostPanel(this.driver, this.selection);
    const faults = new FaultPanel(this.selection);
    const lessons = new LessonsPanel(data.guided, data.lessons, this.lessonsHost(data));
    const bus = new BusMonitor();
    const events = new EventLogPanel();
    const time = new TimeControls(this.driver, () => this.current, () => stack.timerNames());
    const memory = new MemoryView(this.selection);
    const schematic = new SchematicView(this.selection);
    const scope = (this.scope = new ScopePanel(this.selection));
    // the scope binds first: its recorder is there when the others bind
    this.views = [scope, stack, charts, host, faults, lessons, bus, events, schematic, memory, timeline];
    // One line per panel: its tab on a narrow screen, its area on a desktop (left/right share the first screen).
    this.layout.add('stack', stack.el, 'left');
    this.layout.add('charts', charts.el, 'right');
    this.layout.add('stack', timeline.el);
    this.layout.add('stack', host.el);
    this.layout.add('stack', faults.el);
    this.layout.add('lesson', lessons.el);
    this.layout.add('scope', scope.el, 'wide');
    this.layout.add('bus', bus.el);
    this.layout.add('bus', events.el);
    this.layout.add('stack', schematic.el, 'wide');
    this.layout.add('stack', memory.el, 'wide');
    const header = h('header', { class: 'top' },
      h('div', { class: 'title' }, h('h1', {}, 'pistack viz'),
        h('p', { class: 'caption' }, 'A stack of Pi Stack boards simulated in your browser, in virtual time.')),
      time.el, this.layout.tablist);
    root.replaceChildren(header, this.layout.el);
    new ResizeObserver(() => document.documentElement.style.setProperty('--top-h', `${header.offsetHeight}px`)).observe(header);
    this.selection.onChange(() => {
      const card = stack.el.querySelector('.board.selected');
      if (card) keepInView(card);
      this.driver.render(); // every panel shows the new selection at once
    });
    for (const view of this.views) view.bind(this.current);
    // A live frame draws the panels on screen (some at a lower rate) and now and then one off screen; any other draw, and
    // the first frame after the student's input (a click, a key, a field), all of them: what the input changed shows everywhere.
    const gate = new FrameGate<View>();
    for (const view of this.views) onVisible(view.el, gate.add(view, RATES[view.el.id]));
    // While time runs, panels off screen skip rendering (style.css, .running); paused, all render.
    const running = (): void => void document.documentElement.classList.toggle('running', !this.driver.paused);
    this.driver.onState(running);
    running();
    let inputSeen = false;
    for (const type of ['click', 'change', 'input', 'keydown']) root.addEventListener(type, () => (inputSeen = true));
    this.driver.onFrame((live) => {
      time.render();
      const wall = performance.now();
      const full = !live || inputSeen;
      inputSeen = false;
      for (const view of full ? gate.all(wall) : gate.frame(wall)) view.render?.(!full);
    });
    this.restored = timeline.restore(location.hash);
  }

  /** The running session. */
  get session(): Session {
    return this.current;
  }

  /** The prediction the student made in the guided lesson now running, if any (a link carries it). */
  get prediction(): string | undefined {
    return this.guideState?.runner?.prediction?.given;
  }

  /** The guided lesson (or its exercise) the current session runs, if any. */
  private get guideState(): GuideState | undefined {
    return this.guides.get(this.current);
  }

  /** Replace the session: a new stack from the start's stack, profile and seed, its steps if a lesson, its guide if a guided lesson. */
  load(start: Start): void {
    const session = this.build(start);
    this.adopt(session);
    this.rewinder.started(start);
  }

  /** Show `session` in place of the current one (a new start, or a rewind's replay). */
  adopt(session: Session): void {
    if (session !== this.current) {
      this.guides.get(this.current)?.runner?.dispose();
      this.current.dispose();
    }
    this.current = session;
    if (this.selection.board >= this.current.sim.boards.length) this.selection.set(0, 0);
    for (const view of this.views) view.bind(this.current);
    // A lesson's script steps are purple markers on the scope's time axis (the scope bound first).
    if (session.lesson) for (const step of session.scenario.steps) this.scope.recorder.addMarker(step.atMs, stepLabel(step));
    this.driver.render(); // the new stack is drawn at once, not one frame later
  }

  /** A guided lesson file, parsed (once); throws a ConfigError for a file the page cannot use. */
  guidedLesson(file: string): Lesson {
    let lesson = this.lessons.get(file);
    if (lesson) return lesson;
    const found = this.data.guided.find((g) => g.file === file);
    if (!found) throw new ConfigError(file, [{ path: '', message: 'no such guided lesson on this page' }]);
    lesson = parseLesson(found.json, found.file, new Map(this.data.lessons.map((s) => [s.file, s.json])));
    this.lessons.set(file, lesson);
    return lesson;
  }

  /** Parse and load a lesson; a scenario the page cannot use is reported, the current stack stays. */
  loadLesson(lesson: VizLesson): void {
    let scenario: Scenario;
    try {
      scenario = parseScenario(lesson.json, lesson.file);
    } catch (e) {
      const status = document.getElementById('lesson-status');
      if (status) status.textContent = e instanceof ConfigError ? e.message : `cannot load ${lesson.file}: ${String(e)}`;
      return;
    }
    this.load({ scenario, lesson: true, lessonFile: lesson.file });
    if (this.driver.paused) this.driver.setPaused(false);
  }

  /** Load a guided lesson: its script's stack at time 0, paused until the student has made a prediction and pressed Run. */
  loadGuided(file: VizGuidedLesson): void {
    let lesson;
    try {
      lesson = this.guidedLesson(file.file);
    } catch (e) {
      const status = document.getElementById('lesson-status');
      if (status) status.textContent = e instanceof ConfigError ? e.message : `cannot load ${file.file}: ${String(e)}`;
      return;
    }
    this.driver.setPaused(true);
    this.selection.set(lesson.select.board, lesson.select.pi);
    this.load({ scenario: lesson.scenario, lesson: true, lessonFile: lesson.scenarioFile, guided: { file: lesson.file, exercise: false } });
  }

  /** What the lessons panel asks of the page: load, reset (time running again), run, Continue, the exercise. */
  private lessonsHost(data: VizData): LessonsHost {
    return {
      loadScenario: (l) => this.loadLesson(l),
      loadGuided: (l) => this.loadGuided(l),
      reset: () => {
        this.load({ scenario: data.start, lesson: data.startIsLesson });
        this.driver.setPaused(false); // after a lesson's end time stood still: the start stack runs, not silently paused
      },
      guide: () => this.guideState,
      loaded: () => this.loadedKey,
      run: () => {
        if (this.guideState) this.guideState.started = true;
        this.driver.setPaused(false);
      },
      continue: () => {
        const runner = this.guideState?.runner;
        if (runner && runner.continue() === undefined) this.driver.setPaused(false);
        this.driver.render();
      },
      startExercise: () => {
        const g = this.guideState;
        const exercise = g?.lesson.exercise;
        if (!g || !exercise) return;
        this.driver.setPaused(true);
        this.selection.set(g.lesson.select.board, g.lesson.select.pi);
        this.load({ scenario: exercise.scenario, lesson: true, guided: { file: g.lesson.file, exercise: true } });
        void this.driver.step(100); // the MCUs boot (10 ms) before the student's first command
      },
      finishExercise: () => void this.driver.step(Math.max(0, this.current.scenario.durationMs - this.current.now)),
      show: (board, pi) => {
        this.selection.set(board, pi);
        document.querySelector(`.board[data-board="${board}"]`)?.scrollIntoView({ block: 'nearest' });
      },
    };
  }

  /**
   * A new session from a start, not shown yet; a guided start gets its guide (the lesson's
   * runner, whose pauses stop time). `replayTo`: the same start rebuilt and replayed to that time
   * (ms; a rewind, an undo, a link), so the student's prediction and Run carry over from the
   * session it replaces, and past 0 s the lesson counts as run (its prediction form stays closed).
   */
  private build(start: Start, replayTo?: number): Session {
    let session: Session | undefined;
    this.tracker.now = () => session?.now ?? 0; // the actors' first transitions happen while the session is built
    session = new Session({ scenario: start.scenario, lesson: start.lesson, inspect: this.tracker.inspect });
    session.inputSink = (input) => this.rewinder.record(input);
    const g = start.guided;
    this.loadedKey = g ? `guided:${g.file}` : start.lessonFile === undefined ? undefined : `scenario:${start.lessonFile}`;
    if (!g) return session;
    const lesson = this.guidedLesson(g.file);
    const before = replayTo === undefined ? undefined : this.guideState;
    const same = before && before.lesson.file === g.file && before.exercise === g.exercise ? before : undefined;
    const runner = g.exercise ? undefined : new LessonRunner(lesson, session.sim);
    const given = same?.runner?.prediction?.given ?? g.prediction;
    if (runner && given !== undefined) runner.predict(given);
    session.guide = runner;
    // Set before adopt() draws the panels, so the lesson's guide shows at once.
    this.guides.set(session, { lesson, runner, exercise: g.exercise, started: g.exercise || (same?.started ?? false) || (replayTo ?? 0) > 0 });
    return session;
  }

  /** A rebuilt session reached `t` (ms) by replay: its lesson's pauses before t are passed. */
  private replayed(session: Session, t: number): void {
    this.guides.get(session)?.runner?.catchUp(t);
  }
}
