/**
 * Plain-language names of the machines' states, for a learner who has not read the spec, and
 * the XState path shown on hover ("powerPort.power.on.alive"). Browser-safe, pure.
 */

/** A state value as XState gives it: a name, or nested objects for compound and parallel states. */
export type StateValue = string | { readonly [region: string]: StateValue };

/** Every active leaf of a state value as dotted paths under the machine's id, e.g. ["powerPort.power.on.alive", "powerPort.signal.released"]. */
export function statePaths(machine: string, value: StateValue): string[] {
  if (typeof value === 'string') return [`${machine}.${value}`];
  return Object.entries(value).flatMap(([key, sub]) => statePaths(`${machine}.${key}`, sub));
}

const PORT: Record<string, string> = {
  'off': 'power off',
  'on.booting': 'powered, waiting for the first heartbeat',
  'on.alive': 'powered, heartbeat OK',
  'on.missing': 'powered, heartbeat missing',
  'stopping.byBoard': 'shutting down: board asked (PI_OFF)',
  'stopping.byPi': 'shutting down: the Pi asked',
  'cycling': 'power-cycling: switched off for a while',
};

/** The power port's power region ('on.alive') in words. */
export function portStateWords(name: string): string {
  return PORT[name] ?? name;
}

const PI: Record<string, string> = {
  'unpowered': 'no power',
  'booting': 'booting',
  'booting.hung': 'boot hung',
  'running': 'running',
  'crashed': 'crashed (no heartbeat)',
  'shuttingDown': 'shutting down',
  'halted': 'halted, safe to cut power',
};

/** A Pi's state ('running', or 'booting.hung' for a substate that matters) in words. */
export function piStateWords(name: string): string {
  return PI[name] ?? name;
}

const MCU: Record<string, string> = {
  unpowered: 'MCU off (no input power)',
  booting: 'MCU booting (deaf to the bus)',
  running: 'MCU running',
};

/** The board MCU's state in words. */
export function mcuStateWords(name: string): string {
  return MCU[name] ?? name;
}

const REGULATOR: Record<string, string> = {
  off: '5 V regulator off (input below its lockout)',
  regulating: '5 V rail up',
  collapsed: '5 V rail collapsed (overload), retrying',
};

/** The 5 V regulator's state in words. */
export function regulatorStateWords(name: string): string {
  return REGULATOR[name] ?? name;
}

/** The Pi's state name with the one substate a learner needs: a hung boot. */
export function piStateKey(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [top, sub] = Object.entries(value)[0] ?? ['?', '?'];
  return top === 'booting' && sub === 'hung' ? 'booting.hung' : top;
}
