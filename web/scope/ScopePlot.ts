/// <reference lib="dom" />
/**
 * The scope's canvas: one lane per trace against virtual time, the grid and the time axis, event
 * and lesson-step markers, and the cursor. While the window follows the present and nothing
 * already drawn changed, a frame moves the drawn lanes left by whole device pixels (the window
 * is snapped to them, plotMath.snapWindow) and draws only the new strip at the right edge, with
 * the labels, the axis and the marker row redrawn whole; anything else (a zoom or pan, the
 * pointer, a lane's range, a change recorded in the past, a new marker in the moved part) draws
 * everything. Both ways give the same picture: the strip is drawn by the same code, clipped.
 */
import { tickLabel, ticks } from './ScopeWindow.ts';
import type { Trace } from './Trace.ts';
import type { Marker } from './TraceRecorder.ts';
import { grewOnlyAfter, laneRange, memoOf, snapWindow, valueText, type TraceMemo } from './plotMath.ts';

/** Layout of the plot (CSS px): the label column, the right margin, the marker row, lane heights, the axis row. */
export const LABEL_W = 118;
export const RIGHT_PAD = 10;
const MARK_H = 16;
const ANALOG_H = 34;
const DIGITAL_H = 20;
const AXIS_H = 22;
/** Device pixels the strip reaches back into what was drawn, so an edge on its border is drawn whole. */
const STRIP_OVERLAP = 3;
const FONT = '12px system-ui, "DejaVu Sans", sans-serif';
const COLOURS = { paper: '#ffffff', ink: '#1d2330', muted: '#5b6475', grid: '#e3e6ec', analog: '#1a5fd0', digital: '#1f7a3a', high: '#dff3e4', event: '#b54708', lesson: '#7a2fb0', cursor: '#d0312d' };

/** One picture: the traces and markers of the window [start, end] (ms), as of `now`. */
export interface PlotInput {
  readonly traces: readonly Trace[];
  /** The board's markers (from the recorder), oldest first; those in the window are drawn. */
  readonly markers: (from: number, to: number) => Marker[];
  readonly start: number;
  readonly end: number;
  readonly now: number;
  /** True while the window ends at the present (the only case drawn by strips). */
  readonly follow: boolean;
  /** Canvas width (CSS px). */
  readonly width: number;
  /** The cursor's x (CSS px), if any: the pointer or a chosen marker. */
  readonly cursorX: number | undefined;
}

interface Drawn {
  readonly traces: readonly Trace[];
  readonly memos: TraceMemo[];
  readonly ranges: string;
  readonly span: number;
  readonly endPx: number;
  readonly width: number;
  readonly ratio: number;
  readonly markers: ReadonlySet<Marker>;
}

/** Draws the scope on its canvas, by strips while it can. */
export class ScopePlot {
  private drawn: Drawn | undefined;
  /** Full redraws and strip draws so far (the panel's tests and the curious). */
  readonly counts = { full: 0, strip: 0 };

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Forget what was drawn: the next draw is whole. */
  invalidate(): void {
    this.drawn = undefined;
  }

