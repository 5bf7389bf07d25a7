/**
 * The scope's visible window of virtual time: its span, and either following the present
 * ("follow live": the window ends now) or fixed where the student paused and scrolled back.
 * Pan, zoom around a point, fit, and the time axis's ticks. Browser-safe, pure.
 */

/** Narrowest and widest window (ms): 10 ms (bus bytes) to 24 h. */
export const MIN_SPAN_MS = 10;
export const MAX_SPAN_MS = 86_400_000;

/** Default window (ms): a minute, about 11 heartbeats. */
export const DEFAULT_SPAN_MS = 60_000;

/** A time window that follows the present or stays put. */
export class ScopeWindow {
  private spanMs = DEFAULT_SPAN_MS;
  private endMs = 0;
  private followLive = true;

  /** Span of the window (ms). */
  get span(): number {
    return this.spanMs;
  }

  /** True while the window ends at the present. */
  get follow(): boolean {
    return this.followLive;
  }

  /** The window [start, end] (ms) when the present is `now` (ms). */
  range(now: number): [number, number] {
    const end = this.followLive ? now : this.endMs;
    return [end - this.spanMs, end];
  }

  /** Follow the present (true), or stay at the window shown now (false). */
  setFollow(follow: boolean, now: number): void {
    if (!follow && this.followLive) this.endMs = now;
    this.followLive = follow;
  }

  /**
   * Move by a fraction of the span (negative: back in time). Moving leaves follow mode; moving
   * forward to or past the present (ms) joins it again.
   */
  pan(fraction: number, now: number): void {
    this.panBy(fraction * this.spanMs, now);
  }

  /** Move by `ms` of virtual time (a drag); as pan(). */
  panBy(ms: number, now: number): void {
    const [, end] = this.range(now);
    const target = end + ms;
    if (target >= now && ms > 0) {
      this.followLive = true;
      return;
    }
    this.followLive = false;
    this.endMs = Math.min(target, now);
  }

  /**
   * Zoom by `factor` (above 1: a wider span, out; below 1: in). While following, the present
   * stays at the right edge; otherwise the time `anchor` (ms, default the middle) stays at the
   * same place on screen.
   */
  zoom(factor: number, now: number, anchor?: number): void {
    const [start, end] = this.range(now);
    const span = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, this.spanMs * factor));
    if (this.followLive) {
      this.spanMs = span;
      return;
    }
    const at = anchor ?? (start + end) / 2;
    const ratio = (at - start) / this.spanMs;
    this.spanMs = span;
    this.endMs = Math.min(at + (1 - ratio) * span, now);
  }

  /** Show [from, to] (ms) whole: everything recorded; follows the present when `to` is now. */
  fit(from: number, to: number, now: number): void {
    this.spanMs = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, to - from));
    this.followLive = to >= now;
    this.endMs = to;
  }
}

/** Axis ticks for [start, end] (ms): a round step (1, 2 or 5 times a power of ten) giving at most `max` ticks. */
export function ticks(start: number, end: number, max = 8): { step: number; at: number[] } {
  const span = Math.max(end - start, 1e-9);
  const raw = span / Math.max(1, max);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const at: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end + 1e-9; t += step) at.push(Number(t.toFixed(9)));
  return { step, at };
}

/** A tick label in seconds with as many decimals as the step needs ("72 s", "72.5 s", "0.005 s"). */
export function tickLabel(ms: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, Math.ceil(-Math.log10(step / 1000) - 1e-9)));
  return `${(ms / 1000).toFixed(decimals)} s`;
}
