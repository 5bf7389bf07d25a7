/**
 * Decoding a board's error log (FIRMWARE.md section 2): a ring buffer of one-byte codes whose
 * pointer is the next slot to write, so the newest entry is just before the pointer. Unused
 * slots read 0x00 and are skipped.
 */
import { ERROR_CODES } from '../bus-protocol/errorCodes.ts';
import { BoardError } from '../bus-protocol/errors.ts';
import type { StackClient } from '../bus-protocol/StackClient.ts';

/** What `pistack errors` reads: the log slots, the pointer, the error count and (firmware v4.1) the boot count. */
export interface ErrorLogRead {
  readonly log: Uint8Array;
  readonly pointer: number;
  readonly errorCount: number;
  /** null when the firmware has no GET_BOOT_COUNT (it is then not sent) or refused it. */
  readonly bootCount: number | null;
}

/**
 * Read board `id`'s error log without adding to it: GET_BOOT_COUNT only when the firmware has it
 * (asked of a v3 board it would log 0x12 into the very log being read).
 */
export async function readErrorLog(client: StackClient, id: number): Promise<ErrorLogRead> {
  const log = await client.getErrorBuffer(id);
  const pointer = await client.getErrorPointer(id);
  const errorCount = await client.getErrorCount(id);
  let bootCount: number | null = null;
  if (await client.has(id, 'GET_BOOT_COUNT')) {
    try {
      bootCount = await client.getBootCount(id);
    } catch (e) {
      if (!(e instanceof BoardError)) throw e; // a firmware that reports v4 but refuses it (0x15)
    }
  }
  return { log, pointer, errorCount, bootCount };
}

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