  /** Draw `input`; returns the window actually drawn [start, end] (ms; snapped to pixels while following) and the markers in it. */
  draw(input: PlotInput): { start: number; end: number; markers: Marker[] } {
    const ratio = window.devicePixelRatio || 1;
    const { traces, width } = input;
    const lanes = traces.map((t) => (t.info.kind === 'analog' ? ANALOG_H : DIGITAL_H));
    const height = MARK_H + lanes.reduce((a, b) => a + b, 0) + AXIS_H;
    const c = this.canvas;
    if (c.width !== Math.round(width * ratio) || c.height !== Math.round(height * ratio)) {
      c.width = Math.round(width * ratio);
      c.height = Math.round(height * ratio);
      c.style.height = `${height}px`;
      this.drawn = undefined;
    }
    const g = c.getContext('2d');
    if (!g) return { start: input.start, end: input.end, markers: [] };
    const plotW = Math.max(1, width - LABEL_W - RIGHT_PAD);
    const span = Math.max(input.end - input.start, 1e-9);
    const snapped = input.follow ? snapWindow(input.end, span, Math.round(plotW * ratio)) : undefined;
    const start = snapped ? snapped.start : input.start;
    const end = snapped ? snapped.end : input.end;
    const markers = input.markers(start, end);
    const xAt = (t: number): number => LABEL_W + ((t - start) / span) * plotW;
    const ranges = traces.map((t) => laneRange(t, start, end));
    const rangeKey = ranges.join(' ');
    const geometry = { g, traces, lanes, ranges, markers, start, end, now: input.now, width, height, plotW, xAt };
    const last = this.drawn;
    const shift = snapped && last ? snapped.endPx - last.endPx : -1;
    const stripFrom = LABEL_W + plotW - (shift + STRIP_OVERLAP) / ratio; // CSS px: the strip [stripFrom, plot's right edge]
    const fromT = start + ((stripFrom - LABEL_W) / plotW) * span;
    const canStrip = snapped !== undefined && last !== undefined && input.cursorX === undefined && shift >= 0 && stripFrom > LABEL_W
      && last.span === span && last.width === width && last.ratio === ratio && last.ranges === rangeKey
      && last.traces.length === traces.length && traces.every((t, i) => t === last.traces[i] && grewOnlyAfter(t, last.memos[i]!, fromT))
      && markers.every((m) => m.t >= fromT || last.markers.has(m));
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.font = FONT;
    g.textBaseline = 'middle';
    if (canStrip) {
      // Move the drawn lanes left by `shift` device px, then draw the strip the move uncovered.
      const top = Math.round(MARK_H * ratio);
      const bottom = Math.round((height - AXIS_H) * ratio);
      const left = Math.round(LABEL_W * ratio);
      const right = Math.round((LABEL_W + plotW) * ratio);
      g.setTransform(1, 0, 0, 1, 0, 0);
      if (shift > 0) g.drawImage(c, left + shift, top, right - left - shift, bottom - top, left, top, right - left - shift, bottom - top);
      g.setTransform(ratio, 0, 0, ratio, 0, 0);
      this.lanesArea(geometry, (right - shift - STRIP_OVERLAP) / ratio, LABEL_W + plotW, fromT);
      this.counts.strip++;
    } else {
      g.clearRect(0, 0, width, height);
      this.lanesArea(geometry, LABEL_W, LABEL_W + plotW, start);
      this.counts.full++;
    }
    this.frame(geometry, input.cursorX);
    this.drawn = snapped && input.cursorX === undefined
      ? { traces, memos: traces.map(memoOf), ranges: rangeKey, span, endPx: snapped.endPx, width, ratio, markers: new Set(markers) }
      : undefined;
    return { start, end, markers };
  }

  /** The lanes between x0 and x1 (CSS px), clipped there: grid lines, traces, separators and the markers' dashed lines; `fromT` is the time at x0 (ms). */
  private lanesArea(p: Geometry, x0: number, x1: number, fromT: number): void {
    const { g, traces, lanes, ranges, markers, start, end, height, plotW, xAt } = p;
    const axisY = height - AXIS_H;
    g.save();
    g.beginPath();
    g.rect(x0, MARK_H, x1 - x0, axisY - MARK_H);
    g.clip();
    g.fillStyle = COLOURS.paper; // opaque: moved pixels replace what was there
    g.fillRect(x0, MARK_H, x1 - x0, axisY - MARK_H);
    g.strokeStyle = COLOURS.grid;
    for (const t of ticks(start, end, Math.max(4, Math.floor(plotW / 80))).at) {
      const x = Math.round(xAt(t)) + 0.5;
      if (x < x0 - 1 || x > x1 + 1) continue;
      g.beginPath();
      g.moveTo(x, MARK_H);
      g.lineTo(x, axisY);
      g.stroke();
    }
    const from = Math.max(start, fromT - ((3 * (end - start)) / plotW)); // a little before x0: an edge there is drawn whole
    let y = MARK_H;
    traces.forEach((trace, i) => {
      const h = lanes[i]!;
      drawLane(g, trace, y, h, ranges[i]!, from, end, p.now, xAt);
      g.strokeStyle = COLOURS.grid;
      g.beginPath();
      g.moveTo(x0, y + h - 0.5);
      g.lineTo(x1, y + h - 0.5);
      g.stroke();
      y += h;
    });
    for (const m of markers) {
      const x = Math.round(xAt(m.t)) + 0.5;
      if (x < x0 - 1 || x > x1 + 1) continue;
      g.strokeStyle = m.kind === 'lesson' ? COLOURS.lesson : COLOURS.event;
      g.setLineDash([3, 3]);
      g.beginPath();
      g.moveTo(x, MARK_H);
      g.lineTo(x, axisY);
      g.stroke();
      g.setLineDash([]);
    }
    g.restore();
  }

