/**
 * Live countdowns of a board's timers, derived from the machines' states, when each state was
 * entered, the last heartbeat and the settings (FIRMWARE.md section 4): the watchdog (time
 * left of HBT_TIME since the last beat), the HBT_DELAY grace, OFF_DELAY / SIG_OFF_DELAY, the
 * shutdown pulse, the power-cycle off time, the regulator's hiccup retry and the MCU boot.
 * Browser-safe, pure.
 */
import type { PortBehaviour, PortSettings } from '../../board-model/powerPortMachine.ts';

/** Which timer. */
export type TimerKind = 'watchdog' | 'grace' | 'off-delay' | 'sig-off-delay' | 'sig-width' | 'cycle-off' | 'regulator-retry' | 'mcu-boot';

/** One running timer. */
export interface Countdown {
  readonly kind: TimerKind;
  /** Short label with the setting's name, e.g. "watchdog (HBT_TIME 15 s)". */
  readonly label: string;
  /** Full length of the timer (ms). */
  readonly totalMs: number;
  /** Time left (ms), never below 0. */
  readonly leftMs: number;
  /** Virtual time it fires (ms). */
  readonly dueAt: number;
}

/** What a port's countdowns need: its power and signal states, when they were entered, the last beat (all ms). */
export interface PortTiming {
  /** Power region, e.g. 'on.alive' (portStateName). */
  readonly power: string;
  readonly powerSince: number;
  /** Signal region: 'released' or 'pulsing'. */
  readonly signal: string;
  readonly signalSince: number;
  /** Virtual time of the last rising heartbeat edge (ms), if any. */
  readonly lastBeat: number | undefined;
}

/** Seconds with up to one decimal, e.g. 15000 → "15 s", 200 → "0.2 s". */
export function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

function countdown(kind: TimerKind, label: string, totalMs: number, since: number, now: number): Countdown {
  return { kind, label, totalMs, leftMs: Math.max(0, totalMs - (now - since)), dueAt: since + totalMs };
}

/** The running timers of one power port at `now` (ms). */
export function portCountdowns(now: number, t: PortTiming, settings: PortSettings, behaviour: PortBehaviour): Countdown[] {
  const out: Countdown[] = [];
  const watchdogOn = settings.hbtTimeMs > 0;
  if (t.power === 'on.booting' && watchdogOn) out.push(countdown('grace', `first heartbeat due (HBT_DELAY ${seconds(settings.hbtDelayMs)})`, settings.hbtDelayMs, t.powerSince, now));
  if (t.power === 'on.alive' && watchdogOn) {
    const since = t.lastBeat !== undefined && t.lastBeat >= t.powerSince ? t.lastBeat : t.powerSince;
    out.push(countdown('watchdog', `watchdog (HBT_TIME ${seconds(settings.hbtTimeMs)})`, settings.hbtTimeMs, since, now));
  }
  if (t.power === 'stopping.byBoard') {
    const sig = behaviour.gracefulOffDelay === 'sig-off-delay';
    const ms = sig ? settings.sigOffDelayMs : settings.offDelayMs;
    out.push(countdown(sig ? 'sig-off-delay' : 'off-delay', `power off in (${sig ? 'SIG_OFF_DELAY' : 'OFF_DELAY'} ${seconds(ms)})`, ms, t.powerSince, now));
  }
  if (t.power === 'stopping.byPi') out.push(countdown('sig-off-delay', `power off in (SIG_OFF_DELAY ${seconds(settings.sigOffDelayMs)})`, settings.sigOffDelayMs, t.powerSince, now));
  if (t.power === 'cycling') out.push(countdown('cycle-off', `power back on in (cycle off time ${seconds(behaviour.cycleOffTimeMs)})`, behaviour.cycleOffTimeMs, t.powerSince, now));
  if (t.signal === 'pulsing') out.push(countdown('sig-width', `signal pulse ends (SIG_WIDTH ${seconds(settings.sigWidthMs)})`, settings.sigWidthMs, t.signalSince, now));
  return out;
}

/** The regulator's hiccup retry while its rail is collapsed (since: the last collapse, ms). */
export function regulatorCountdown(now: number, state: string, since: number, hiccupRetryMs: number): Countdown | undefined {
  if (state !== 'collapsed') return undefined;
  return countdown('regulator-retry', `regulator retries in (hiccup ${seconds(hiccupRetryMs)})`, hiccupRetryMs, since, now);
}

/** The MCU's boot while booting (since: the last boot started, ms). */
export function mcuCountdown(now: number, state: string, since: number, bootMs: number): Countdown | undefined {
  if (state !== 'booting') return undefined;
  return countdown('mcu-boot', `MCU listens in (boot ${seconds(bootMs)})`, bootMs, since, now);
}

/** A countdown as "12.3 s", one decimal, for a fixed-width cell. */
export function formatLeft(c: Countdown): string {
  return `${(c.leftMs / 1000).toFixed(1)} s`;
}

/** Heartbeat period from the last two rising edges (ms), or undefined before two beats. */
export function heartbeatPeriod(previous: number | undefined, last: number | undefined): number | undefined {
  return previous === undefined || last === undefined || last <= previous ? undefined : last - previous;
}

/** A timer somewhere in the stack that may be the next one due, named for the "Next timer" button. */
export interface NamedTimer {
  readonly dueAt: number;
  readonly name: string;
}

/** Name the clock's next deadline from the known timers (same time within 1 µs), or undefined when none matches. */
export function nameNextTimer(next: number | undefined, timers: readonly NamedTimer[]): string | undefined {
  if (next === undefined) return undefined;
  const names = timers.filter((t) => Math.abs(t.dueAt - next) < 1e-3).map((t) => t.name);
  return names.length === 0 ? undefined : [...new Set(names)].join(', ');
}

/** A scenario step as the "Next timer" naming needs it. */
export interface StepLike {
  readonly kind: 'host' | 'fault';
  readonly atMs: number;
  readonly command?: string;
  readonly id?: number;
  readonly fault?: string;
  readonly board?: number;
  readonly pi?: 0 | 1;
}

/** A lesson's steps still to come (at or after `now`, ms), named: "lesson step: fault crash on board #0 Pi 0". */
export function stepTimers(steps: readonly StepLike[], now: number): NamedTimer[] {
  return steps.filter((s) => s.atMs >= now).map((s) => ({
    dueAt: s.atMs,
    name: s.kind === 'host'
      ? `lesson step: host sends ${s.command ?? '?'} to board ${s.id ?? '?'}`
      : `lesson step: fault ${s.fault ?? '?'}${s.board === undefined ? '' : ` on board #${s.board}`}${s.pi === undefined ? '' : ` Pi ${s.pi}`}`,
  }));
}
