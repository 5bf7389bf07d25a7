/// <reference lib="dom" />
/**
 * One statechart on the page: the SVG Graphviz drew at build time inside a viewport the user
 * pans (drag, arrow keys), zooms (wheel, pinch, +/-, buttons) and fits (0, button), with the
 * active states lit, the latest transition of each parallel region marked, guard and delay
 * labels carrying their live values, a countdown on each running delay, and the transitions
 * enabled now clickable. Logic lives in zoom.ts, values.ts, triggers.ts; this is the DOM.
 */
import { setAttr, setClass, setText } from '../dom.ts';
import { centreOn, clampView, fitView, MAX_ZOOM, MIN_ZOOM, panBy, pinchFactor, readableScale, showsBox, smallestFont, viewBoxOf, zoomAt, ZOOM_STEP, type Box, type View } from './zoom.ts';

/** Pointer travel (px) under which a press is a click, not a drag. */
const CLICK_SLOP = 5;

/** The zoomable SVG of one chart. */
export class ChartFigure {
  /** The viewport element (focusable: keys pan and zoom). */
  readonly box: HTMLElement;
  private readonly svg: SVGSVGElement | null;
  private readonly content: Box;
  /** Scale at which the smallest text renders at 11 px: fit never goes below it. */
  readonly minScale: number;
  private view: View | undefined;
  private fitted = true;
  private lastPort = { w: 0, h: 0 };
  private readonly pointers = new Map<number, { x: number; y: number }>();
  private gesture: { view: View; points: [number, number, number, number]; mid: [number, number] } | undefined;
  private moved = 0;
  private readonly labels = new Map<string, SVGTextElement[]>();

  /**
   * @param focus ids of the SVG elements to keep in view (the active states): Fit centres them when the whole chart cannot be shown readably
   * @param onEdge a click (or Enter) on an enabled edge, by its id
   */
  constructor(svgMarkup: string, label: string, private readonly focus: () => string[], private readonly onEdge: (edgeId: string) => void) {
    this.box = document.createElement('div');
    this.box.className = 'svg';
    this.box.tabIndex = 0;
    this.box.setAttribute('role', 'group');
    this.box.setAttribute('aria-label', label);
    this.box.setAttribute('aria-roledescription', 'zoomable chart');
    this.box.innerHTML = svgMarkup;
    this.svg = this.box.querySelector('svg');
    const vb = this.svg?.viewBox.baseVal;
    const margin = 24; // labels rewritten with their values may grow past Graphviz's box
    this.content = vb && vb.width > 0 ? { x: vb.x - margin, y: vb.y - margin, w: vb.width + 2 * margin, h: vb.height + 2 * margin } : { x: 0, y: 0, w: 100, h: 100 };
    const sizes = Array.from(this.box.querySelectorAll('text'), (t) => Number(t.getAttribute('font-size')));
    this.minScale = readableScale(smallestFont(sizes));
    if (this.svg) {
      this.svg.removeAttribute('width');
      this.svg.removeAttribute('height');
      this.svg.setAttribute('preserveAspectRatio', 'xMinYMin meet');
      this.svg.querySelectorAll('title').forEach((t) => t.remove()); // Graphviz's node names as tooltips: noise
    }
    this.listen();
    new ResizeObserver(() => this.layout()).observe(this.box);
  }

  private get port(): { w: number; h: number } {
    return { w: this.box.clientWidth, h: this.box.clientHeight };
  }

  /** Show the whole chart; when that would make text smaller than 11 px, show the readable scale centred on the active states. */
  fit(): void {
    this.fitted = true;
    const p = this.port;
    const view = fitView(this.content, p, this.minScale);
    this.apply(view);
    if (view.scale <= Math.min(p.w / this.content.w, p.h / this.content.h) + 1e-9) return; // the whole chart shows
    const box = this.union(this.focus());
    if (box) this.apply(clampView(centreOn(view, box, p), this.content, p));
  }