  /** Everything outside the lanes' plot area, redrawn whole every time: the labels and values, the axis, the marker row, the cursor. */
  private frame(p: Geometry, cursorX: number | undefined): void {
    const { g, traces, lanes, markers, start, end, width, height, plotW, xAt } = p;
    const axisY = height - AXIS_H;
    const span = end - start;
    const cursorT = cursorX === undefined ? undefined : start + ((cursorX - LABEL_W) / plotW) * span;
    g.clearRect(0, 0, width, MARK_H);
    g.clearRect(0, axisY, width, AXIS_H);
    g.clearRect(0, MARK_H, LABEL_W, axisY - MARK_H);
    g.clearRect(LABEL_W + plotW, MARK_H, width - LABEL_W - plotW, axisY - MARK_H);
    g.fillStyle = COLOURS.muted;
    g.textAlign = 'center';
    const tick = ticks(start, end, Math.max(4, Math.floor(plotW / 80)));
    for (const t of tick.at) g.fillText(tickLabel(t, tick.step), Math.round(xAt(t)) + 0.5, axisY + AXIS_H / 2);
    const at = cursorT ?? end;
    let y = MARK_H;
    traces.forEach((trace, i) => {
      const h = lanes[i]!;
      g.textAlign = 'left';
      g.fillStyle = COLOURS.ink;
      if (trace.info.kind === 'analog') {
        g.fillText(trace.info.label, 4, y + 10);
        g.fillStyle = COLOURS.muted;
        g.fillText(valueText(trace, at), 4, y + 24);
      } else {
        const v = trace.valueAt(at);
        g.fillText(`${trace.info.label} ${v === undefined ? '' : v ? '1' : '0'}`, 4, y + h / 2);
      }
      g.strokeStyle = COLOURS.grid;
      for (const [x0, x1] of [[0, LABEL_W], [LABEL_W + plotW, width]] as const) {
        g.beginPath();
        g.moveTo(x0, y + h - 0.5);
        g.lineTo(x1, y + h - 0.5);
        g.stroke();
      }
      y += h;
    });
    for (const m of markers) {
      const x = Math.round(xAt(m.t)) + 0.5;
      g.fillStyle = m.kind === 'lesson' ? COLOURS.lesson : COLOURS.event;
      g.beginPath();
      g.moveTo(x - 5, 2);
      g.lineTo(x + 5, 2);
      g.lineTo(x, MARK_H - 2);
      g.fill();
    }
    if (cursorX !== undefined) {
      g.strokeStyle = COLOURS.cursor;
      g.beginPath();
      g.moveTo(Math.round(cursorX) + 0.5, MARK_H);
      g.lineTo(Math.round(cursorX) + 0.5, axisY);
      g.stroke();
    }
  }
}

interface Geometry {
  readonly g: CanvasRenderingContext2D;
  readonly traces: readonly Trace[];
  readonly lanes: readonly number[];
  readonly ranges: ReadonlyArray<[number, number]>;
  readonly markers: readonly Marker[];
  readonly start: number;
  readonly end: number;
  readonly now: number;
  readonly width: number;
  readonly height: number;
  readonly plotW: number;
  readonly xAt: (t: number) => number;
}

/** One lane's trace from `from` to the window's end (or now), as a step line (digital: the high stretches filled). */
function drawLane(g: CanvasRenderingContext2D, trace: Trace, y: number, h: number, [lo, hi]: [number, number], from: number, end: number, now: number, xAt: (t: number) => number): void {
  const analog = trace.info.kind === 'analog';
  const top = y + 4;
  const bottom = y + h - 4;
  const yAt = (v: number): number => bottom - ((v - lo) / (hi - lo || 1)) * (bottom - top);
  g.strokeStyle = analog ? COLOURS.analog : COLOURS.digital;
  g.lineWidth = 1.5;
  g.beginPath();
  let v = trace.valueAt(from);
  let x = xAt(from);
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
  for (let i = trace.indexAfter(from); i < trace.length && trace.timeAt(i) <= end; i++) {
    const tx = xAt(trace.timeAt(i));
    path(tx, v);
    if (v === undefined) started = false;
    v = trace.valueOf(i);
    x = tx;
  }
  path(xAt(Math.min(end, now)), v);
  g.stroke();
  g.lineWidth = 1;
}
