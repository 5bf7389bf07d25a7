/** Text formats of the page: virtual clock, bytes as hex, electrical values, events, descriptions. Browser-safe, pure. */
import type { SimEvent } from '../board-model/events.ts';

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
