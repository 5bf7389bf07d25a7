/** The error log ring and its counters (FIRMWARE.md section 2). Pure: each returns a new block. */
import type { FirmwareProfile } from '../profileSchema.ts';
import type { ErrorBlock } from './flashBlocks.ts';

/** Error-log rules of a firmware profile. */
export interface ErrorLogRules {
  /** Codes above this are stored (0x0E: statuses are not). */
  lastStatusCode: number;
  /** Stored codes at or above this are counted in the error count (0x10). */
  countFrom: number;
  /** The error count saturates here (0xFFFF). */
  countMax: number;
  /** The boot count saturates here (0xFFFF). */
  bootCountMax: number;
  /**
   * The pointer wraps to slot 0 after the last slot (F2; default true). False only for a
   * deliberately broken firmware: the pointer sticks at the last slot, which every new code
   * overwrites (fuzz/broken.test.ts proves the fuzzer catches it).
   */
  wraps?: boolean;
}

/** Error-log rules of a profile (boot logging and error replies read the same ones). */
export function errorLogRules(profile: FirmwareProfile): ErrorLogRules {
  return {
    lastStatusCode: profile.errorLog.minLoggedCode - 1,
    countFrom: profile.errorLog.countedFrom,
    countMax: profile.errorLog.countSaturates,
    bootCountMax: profile.errorLog.bootCountSaturates,
    wraps: profile.errorLog.pointerWraps,
  };
}

/** Store a code at the pointer (advancing it modulo the log size) if it is loggable; count it. */
export function logCode(block: ErrorBlock, code: number, rules: ErrorLogRules): ErrorBlock {
  if (code <= rules.lastStatusCode) return block;
  const log = block.log.slice();
  log[block.pointer] = code;
  const counted = code >= rules.countFrom;
  const next = block.pointer + 1;
  return {
    log,
    pointer: next < log.length ? next : rules.wraps === false ? log.length - 1 : 0,
    errorCount: counted ? Math.min(rules.countMax, block.errorCount + 1) : block.errorCount,
    bootCount: block.bootCount,
  };
}

/** CLEAR_ERROR_BUFFER: every slot to the unused value (0x00) and the pointer to 0. */
export function clearLog(block: ErrorBlock, unusedSlot = 0): ErrorBlock {
  return { ...block, log: new Uint8Array(block.log.length).fill(unusedSlot), pointer: 0 };
}

/** CLEAR_ERROR_COUNT: zero the error count and the boot count. */
export function clearCounts(block: ErrorBlock): ErrorBlock {
  return { ...block, errorCount: 0, bootCount: 0 };
}

/** One more boot, saturating. */
export function countBoot(block: ErrorBlock, rules: ErrorLogRules): ErrorBlock {
  return { ...block, bootCount: Math.min(rules.bootCountMax, block.bootCount + 1) };
}

/** Log entries newest first, skipping empty (0x00) slots. */
export function newestFirst(block: ErrorBlock, unusedSlot = 0): number[] {
  const out: number[] = [];
  const n = block.log.length;
  for (let k = 1; k <= n; k++) {
    const code = block.log[(block.pointer - k + n) % n]!;
    if (code !== unusedSlot) out.push(code);
  }
  return out;
}
