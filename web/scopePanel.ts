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
import { ScopeWindow, tickLabel, ticks } from './scope/ScopeWindow.ts';
import { TRACE_CAP } from './scope/Trace.ts';
import type { Trace } from './scope/Trace.ts';
import { MARKER_CAP, TraceRecorder, type Marker } from './scope/TraceRecorder.ts';
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
}

declare global {
  interface Window {
    pistackScope?: ScopeHook;
  }
}

const LABEL_W = 118;
const RIGHT_PAD = 10;
const MARK_H = 16;
const ANALOG_H = 34;
const DIGITAL_H = 20;
const AXIS_H = 22;
const FONT = '12px system-ui, "DejaVu Sans", sans-serif';
const COLOURS = { ink: '#1d2330', muted: '#5b6475', grid: '#e3e6ec', analog: '#1a5fd0', digital: '#1f7a3a', high: '#dff3e4', event: '#b54708', lesson: '#7a2fb0', cursor: '#d0312d' };

/** Minimum visible range of an analog lane per unit, so noise-free flat lines are not blown up. */
const MIN_RANGE: Record<string, number> = { V: 1, A: 0.1 };

/** The scope panel. */
export class ScopePanel {
  readonly el: HTMLElement;
  private session: Session | undefined;
  private rec: TraceRecorder | undefined;
  private readonly view = new ScopeWindow();
  private readonly boardSelect = h('select', { id: 'scope-board' });
  private readonly live = h('button', { type: 'button', id: 'scope-live', 'aria-pressed': 'true', 'aria-label': 'follow live: the window ends at the present' }, 'Live');
  private readonly canvas = h('canvas', { id: 'scope-canvas', role: 'img', 'aria-label': 'scope traces' });
  private readonly region = h('div', { class: 'scope-plot', tabindex: 0, role: 'region', 'aria-label': 'scope: left and right arrows pan, + and - zoom, Home fits all, End follows live, [ and ] step through the markers', 'aria-describedby': 'scope-readout' });
  private readonly tip = h('div', { class: 'scope-tip', role: 'tooltip', id: 'scope-tip', 'aria-live': 'polite', hidden: true });
  private readonly readout = h('p', { class: 'scope-readout', id: 'scope-readout', 'aria-live': 'off' });
  private readonly caption = h('p', { class: 'caption', id: 'scope-caption' });
  private hoverX: number | undefined;
  /** Time of the marker chosen with the [ and ] keys (ms), shown as the pointer would show it. */
  private markerAt: number | undefined;
  private drag: { x: number; id: number } | undefined;
  private lastKey = '';
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
    const traces = rec.traces(board);
    const [start, end] = this.view.range(this.now);
    let total = 0;
    for (const t of traces) total += t.total;
    const width = this.width;
    if (width === 0) return; // not laid out yet (the ResizeObserver draws it once it is)
    const key = `${board} ${start} ${end} ${total} ${rec.markers(board, start, end).length} ${width} ${this.hoverX} ${this.markerAt}`;
    if (key === this.lastKey) return;
    this.lastKey = key;
    const boards = this.session!.sim.boards;
    for (const option of Array.from(this.boardSelect.options)) setText(option, `ID ${boards[Number(option.value)]!.id} (#${option.value})`); // a DIP change and reset gives a new ID
    if (this.boardSelect.value !== String(board)) this.boardSelect.value = String(board);
    setAttr(this.live, 'aria-pressed', String(this.view.follow));
    const since = rec.completeSince(board);
    setText(this.caption, `Board ID ${this.session!.sim.boards[board]!.id}: traces recorded from the simulation at every change, markers for events (orange) and lesson steps (purple). Keeps the last ${TRACE_CAP} changes of each trace (a heartbeat: about 11 hours) and ${MARKER_CAP} markers; complete from ${formatSeconds(since)}. Drag or use the arrow keys to pan, the wheel or +/- to zoom, [ and ] to step through the markers.`);
    this.draw(traces, rec.markers(board, start, end), start, end, width);
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

