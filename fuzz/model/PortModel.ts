/**
 * The host-side model of one power port and the Pi plugged into it (FIRMWARE.md sections 4 and
 * 6), as plain state and timers on the model's Timeline: load switch, grace period and
 * heartbeat watchdog, graceful and Pi-initiated shutdown, watchdog power cycle, the signal line,
 * and the Pi's boot, heartbeats, shutdown and faults. With `pi` undefined (a real board) the Pi
 * is unknown: heartbeats are never predicted and the port gives up at the grace deadline.
 */
import type { Timeline, TimelineEvent } from './Timeline.ts';

/** The port's timeouts in ms (already converted from the stored settings). */
export interface PortTimes {
  hbtTimeMs: number;
  hbtDelayMs: number;
  offDelayMs: number;
  sigOffDelayMs: number;
  sigWidthMs: number;
}

/** ASSUMED port behaviour from the profile (F4). */
export interface PortRules {
  gracefulOffDelay: 'off-delay' | 'sig-off-delay';
  piOnCancelsShutdown: boolean;
  watchdogAction: 'power-cycle' | 'report-only';
  cycleOffTimeMs: number;
}

/** What the model knows of the simulated Pi (F6; ms). */
export interface PiTimes {
  bootTimeMs: number;
  heartbeatPeriodMs: number;
  shutdownTimeMs: number;
  selfShutdownPulseMs: number;
}

/** The power region of the port. */
export type PowerState = 'off' | 'booting' | 'alive' | 'missing' | 'stopBoard' | 'stopPi' | 'cycling';

/** The Pi's life cycle. */
export type PiState = 'unpowered' | 'booting' | 'hung' | 'running' | 'crashed' | 'shuttingDown' | 'halted';

/** One port and its Pi. */
export class PortModel {
  power: PowerState = 'off';
  pi: PiState = 'unpowered';
  /** True once a race the model cannot call happened: nothing is predicted until a resync. */
  uncertain = false;
  /** Why the port became uncertain (for reports). */
  uncertainWhy = '';
  /** Pi faults: daemon installed, hang at boot, extra shutdown time (ms). */
  readonly faults = { daemon: true, hangBoot: false, slowExtraMs: 0 };
  private switchOn = false;
  private railUp = true;
  private boardLow = false;
  private piLow = false;
  private daemon = false;
  private deadline = Number.POSITIVE_INFINITY;
  private lastPowered = Number.NEGATIVE_INFINITY;
  private lastHealthy = Number.NEGATIVE_INFINITY;
  private timers: Partial<Record<'grace' | 'watchdog' | 'stop' | 'cycle' | 'pulse' | 'boot' | 'beat' | 'halt' | 'selfPulse', TimelineEvent>> = {};

  constructor(
    readonly index: 0 | 1,
    private readonly timeline: Timeline,
    public times: PortTimes,
    private readonly rules: PortRules,
    private readonly piTimes: PiTimes | undefined,
  ) {}

  /** GET_PI_POWERED as the model sees it: the load switch. */
  get powered(): boolean {
    return this.switchOn;
  }

  /** GET_PI_HBT as the model sees it: heartbeats in time (on.alive). */
  get healthy(): boolean {
    return this.power === 'alive';
  }

  /** True when GET_PI_POWERED at `t` is predictable (nothing changes within `slack` ms of it). */
  knowsPowered(t: number, slack: number): boolean {
    return !this.uncertain && Math.abs(t - this.lastPowered) > slack && !this.timeline.near(this.index, t, slack);
  }

  /** True when GET_PI_HBT at `t` is predictable. */
  knowsHealthy(t: number, slack: number): boolean {
    if (this.uncertain || Math.abs(t - this.lastHealthy) <= slack || this.timeline.near(this.index, t, slack)) return false;
    return this.piTimes !== undefined || !this.onState();
  }

  private onState(): boolean {
    return this.power === 'booting' || this.power === 'alive' || this.power === 'missing';
  }

  private now(): number {
    return this.timeline.now;
  }

  private timer(name: keyof PortModel['timers'], delayMs: number, fire: () => void): void {
    this.timeline.cancel(this.timers[name]);
    this.timers[name] = this.timeline.at(this.now() + delayMs, this.index, name, () => {
      this.timers[name] = undefined;
      if (!this.uncertain) fire();
    });
  }

  private stopTimer(name: keyof PortModel['timers']): void {
    this.timeline.cancel(this.timers[name]);
    this.timers[name] = undefined;
  }

