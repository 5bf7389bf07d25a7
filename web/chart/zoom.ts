/**
 * Pan and zoom of a chart drawn in SVG user units: the view is a scale (CSS px per unit) and the
 * unit at the viewport's top-left corner. Fit shows the whole drawing, but never below the
 * scale at which its smallest text is still readable (11 px): a chart too big for that is shown
 * at the readable scale and panned. Pure math, browser-safe, unit-tested.
 */

/** A rectangle in chart units (or px for a viewport). */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** What the viewport shows: `scale` px per chart unit, (x, y) the unit at its top-left corner. */
export interface View {
  readonly scale: number;
  readonly x: number;
  readonly y: number;
}

/** Smallest rendered text the page accepts (px, the readability bound). */
export const MIN_TEXT_PX = 11;

/** Zoom steps of the buttons and the keyboard, and the bounds of any zoom (relative to the readable scale). */
export const ZOOM_STEP = 1.25;
export const MIN_ZOOM = 0.25;
export const MAX_ZOOM = 6;

/** Scale at which text of `minFontUnits` chart units renders at MIN_TEXT_PX. */
export function readableScale(minFontUnits: number): number {
  return minFontUnits > 0 ? (MIN_TEXT_PX / minFontUnits) * 1.002 : 1; // a hair above: the viewBox is written rounded
}

/** Smallest font size among SVG text sizes (chart units); 14 when there is none. */
export function smallestFont(sizes: readonly number[]): number {
  const valid = sizes.filter((s) => Number.isFinite(s) && s > 0);
  return valid.length === 0 ? 14 : Math.min(...valid);
}

/** The view that shows the whole content centred, at no less than `minScale`; too big to fit: top-left at `minScale`. */
export function fitView(content: Box, port: { w: number; h: number }, minScale: number): View {
  const whole = Math.min(port.w / content.w, port.h / content.h);
  const scale = Math.max(whole, minScale);
  return clampView({ scale, x: content.x + (content.w - port.w / scale) / 2, y: content.y + (content.h - port.h / scale) / 2 }, content, port);
}

/** Keep the content reachable: a dimension smaller than the viewport is centred, a larger one stays within its edges. */
export function clampView(view: View, content: Box, port: { w: number; h: number }): View {
  const axis = (at: number, start: number, size: number, visible: number): number =>
    size <= visible ? start + (size - visible) / 2 : Math.min(Math.max(at, start), start + size - visible);
  const w = port.w / view.scale;
  const h = port.h / view.scale;
  return { scale: view.scale, x: axis(view.x, content.x, content.w, w), y: axis(view.y, content.y, content.h, h) };
}

/** Zoom by `factor` about the viewport point (px, py), which keeps showing the same chart point; scale bounded by [lo, hi]. */
export function zoomAt(view: View, factor: number, px: number, py: number, lo: number, hi: number): View {
  const scale = Math.min(Math.max(view.scale * factor, lo), hi);
  const ux = view.x + px / view.scale;
  const uy = view.y + py / view.scale;
  return { scale, x: ux - px / scale, y: uy - py / scale };
}

/** Move the view by a drag of (dx, dy) px: the drawing follows the pointer. */
export function panBy(view: View, dx: number, dy: number): View {
  return { scale: view.scale, x: view.x - dx / view.scale, y: view.y - dy / view.scale };
}

/** The same scale, centred on a box (the active state). */
export function centreOn(view: View, box: Box, port: { w: number; h: number }): View {
  return { scale: view.scale, x: box.x + box.w / 2 - port.w / view.scale / 2, y: box.y + box.h / 2 - port.h / view.scale / 2 };
}

/** True when the box lies wholly inside the view. */
export function showsBox(view: View, box: Box, port: { w: number; h: number }): boolean {
  return box.x >= view.x && box.y >= view.y && box.x + box.w <= view.x + port.w / view.scale && box.y + box.h <= view.y + port.h / view.scale;
}

/** The SVG viewBox attribute of a view. */
export function viewBoxOf(view: View, port: { w: number; h: number }): string {
  const r = (n: number) => Math.round(n * 1000) / 1000;
  return `${r(view.x)} ${r(view.y)} ${r(port.w / view.scale)} ${r(port.h / view.scale)}`;
}

/** Scale factor of a pinch: ratio of the distances between the two touch points now and at the start. */
export function pinchFactor(start: readonly [number, number, number, number], now: readonly [number, number, number, number]): number {
  const d = (p: readonly [number, number, number, number]) => Math.hypot(p[2] - p[0], p[3] - p[1]);
  const d0 = d(start);
  return d0 > 0 ? d(now) / d0 : 1;
}