  /** Zoom in (factor > 1) or out about the viewport's centre. */
  zoom(factor: number): void {
    if (!this.view) return;
    const p = this.port;
    this.zoomAbout(factor, p.w / 2, p.h / 2);
  }

  /** Bring the given SVG elements (the active states) into view unless they already are; `force` centres them anyway. */
  reveal(ids: readonly string[], force = false): void {
    const box = this.union(ids);
    if (!box || !this.view || (!force && showsBox(this.view, box, this.port))) return;
    this.fitted = false;
    this.apply(clampView(centreOn(this.view, box, this.port), this.content, this.port));
  }

  /** Bounding box (chart units) of the elements with these ids: all of them if they fit the viewport together, else the first. */
  private union(ids: readonly string[]): Box | undefined {
    if (!this.view) return undefined;
    const boxes = ids.map((id) => this.svg?.getElementById(id) as SVGGraphicsElement | null).filter((el): el is SVGGraphicsElement => el !== null)
      .map((el) => this.boxOf(el)).filter((b): b is Box => b !== undefined);
    if (boxes.length === 0) return undefined;
    const x = Math.min(...boxes.map((b) => b.x));
    const y = Math.min(...boxes.map((b) => b.y));
    const all = { x, y, w: Math.max(...boxes.map((b) => b.x + b.w)) - x, h: Math.max(...boxes.map((b) => b.y + b.h)) - y };
    const p = this.port;
    return all.w * this.view.scale <= p.w && all.h * this.view.scale <= p.h ? all : boxes[0];
  }

  /** Current scale (px per chart unit), for tests and the zoom readout. */
  get scale(): number {
    return this.view?.scale ?? 0;
  }

  /** Mark an SVG element (state or edge) by id. */
  mark(id: string, className: string, on: boolean): void {
    const el = this.svg?.getElementById(id);
    if (el) setClass(el, className, on);
  }

  /** Set an edge's label (its first <text>) and, for a delayed transition, its countdown line (the second). */
  setLabel(edgeId: string, text: string, countdown?: string): void {
    let t = this.labels.get(edgeId);
    if (!t) {
      const found = this.svg?.getElementById(edgeId)?.querySelectorAll('text');
      if (!found) return;
      this.labels.set(edgeId, (t = Array.from(found)));
    }
    if (t[0]) setText(t[0], text);
    if (t[1] && countdown !== undefined) setText(t[1], countdown);
  }

  /** Make an edge clickable (enabled now) or not, with its accessible name. */
  setEnabled(edgeId: string, name: string | undefined): void {
    const el = this.svg?.getElementById(edgeId);
    if (!el) return;
    setClass(el, 'enabled', name !== undefined);
    if (name === undefined) {
      if (el.hasAttribute('tabindex')) ['tabindex', 'role', 'aria-label'].forEach((a) => el.removeAttribute(a));
      return;
    }
    setAttr(el, 'tabindex', '0');
    setAttr(el, 'role', 'button');
    setAttr(el, 'aria-label', name);
  }

  /** The box has a size now (shown, resized): fit it the first time and while the user has not moved it. */
  layout(): void {
    const p = this.port;
    const wasHidden = this.lastPort.w === 0 || this.lastPort.h === 0;
    this.lastPort = p;
    if (p.w === 0 || p.h === 0) return;
    if (!this.view || this.fitted || wasHidden) this.fit();
    else this.apply(clampView(this.view, this.content, p));
  }

  private apply(view: View): void {
    this.view = view;
    const p = this.port;
    if (this.svg && p.w > 0 && p.h > 0) setAttr(this.svg, 'viewBox', viewBoxOf(view, p));
    this.box.dataset['scale'] = view.scale.toFixed(3);
  }

  private zoomAbout(factor: number, px: number, py: number): void {
    if (!this.view) return;
    this.fitted = false;
    const z = zoomAt(this.view, factor, px, py, this.minScale * MIN_ZOOM, this.minScale * MAX_ZOOM);
    this.apply(clampView(z, this.content, this.port));
  }

