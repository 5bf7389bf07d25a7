/// <reference lib="dom" />
/**
 * The page: lays out the panels, owns the current Session (rebuilt when a lesson loads), the
 * time driver, the selection and the transition tracker, and renders every panel once per
 * animation frame and at the end of every time move (TimeDriver).
 */
import { ConfigError } from '../board-model/ConfigError.ts';
import { parseScenario, type Scenario } from '../board-model/scenario.ts';
import { BusMonitor } from './busMonitor.ts';
import { CHARTS } from './chart/machines.ts';
import { TransitionTracker } from './chart/TransitionTracker.ts';
import { ChartView } from './chartView.ts';
import { h } from './dom.ts';
import { EventLogPanel } from './eventLogPanel.ts';
import { FaultPanel } from './faultPanel.ts';
import { HostPanel } from './hostPanel.ts';
import { LessonsPanel } from './lessonsPanel.ts';
import { ScopePanel } from './scopePanel.ts';
import { Session } from './Session.ts';
import { Selection, StackView } from './stackView.ts';
import { TimeControls } from './timeControls.ts';
import { TimeDriver } from './TimeDriver.ts';
import type { VizData, VizLesson } from './vizData.ts';

interface View {
  readonly el: HTMLElement;
  bind(session: Session): void;
  render?(): void;
}

/** The whole page. */
export class App {
  readonly driver: TimeDriver;
  readonly selection = new Selection();
  readonly tracker = new TransitionTracker(CHARTS.map((c) => c.machine));
  /** The scope: `scope.recorder.addMarker(t, label)` puts a lesson step on its time axis. */
  readonly scope: ScopePanel;
  private current: Session;
  private readonly views: View[];

  constructor(root: HTMLElement, data: VizData) {
    this.current = this.build(data.start, data.startIsLesson);
    this.driver = new TimeDriver(() => this.current);
    const stack = new StackView(this.selection);
    const charts = new ChartView(data.charts, this.tracker, this.selection);
    const host = new HostPanel(this.driver, this.selection);
    const faults = new FaultPanel(this.selection);
    const lessons = new LessonsPanel(data.lessons, (l) => this.loadLesson(l), () => this.load(data.start, data.startIsLesson));
    const bus = new BusMonitor();
    const events = new EventLogPanel();
    const time = new TimeControls(this.driver, () => this.current);
    const scope = (this.scope = new ScopePanel(this.selection));
    this.views = [scope, stack, charts, host, faults, lessons, bus, events]; // the scope binds first: its recorder is there when the others bind
    root.replaceChildren(
      h('header', { class: 'top' }, h('h1', {}, 'pistack viz'),
        h('p', { class: 'caption' }, 'A stack of Pi Stack boards simulated in your browser, in virtual time.'), time.el),
      h('main', { class: 'layout' },
        h('div', { class: 'col-main' }, stack.el),
        h('div', { class: 'col-side' }, host.el, faults.el, lessons.el),
        h('div', { class: 'col-full' }, scope.el),
        h('div', { class: 'col-full' }, charts.el),
        h('div', { class: 'col-wide' }, bus.el, events.el)),
    );
    for (const view of this.views) view.bind(this.current);
    this.driver.onFrame(() => {
      time.render();
      for (const view of this.views) view.render?.();
    });
  }

  /** The running session. */
  get session(): Session {
    return this.current;
  }

  /** Replace the session: a new stack from the scenario's stack, profile and seed, its steps if a lesson. */
  load(scenario: Scenario, lesson: boolean): void {
    this.current.dispose();
    this.current = this.build(scenario, lesson);
    if (this.selection.board >= this.current.sim.boards.length) this.selection.set(0, 0);
    for (const view of this.views) view.bind(this.current);
    this.driver.render(); // the new stack is drawn at once, not one frame later
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
    this.load(scenario, true);
    if (this.driver.paused) this.driver.setPaused(false);
  }

  private build(scenario: Scenario, lesson: boolean): Session {
    let session: Session | undefined;
    this.tracker.now = () => session?.now ?? 0; // the actors' first transitions happen while the session is built
    session = new Session({ scenario, lesson, inspect: this.tracker.inspect });
    return session;
  }
}
