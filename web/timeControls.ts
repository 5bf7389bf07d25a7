/// <reference lib="dom" />
/**
 * Time control: the virtual clock, pause, step to the next timer, +100 ms and +1 s steps,
 * and the speed (1x, 10x, 100x, 1000x real time) as a radio group (arrow keys move it).
 */
import { h, setAttr, setText } from './dom.ts';
import { formatClock } from './format.ts';
import type { Session } from './Session.ts';
import { SPEEDS, type Speed, type TimeDriver } from './TimeDriver.ts';

/** The time control bar. */
export class TimeControls {
  readonly el: HTMLElement;
  private readonly clock = h('output', { id: 'clock', 'aria-label': 'virtual time' }, formatClock(0));
  private readonly pause = h('button', { type: 'button', id: 'time-pause', 'aria-pressed': 'false' }, 'Pause');
  private readonly state = h('span', { id: 'time-state', class: 'caption' });
  private readonly radios: HTMLInputElement[];

  constructor(private readonly driver: TimeDriver, private readonly session: () => Session) {
    const step = (id: string, text: string, label: string, run: () => Promise<number>) => {
      const b = h('button', { type: 'button', id, 'aria-label': label }, text);
      b.addEventListener('click', () => void run());
      return b;
    };
    this.radios = SPEEDS.map((s) => h('input', { type: 'radio', name: 'speed', value: s, id: `speed-${s}` }));
    this.radios.forEach((r) => r.addEventListener('change', () => r.checked && driver.setSpeed(Number(r.value) as Speed)));
    const speeds = h('fieldset', { class: 'speeds' }, h('legend', {}, 'Speed'),
      ...this.radios.map((r, i) => h('label', { for: r.id }, r, `${SPEEDS[i]}x`)));
    this.pause.addEventListener('click', () => driver.setPaused(!driver.paused));
    this.el = h('div', { class: 'time', role: 'group', 'aria-label': 'time control' },
      h('span', { class: 'clock-box' }, h('span', { class: 'label' }, 'virtual time '), this.clock),
      this.pause,
      step('time-next', 'Next timer', 'step to the next timer', () => driver.stepToNextTimer()),
      step('time-100ms', '+100 ms', 'step +100 ms', () => driver.step(100)),
      step('time-1s', '+1 s', 'step +1 s', () => driver.step(1000)),
      speeds, this.state);
    driver.onState(() => this.showState());
    this.showState();
  }

  /** Show the virtual clock. */
  render(): void {
    setText(this.clock, formatClock(this.session().now));
  }

  private showState(): void {
    const d = this.driver;
    setAttr(this.pause, 'aria-pressed', String(d.paused));
    this.radios.forEach((r) => (r.checked = Number(r.value) === d.speed));
    setText(this.state, d.paused ? 'paused' : `running at ${d.speed}x real time`);
  }
}
