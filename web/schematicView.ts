/// <reference lib="dom" />
/**
 * The schematic of the selected board: the 12 V input, the 5 V regulator, the shared rail, the
 * two load switches and Pis, the heartbeat and signal lines back to the MCU, and the RS-485
 * transceiver, drawn as a circuit. Hover a part or wire for its live values (also listed under
 * the drawing); current is drawn flowing, faster with more amps, and a sagging rail turns
 * amber on both Pis' branches. The values come from schematic.ts (pure); this is the DOM.
 */
import { portPowered } from '../board-model/powerPortMachine.ts';
import { piStateName } from '../board-model/raspberryPiMachine.ts';
import { h, panel, setAttr, setClass, setText } from './dom.ts';
import { schematicView, type Level } from './schematic.ts';
import type { Session } from './Session.ts';
import type { Selection } from './stackView.ts';

const NS = 'http://www.w3.org/2000/svg';

function svgEl(tag: string, attrs: Record<string, string | number>, ...children: Array<Element | string>): SVGElement {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/** Wire paths (SVG path data) by id. */
const WIRES: Record<string, string> = {
  'w-in': 'M64,110 H130',
  'w-rail': 'M250,110 H300 M300,55 V205',
  'w-port0': 'M300,55 H360 M430,55 H500',
  'w-port1': 'M300,205 H360 M430,205 H500',
  'w-hbt0': 'M540,85 V160 H268 V250 H250',
  'w-sig0': 'M600,85 V172 H280 V262 H250',
  'w-hbt1': 'M540,235 V276 H250',
  'w-sig1': 'M600,235 V292 H250',
};

/** Parts: id, box (x, y, w, h), name. */
const PARTS: ReadonlyArray<readonly [string, number, number, number, number, string]> = [
  ['p-in', 16, 86, 48, 48, '12 V'],
  ['p-reg', 130, 80, 120, 60, '5 V regulator'],
  ['p-sw0', 360, 35, 70, 40, 'switch 0'],
  ['p-sw1', 360, 185, 70, 40, 'switch 1'],
  ['p-pi0', 500, 25, 150, 60, 'Pi 0'],
  ['p-pi1', 500, 175, 150, 60, 'Pi 1'],
  ['p-mcu', 130, 240, 120, 64, 'MCU'],
  ['p-485', 10, 252, 84, 44, 'RS-485'],
];

/** The schematic panel. */
export class SchematicView {
  readonly el: HTMLElement;
  private readonly wires = new Map<string, { base: SVGElement; flow: SVGElement; title: SVGElement }>();
  private readonly parts = new Map<string, { g: SVGElement; value: SVGElement }>();
  private readonly readings = h('ul', { class: 'readings', 'aria-label': 'schematic readings' });
  private readonly caption = h('p', { class: 'caption' });
  private readonly items = new Map<string, HTMLLIElement>();
  private session: Session | undefined;

  constructor(private readonly selection: Selection) {
    const svg = svgEl('svg', { viewBox: '0 0 660 312', class: 'schematic-svg', role: 'group', 'aria-label': 'schematic of the selected board' });
    svg.append(svgEl('path', { d: 'M94,274 H130 M10,274 H0', class: 'wire static' }));
    for (const [id, d] of Object.entries(WIRES)) {
      const title = svgEl('title', {});
      const base = svgEl('path', { d, class: `wire ${id.startsWith('w-hbt') || id.startsWith('w-sig') ? 'logic' : 'power'}` });
      const flow = svgEl('path', { d, class: 'flow' });
      svg.append(svgEl('g', { id: `sch-${id}`, class: 'wire-group' }, title, base, flow));
      this.wires.set(id, { base, flow, title });
    }
    for (const [id, x, y, w, hgt, name] of PARTS) {
      const value = svgEl('text', { x: x + w / 2, y: id === 'p-in' ? y + hgt + 16 : y + hgt / 2 + 15, 'text-anchor': 'middle', class: 'value' });
      const shape = id === 'p-in' ? svgEl('circle', { cx: x + w / 2, cy: y + hgt / 2, r: w / 2 }) : svgEl('rect', { x, y, width: w, height: hgt, rx: 5 });
      const g = svgEl('g', { id: `sch-${id}`, class: 'part', role: 'img', 'aria-label': name }, svgEl('title', {}), shape,
        svgEl('text', { x: x + w / 2, y: y + hgt / 2 + (id === 'p-in' ? 5 : -3), 'text-anchor': 'middle', class: 'name' }, name), value);
      svg.append(g);
      this.parts.set(id, { g, value });
    }
    this.el = panel('schematic', 'Schematic', this.caption,
      h('div', { class: 'schematic-box', tabindex: 0, role: 'region', 'aria-label': 'schematic drawing (scrolls sideways on a narrow screen)' }, svg as unknown as HTMLElement),
      h('details', {}, h('summary', {}, 'All readings'), this.readings));
  }

  /** Draw a new session's boards. */
  bind(session: Session): void {
    this.session = session;
  }

  /** Update values, levels and flow from the selected board. */
  render(): void {
    const board = this.session?.sim.boards[this.selection.board];
    if (!board) return;
    const e = board.electrical();
    const pis = [0, 1].map((pi) => {
      const actor = board.pis[pi];
      return actor ? piStateName(actor.getSnapshot()) : 'no Pi';
    }) as [string, string];
    const view = schematicView({
      vin: e.vin, cin: e.cin, rail: e.rail, portV: e.portV, portA: e.portA,
      switchOn: [portPowered(board.ports[0].getSnapshot()), portPowered(board.ports[1].getSnapshot())],
      regulator: String(board.regulator.getSnapshot().value), mcu: String(board.mcu.getSnapshot().value), pis,
      heartbeat: [board.heartbeat[0].level, board.heartbeat[1].level], signal: [board.signal[0].level, board.signal[1].level],
    });
    setText(this.caption, `Board ID ${board.id} (board #${board.index}). Hover a part or a wire for its values; moving dashes are current, faster with more amps.`);
    for (const w of view.wires) {
      const parts = this.wires.get(w.id)!;
      this.level(parts.base, w.level);
      setText(parts.title, w.title);
      setClass(parts.flow, 'on', w.flowS !== undefined);
      const duration = w.flowS === undefined ? '' : `${w.flowS.toFixed(2)}s`;
      if ((parts.flow as SVGElement & ElementCSSInlineStyle).style.animationDuration !== duration) (parts.flow as SVGElement & ElementCSSInlineStyle).style.animationDuration = duration;
      this.reading(w.id, w.title);
    }
    for (const p of view.parts) {
      const parts = this.parts.get(p.id)!;
      this.level(parts.g, p.level);
      setText(parts.value, p.value);
      setText(parts.g.querySelector('title')!, p.title);
      setAttr(parts.g, 'aria-label', p.title);
      this.reading(p.id, p.title);
    }
  }

  private level(el: Element, level: Level): void {
    for (const l of ['ok', 'low', 'off'] as const) setClass(el, l, l === level);
  }

  private reading(id: string, text: string): void {
    let li = this.items.get(id);
    if (!li) {
      this.items.set(id, (li = h('li', { 'data-id': id })));
      this.readings.append(li);
    }
    setText(li, text);
  }
}
