/// <reference lib="dom" />
/**
 * The statecharts of the selected board and port: port, Pi, regulator and MCU, drawn at build
 * time from the machine definitions. Every frame the active states are lit (class "active" on
 * their SVG groups) and the latest transition is marked (class "last" on its edge), with the
 * recent transitions listed under each chart.
 */
import type { AnyActorRef, AnyStateMachine, StateValue } from 'xstate';
import { activeStateIds, chartOf, stateDomId } from './chart/statechart.ts';
import { CHARTS, type ChartKey } from './chart/machines.ts';
import type { TakenTransition, TransitionTracker } from './chart/TransitionTracker.ts';
import { h, labelled, panel, select, setAttr, setClass, setText } from './dom.ts';
import { formatSeconds } from './format.ts';
import type { Selection } from './stackView.ts';
import type { Session } from './Session.ts';
import type { VizChart } from './vizData.ts';

interface Figure {
  readonly key: ChartKey;
  readonly machine: AnyStateMachine;
  /** The root and the regions of parallel states: always active, so never lit (it would light everything). */
  readonly unlit: ReadonlySet<string>;
  readonly svgBox: HTMLElement;
  readonly now: HTMLElement;
  readonly recent: HTMLOListElement;
  lit: Set<string>;
  lastEdge: string | undefined;
  snapshot: unknown;
  latest: TakenTransition | undefined;
}

/** Leaf paths of a state value: { power: { on: 'alive' }, signal: 'released' } → ["power.on.alive", "signal.released"]. */
export function valuePaths(value: StateValue): string[] {
  if (typeof value === 'string') return [value];
  return Object.entries(value).flatMap(([key, inner]) => (inner === undefined || (typeof inner === 'object' && Object.keys(inner).length === 0) ? [key] : valuePaths(inner).map((p) => `${key}.${p}`)));
}

/** The charts panel. */
export class ChartView {
  readonly el: HTMLElement;
  private readonly boardSelect = select([], { id: 'chart-board' });
  private readonly portSelect = select([['0', 'Pi 0'], ['1', 'Pi 1']], { id: 'chart-port' });
  private readonly figures: Figure[];
  private session: Session | undefined;

  constructor(charts: readonly VizChart[], private readonly tracker: TransitionTracker, private readonly selection: Selection) {
    this.figures = CHARTS.map((spec) => {
      const svg = charts.find((c) => c.key === spec.key)?.svg ?? '<p>chart missing</p>';
      const svgBox = h('div', { class: 'svg', tabindex: 0, role: 'img', 'aria-label': `statechart: ${spec.title}` });
      svgBox.innerHTML = svg;
      const unlit = new Set(chartOf(spec.machine).states.filter((st) => st.region || st.parent === undefined).map((st) => st.domId));
      return { key: spec.key, machine: spec.machine, unlit, svgBox, now: h('p', { class: 'now' }), recent: h('ol', { class: 'recent', 'aria-label': `recent transitions, ${spec.key}` }), lit: new Set<string>(), lastEdge: undefined, snapshot: undefined, latest: undefined };
    });
    const controls = h('div', { class: 'controls' }, labelled('Board', this.boardSelect), labelled('Port', this.portSelect));
    this.el = panel('charts', 'Statecharts', controls,
      h('p', { class: 'caption' }, 'Drawn from the XState definitions. Lit: active states. Red: the latest transition.'),
      h('div', { class: 'figures' }, ...this.figures.map((f) => h('figure', { class: 'chart', 'data-chart': f.key },
        h('figcaption', {}, h('h3', {}, CHARTS.find((c) => c.key === f.key)!.title), f.now, f.recent), f.svgBox))));
    const choose = () => this.selection.set(Number(this.boardSelect.value), this.portSelect.value === '1' ? 1 : 0);
    this.boardSelect.addEventListener('change', choose);
    this.portSelect.addEventListener('change', choose);
    selection.onChange(() => this.showSelection());
  }

  /** Fill the board list for a new session. */
  bind(session: Session): void {
    this.session = session;
    this.boardSelect.replaceChildren(...session.sim.boards.map((b) => h('option', { value: b.index }, `ID ${b.id} (board #${b.index})`)));
    this.showSelection();
  }

  /** Light the active states and mark the latest transition of each chart. */
  render(): void {
    const board = this.session?.sim.boards[this.selection.board];
    if (!board) return;
    const actors: Record<ChartKey, AnyActorRef | undefined> = {
      powerPort: board.ports[this.selection.pi], raspberryPi: board.pis[this.selection.pi], regulator: board.regulator, boardMcu: board.mcu,
    };
    for (const f of this.figures) this.renderFigure(f, actors[f.key]);
  }

  private renderFigure(f: Figure, actor: AnyActorRef | undefined): void {
    const snapshot = actor?.getSnapshot() as { value: StateValue; status: string } | undefined;
    if (snapshot !== f.snapshot) {
      f.snapshot = snapshot;
      const lit = new Set(snapshot && snapshot.status === 'active' ? activeStateIds(f.machine, snapshot.value).map(stateDomId).filter((id) => !f.unlit.has(id)) : []);
      for (const id of f.lit) if (!lit.has(id)) this.mark(id, 'active', false);
      for (const id of lit) if (!f.lit.has(id)) this.mark(id, 'active', true);
      f.lit = lit;
      const text = !actor ? 'no Pi in this port' : snapshot?.status === 'active' ? `now: ${valuePaths(snapshot.value).join(' | ')}` : `stopped`;
      setText(f.now, text);
      setAttr(f.svgBox, 'aria-label', `statechart ${f.key}, ${text}`);
    }
    const recent = actor ? this.tracker.recent(actor) : [];
    const latest = recent[recent.length - 1];
    if (latest === f.latest) return;
    f.latest = latest;
    if (f.lastEdge) this.mark(f.lastEdge, 'last', false);
    f.lastEdge = latest?.edgeId;
    if (f.lastEdge) this.mark(f.lastEdge, 'last', true);
    f.recent.replaceChildren(...[...recent].reverse().map((t, i) =>
      h('li', { class: i === 0 ? 'latest' : undefined }, `${formatSeconds(t.t)}: ${t.from} → ${t.to} (${t.event})`)));
  }

  private mark(id: string, className: string, on: boolean): void {
    const el = document.getElementById(id);
    if (el) setClass(el, className, on);
  }

  private showSelection(): void {
    this.boardSelect.value = String(this.selection.board);
    this.portSelect.value = String(this.selection.pi);
    for (const f of this.figures) {
      f.snapshot = undefined;
      f.latest = undefined;
      if (f.lastEdge) this.mark(f.lastEdge, 'last', false);
      f.lastEdge = undefined;
      f.recent.replaceChildren();
    }
  }
}
