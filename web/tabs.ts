/// <reference lib="dom" />
/**
 * The page layout. Every panel is registered with one call, `layout.add(tab, panel.el, area)`:
 * on a desktop screen the areas form a grid (the stack on the left and the charts on the right
 * share the first screen, the rest below); up to TABS_MAX_WIDTH px wide the same panels are
 * grouped into tabs (stack, charts, scope, bus, lesson), one tab shown at a time under a
 * sticky time bar. A tab no panel was added to is not offered.
 */
import { h, setAttr } from './dom.ts';
import { tabKeyTarget, TABS_MAX_WIDTH } from './tabKeys.ts';

/** Where a panel goes on a desktop screen: the left or right column of the first screen, or below (half or full width). */
export type Area = 'left' | 'right' | 'below' | 'wide';

/** One tab of the narrow layout. */
export interface TabSpec {
  readonly id: string;
  readonly label: string;
}

/** The tabs the page offers, in order; a helper adds its panel to one of these (or defines a new one in this list). */
export const TABS: readonly TabSpec[] = [
  { id: 'stack', label: 'Stack' },
  { id: 'charts', label: 'Charts' },
  { id: 'scope', label: 'Scope' },
  { id: 'bus', label: 'Bus' },
  { id: 'lesson', label: 'Lesson' },
];

interface Tab {
  readonly spec: TabSpec;
  readonly button: HTMLButtonElement;
  readonly panel: HTMLElement;
}

/** The page's panels in areas (desktop) or tabs (narrow). */
export class PageLayout {
  /** The <main> element holding every panel. */
  readonly el: HTMLElement;
  /** The tab list (shown only in the narrow layout). */
  readonly tablist: HTMLElement;
  private readonly tabs: Tab[];
  private active: string;
  private readonly narrowQuery = matchMedia(`(max-width: ${TABS_MAX_WIDTH}px)`);
  private readonly listeners = new Set<(tab: string) => void>();

  constructor(specs: readonly TabSpec[] = TABS) {
    this.tabs = specs.map((spec) => {
      const button = h('button', { type: 'button', id: `tab-${spec.id}`, class: 'tab', 'aria-controls': `tabpanel-${spec.id}`, 'data-tab': spec.id }, spec.label);
      const panel = h('div', { class: 'tabpanel', id: `tabpanel-${spec.id}`, 'data-tab': spec.id });
      button.addEventListener('click', () => this.show(spec.id));
      return { spec, button, panel };
    });
    this.active = specs[0]?.id ?? '';
    this.tablist = h('div', { class: 'tabs', 'aria-label': 'panels' }, ...this.tabs.map((t) => t.button));
    this.tablist.addEventListener('keydown', (e) => {
      const visible = this.tabs.filter((t) => !t.button.hidden);
      const at = visible.findIndex((t) => t.spec.id === this.active);
      const to = tabKeyTarget(e.key, at, visible.length);
      if (to === undefined) return;
      e.preventDefault();
      const target = visible[to]!;
      this.show(target.spec.id);
      target.button.focus();
    });
    this.el = h('main', { class: 'layout', id: 'main' }, ...this.tabs.map((t) => t.panel));
    this.narrowQuery.addEventListener('change', () => this.apply());
    this.apply();
  }

  /** True while the tabbed (narrow) layout is in use. */
  get narrow(): boolean {
    return this.narrowQuery.matches;
  }

  /** The tab shown in the narrow layout. */
  get tab(): string {
    return this.active;
  }

  /** Put a panel into a tab, and into an area of the desktop layout (default: below). */
  add(tab: string, panel: HTMLElement, area: Area = 'below'): void {
    const t = this.tabs.find((x) => x.spec.id === tab);
    if (!t) throw new Error(`PageLayout.add: no tab "${tab}" (tabs: ${this.tabs.map((x) => x.spec.id).join(', ')})`);
    panel.classList.add(`area-${area}`);
    t.panel.append(panel);
    this.apply();
  }

  /** Show a tab (narrow layout; on a desktop every tab is shown anyway). */
  show(tab: string): void {
    if (!this.tabs.some((t) => t.spec.id === tab)) return;
    const changed = tab !== this.active;
    this.active = tab;
    this.apply();
    if (changed) for (const listener of this.listeners) listener(tab);
  }

  /** Show the tab holding `el` and scroll `el` into view (a lesson pointing at a chart or a card). */
  reveal(el: Element): void {
    const t = this.tabs.find((x) => x.panel.contains(el));
    if (t) this.show(t.spec.id);
    keepInView(el);
  }

  /** Be told when the narrow layout switches tab; returns an unsubscribe function. */
  onShow(listener: (tab: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private apply(): void {
    const narrow = this.narrow;
    document.documentElement.classList.toggle('narrow', narrow);
    this.tablist.hidden = !narrow;
    if (narrow) setAttr(this.tablist, 'role', 'tablist');
    else this.tablist.removeAttribute('role');
    const offered = this.tabs.filter((t) => t.panel.childElementCount > 0);
    if (!offered.some((t) => t.spec.id === this.active) && offered[0]) this.active = offered[0].spec.id;
    for (const t of this.tabs) {
      const on = t.spec.id === this.active;
      t.button.hidden = !offered.includes(t);
      t.panel.hidden = narrow && !on;
      if (narrow) {
        setAttr(t.button, 'role', 'tab');
        setAttr(t.button, 'aria-selected', String(on));
        setAttr(t.button, 'tabindex', on ? '0' : '-1');
        setAttr(t.panel, 'role', 'tabpanel');
        setAttr(t.panel, 'aria-labelledby', t.button.id);
      } else {
        for (const a of ['role', 'aria-selected', 'tabindex']) t.button.removeAttribute(a);
        for (const a of ['role', 'aria-labelledby']) t.panel.removeAttribute(a);
      }
    }
  }
}

/** Scroll `el` into view inside its nearest scrolling ancestor only (the stack column), never the page as a whole. */
export function keepInView(el: Element): void {
  for (let box = el.parentElement; box; box = box.parentElement) {
    const style = getComputedStyle(box);
    if (!/(auto|scroll)/.test(style.overflowY) || box.scrollHeight <= box.clientHeight) continue;
    const c = box.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    if (r.top < c.top) box.scrollTop += r.top - c.top - 4;
    else if (r.bottom > c.bottom) box.scrollTop += Math.min(r.bottom - c.bottom + 4, r.top - c.top - 4);
    return;
  }
  el.scrollIntoView({ block: 'nearest' });
}