  /** Stop predicting (a race): observables unknown until resync(). */
  giveUp(why: string): void {
    if (this.uncertain) return;
    this.uncertain = true;
    this.uncertainWhy = why;
    this.timeline.cancelOwner(this.index);
    this.timers = {};
  }

  // ---- the power region -------------------------------------------------------------------

  private setPower(next: PowerState): void {
    const wasHealthy = this.healthy;
    const prev = this.power;
    if (prev === 'booting') this.stopTimer('grace');
    if (prev === 'alive') {
      this.stopTimer('watchdog');
      this.deadline = Number.POSITIVE_INFINITY;
    }
    if (prev === 'stopBoard' || prev === 'stopPi') this.stopTimer('stop');
    if (prev === 'cycling') this.stopTimer('cycle');
    this.power = next;
    if (next === 'off' || next === 'cycling') this.setSwitch(false);
    if (next === 'booting' || next === 'stopBoard' || next === 'stopPi') this.setSwitch(true);
    if (next === 'booting' && this.times.hbtTimeMs > 0) this.startGrace(this.times.hbtDelayMs);
    if (next === 'alive') this.beatDeadline();
    if (next === 'stopBoard') this.timer('stop', this.rules.gracefulOffDelay === 'sig-off-delay' ? this.times.sigOffDelayMs : this.times.offDelayMs, () => this.setPower('off'));
    if (next === 'stopPi') this.timer('stop', this.times.sigOffDelayMs, () => this.setPower('off'));
    if (next === 'cycling') this.timer('cycle', this.rules.cycleOffTimeMs, () => this.setPower('booting'));
    if (this.healthy !== wasHealthy) this.lastHealthy = this.now();
  }

  private startGrace(delayMs: number): void {
    this.timer('grace', delayMs, () => this.expire());
    if (!this.piTimes) {
      // An unknown Pi may or may not have heartbeated by then: the port state is unknowable after.
      this.timeline.cancel(this.timers.grace);
      this.timers.grace = this.timeline.at(this.now() + delayMs, this.index, 'grace (unknown Pi)', () => this.giveUp('grace period of an unknown Pi'));
    }
  }

  private beatDeadline(): void {
    if (this.times.hbtTimeMs <= 0) return;
    this.deadline = this.now() + this.times.hbtTimeMs;
    this.timer('watchdog', this.times.hbtTimeMs, () => this.expire());
  }

  private expire(): void {
    if (this.rules.watchdogAction === 'power-cycle') this.setPower('cycling');
    else this.setPower('missing');
  }

  private setSwitch(on: boolean): void {
    if (on === this.switchOn) return;
    this.switchOn = on;
    this.lastPowered = this.now();
    this.updateRail();
  }

  /** The regulator's output came up or went down (supply, torn-write outage). */
  setRegulator(up: boolean): void {
    if (up === this.railUp) return;
    this.railUp = up;
    this.updateRail();
  }

  /** A rising edge on the heartbeat line (F4: only rising edges count). */
  private beat(): void {
    if (this.power === 'booting' || this.power === 'missing') this.setPower('alive');
    else if (this.power === 'alive') this.beatDeadline();
  }

  // ---- commands -----------------------------------------------------------------------------

  /** PI_ON (and PI_ON_STARTUP at boot). */
  piOn(): void {
    if (this.uncertain) return;
    if (this.power === 'off' || this.power === 'cycling') this.setPower('booting');
    else if (this.power === 'stopBoard' && this.rules.piOnCancelsShutdown) this.setPower('booting');
  }

  /** PI_OFF: the graceful shutdown (or, during a power cycle, stay off). */
  piOff(): void {
    if (this.uncertain) return;
    if (this.power === 'cycling') return this.setPower('off');
    if (!this.onState()) return;
    this.setPower('stopBoard');
    this.pulse();
  }

  /** PI_FORCE_OFF: off now from anywhere; the signal released. A resync point. */
  forceOff(): void {
    this.resync();
  }

  /** SEND_SIG: pulse the signal line only. */
  sendSig(): void {
    if (this.uncertain) return;
    this.pulse();
  }

  /** MCU reset or brown-out: the port switched off, its signal released. A resync point. */
  mcuReset(): void {
    this.resync();
  }

  /** New settings from a SET or from boot (F4 semantics for a running watchdog and grace period). */
  settings(next: PortTimes): void {
    const was = this.times;
    this.times = next;
    if (this.uncertain) return;
    if (this.power === 'alive' && next.hbtTimeMs <= 0) {
      this.stopTimer('watchdog');
      this.deadline = Number.POSITIVE_INFINITY;
    }
    if (this.power === 'booting') {
      if (was.hbtTimeMs > 0 && next.hbtTimeMs <= 0) this.stopTimer('grace');
      if (was.hbtTimeMs <= 0 && next.hbtTimeMs > 0) this.startGrace(next.hbtDelayMs);
    }
  }

