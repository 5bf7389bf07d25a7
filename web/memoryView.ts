/// <reference lib="dom" />
/**
 * The board memory panel, for the selected board (cards/memory.ts does the reading): the two
 * flash blocks (bytes, CRC valid or not, writes), the RAM copies the firmware runs on (every
 * setting per Pi, the error log decoded in words with its pointer, boot and error counts, the
 * LEDs and the DIP read at boot). Reading changes nothing on the board and sends nothing.
 */
import { boardMemory, type BoardMemory, type FlashBlockView } from './cards/memory.ts';
import { h, panel, setText } from './dom.ts';
import { plural } from './format.ts';
import type { Session } from './Session.ts';
import type { Selection } from './stackView.ts';

function blockEl(b: FlashBlockView): HTMLElement {
  const title = b.name === 'config' ? 'Flash: config block' : 'Flash: error-log block';
  return h('div', { class: `block${b.valid ? '' : ' invalid'}`, 'data-block': b.name },
    h('h4', {}, title),
    h('p', { class: `verdict ${b.valid ? 'good' : 'bad'}` }, b.valid ? `CRC valid (0x${(b.storedCrc ?? 0).toString(16).padStart(2, '0').toUpperCase()}): the next boot loads it` : `INVALID: ${b.problem ?? ''}`),
    b.hex === '' ? h('p', { class: 'hex' }, '(blank)') : h('p', { class: 'hex bytes' }, ...b.hex.split(' ').flatMap((x, i) => [i > 0 ? ' ' : '', h('span', { class: i === b.length - 1 ? 'byte crc' : 'byte', title: b.roles[i] ?? '' }, x)])),
    h('p', { class: 'caption' }, `${plural(b.length, 'byte')} (hover one for what it is); written ${plural(b.writes, 'time')} in this run. Flash keeps its bytes through resets and power loss.`));
}

function table(caption: string, head: readonly string[], rows: readonly (readonly string[])[], rowClass: (i: number) => string | undefined = () => undefined): HTMLElement {
  return h('table', {}, h('caption', { class: 'caption' }, caption),
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map((r, i) => h('tr', { class: rowClass(i) }, ...r.map((c) => h('td', {}, c))))));
}

function ramEl(m: BoardMemory): HTMLElement {
  const ram = m.ram;
  if (!ram) return h('div', { class: 'ram' }, h('h3', {}, 'RAM'), h('p', {}, 'The MCU has no power: RAM is empty. At the next boot it loads both blocks from flash (a block with a bad CRC is replaced by defaults, and the failure logged).'));
  const settings = table('Settings per Pi (RAM copy of the config block; raw u8 and its time)', ['setting', 'Pi 0', 'Pi 1', 'meaning'],
    ram.settings[0].map((s, i) => {
      const other = ram.settings[1][i]!;
      return [s.name, `${s.value} (${s.raw})`, `${other.value} (${other.raw})`, s.meaning];
    }));
  const used = ram.log.filter((s) => !s.unused);
  const hex2 = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();
  const ring = h('ol', { class: 'ring', 'aria-label': `error log ring, ${ram.log.length} slots` }, ...ram.log.map((s) => h('li', {
    class: `${s.unused ? 'unused' : 'used'}${s.atPointer ? ' at-pointer' : ''}`, title: `slot ${s.slot}: ${s.unused ? 'unused' : `0x${hex2(s.code)} ${s.name}, ${s.words}`}${s.atPointer ? ' (the pointer: next slot to write)' : ''}`,
  }, s.unused ? '··' : hex2(s.code))));
  const log = table(`Error log: ${used.length} of ${ram.log.length} slots used, the pointer (next slot to write) at slot ${ram.pointer}`, ['slot', 'code', 'meaning'],
    used.map((s) => [String(s.slot), `0x${hex2(s.code)} ${s.name}`, s.words]));
  log.classList.add('log');
  return h('div', { class: 'ram' },
    h('h3', {}, 'RAM (what the running firmware uses; lost when the MCU loses power)'),
    ram.configDiffersFromFlash ? h('p', { class: 'note' }, 'The config in flash no longer matches this RAM copy: the firmware only reads flash at boot, so it keeps running on the RAM copy until the next boot.') : null,
    h('dl', { class: 'exchange' },
      h('dt', {}, 'ID prefix'), h('dd', {}, `0x${ram.prefix.toString(16).padStart(2, '0').toUpperCase()}`),
      h('dt', {}, 'DIP read at boot'), h('dd', {}, `${ram.dip.toString(2).padStart(4, '0')} (${ram.dip})`),
      h('dt', {}, 'Boot count'), h('dd', { 'data-field': 'boot-count' }, String(ram.bootCount)),
      h('dt', {}, 'Error count'), h('dd', { 'data-field': 'error-count' }, String(ram.errorCount)),
      h('dt', {}, 'Error pointer'), h('dd', {}, String(ram.pointer)),
      h('dt', {}, 'LEDs (RAM only)'), h('dd', {}, `${ram.ledsEnabled ? 'enabled' : 'disabled'}; debug LED ${ram.debugLed.join(',')}`)),
    settings, log, ring);
}

/** The board memory panel. */
export class MemoryView {
  readonly el: HTMLElement;
  private readonly target = h('p', { class: 'caption' });
  private readonly body = h('div', { class: 'memory' });
  private session: Session | undefined;
  private lastKey = '';

  constructor(private readonly selection: Selection) {
    this.el = panel('memory', 'Board memory', this.target, this.body);
    selection.onChange(() => this.render());
  }

  /** Show a new session's boards. */
  bind(session: Session): void {
    this.session = session;
    this.lastKey = '';
    this.render();
  }

  /** Redraw when the selected board's memory changed. */
  render(): void {
    const board = this.session?.sim.boards[this.selection.board];
    if (!board) return;
    const m = boardMemory(board);
    const key = `${board.index}|${JSON.stringify(m)}`;
    if (key === this.lastKey) return;
    this.lastKey = key;
    setText(this.target, `Board ID ${board.id} (#${board.index}), as the firmware keeps it: two flash blocks, each with its own CRC-8, and their working copies in RAM. Choose another board in the stack to see its memory.`);
    this.body.replaceChildren(h('div', { class: 'blocks' }, ...m.flash.map(blockEl)), ramEl(m));
  }
}
