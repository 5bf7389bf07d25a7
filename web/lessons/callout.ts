/**
 * A pause's callout: a template of one or two sentences whose {placeholders} are filled with
 * the live numbers of the moment (the event's time, the port's settings, the last heartbeat,
 * the rail). Placeholders are data, so a teacher's lesson file can use any of them. Pure.
 */

/** Every placeholder a callout may use, with what it shows (documented in docs/teaching.md). */
export const PLACEHOLDER_DOCS = {
  t: 'virtual time of the event',
  id: 'board ID of the event',
  board: 'index of the board in the stack',
  pi: 'Pi of the event (0 or 1)',
  count: 'how many times this pause has fired (1, 2, ...)',
  hbtTime: 'HBT_TIME of that Pi now',
  hbtDelay: 'HBT_DELAY of that Pi now',
  offDelay: 'OFF_DELAY of that Pi now',
  sigOffDelay: 'SIG_OFF_DELAY of that Pi now',
  sigWidth: 'SIG_WIDTH (the board pulse length) of that Pi now',
  cycleOff: 'how long a watchdog power cycle keeps the power off',
  hiccup: "the regulator's retry interval after a collapse",
  currentLimit: "the regulator's current limit",
  uvlo: "the regulator's undervoltage lockout (input)",
  lastBeatAt: 'time of the last heartbeat pulse of that Pi',
  sinceLastBeat: 'time since that heartbeat',
  beats: 'heartbeat pulses of that Pi so far',
  poweredOnAt: 'time that Pi was last switched on',
  sincePowerOn: 'time since then',
  graceEndsAt: 'poweredOnAt + HBT_DELAY',
  signalAt: 'time of the last shutdown pulse on that Pi\'s signal line (either side)',
  sinceSignal: 'time since then',
  offAt: 'signalAt + OFF_DELAY (when PI_OFF removes power)',
  sigOffAt: 'signalAt + SIG_OFF_DELAY (when a Pi-initiated shutdown loses power)',
  crashedAt: 'time that Pi last crashed',
  sinceCrash: 'time since then',
  backOnAt: 'event time + the power-cycle off time',
  supply: 'the stack input supply now',
  rail: "the board's 5 V rail now",
  portV: "that Pi's port voltage now",
  portA: "that Pi's current now",
  otherPi: 'the other Pi of the board (0 or 1)',
  otherPortV: "the other Pi's port voltage now",
  cause: 'event detail: why the power went off (watchdog, graceful, pi-initiated, force, mcu-reset)',
  by: 'event detail: who pulled the signal line',
  command: 'event detail: the host command',
  code: 'event detail: the error code of an error reply (hex)',
  why: 'event detail: why a request got no reply',
  volts: 'event detail: a voltage',
  loadA: 'event detail: the load that collapsed the rail',
  from: 'event detail: the state the Pi lost power in',
  block: 'event detail: the flash block',
  bootCount: 'event detail: the MCU boot count',
} as const;

/** Placeholder names. */
export type Placeholder = keyof typeof PLACEHOLDER_DOCS;

/** The placeholder names as a set. */
export const PLACEHOLDERS: ReadonlySet<string> = new Set(Object.keys(PLACEHOLDER_DOCS));

/** The values for one callout, already formatted ("57.205 s", "15 s", "4.56 V"). */
export type Facts = Partial<Record<Placeholder, string>>;

const PATTERN = /\{([A-Za-z]+)\}/g;

/** Placeholder names used in a template, in order. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PATTERN)].map((m) => m[1] as string);
}

/** Fill a template; a placeholder without a value this moment shows as "?" (so a gap is visible, never "undefined"). */
export function fillCallout(template: string, facts: Facts): string {
  return template.replace(PATTERN, (_, name: string) => facts[name as Placeholder] ?? '?');
}

/** A time or a duration in seconds, trimmed: 72205 → "72.205 s", 15000 → "15 s", 200 → "0.2 s". */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** A value with its unit and fixed decimals: (4.5612, 'V') → "4.56 V". */
export function unit(value: number, u: string, decimals = 2): string {
  return `${value.toFixed(decimals)} ${u}`;
}
