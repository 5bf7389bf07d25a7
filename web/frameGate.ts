/**
 * Which panels draw in a live animation frame. A full draw (after a step, a test's advance, a
 * pause) draws every panel; a live frame draws only what can be seen and is due: a panel on
 * screen draws every frame, or at most every `everyMs` for low-value panels (the event log, the
 * memory view); a panel off screen (scrolled away, a hidden tab) only every OFFSCREEN_EVERY_MS;
 * and of the panels waiting for their turn at most `budget` draw per frame (the longest overdue),
 * so their cost is spread over frames instead of landing in one. Browser-safe, pure (the page
 * tells it what is on screen, e.g. with an IntersectionObserver).
 */

/** How often a panel draws while time runs. */
export interface PanelRate {
  /** Least wall time between two live draws while on screen (ms); 0: every frame. */
  readonly everyMs?: number;
  /** Draw in every live frame, seen or not (cheap panels whose changes must show at once: the lesson's callout). */
  readonly always?: boolean;
}

/** Least wall time between two live draws of a panel off screen (ms): it stays roughly current, for whoever reads it. */
export const OFFSCREEN_EVERY_MS = 500;

interface Entry<T> {
  readonly item: T;
  readonly everyMs: number;
  readonly always: boolean;
  visible: boolean;
  lastDrawn: number;
}

/** Decides per frame which of its items (panels) draw. */
export class FrameGate<T> {
  private readonly entries: Entry<T>[] = [];

  /** @param budget how many waiting items may draw in one frame (the longest overdue first). */
  constructor(private readonly budget = 1) {}

  /** Add a panel (drawn in the order added); returns the function that tells the gate whether it is on screen (it starts as on screen; coming into view, it draws at the next frame). */
  add(item: T, rate: PanelRate = {}): (visible: boolean) => void {
    const entry: Entry<T> = { item, everyMs: rate.everyMs ?? 0, always: rate.always ?? false, visible: true, lastDrawn: -Infinity };
    this.entries.push(entry);
    return (visible) => {
      if (visible && !entry.visible) entry.lastDrawn = -Infinity; // coming into view: its turn at the next frame
      entry.visible = visible;
    };
  }

  /** Every panel: a full draw at wall time `wall` (ms). */
  all(wall: number): T[] {
    for (const e of this.entries) e.lastDrawn = wall;
    return this.entries.map((e) => e.item);
  }

  /** The panels that draw in a live frame at wall time `wall` (ms). */
  frame(wall: number): T[] {
    const now = new Set<Entry<T>>();
    const waiting: { e: Entry<T>; late: number }[] = [];
    for (const e of this.entries) {
      if (e.always || (e.visible && e.everyMs === 0)) {
        now.add(e);
        continue;
      }
      const late = wall - e.lastDrawn - (e.visible ? e.everyMs : Math.max(e.everyMs, OFFSCREEN_EVERY_MS));
      if (late >= 0) waiting.push({ e, late });
    }
    waiting.sort((a, b) => (a.late === b.late ? 0 : a.late < b.late ? 1 : -1)); // stable: among equals (never drawn), the first added first
    for (const { e } of waiting.slice(0, this.budget)) now.add(e);
    const drawn = this.entries.filter((e) => now.has(e));
    for (const e of drawn) e.lastDrawn = wall;
    return drawn.map((e) => e.item);
  }
}
