/// <reference lib="dom" />
/**
 * Time control: the virtual clock, Pause (which says Resume while paused), step to the next
 * timer (naming it: the watchdog of board 3 Pi 0, a lesson step, ...), +100 ms and +1 s steps,
 * and the speed (1x, 10x, 100x, 1000x real time) as a radio group (arrow keys move it).
 */
import { nameNextTimer, stepTimers, type NamedTimer } from './cards/countdowns.ts';
import { h, setAttr, setText } from './dom.ts';
import { formatClock, formatSeconds } from './format.ts';
import type { Session } from './Session.ts';
import { SPEEDS, type Speed, type TimeDriver } from './TimeDriver.ts';

/** The time control bar. */
export class TimeControls {
  readonly el: HTMLElement;
  private readonly clock = h('output', { id: 'clock', 'aria-label': 'virtual time' }, formatClock(0));
  private readonly pause = h('button', { type: 'button', id: 'time-pause', 'aria-pressed': 'false' }, 'Pause');
  private readonly next = h('button', { type: 'button', id: 'time-next', 'aria-label': 'step to the next timer', 'aria-describedby': 'time-next-name' }, 'Next timer');
  private readonly nextName = h('span', { id: 'time-next-name', class: 'caption' });
  private readonly state = h('span', { id: 'time-state', class: 'caption' });
  private readonly radios: HTMLInputElement[];
  private nameKey = '';

  /** @param timers the stack's running timers with names (the cards' countdowns), for "Next timer". */
  constructor(private readonly driver: TimeDriver, private readonly session: () => Session, private readonly timers: () => readonly NamedTimer[] = () => []) {
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
    this.next.addEventListener('click', () => void driver.stepToNextTimer());
    this.el = h('div', { class: 'time', role: 'group', 'aria-label': 'time control' },
      h('span', { class: 'clock-box' }, h('span', { class: 'label' }, 'virtual time '), this.clock),
      this.pause, this.next,
      step('time-100ms', '+100 ms', 'step +100 ms', () => driver.step(100)),
      step('time-1s', '+1 s', 'step +1 s', () => driver.step(1000)),
      speeds, this.state, this.nextName);
    driver.onState(() => this.showState());
    this.showState();
  }

  /** Show the virtual clock and, while paused, which timer "Next timer" would fire. */
  render(): void {
    const s = this.session();
    setText(this.clock, formatClock(s.now));
    if (!this.driver.paused) {
      setText(this.nextName, 'next timer: named while paused');
      this.nameKey = '';
      return;
    }
    const next = s.sim.clock.next();
    const key = `${s.now}|${next}`;
    if (key === this.nameKey) return;
    this.nameKey = key;
    if (next === undefined) {
      setText(this.nextName, 'next timer: none pending');
      return;
    }
    const name = nameNextTimer(next, [...this.timers(), ...(s.lesson ? stepTimers(s.scenario.steps, s.now) : [])]);
    setText(this.nextName, `next timer at ${formatSeconds(next)}: ${name ?? 'a Pi\'s heartbeat edge, boot or shutdown, the bus, or a watchdog re-checking its deadline'}`);
  }

  private showState(): void {
    const d = this.driver;
    setAttr(this.pause, 'aria-pressed', String(d.paused));
    setText(this.pause, d.paused ? 'Resume' : 'Pause');
    this.radios.forEach((r) => (r.checked = Number(r.value) === d.speed));
    setText(this.state, d.paused ? 'paused' : `running at ${d.speed}x real time`);
    this.nameKey = '';
  }
}