  private boxOf(el: SVGGraphicsElement): Box | undefined {
    if (!this.view) return undefined;
    const r = el.getBoundingClientRect();
    const b = this.box.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return undefined;
    const s = this.view.scale;
    return { x: this.view.x + (r.left - b.left) / s, y: this.view.y + (r.top - b.top) / s, w: r.width / s, h: r.height / s };
  }

  private local(e: { clientX: number; clientY: number }): [number, number] {
    const b = this.box.getBoundingClientRect();
    return [e.clientX - b.left, e.clientY - b.top];
  }

  private listen(): void {
    const box = this.box;
    box.addEventListener('wheel', (e) => {
      e.preventDefault();
      const [x, y] = this.local(e);
      this.zoomAbout(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)), x, y);
    }, { passive: false });
    box.addEventListener('pointerdown', (e) => {
      this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (this.pointers.size === 1) this.moved = 0;
      this.startGesture();
    });
    box.addEventListener('pointermove', (e) => {
      const last = this.pointers.get(e.pointerId);
      if (!last || !this.gesture) return;
      if (this.moved < CLICK_SLOP || this.pointers.size > 1) {
        this.moved += Math.hypot(e.clientX - last.x, e.clientY - last.y);
        if (this.moved >= CLICK_SLOP && !box.hasPointerCapture(e.pointerId)) box.setPointerCapture(e.pointerId);
      }
      this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (this.moved < CLICK_SLOP) return;
      this.fitted = false;
      const pts = [...this.pointers.values()];
      const g = this.gesture;
      if (pts.length >= 2) {
        const now: [number, number, number, number] = [pts[0]!.x, pts[0]!.y, pts[1]!.x, pts[1]!.y];
        const [mx, my] = this.local({ clientX: (now[0] + now[2]) / 2, clientY: (now[1] + now[3]) / 2 });
        const zoomed = zoomAt(g.view, pinchFactor(g.points, now), g.mid[0], g.mid[1], this.minScale * MIN_ZOOM, this.minScale * MAX_ZOOM);
        this.apply(clampView(panBy(zoomed, mx - g.mid[0], my - g.mid[1]), this.content, this.port));
      } else {
        const p = pts[0]!;
        this.apply(clampView(panBy(g.view, p.x - g.points[0], p.y - g.points[1]), this.content, this.port));
      }
    });
    const end = (e: PointerEvent): void => {
      this.pointers.delete(e.pointerId);
      this.startGesture();
    };
    box.addEventListener('pointerup', end);
    box.addEventListener('pointercancel', end);
    box.addEventListener('click', (e) => {
      if (this.moved >= CLICK_SLOP) return; // the end of a drag
      const edge = (e.target as Element).closest('g.edge.enabled');
      if (edge) this.onEdge(edge.id);
    });
    box.addEventListener('keydown', (e) => {
      const edge = (e.target as Element).closest?.('g.edge.enabled');
      if (edge && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        this.onEdge(edge.id);
        return;
      }
      const step = 40;
      const keys: Record<string, () => void> = {
        '+': () => this.zoom(ZOOM_STEP), '=': () => this.zoom(ZOOM_STEP), '-': () => this.zoom(1 / ZOOM_STEP), '0': () => this.fit(),
        ArrowLeft: () => this.pan(step, 0), ArrowRight: () => this.pan(-step, 0), ArrowUp: () => this.pan(0, step), ArrowDown: () => this.pan(0, -step),
      };
      const act = keys[e.key];
      if (!act || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      act();
    });
  }

  private pan(dx: number, dy: number): void {
    if (!this.view) return;
    this.fitted = false;
    this.apply(clampView(panBy(this.view, dx, dy), this.content, this.port));
  }

  private startGesture(): void {
    const pts = [...this.pointers.values()];
    if (!this.view || pts.length === 0) {
      this.gesture = undefined;
      return;
    }
    const a = pts[0]!;
    const b = pts[1] ?? a;
    this.gesture = { view: this.view, points: [a.x, a.y, b.x, b.y], mid: this.local({ clientX: (a.x + b.x) / 2, clientY: (a.y + b.y) / 2 }) };
  }
}