  private resync(): void {
    const prev = this.power;
    this.uncertain = false;
    if (prev !== 'off') {
      this.setPower('off');
    }
    this.setSwitch(false);
    if (this.boardLow) this.setSignal('board', false);
    this.stopTimer('pulse');
  }

  private pulse(): void {
    if (this.boardLow || this.timers.pulse) return; // already pulsing: the Pi has seen the edge
    this.setSignal('board', true);
    this.timer('pulse', this.times.sigWidthMs, () => this.setSignal('board', false));
  }

  private setSignal(side: 'board' | 'pi', low: boolean): void {
    const before = !(this.boardLow || this.piLow);
    if (side === 'board') this.boardLow = low;
    else this.piLow = low;
    const after = !(this.boardLow || this.piLow);
    if (before && !after) this.signalFell(side);
  }

  private signalFell(by: 'board' | 'pi'): void {
    if (by === 'pi' && this.onState()) this.setPower('stopPi');
    if (by === 'board' && this.pi === 'running' && this.daemon) this.startShutdown(false);
  }

  // ---- the Pi -------------------------------------------------------------------------------

  private updateRail(): void {
    const up = this.switchOn && this.railUp;
    if (!this.piTimes) return;
    if (!up && this.pi !== 'unpowered') {
      for (const t of ['boot', 'beat', 'halt', 'selfPulse'] as const) this.stopTimer(t);
      this.daemon = false;
      this.pi = 'unpowered';
      if (this.piLow) this.setSignal('pi', false);
    } else if (up && this.pi === 'unpowered') {
      this.pi = 'booting';
      if (this.faults.hangBoot) this.pi = 'hung';
      else this.timer('boot', this.piTimes.bootTimeMs, () => this.booted());
    }
  }

  private booted(): void {
    this.pi = 'running';
    if (this.faults.daemon) this.startDaemon();
  }

  private startDaemon(): void {
    this.daemon = true;
    const tick = (): void => {
      this.beat();
      this.timer('beat', this.piTimes!.heartbeatPeriodMs, tick);
    };
    tick();
  }

  private stopDaemon(): void {
    this.daemon = false;
    this.stopTimer('beat');
  }

  private startShutdown(self: boolean): void {
    this.stopDaemon();
    this.pi = 'shuttingDown';
    this.timer('halt', this.piTimes!.shutdownTimeMs + this.faults.slowExtraMs, () => {
      this.pi = 'halted';
    });
    if (self) {
      this.setSignal('pi', true);
      this.timer('selfPulse', this.piTimes!.selfShutdownPulseMs, () => this.setSignal('pi', false));
    }
  }

  /** Fault: the Pi crashes (only a running Pi). */
  crash(): void {
    if (this.uncertain || this.pi !== 'running') return;
    this.stopDaemon();
    this.pi = 'crashed';
  }

  /** Fault: the Pi hangs at boot (now if booting). */
  hangBoot(): void {
    this.faults.hangBoot = true;
    if (this.uncertain || this.pi !== 'booting') return;
    this.stopTimer('boot');
    this.pi = 'hung';
  }

  /** Fault: the heartbeat daemon is removed. */
  noDaemon(): void {
    this.faults.daemon = false;
    if (!this.uncertain && this.daemon) this.stopDaemon();
  }

  /** Undo the Pi's faults; a running Pi without its daemon starts it at once. */
  clearFaults(): void {
    this.faults.daemon = true;
    this.faults.hangBoot = false;
    this.faults.slowExtraMs = 0;
    if (!this.uncertain && this.pi === 'running' && !this.daemon) this.startDaemon();
  }

  /** Fault: shutdowns take `totalMs` (at least the model's own time). */
  slowShutdown(totalMs: number): void {
    this.faults.slowExtraMs = Math.max(0, totalMs - (this.piTimes?.shutdownTimeMs ?? 0));
  }

  /** The Pi asks for power-down itself (only a running Pi). */
  requestShutdown(): void {
    if (this.uncertain || this.pi !== 'running') return;
    this.startShutdown(true);
  }

  /** For reports: the port and Pi state. */
  describe(): string {
    return this.uncertain ? `uncertain (${this.uncertainWhy})` : `${this.power}${this.deadline < Infinity ? ` (deadline ${this.deadline.toFixed(1)})` : ''}, Pi ${this.pi}`;
  }
}
