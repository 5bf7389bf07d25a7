/// <reference lib="dom" />
/**
 * The statecharts of the selected board and Pi: port, Pi, regulator and MCU, drawn at build
 * time from the machine definitions, one at a time in a viewport that pans, zooms and fits
 * (ChartFigure). Every frame the active states are lit, the latest transition of each parallel
 * region is marked, delays and guards show their values, a running delay counts down, and the
 * transitions enabled now can be clicked (or pressed from the "Fire" list) to send their event:
 * a host command as a real frame through the session's client, a fault through the control
 * surface. The recent transitions sit in a fixed box under the chart, so they never move it.
 */
import type { AnyActorRef, AnyStateMachine, StateValue } from 'xstate';
import { ChartFigure } from './chart/ChartFigure.ts';
import { activeStateIds, chartOf, stateDomId, type Chart, type ChartTransition } from './chart/statechart.ts';
import { CHARTS, type ChartKey } from './chart/machines.ts';
import type { TransitionTracker } from './chart/TransitionTracker.ts';
import { enabledTransitions, triggerText, type EnabledTransition, type Trigger } from './chart/triggers.ts';
import { delayMs, delayOf, formatLeft, valuedLabel } from './chart/values.ts';
import { ZOOM_STEP } from './chart/zoom.ts';
import { latestPerRegion, regionOf } from './chart/regions.ts';
import { h, labelled, panel, select, setAttr, setClass, setText } from './dom.ts';
import { formatSeconds } from './format.ts';
import type { Selection } from './stackView.ts';
import type { Session } from './Session.ts';
import type { TimeDriver } from './TimeDriver.ts';
import type { VizChart } from './vizData.ts';

/** Short names of the chart picker's buttons. */
const SHORT: Record<ChartKey, string> = { powerPort: 'Port', raspberryPi: 'Pi', regulator: '5 V regulator', boardMcu: 'MCU' };

interface Figure {
  readonly key: ChartKey;
  readonly machine: AnyStateMachine;
  readonly chart: Chart;
  /** The root and the regions of parallel states: always active, so never lit (it would light everything). */
  readonly unlit: ReadonlySet<string>;
  readonly regionOf: ReadonlyMap<string, string>;
  readonly view: ChartFigure;
  readonly el: HTMLElement;
  readonly pick: HTMLButtonElement;
  readonly now: HTMLElement;
  readonly timer: HTMLElement;
  readonly fire: HTMLElement;
  readonly recent: HTMLOListElement;
  lit: Set<string>;
  lastEdges: Set<string>;
  snapshot: unknown;
  latest: unknown;
  enabled: EnabledTransition[];
  enabledKey: string;
}

/** Leaf paths of a state value: { power: { on: 'alive' }, signal: 'released' } → ["power.on.alive", "signal.released"]. */
export function valuePaths(value: StateValue): string[] {
  if (typeof value === 'string') return [value];
  return Object.entries(value).flatMap(([key, inner]) => (inner === undefined || (typeof inner === 'object' && Object.keys(inner).length === 0) ? [key] : valuePaths(inner).map((p) => `${key}.${p}`)));
}

type Snap = { value: StateValue; status: string; context: unknown; can(event: { type: string }): boolean };

/** The charts panel. */
export class ChartView {
  readonly el: HTMLElement;
  private readonly boardSelect = select([], { id: 'chart-board' });
  private readonly piButtons: [HTMLButtonElement, HTMLButtonElement];
  private readonly status = h('p', { class: 'status', id: 'chart-status', role: 'status' });
  private readonly figures: Figure[];
  private shown: ChartKey = 'powerPort';
  private session: Session | undefined;

