/// <reference lib="dom" />
/**
 * Tiny DOM helpers for the page: build elements declaratively, and change text, classes and
 * attributes only when the value differs (the page re-renders every animation frame), and
 * whether an element is on screen (what a live frame may skip).
 */

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

/** Create an element with attributes (false/undefined skipped, true as "") and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) el.append(child);
  return el;
}

/** Set an element's text if it changed. */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Set an attribute if it changed. */
export function setAttr(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** Add or remove a class if that changes anything. */
export function setClass(el: Element, name: string, on: boolean): void {
  if (el.classList.contains(name) !== on) el.classList.toggle(name, on);
}

/** A titled panel: a <section> with an <h2> (its accessible name) and a body. */
export function panel(id: string, title: string, ...children: Child[]): HTMLElement {
  const heading = h('h2', { id: `${id}-title` }, title);
  return h('section', { id, class: 'panel', 'aria-labelledby': `${id}-title` }, heading, ...children);
}

/** A labelled form control: <label>text <control></label>. */
export function labelled(text: string, control: HTMLElement, className = 'field'): HTMLLabelElement {
  return h('label', { class: className }, h('span', { class: 'label' }, text), control);
}

/** A <select> with options [value, text]. */
export function select(options: ReadonlyArray<readonly [string, string]>, attrs: Attrs = {}): HTMLSelectElement {
  const el = h('select', attrs);
  for (const [value, text] of options) el.append(h('option', { value }, text));
  return el;
}

/**
 * Be told whether `el` is on screen (within `marginPx` CSS px of the viewport; an element in a
 * hidden tab is not); returns the function that stops watching. Where IntersectionObserver is
 * missing, `el` counts as always on screen.
 */
export function onVisible(el: Element, listener: (visible: boolean) => void, marginPx = 100): () => void {
  if (typeof IntersectionObserver === 'undefined') return () => undefined;
  const observer = new IntersectionObserver((entries) => {
    const last = entries[entries.length - 1];
    if (last) listener(last.isIntersecting);
  }, { rootMargin: `${marginPx}px` });
  observer.observe(el);
  return () => observer.disconnect();
}
