/**
 * Bus discovery (PROTOCOL.md section 8): probe a range of IDs, then ask each board found for its
 * firmware version. Pure sequencing over two probe functions, so StackClient decides what an
 * answer means and this file decides the order and the report.
 */
import { MASTER_ADDRESS } from './frame.ts';
import { ArgumentError } from './errors.ts';

/** Options of StackClient.scan(). */
export interface ScanOptions {
  /** First ID probed; default 0. */
  from?: number;
  /** Last ID probed (inclusive, at most 254); default 15 (one stack with prefix 0). */
  to?: number;
  /** Called after each ID has been probed. */
  onProgress?: (progress: ScanProgress) => void;
}

/** Progress after one probed ID; `done` of `total` IDs probed so far. */
export interface ScanProgress {
  readonly id: number;
  readonly done: number;
  readonly total: number;
  readonly outcome: 'found' | 'corrupt' | 'absent';
}

/** A board that answered; versions are undefined when it answered with an error or garbled the version reply. */
export interface FoundBoard {
  readonly id: number;
  readonly hardwareVersion: number | undefined;
  firmwareVersion: number | undefined;
}

/** Something answered at an ID but its reply was unusable; `detail` is the client error's message. */
export interface CorruptReply {
  readonly id: number;
  readonly detail: string;
  readonly message: string;
}

/** What a scan found: boards, corrupt answers and silent IDs, each in ID order. */
export interface ScanResult {
  readonly found: FoundBoard[];
  readonly corrupt: CorruptReply[];
  readonly absent: number[];
}

/** What one probe of an ID concluded. */
export type ProbeOutcome =
  | { readonly kind: 'found'; readonly hardwareVersion: number | undefined }
  | { readonly kind: 'corrupt'; readonly detail: string }
  | { readonly kind: 'absent' };

/** The two questions a scan asks; errors other than "no board / bad reply" must be thrown. */
export interface ScanProbes {
  probe(id: number): Promise<ProbeOutcome>;
  firmware(id: number): Promise<number | undefined>;
}

/** The operator-facing text for a corrupt answer. */
export function corruptMessage(id: number): string {
  return `something answered at ID ${id} but the reply was corrupt (duplicate DIP setting?)`;
}

function checkRangeEnd(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value >= MASTER_ADDRESS) {
    throw new ArgumentError(option, `must be an integer board ID 0..254 (0xFF is the master address), got ${String(value)}`);
  }
  return value;
}

/** Probe every ID in the range in order, then ask each found board for its firmware version. */
export async function scanBus(probes: ScanProbes, options: ScanOptions = {}): Promise<ScanResult> {
  const from = checkRangeEnd('from', options.from ?? 0);
  const to = checkRangeEnd('to', options.to ?? 15);
  if (to < from) throw new ArgumentError('to', `must not be below "from" (${from}), got ${to}`);
  const result: ScanResult = { found: [], corrupt: [], absent: [] };
  const total = to - from + 1;
  for (let id = from; id <= to; id++) {
    const outcome = await probes.probe(id);
    if (outcome.kind === 'found') result.found.push({ id, hardwareVersion: outcome.hardwareVersion, firmwareVersion: undefined });
    else if (outcome.kind === 'corrupt') result.corrupt.push({ id, detail: outcome.detail, message: corruptMessage(id) });
    else result.absent.push(id);
    options.onProgress?.({ id, done: id - from + 1, total, outcome: outcome.kind });
  }
  for (const board of result.found) board.firmwareVersion = await probes.firmware(board.id);
  return result;
}