  private draw(traces: Trace[], markers: Marker[], start: number, end: number, width: number): void {
    const lanes = traces.map((t) => (t.info.kind === 'analog' ? ANALOG_H : DIGITAL_H));
    const height = MARK_H + lanes.reduce((a, b) => a + b, 0) + AXIS_H;
    const ratio = window.devicePixelRatio || 1;
    const c = this.canvas;
    if (c.width !== Math.round(width * ratio) || c.height !== Math.round(height * ratio)) {
      c.width = Math.round(width * ratio);
      c.height = Math.round(height * ratio);
      c.style.height = `${height}px`;
    }
    const g = c.getContext('2d');
    if (!g) return;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = FONT;
    g.textBaseline = 'middle';
    const plotW = this.plotWidth(width);
    const span = Math.max(end - start, 1e-9);
    const xAt = (t: number): number => LABEL_W + ((t - start) / span) * plotW;
    const cursorX = this.hoverX ?? (this.markerAt !== undefined && this.markerAt >= start && this.markerAt <= end ? xAt(this.markerAt) : undefined);
    const cursorT = this.hoverX !== undefined ? this.timeAtX(this.hoverX) : cursorX === undefined ? undefined : this.markerAt;
    const at = cursorT ?? end;
    const axisY = height - AXIS_H;
    // Grid and axis.
    const tick = ticks(start, end, Math.max(4, Math.floor(plotW / 80)));
    g.strokeStyle = COLOURS.grid;
    g.fillStyle = COLOURS.muted;
    g.textAlign = 'center';
    for (const t of tick.at) {
      const x = Math.round(xAt(t)) + 0.5;
      g.beginPath();
      g.moveTo(x, MARK_H);
      g.lineTo(x, axisY);
      g.stroke();
      g.fillText(tickLabel(t, tick.step), x, axisY + AXIS_H / 2);
    }
    // Lanes.
    const readout: string[] = [];
    let y = MARK_H;
    traces.forEach((trace, i) => {
      const h = lanes[i]!;
      this.drawLane(g, trace, y, h, start, end, xAt);
      const v = trace.valueAt(at);
      const text = v === undefined ? '–' : trace.info.kind === 'analog' ? `${v.toFixed(trace.info.unit === 'A' ? 3 : 2)} ${trace.info.unit}` : v ? 'high' : 'low';
      readout.push(`${trace.info.label} ${text}`);
      g.textAlign = 'left';
      g.fillStyle = COLOURS.ink;
      if (trace.info.kind === 'analog') {
        g.fillText(trace.info.label, 4, y + 10);
        g.fillStyle = COLOURS.muted;
        g.fillText(text, 4, y + 24);
      } else g.fillText(`${trace.info.label} ${v === undefined ? '' : v ? '1' : '0'}`, 4, y + h / 2);
      g.strokeStyle = COLOURS.grid;
      g.beginPath();
      g.moveTo(0, y + h - 0.5);
      g.lineTo(width, y + h - 0.5);
      g.stroke();
      y += h;
    });
    // Markers.
    const hovered: Marker[] = [];
    for (const m of markers) {
      const x = Math.round(xAt(m.t)) + 0.5;
      g.strokeStyle = m.kind === 'lesson' ? COLOURS.lesson : COLOURS.event;
      g.fillStyle = g.strokeStyle;
      g.setLineDash([3, 3]);
      g.beginPath();
      g.moveTo(x, MARK_H);
      g.lineTo(x, axisY);
      g.stroke();
      g.setLineDash([]);
      g.beginPath();
      g.moveTo(x - 5, 2);
      g.lineTo(x + 5, 2);
      g.lineTo(x, MARK_H - 2);
      g.fill();
      if (cursorX !== undefined && Math.abs(cursorX - x) <= 5) hovered.push(m);
    }
    if (cursorX !== undefined) {
      g.strokeStyle = COLOURS.cursor;
      g.beginPath();
      g.moveTo(Math.round(cursorX) + 0.5, MARK_H);
      g.lineTo(Math.round(cursorX) + 0.5, axisY);
      g.stroke();
    }
    this.tip.hidden = hovered.length === 0;
    if (hovered.length > 0) {
      const shown = hovered.slice(0, 6).map((m) => `${m.kind === 'lesson' ? 'Lesson step' : 'Event'} at ${formatSeconds(m.t)}: ${m.label} (${m.detail})`);
      if (hovered.length > 6) shown.push(`and ${hovered.length - 6} more`);
      setText(this.tip, shown.join('; '));
      this.tip.style.left = `${Math.min(Math.max(0, xAt(hovered[0]!.t) - 40), Math.max(0, width - 260))}px`;
    }
    const where = cursorT === undefined ? (this.view.follow ? 'now' : 'at the window\'s end') : this.hoverX === undefined ? 'at the marker' : 'at the pointer';
    setText(this.readout, `${where}, ${formatSeconds(at)}: ${readout.join(' · ')}`);
    setAttr(this.canvas, 'aria-label', `scope of board index ${this.board}, ${traces.length} traces from ${formatSeconds(start)} to ${formatSeconds(end)}${this.view.follow ? ', following live' : ''}, ${markers.length} markers`);
  }

  private drawLane(g: CanvasRenderingContext2D, trace: Trace, y: number, h: number, start: number, end: number, xAt: (t: number) => number): void {
    const analog = trace.info.kind === 'analog';
    let lo = 0;
    let hi = analog ? MIN_RANGE[trace.info.unit] ?? 1 : 1;
    const first = trace.indexAfter(start);
    let stop = first;
    while (stop < trace.length && trace.timeAt(stop) <= end) stop++;
    if (analog) {
      const consider = (v: number | undefined): void => {
        if (v === undefined) return;
        if (v > hi) hi = v;
        if (v < lo) lo = v;
      };
      consider(trace.valueAt(start));
      for (let i = first; i < stop; i++) consider(trace.valueOf(i));
      hi *= 1.1;
    }
    const top = y + (analog ? 4 : 4);
    const bottom = y + h - 4;
    const yAt = (v: number): number => bottom - ((v - lo) / (hi - lo || 1)) * (bottom - top);
    g.strokeStyle = analog ? COLOURS.analog : COLOURS.digital;
    g.lineWidth = 1.5;
    g.beginPath();
    let v = trace.valueAt(start);
    let x = xAt(start);
    let started = false;
    const path = (toX: number, value: number | undefined): void => {
      if (value === undefined) return;
      const py = yAt(value);
      if (!started) {
        g.moveTo(x, py);
        started = true;
      } else g.lineTo(x, py);
      g.lineTo(toX, py);
      if (!analog && value !== 0) {
        g.fillStyle = COLOURS.high;
        g.fillRect(x, top, toX - x, bottom - top);
      }
    };
    for (let i = first; i < stop; i++) {
      const tx = xAt(trace.timeAt(i));
      path(tx, v);
      if (v === undefined) started = false;
      v = trace.valueOf(i);
      x = tx;
    }
    path(xAt(Math.min(end, this.now)), v);
    g.stroke();
    g.lineWidth = 1;
  }
}
