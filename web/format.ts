/** Text formats of the page: virtual clock, bytes as hex, electrical values, events, descriptions. Browser-safe, pure. */
import type { SimEvent } from '../board-model/events.ts';
import type { CommandName } from '../bus-protocol/commands.ts';
import type { HardwareVersion } from '../bus-protocol/conversions.ts';
import { describeErrorCode } from '../bus-protocol/errorCodes.ts';
import { readingInUnits } from './readings.ts';

/** Virtual time as h:mm:ss.mmm, e.g. 83456 ms → "0:01:23.456". */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor(total / 60_000) % 60;
  const s = Math.floor(total / 1000) % 60;
  const milli = total % 1000;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(milli).padStart(3, '0')}`;
}

/** Virtual time in seconds with ms, e.g. 72205.3 → "72.205 s". */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** Bytes as spaced upper-case hex, e.g. "11 03 04 00 D2". */
export function hexBytes(bytes: ArrayLike<number>): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
}

/** A byte as 0xNN (the protocol's own formatter). */
export { hexByte } from '../bus-protocol/hex.ts';

/** A value with a fixed number of decimals and its unit, e.g. (5.0912, 'V', 2) → "5.09 V". */
export function formatUnit(value: number, unit: string, decimals = 2): string {
  return `${value.toFixed(decimals)} ${unit}`;
}

const CORE = new Set(['t', 'type', 'id', 'pi', 'board']);

/** An event's details as "key=value" text (the fields other than time, type and who). */
export function eventDetails(e: SimEvent): string {
  return Object.entries(e).filter(([k, v]) => !CORE.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');
}

const WORDS: Record<string, string> = {
  'power-on': 'load switch on: the Pi gets power',
  'power-off': 'load switch off',
  'watchdog-expired': 'watchdog fired: no heartbeat in time',
  'power-cycle': 'power cycle: switched off, back on after the off time',
  'shutdown-signal': 'board pulled the shutdown signal low (asks the Pi to shut down)',
  'shutdown-requested': 'shutdown started',
  'heartbeat-ok': 'first heartbeat seen: the watchdog runs',
  'heartbeat-lost': 'heartbeat no longer healthy',
  'pi-booted': 'Pi booted: its heartbeat daemon starts',
  'pi-crashed': 'Pi crashed: heartbeats stop',
  'pi-halted': 'Pi halted: safe to cut power',
  'pi-powered': 'Pi has power and starts booting',
  'unsafe-power-loss': 'Pi lost power while not halted (SD card at risk)',
  'power-lost': 'Pi lost power',
  'undervoltage': 'Pi sees undervoltage',
  'brownout': '5 V rail collapsed: load over the regulator\'s limit',
  'regulator-recovered': '5 V rail back up',
  'uvlo': 'regulator off: input below its lockout',
  'mcu-boot': 'board MCU booted',
  'mcu-off': 'board MCU lost power',
  'config-restored': 'config block failed its CRC: defaults restored',
  'errors-restored': 'error log failed its CRC: emptied',
  'torn-write': 'flash write torn by a power loss',
  'collision': 'collision on the bus: two nodes transmitted at once',
  'fault': 'fault injected',
  'host-request': 'host sent a request',
  'host-reply': 'host got a reply',
  'host-error': 'host got an error',
  'host-timeout': 'host got no reply',
  'warning': 'warning',
};

const CAUSES: Record<string, string> = {
  'force': 'forced off (PI_FORCE_OFF)',
  'graceful': 'after the graceful-off delay (PI_OFF)',
  'pi-initiated': 'after the Pi asked to shut down (SIG_OFF_DELAY)',
  'mcu-reset': 'the board MCU reset or lost power',
  'watchdog': 'by the watchdog',
};

/** An event's type in plain words, e.g. 'watchdog-expired' → "watchdog fired: no heartbeat in time". */
export function eventWords(type: string): string {
  return WORDS[type] ?? type;
}

/** An event's payload in words: "cause: by the watchdog", "from: running", a reply's reading, a no-reply's cause and why. */
export function eventDetailsWords(e: SimEvent, hardwareVersion: HardwareVersion = 3): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(e)) {
    if (CORE.has(k) || v === undefined) continue;
    if (k === 'cause' && typeof v === 'string' && e.type === 'power-off') parts.push(CAUSES[v] ?? v);
    else if (k === 'from') parts.push(`was ${String(v)}`);
    else if (k === 'by') parts.push(`asked by the ${String(v)}`);
    else if (k === 'volts' && typeof v === 'number') parts.push(`${v.toFixed(2)} V`);
    else if (k === 'loadA' && typeof v === 'number') parts.push(`load ${v.toFixed(2)} A`);
    else if (k === 'bootCount') parts.push(`boot number ${String(v)}`);
    else if (k === 'fault') parts.push(String(v));
    else if (k === 'block') parts.push(`${String(v)} block`);
    else if (k === 'code' && typeof v === 'number') parts.push(describeErrorCode(v));
    else if (k === 'payload' && typeof v === 'object' && v !== null && readingInUnits(e['command'] as CommandName, v as Record<string, unknown>, hardwareVersion)) {
      parts.push(`${readingInUnits(e['command'] as CommandName, v as Record<string, unknown>, hardwareVersion)!} (raw ${String((v as Record<string, unknown>)['raw'])})`);
    } else if (k === 'payload' && typeof v === 'object' && v !== null) parts.push(Object.entries(v).map(([pk, pv]) => `${pk} ${Array.isArray(pv) ? pv.join(' ') : String(pv)}`).join(', '));
    else if (k === 'cause' && e.type === 'host-timeout') parts.push(`cause ${String(v)}`);
    else if (k === 'why' || k === 'message') parts.push(String(v));
    else parts.push(`${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  return parts.join('; ');
}

/** Who an event concerns: "stack", "board 3" or "board 3 Pi 0". */
export function eventWho(e: SimEvent): string {
  if (e.id === undefined) return 'stack';
  return e.pi === undefined ? `board ${e.id}` : `board ${e.id} Pi ${e.pi}`;
}

/** First sentence of a description (up to the first ". "), for the short line under a lesson's name. */
export function firstSentence(text: string): string {
  const end = text.search(/\.\s/);
  return end < 0 ? text : text.slice(0, end + 1);
}

/** A count with its noun, singular or plural: (1, 'board') → "1 board", (3, 'board') → "3 boards". */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}