  constructor(charts: readonly VizChart[], private readonly tracker: TransitionTracker, private readonly selection: Selection, private readonly driver: TimeDriver) {
    this.piButtons = [0, 1].map((pi) => {
      const b = h('button', { type: 'button', id: `chart-pi-${pi}`, 'aria-pressed': 'false' }, `Pi ${pi}`);
      b.addEventListener('click', () => this.selection.set(this.selection.board, pi as 0 | 1));
      return b;
    }) as [HTMLButtonElement, HTMLButtonElement];
    this.figures = CHARTS.map((spec) => this.figure(spec.key, spec.title, spec.machine, charts.find((c) => c.key === spec.key)?.svg ?? '<p>chart missing</p>'));
    const tool = (id: string, text: string, label: string, act: () => void): HTMLButtonElement => {
      const b = h('button', { type: 'button', id, 'aria-label': label, title: label }, text);
      b.addEventListener('click', act);
      return b;
    };
    const current = (): ChartFigure => this.figureOf(this.shown).view;
    const picker = h('div', { class: 'picker', role: 'group', 'aria-label': 'which chart' }, ...this.figures.map((f) => f.pick));
    const zoom = h('div', { class: 'zoom', role: 'group', 'aria-label': 'zoom' },
      tool('chart-zoom-out', '−', 'zoom out', () => current().zoom(1 / ZOOM_STEP)),
      tool('chart-zoom-in', '+', 'zoom in', () => current().zoom(ZOOM_STEP)),
      tool('chart-fit', 'Fit', 'fit the chart to the view', () => current().fit()),
      tool('chart-active', 'Active', 'scroll to the active state', () => this.revealActive(true)));
    this.el = panel('charts', 'Statecharts',
      h('div', { class: 'controls chart-controls' }, labelled('Board', this.boardSelect),
        h('div', { class: 'pis', role: 'group', 'aria-label': 'which Pi' }, ...this.piButtons), picker, zoom),
      h('div', { class: 'figures' }, ...this.figures.map((f) => f.el)),
      this.status);
    this.boardSelect.addEventListener('change', () => this.selection.set(Number(this.boardSelect.value), this.selection.pi));
    selection.onChange(() => this.showSelection());
    this.pick('powerPort');
  }

  private figure(key: ChartKey, title: string, machine: AnyStateMachine, svg: string): Figure {
    const chart = chartOf(machine);
    const unlit = new Set(chart.states.filter((st) => st.region || st.parent === undefined).map((st) => st.domId));
    const view = new ChartFigure(svg, `statechart: ${title}`, () => this.leaves(key), (edgeId) => void this.fireEdge(key, edgeId));
    const pick = h('button', { type: 'button', 'data-pick': key, 'aria-pressed': 'false' }, SHORT[key]);
    pick.addEventListener('click', () => this.pick(key));
    const now = h('p', { class: 'now' });
    const timer = h('p', { class: 'timer' });
    const fire = h('div', { class: 'fire', role: 'group', 'aria-label': `transitions to fire now, ${key}` });
    const recent = h('ol', { class: 'recent', 'aria-label': `recent transitions, ${key}`, tabindex: 0 });
    const el = h('figure', { class: 'chart', 'data-chart': key },
      h('figcaption', {}, h('h3', {}, title), now, timer), view.box,
      h('div', { class: 'below-chart' }, fire, recent));
    const regions = new Map(chart.states.map((s) => [s.id, regionOf(chart, s.id)]));
    return { key, machine, chart, unlit, regionOf: regions, view, el, pick, now, timer, fire, recent, lit: new Set(), lastEdges: new Set(), snapshot: undefined, latest: undefined, enabled: [], enabledKey: '' };
  }

  private figureOf(key: ChartKey): Figure {
    return this.figures.find((f) => f.key === key)!;
  }

  /** Show one chart (the others stay in the page, hidden, still lit). */
  pick(key: ChartKey): void {
    this.shown = key;
    for (const f of this.figures) {
      setClass(f.el, 'shown', f.key === key);
      setAttr(f.pick, 'aria-pressed', String(f.key === key));
    }
    this.figureOf(key).view.layout(); // now, so whatever reads the chart next sees it fitted to its box
  }

  /** Fill the board list for a new session. */
  bind(session: Session): void {
    this.session = session;
    this.boardSelect.replaceChildren(...session.sim.boards.map((b) => h('option', { value: b.index }, `ID ${b.id} (board #${b.index})`)));
    setText(this.status, '');
    this.showSelection();
  }

