/**
 * Main-thread work per animation frame from a Chrome trace (CDP Tracing, category
 * devtools.timeline): the page's own cost, whatever else the machine runs. The trace is cut into
 * frames at each FireAnimationFrame (the requestAnimationFrame callbacks, where the page moves
 * time and draws); each frame sums its top-level script, style (UpdateLayoutTree), layout and
 * paint (PrePaint, Paint, Layerize, Commit) events on the page's main thread. Work nested in
 * another counted event (a layout forced by script, GC inside script) counts once, as the outer.
 * Durations are thread (CPU) time where Chrome gives it, so other processes do not inflate them.
 */
import type { CDPSession } from 'playwright-core';

/** One trace event as Chrome reports it (ts and dur in µs). */
export interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  /** Thread (CPU) time of the event (µs), when Chrome measured it: what a loaded machine does not inflate. */
  readonly tdur?: number;
}

/** Work of one frame (ms of main-thread time). */
export interface FrameWork {
  readonly script: number;
  readonly style: number;
  readonly layout: number;
  readonly paint: number;
}

/** Mean and 95th percentile (ms per frame) of a figure. */
export interface Spread {
  readonly mean: number;
  readonly p95: number;
}

/** Frames traced and their cost: script+style+layout (the figure) and paint, per frame (ms). */
export interface FrameCost {
  readonly frames: number;
  readonly scriptStyleLayout: Spread;
  readonly paint: Spread;
  readonly script: Spread;
  readonly style: Spread;
  readonly layout: Spread;
}

/** Which part of a frame an event is; undefined: not counted (its own children may be). */
const KIND: Record<string, keyof FrameWork> = {
  FireAnimationFrame: 'script', FunctionCall: 'script', TimerFire: 'script', EventDispatch: 'script', EvaluateScript: 'script',
  RunMicrotasks: 'script',
  UpdateLayoutTree: 'style',
  Layout: 'layout',
  PrePaint: 'paint', Paint: 'paint', Layerize: 'paint', Commit: 'paint', UpdateLayer: 'paint',
};

/** Split a trace into frames of the thread that ran the animation frames (the first and last partial frames dropped). */
export function frameWork(events: readonly TraceEvent[]): FrameWork[] {
  const fired = events.find((e) => e.name === 'FireAnimationFrame');
  if (!fired) return [];
  const mine = events.filter((e) => e.pid === fired.pid && e.tid === fired.tid && e.ph === 'X' && KIND[e.name] !== undefined).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const frames: { script: number; style: number; layout: number; paint: number }[] = [];
  let current: (typeof frames)[number] | undefined;
  let coveredUntil = -Infinity;
  for (const e of mine) {
    if (e.name === 'FireAnimationFrame' && e.ts >= coveredUntil) frames.push((current = { script: 0, style: 0, layout: 0, paint: 0 }));
    const end = e.ts + (e.dur ?? 0);
    if (e.ts < coveredUntil) continue; // nested in a counted event
    coveredUntil = end;
    if (current) current[KIND[e.name]!] += (e.tdur ?? e.dur ?? 0) / 1000;
  }
  return frames.slice(0, -1); // the last frame's paint may lie after the trace's end
}

/** Mean and 95th percentile of `values` (0 for none). */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { mean: 0, p95: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, p95: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]! };
}

/** The cost figures of traced frames. */
export function frameCost(frames: readonly FrameWork[]): FrameCost {
  const of = (f: (w: FrameWork) => number): Spread => spread(frames.map(f));
  return {
    frames: frames.length, scriptStyleLayout: of((w) => w.script + w.style + w.layout), paint: of((w) => w.paint),
    script: of((w) => w.script), style: of((w) => w.style), layout: of((w) => w.layout),
  };
}

/** Start tracing the page's main thread; the returned function stops and resolves with the frames' cost. */
export async function traceFrames(cdp: CDPSession): Promise<() => Promise<FrameCost>> {
  const events: TraceEvent[] = [];
  const collect = (e: { value: object[] }): void => void events.push(...(e.value as TraceEvent[]));
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', { categories: 'devtools.timeline', transferMode: 'ReportEvents' });
  return async () => {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', collect);
    return frameCost(frameWork(events));
  };
}

/** The benchmarks' load: every Pi of the default stack switched on over the bus, then 30 s of virtual time so all are booted and heartbeating (the page paused). */
export async function switchAllPisOn(tab: { evaluate(fn: () => Promise<void>): Promise<unknown> }): Promise<void> {
  await tab.evaluate(async () => {
    const hook = window.pistackViz!;
    hook.pause();
    await hook.advance(100);
    for (let id = 0; id < 16; id++) for (const pi of [0, 1]) await hook.send('PI_ON', id, { pi });
    await hook.advance(30_000);
  });
}
