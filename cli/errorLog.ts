/**
 * Decoding a board's error log (FIRMWARE.md section 2): a ring buffer of one-byte codes whose
 * pointer is the next slot to write, so the newest entry is just before the pointer. Unused
 * slots read 0x00 and are skipped.
 */
import { ERROR_CODES } from '../bus-protocol/errorCodes.ts';

/** One logged code; `age` 0 is the newest entry. */
export interface ErrorLogEntry {
  readonly age: number;
  readonly slot: number;
  readonly code: number;
  readonly name: string;
  readonly description: string;
}

/** How often a code occurs in the log. */
export interface ErrorCodeCount {
  readonly code: number;
  readonly name: string;
  readonly count: number;
}

/** Name and description of a code, also for codes the table does not know. */
export function codeInfo(code: number): { name: string; description: string } {
  const known = (ERROR_CODES as Record<number, { name: string; description: string } | undefined>)[code];
  return known ?? { name: 'UNKNOWN', description: 'a code PROTOCOL.md section 6 does not list' };
}

/** The log's entries newest first (`pointer` = next slot to write), skipping unused 0x00 slots. */
export function decodeErrorLog(log: Uint8Array, pointer: number): ErrorLogEntry[] {
  const size = log.length;
  const entries: ErrorLogEntry[] = [];
  for (let i = 1; i <= size; i++) {
    const slot = (((pointer - i) % size) + size) % size;
    const code = log[slot]!;
    if (code === 0x00) continue;
    entries.push({ age: entries.length, slot, code, ...codeInfo(code) });
  }
  return entries;
}

/** Occurrences per code, most frequent first (ties by code). */
export function countCodes(entries: readonly ErrorLogEntry[]): ErrorCodeCount[] {
  const counts = new Map<number, number>();
  for (const e of entries) counts.set(e.code, (counts.get(e.code) ?? 0) + 1);
  return [...counts].map(([code, count]) => ({ code, name: codeInfo(code).name, count })).sort((a, b) => b.count - a.count || a.code - b.code);
}
