/// <reference lib="dom" />
/**
 * The scope / timing-diagram panel: the selected board's traces (TraceRecorder) drawn on a
 * canvas against virtual time, with event and lesson-step markers (hover for their text), a
 * time axis, pan (drag, arrow keys, buttons) and zoom (wheel, +/- keys and buttons), "follow
 * live" or a window that stays put for scrolling back (also while time runs), a readout of every
 * trace's value at the pointer, and CSV / VCD downloads (Blob and object URL: works from
 * file://). Thin: the recording, the window maths and the exporters are pure modules in scope/.
 */
import { h, labelled, panel, setAttr, setText } from './dom.ts';
import { formatSeconds } from './format.ts';
import type { Session } from './Session.ts';
import { toCsv, toVcd } from './scope/exporters.ts';
import { valueText } from './scope/plotMath.ts';
import { LABEL_W, RIGHT_PAD, ScopePlot } from './scope/ScopePlot.ts';
import { ScopeWindow } from './scope/ScopeWindow.ts';
import { TRACE_CAP } from './scope/Trace.ts';
import type { Trace } from './scope/Trace.ts';
import { MARKER_CAP, TraceRecorder } from './scope/TraceRecorder.ts';
import type { Selection } from './stackView.ts';

/** What the page's tests read through `window.pistackScope`. */
export interface ScopeHook {
  /** The recorder of the current session. */
  recorder(): TraceRecorder;
  /** Index of the board shown. */
  board(): number;
  /** The visible window [start, end] (ms) and whether it follows the present. */
  window(): { start: number; end: number; follow: boolean };
  /** The files the CSV and VCD buttons download, built now. */
  csv(): string;
  vcd(): string;
  /** Canvas draws so far: whole, and by strips while following live (ScopePlot). */
  draws(): { full: number; strip: number };
  /** Draw the canvas whole now (a test compares it with the picture the strips made). */
  redraw(): void;
}

declare global {
  interface Window {
    pistackScope?: ScopeHook;
  }
}

/** The scope panel. */
export class ScopePanel {
  readonly el: HTMLElement;
  private session: Session | undefined;
  private rec: TraceRecorder | undefined;
  private readonly view = new ScopeWindow();
  private readonly boardSelect = h('select', { id: 'scope-board' });
  private readonly live = h('button', { type: 'button', id: 'scope-live', 'aria-pressed': 'true', 'aria-label': 'follow live: the window ends at the present' }, 'Live');
  private readonly canvas = h('canvas', { id: 'scope-canvas', role: 'img', 'aria-label': 'scope traces' });
  private readonly plot = new ScopePlot(this.canvas);
  private readonly region = h('div', { class: 'scope-plot', tabindex: 0, role: 'region', 'aria-label': 'scope: left and right arrows pan, + and - zoom, Home fits all, End follows live, [ and ] step through the markers', 'aria-describedby': 'scope-readout' });
  private readonly tip = h('div', { class: 'scope-tip', role: 'tooltip', id: 'scope-tip', 'aria-live': 'polite', hidden: true });
  private readonly readout = h('p', { class: 'scope-readout', id: 'scope-readout', 'aria-live': 'off' });
  private readonly caption = h('p', { class: 'caption', id: 'scope-caption' });
  private hoverX: number | undefined;
  /** Time of the marker chosen with the [ and ] keys (ms), shown as the pointer would show it. */
  private markerAt: number | undefined;
  private drag: { x: number; id: number } | undefined;
  private lastKey = '';
  private controlsKey = '';
  /** Plot region's width (CSS px), kept by a ResizeObserver: reading clientWidth every frame would force a layout of the whole page. */
  private width = 0;