  /** Light the active states, mark the latest transitions, refresh values, countdowns and what can fire (`live`: an animation frame, the shown chart only; the hidden ones catch up at the next full draw, before they can be shown). */
  render(live = false): void {
    const actors = this.actors();
    if (!actors) return;
    for (const f of this.figures) if (!live || f.key === this.shown) this.renderFigure(f, actors[f.key]);
  }

  private actors(): Record<ChartKey, AnyActorRef | undefined> | undefined {
    const board = this.session?.sim.boards[this.selection.board];
    if (!board) return undefined;
    return { powerPort: board.ports[this.selection.pi], raspberryPi: board.pis[this.selection.pi], regulator: board.regulator, boardMcu: board.mcu };
  }

  private renderFigure(f: Figure, actor: AnyActorRef | undefined): void {
    const snapshot = actor?.getSnapshot() as Snap | undefined;
    const live = snapshot?.status === 'active' ? snapshot : undefined;
    if (snapshot !== f.snapshot) {
      f.snapshot = snapshot;
      const active = live ? activeStateIds(f.machine, live.value) : [];
      const lit = new Set(active.map(stateDomId).filter((id) => !f.unlit.has(id)));
      for (const id of f.lit) if (!lit.has(id)) f.view.mark(id, 'active', false);
      for (const id of lit) if (!f.lit.has(id)) f.view.mark(id, 'active', true);
      const entered = lit.size > 0 && [...lit].some((id) => !f.lit.has(id));
      f.lit = lit;
      const text = !actor ? 'no Pi in this port' : live ? `now: ${valuePaths(live.value).join(' | ')}` : 'stopped';
      setText(f.now, text);
      setAttr(f.view.box, 'aria-label', `statechart ${f.key}, ${text}`);
      for (const t of f.chart.transitions) if (t.targets.length > 0) f.view.setLabel(t.domId, valuedLabel(f.key, f.machine, t.label, t.event, t.guard, live?.context));
      this.renderEnabled(f, live, new Set(active));
      if (entered && f.key === this.shown) this.revealActive(false);
    }
    if (actor && live) this.renderTimers(f, actor, live);
    else setText(f.timer, '');
    const recent = actor ? this.tracker.recent(actor) : [];
    const latest = recent[recent.length - 1];
    if (latest === f.latest) return;
    f.latest = latest;
    const marks = new Set(latestPerRegion(recent, f.regionOf).map((t) => t.edgeId));
    for (const id of f.lastEdges) if (!marks.has(id)) f.view.mark(id, 'last', false);
    for (const id of marks) f.view.mark(id, 'last', true);
    f.lastEdges = marks;
    f.recent.replaceChildren(...[...recent].reverse().map((t, i) =>
      h('li', { class: i === 0 ? 'latest' : undefined }, `${formatSeconds(t.t)}: ${t.from} → ${t.to} (${t.event})`)));
  }

  /** Countdown of each running delayed transition: on its edge label and in the caption. */
  private renderTimers(f: Figure, actor: AnyActorRef, live: Snap): void {
    const now = this.session?.now ?? 0;
    const parts: string[] = [];
    for (const t of f.chart.transitions) {
      const delay = delayOf(t.event);
      if (delay === undefined || t.targets.length === 0) continue;
      const since = this.tracker.enteredAt(actor, t.source);
      const ms = delayMs(f.machine, delay, live.context);
      const running = since !== undefined && ms !== undefined;
      f.view.mark(t.domId, 'pending', running);
      const label = valuedLabel(f.key, f.machine, t.label, t.event, t.guard, live.context);
      const left = running ? formatLeft(since + ms - now) : '';
      f.view.setLabel(t.domId, label, left);
      if (!running) continue;
      parts.push(`${label.split(' / ')[0]}: ${left}`);
    }
    setText(f.timer, parts.length > 0 ? `timers: ${parts.join('; ')}` : 'timers: none running');
  }

