/**
 * Chart labels with their values: a delayed transition names its firmware setting and how long
 * it is (`after OFF_DELAY (30 s)`), a guard its threshold (`[load > 5.0 A]`), both read from the
 * live actor's context (so a profile or a SET_OFF_DELAY shows at once); and the countdown of the
 * active delayed transition. Pure and browser-safe.
 */
import type { AnyStateMachine } from 'xstate';
import type { ChartKey } from './machines.ts';

/** An actor's context as the labels read it (each machine's own shape; absent fields give no value). */
type Ctx = Record<string, unknown>;

function field(ctx: Ctx, path: string): unknown {
  let v: unknown = ctx;
  for (const key of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

function num(ctx: Ctx, path: string): number | undefined {
  const v = field(ctx, path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

const yesNo = (v: unknown): string => (v === true ? 'yes' : v === false ? 'no' : '?');

/** Firmware or datasheet name of each named delay, by chart (the port's graceful delay depends on the firmware's behaviour). */
const DELAY_NAMES: Record<ChartKey, Record<string, (ctx: Ctx) => string>> = {
  powerPort: {
    hbtDelay: () => 'HBT_DELAY',
    gracefulOffDelay: (c) => (field(c, 'behaviour.gracefulOffDelay') === 'sig-off-delay' ? 'SIG_OFF_DELAY' : 'OFF_DELAY'),
    sigOffDelay: () => 'SIG_OFF_DELAY',
    sigWidth: () => 'SIG_WIDTH',
    cycleOffTime: () => 'CYCLE_OFF_TIME',
  },
  raspberryPi: { bootTime: () => 'boot time', shutdownTime: () => 'shutdown time', selfShutdownPulse: () => 'shutdown pulse' },
  regulator: { hiccupRetry: () => 'hiccup retry' },
  boardMcu: { bootTime: () => 'MCU boot time' },
};

/** Guard wording with its threshold or setting, by chart and guard label. */
const GUARD_TEXT: Record<ChartKey, Record<string, (ctx: Ctx) => string | undefined>> = {
  powerPort: {
    cyclesOnExpiry: (c) => `on expiry: ${String(field(c, 'behaviour.watchdogAction') ?? '?')}`,
    piOnCancelsShutdown: (c) => `cancels: ${yesNo(field(c, 'behaviour.piOnCancelsShutdown'))}`,
  },
  raspberryPi: {
    railBelowReset: (c) => volts('rail <', num(c, 'params.resetBelowV')),
    railAtLeastReset: (c) => volts('rail ≥', num(c, 'params.resetBelowV')),
    bootHangs: (c) => `boot hangs: ${yesNo(field(c, 'hangBoot'))}`,
    '!daemonInstalled': (c) => `no daemon: ${yesNo(field(c, 'daemon') === undefined ? undefined : !field(c, 'daemon'))}`,
    daemonInstalled: (c) => `daemon: ${yesNo(field(c, 'daemon'))}`,
  },
  regulator: {
    overLimit: (c) => (num(c, 'params.currentLimitA') === undefined ? undefined : `load > ${num(c, 'params.currentLimitA')!.toFixed(1)} A`),
    inputLow: (c) => volts('input <', num(c, 'params.uvloV')),
    inputOk: (c) => volts('input ≥', num(c, 'params.uvloV')),
  },
  boardMcu: {},
};

function volts(prefix: string, v: number | undefined): string | undefined {
  return v === undefined ? undefined : `${prefix} ${v.toFixed(2)} V`;
}

/** A duration in words: 500 → "500 ms", 30000 → "30 s", 1500 → "1.5 s", 90000 → "90 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : Number(s.toFixed(s < 10 ? 2 : 1))} s`;
}

/** A countdown to a deadline (ms left, never negative), to 0.1 s: "12.3 s left". */
export function formatLeft(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s left`;
}

/** Length of a delay (ms) for an actor's context: a number from the label ("after 500 ms") or the machine's named delay; undefined if unknown. */
export function delayMs(machine: AnyStateMachine, delay: string, context: unknown, event: unknown = { type: '' }): number | undefined {
  const literal = /^(\d+) ms$/.exec(delay);
  if (literal) return Number(literal[1]);
  const impl = (machine.implementations.delays as Record<string, unknown>)[delay];
  if (typeof impl === 'number') return impl;
  if (typeof impl !== 'function') return undefined;
  try {
    const v = (impl as (args: { context: unknown; event: unknown }) => unknown)({ context, event });
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The delay named in an event wording ("after gracefulOffDelay" → "gracefulOffDelay"), or undefined for other events. */
export function delayOf(event: string): string | undefined {
  return event.startsWith('after ') ? event.slice('after '.length) : undefined;
}

/**
 * A transition's label with its values: "after gracefulOffDelay" → "after OFF_DELAY (30 s)",
 * "always [overLimit] / brownout" → "always [load > 5.0 A] / brownout". Unknown names stay as written.
 */
export function valuedLabel(key: ChartKey, machine: AnyStateMachine, label: string, event: string, guard: string, context: unknown): string {
  const ctx = (context ?? {}) as Ctx;
  let text = label;
  const delay = delayOf(event);
  if (delay !== undefined) {
    const ms = delayMs(machine, delay, context);
    const name = DELAY_NAMES[key][delay]?.(ctx) ?? delay;
    text = text.replace(event, `after ${name}${ms === undefined ? '' : ` (${formatDuration(ms)})`}`);
  }
  if (guard !== '') {
    const worded = GUARD_TEXT[key][guard]?.(ctx);
    if (worded !== undefined) text = text.replace(`[${guard}]`, `[${worded}]`);
  }
  return text;
}
