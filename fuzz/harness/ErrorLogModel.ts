/**
 * The error block as the spec describes it (FIRMWARE.md section 2), for the fuzz models: a ring
 * of `size` one-byte codes, the pointer to the next slot (always wrapping), the error count and
 * the boot count, both saturating. Rules that are ASSUMED come from the profile.
 */
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';

/** The host's expectation of a board's error block. */
export class ErrorLogModel {
  log: number[];
  /** Index of the next slot to write (F2), whatever the profile's GET_ERROR_POINTER reports. */
  pointer = 0;
  errorCount = 0;
  bootCount = 0;

  constructor(private readonly profile: FirmwareProfile) {
    this.log = new Array<number>(profile.errorLog.size).fill(profile.errorLog.unusedSlot);
  }

  /** A copy. */
  clone(): ErrorLogModel {
    const copy = new ErrorLogModel(this.profile);
    copy.log = [...this.log];
    copy.pointer = this.pointer;
    copy.errorCount = this.errorCount;
    copy.bootCount = this.bootCount;
    return copy;
  }

  /** Store a code (codes at or above minLoggedCode are stored; from countedFrom on they count). */
  store(code: number): void {
    const rules = this.profile.errorLog;
    if (code < rules.minLoggedCode) return;
    this.log[this.pointer] = code;
    this.pointer = (this.pointer + 1) % this.log.length;
    if (code >= rules.countedFrom) this.errorCount = Math.min(rules.countSaturates, this.errorCount + 1);
  }

  /** An error reply: stored when the profile logs error replies (F7). */
  replied(code: number): void {
    if (this.profile.bus.logErrorReplies) this.store(code);
  }

  /** CLEAR_ERROR_BUFFER: slots unused, pointer 0. */
  clearLog(): void {
    this.log.fill(this.profile.errorLog.unusedSlot);
    this.pointer = 0;
  }

  /** CLEAR_ERROR_COUNT: error count and boot count 0. */
  clearCounts(): void {
    this.errorCount = 0;
    this.bootCount = 0;
  }

  /** Back to a fresh block (the error block failed its CRC at boot). */
  reset(): void {
    this.clearLog();
    this.clearCounts();
  }

  /** Boot steps 1-2 (F3): restore failures logged (0x40 config, 0x41 errors), boot count + 1, 0x0F logged. */
  boot(configRestored: boolean, errorsRestored: boolean): void {
    if (errorsRestored) this.reset();
    if (configRestored) this.store(0x40);
    if (errorsRestored) this.store(0x41);
    this.bootCount = Math.min(this.profile.errorLog.bootCountSaturates, this.bootCount + 1);
    this.store(0x0f);
  }

  /** What GET_ERROR_POINTER reads: the next slot, or the last written, as the profile says. */
  get pointerReading(): number {
    const n = this.log.length;
    return this.profile.errorLog.pointer === 'next-slot' ? this.pointer : (this.pointer - 1 + n) % n;
  }

  /** The block as read over the bus: { log, pointer, errorCount, bootCount }. */
  reading(): { log: number[]; pointer: number; errorCount: number; bootCount: number } {
    return { log: [...this.log], pointer: this.pointerReading, errorCount: this.errorCount, bootCount: this.bootCount };
  }
}