  private renderEnabled(f: Figure, live: Snap | undefined, active: ReadonlySet<string>): void {
    const board = this.session?.sim.boards[this.selection.board];
    const enabled = live && board ? enabledTransitions(f.key, f.chart.transitions, active, (type) => live.can({ type })) : [];
    const key = enabled.map((e) => e.transition.domId).join(' ');
    if (key === f.enabledKey) return;
    f.enabledKey = key;
    const names = new Map(enabled.map((e) => [e.transition.domId, this.describe(e)]));
    for (const t of f.chart.transitions) if (t.targets.length > 0) f.view.setEnabled(t.domId, names.get(t.domId));
    f.enabled = enabled;
    f.fire.replaceChildren(h('span', { class: 'label' }, enabled.length > 0 ? 'Fire:' : 'Nothing to fire from here.'), ...enabled.map((e) => {
      const b = h('button', { type: 'button', 'data-fire': e.transition.event, title: names.get(e.transition.domId) }, e.transition.event);
      b.addEventListener('click', () => void this.fireEdge(f.key, e.transition.domId));
      return b;
    }));
  }

  private describe(e: EnabledTransition): string {
    const board = this.session?.sim.boards[this.selection.board];
    return `${e.transition.event}: ${triggerText(e.trigger, board?.id ?? 0, this.selection.board, this.selection.pi)}`;
  }

  /** Fire an enabled edge's event the way the rest of the page would cause it. */
  private async fireEdge(key: ChartKey, edgeId: string): Promise<void> {
    const f = this.figureOf(key);
    const found = f.enabled.find((e) => e.transition.domId === edgeId || edgeId.startsWith(`${e.transition.domId}-`));
    const session = this.session;
    const board = session?.sim.boards[this.selection.board];
    if (!found || !session || !board) return;
    const pi = this.selection.pi;
    setText(this.status, `${found.transition.event}: ${triggerText(found.trigger, board.id, board.index, pi)}…`);
    setText(this.status, `${found.transition.event}: ${await this.trigger(found.trigger, session, board.id, board.index, pi, found.transition)}`);
  }

  private async trigger(trigger: Trigger, session: Session, id: number, index: number, pi: 0 | 1, t: ChartTransition): Promise<string> {
    try {
      // Through session.input, as the host and fault panels do: recorded for rewind, undo, links and the export.
      if (trigger.kind === 'fault') {
        await this.driver.settle(session.input({ kind: 'fault', fault: trigger.fault, board: index, pi }));
        return `${trigger.fault} injected on board #${index} Pi ${pi} at ${formatSeconds(session.now)}`;
      }
      const x = await this.driver.settle(session.input({ kind: 'host', command: trigger.command, id, args: { pi } }));
      if (!x) return `sent ${trigger.command} to board ${id} Pi ${pi}`;
      const o = x.outcome;
      const reply = o.kind === 'reply' ? (o.frame.status === 'ok' ? 'OK' : `error reply`) : `no reply (${o.error.message})`;
      return `sent ${trigger.command} to board ${id} Pi ${pi} at ${formatSeconds(x.sentAt)}: ${reply} (${t.source.split('.').slice(1).join('.')} edge)`;
    } catch (e) {
      return `failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** Bring the shown chart's active leaf states into view (`force`: centre them even if visible). */
  private revealActive(force: boolean): void {
    this.figureOf(this.shown).view.reveal(this.leaves(this.shown), force);
  }

  /** DOM ids of a chart's lit states that have no lit child (the innermost active states). */
  private leaves(key: ChartKey): string[] {
    const f = this.figureOf(key);
    return [...f.lit].filter((id) => ![...f.lit].some((other) => other !== id && other.startsWith(`${id}-`)));
  }

  private showSelection(): void {
    this.boardSelect.value = String(this.selection.board);
    this.piButtons.forEach((b, i) => setAttr(b, 'aria-pressed', String(i === this.selection.pi)));
    for (const f of this.figures) {
      f.snapshot = undefined;
      f.latest = undefined;
      f.enabledKey = '-';
      for (const id of f.lastEdges) f.view.mark(id, 'last', false);
      f.lastEdges = new Set();
      f.recent.replaceChildren();
    }
  }
}