  constructor(private readonly selection: Selection) {
    const button = (id: string, text: string, label: string, run: () => void): HTMLButtonElement => {
      const b = h('button', { type: 'button', id, 'aria-label': label, title: label }, text);
      b.addEventListener('click', () => {
        run();
        this.changed();
      });
      return b;
    };
    this.boardSelect.addEventListener('change', () => this.selection.set(Number(this.boardSelect.value)));
    this.live.addEventListener('click', () => {
      this.view.setFollow(!this.view.follow, this.now);
      this.changed();
    });
    const toolbar = h('div', { class: 'controls scope-tools' },
      labelled('Board', this.boardSelect),
      h('div', { class: 'buttons', role: 'group', 'aria-label': 'time window' },
        button('scope-back', '◀', 'pan back in time', () => this.view.pan(-0.5, this.now)),
        button('scope-forward', '▶', 'pan forward in time', () => this.view.pan(0.5, this.now)),
        button('scope-zoom-in', '+', 'zoom in (a shorter window)', () => this.view.zoom(0.5, this.now)),
        button('scope-zoom-out', '−', 'zoom out (a longer window)', () => this.view.zoom(2, this.now)),
        button('scope-fit', 'Fit', 'fit everything recorded', () => this.fitAll()),
        this.live),
      h('div', { class: 'buttons', role: 'group', 'aria-label': 'export' },
        button('scope-csv', 'CSV', 'download this board\'s recorded traces as CSV', () => this.download('csv')),
        button('scope-vcd', 'VCD', 'download this board\'s recorded traces as VCD (GTKWave)', () => this.download('vcd'))));
    this.region.append(this.canvas, this.tip);
    this.el = panel('scope', 'Scope', this.caption, toolbar, this.region, this.readout);
    this.el.classList.add('scope');
    this.wire();
    new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.contentBoxSize[0];
      this.width = Math.floor(box ? box.inlineSize : this.region.clientWidth);
      this.changed();
    }).observe(this.region);
    selection.onChange(() => this.changed());
    window.pistackScope = {
      recorder: () => this.recorder,
      board: () => this.board,
      window: () => {
        const [start, end] = this.view.range(this.now);
        return { start, end, follow: this.view.follow };
      },
      csv: () => this.file('csv'),
      vcd: () => this.file('vcd'),
      draws: () => ({ ...this.plot.counts }),
      redraw: () => this.changed(),
    };
  }

  /** The recorder of the current session: lesson steps add markers with `recorder.addMarker(t, label)`. */
  get recorder(): TraceRecorder {
    if (!this.rec) throw new Error('scope: no session bound yet');
    return this.rec;
  }

  /** Record a new session's stack (the old recording ends with its session). */
  bind(session: Session): void {
    this.rec?.dispose();
    this.session = session;
    this.rec = new TraceRecorder(session.sim);
    this.boardSelect.replaceChildren(...session.sim.boards.map((b) => h('option', { value: b.index }, `ID ${b.id} (#${b.index})`)));
    this.view.fit(this.now - this.view.span, this.now, this.now);
    this.changed();
  }

  /** Redraw when anything shown changed (time while following, new changes, the window, the pointer). */
  render(): void {
    const rec = this.rec;
    if (!rec) return;
    const board = this.board;
    this.renderControls(rec, board);
    const traces = rec.traces(board);
    const [start, end] = this.view.range(this.now);
    let total = 0;
    for (const t of traces) total += t.total;
    const width = this.width;
    const key = `${board} ${start} ${end} ${total} ${rec.markerCount} ${width} ${this.hoverX} ${this.markerAt}`;
    if (key === this.lastKey) return;
    this.lastKey = key;
    // Not laid out (off screen, or before the first layout): the text only; the ResizeObserver draws the canvas once it is.
    if (width === 0) this.readoutText(traces, end, undefined, start, end, rec.markers(board, start, end).length);
    else this.draw(traces, start, end, width);
  }

  /** The board list, the Live button and the caption: only when what they show changed. */
  private renderControls(rec: TraceRecorder, board: number): void {
    const boards = this.session!.sim.boards;
    const since = rec.completeSince(board);
    let ids = '';
    for (const b of boards) ids += `${b.id},`;
    const key = `${board} ${ids} ${since} ${this.view.follow}`;
    if (key === this.controlsKey) return;
    this.controlsKey = key;
    for (const option of Array.from(this.boardSelect.options)) setText(option, `ID ${boards[Number(option.value)]!.id} (#${option.value})`); // a DIP change and reset gives a new ID
    if (this.boardSelect.value !== String(board)) this.boardSelect.value = String(board);
    setAttr(this.live, 'aria-pressed', String(this.view.follow));
    setText(this.caption, `Board ID ${boards[board]!.id}: traces recorded from the simulation at every change, markers for events (orange) and lesson steps (purple). Keeps the last ${TRACE_CAP} changes of each trace (a heartbeat: about 11 hours) and ${MARKER_CAP} markers; complete from ${formatSeconds(since)}. Drag or use the arrow keys to pan, the wheel or +/- to zoom, [ and ] to step through the markers.`);
  }

  private get now(): number {
    return this.session?.now ?? 0;
  }

  private get board(): number {
    const n = this.session?.sim.boards.length ?? 1;
    return Math.min(this.selection.board, n - 1);
  }

  private changed(): void {
    this.lastKey = '';
    this.controlsKey = '';
    this.plot.invalidate();
    this.render();
  }

  private fitAll(): void {
    this.view.fit(this.rec ? this.rec.completeSince(this.board) : 0, this.now, this.now);
  }

  private file(kind: 'csv' | 'vcd'): string {
    const rec = this.recorder;
    const board = this.board;
    const input = { traces: rec.traces(board), from: rec.completeSince(board), to: this.now, markers: rec.markers(board), title: `board ${this.session!.sim.boards[board]!.id}` };
    return kind === 'csv' ? toCsv(input) : toVcd(input);
  }

  private download(kind: 'csv' | 'vcd'): void {
    const blob = new Blob([this.file(kind)], { type: kind === 'csv' ? 'text/csv' : 'text/plain' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: `pistack-board-${this.session!.sim.boards[this.board]!.id}-scope.${kind}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  /** Plot width in CSS px. */
  private plotWidth(width: number): number {
    return Math.max(1, width - LABEL_W - RIGHT_PAD);
  }

  private timeAtX(x: number): number {
    const [start, end] = this.view.range(this.now);
    return start + ((x - LABEL_W) / this.plotWidth(this.width)) * (end - start);
  }

  private wire(): void {
    const c = this.canvas;
    c.addEventListener('pointerdown', (e) => {
      this.drag = { x: e.offsetX, id: e.pointerId };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      if (this.drag && this.drag.id === e.pointerId) {
        const dx = e.offsetX - this.drag.x;
        this.drag.x = e.offsetX;
        if (dx !== 0) this.view.panBy((-dx / this.plotWidth(this.width)) * this.view.span, this.now);
      }
      this.hoverX = e.offsetX >= LABEL_W ? e.offsetX : undefined;
      this.markerAt = undefined;
      this.changed();
    });
    const endDrag = (): void => {
      this.drag = undefined;
    };
    c.addEventListener('pointerup', endDrag);
    c.addEventListener('pointercancel', endDrag);
    c.addEventListener('pointerleave', () => {
      this.hoverX = undefined;
      this.changed();
    });
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      const anchor = e.offsetX >= LABEL_W ? this.timeAtX(e.offsetX) : undefined;
      this.view.zoom(e.deltaY > 0 ? 1.25 : 0.8, this.now, anchor);
      this.changed();
    }, { passive: false });
    this.region.addEventListener('keydown', (e) => {
      const now = this.now;
      if (e.key === 'ArrowLeft') this.view.pan(-0.25, now);
      else if (e.key === 'ArrowRight') this.view.pan(0.25, now);
      else if (e.key === '+' || e.key === '=') this.view.zoom(0.5, now);
      else if (e.key === '-' || e.key === '_') this.view.zoom(2, now);
      else if (e.key === 'Home') this.fitAll();
      else if (e.key === 'End') this.view.setFollow(true, now);
      else if (e.key === '[' || e.key === ']') this.stepMarker(e.key === '[' ? -1 : 1);
      else if (e.key === 'Escape' && this.markerAt !== undefined) this.markerAt = undefined;
      else return;
      e.preventDefault();
      this.changed();
    });
  }

  /** Choose the previous (-1) or next (1) marker from the chosen one (or the window's end / start), and bring it into view. */
  private stepMarker(direction: -1 | 1): void {
    const rec = this.rec;
    if (!rec) return;
    const now = this.now;
    const [start, end] = this.view.range(now);
    const from = this.markerAt ?? (direction < 0 ? end + 1e-9 : start - 1e-9);
    const all = rec.markers(this.board);
    const m = direction < 0 ? all.filter((x) => x.t < from).pop() : all.find((x) => x.t > from);
    if (!m) return;
    this.markerAt = m.t;
    this.hoverX = undefined;
    if (m.t < start || m.t > end) this.view.fit(m.t - this.view.span / 2, m.t + this.view.span / 2, now);
  }

  /** The canvas (ScopePlot), then what the DOM shows of the same moment: the marker tip, the readout, the canvas's accessible name. */
  private draw(traces: Trace[], start: number, end: number, width: number): void {
    const rec = this.recorder;
    const board = this.board;
    const span = Math.max(end - start, 1e-9);
    const plotW = this.plotWidth(width);
    const xAt = (t: number): number => LABEL_W + ((t - start) / span) * plotW;
    const marked = this.markerAt !== undefined && this.markerAt >= start && this.markerAt <= end ? xAt(this.markerAt) : undefined;
    const cursorX = this.hoverX ?? marked;
    const drawn = this.plot.draw({ traces, markers: (from, to) => rec.markers(board, from, to), start, end, now: this.now, follow: this.view.follow, width, cursorX });
    const markers = drawn.markers;
    const cursorT = this.hoverX !== undefined ? this.timeAtX(this.hoverX) : cursorX === undefined ? undefined : this.markerAt;
    const at = cursorT ?? end;
    const hovered = cursorX === undefined ? [] : markers.filter((m) => Math.abs(cursorX - (Math.round(xAt(m.t)) + 0.5)) <= 5);
    this.tip.hidden = hovered.length === 0;
    if (hovered.length > 0) {
      const shown = hovered.slice(0, 6).map((m) => `${m.kind === 'lesson' ? 'Lesson step' : 'Event'} at ${formatSeconds(m.t)}: ${m.label} (${m.detail})`);
      if (hovered.length > 6) shown.push(`and ${hovered.length - 6} more`);
      setText(this.tip, shown.join('; '));
      this.tip.style.left = `${Math.min(Math.max(0, xAt(hovered[0]!.t) - 40), Math.max(0, width - 260))}px`;
    }
    this.readoutText(traces, at, cursorT === undefined ? undefined : this.hoverX === undefined ? 'at the marker' : 'at the pointer', start, end, markers.length);
  }

  /** The readout (every trace's value at `at`, ms) and the canvas's accessible name: also while the canvas is not laid out (off screen). */
  private readoutText(traces: readonly Trace[], at: number, where: string | undefined, start: number, end: number, markers: number): void {
    const place = where ?? (this.view.follow ? 'now' : 'at the window\'s end');
    setText(this.readout, `${place}, ${formatSeconds(at)}: ${traces.map((t) => `${t.info.label} ${valueText(t, at)}`).join(' · ')}`);
    setAttr(this.canvas, 'aria-label', `scope of board index ${this.board}, ${traces.length} traces from ${formatSeconds(start)} to ${formatSeconds(end)}${this.view.follow ? ', following live' : ''}, ${markers} markers`);
  }
}
