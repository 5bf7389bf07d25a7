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
  /**
   * Ask each board found for its firmware version too (default true). False: discovery only, one
   * question per ID (GET_HW_VERSION, as the original host library does), so a scan of one stack
   * takes half the wire time; every firmwareVersion is then undefined, with no problem recorded.
   */
  firmware?: boolean;
}

/** Progress after one probed ID; `done` of `total` IDs probed so far. */
export interface ScanProgress {
  readonly id: number;
  readonly done: number;
  readonly total: number;
  readonly outcome: 'found' | 'corrupt' | 'absent';
}

/**
 * A board that answered; a version is undefined when the board answered that question with an
 * error or not at all, and `problems` then says what went wrong (empty for a healthy board).
 */
export interface FoundBoard {
  readonly id: number;
  readonly hardwareVersion: number | undefined;
  firmwareVersion: number | undefined;
  readonly problems: string[];
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

/** What one probe of an ID concluded; `problem` says why a found board gave no hardware version. */
export type ProbeOutcome =
  | { readonly kind: 'found'; readonly hardwareVersion: number; readonly problem?: undefined }
  | { readonly kind: 'found'; readonly hardwareVersion: undefined; readonly problem: string }
  | { readonly kind: 'corrupt'; readonly detail: string }
  | { readonly kind: 'absent'; /** Set when the silence was judged before the link's reply time was measured: the allowance it got, ms. */ readonly unmeasuredAllowanceMs?: number };

/** The firmware question's answer: the version, or why there is none (an error reply, no reply, a garbled reply). */
export type FirmwareOutcome = { readonly version: number; readonly problem?: undefined } | { readonly version?: undefined; readonly problem: string };

/** The two questions a scan asks; errors other than "no board / bad reply" must be thrown. */
export interface ScanProbes {
  probe(id: number): Promise<ProbeOutcome>;
  firmware(id: number): Promise<FirmwareOutcome>;
  /** The reply allowance once the link's reply time has been measured, ms (undefined before, or when fixed). */
  allowanceMs?(): number | undefined;
  /** IDs whose probe was given up as silent but whose reply came late, since the last call. */
  late?(): number[];
  /** Probe an ID again after the pass (patiently); default `probe`. */
  recheck?(id: number): Promise<ProbeOutcome>;
}

/** True when a scan is not a clean bill of health: no board found, a corrupt answer, or a board with problems. */
export function scanFailed(result: ScanResult): boolean {
  return result.found.length === 0 || result.corrupt.length > 0 || result.found.some((b) => b.problems.length > 0);
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

/** Probe every ID in the range in order, then (unless `firmware: false`) ask each found board for its firmware version. */
export async function scanBus(probes: ScanProbes, options: ScanOptions = {}): Promise<ScanResult> {
  const from = checkRangeEnd('from', options.from ?? 0);
  const to = checkRangeEnd('to', options.to ?? 15);
  if (to < from) throw new ArgumentError('to', `must not be below "from" (${from}), got ${to}`);
  const result: ScanResult = { found: [], corrupt: [], absent: [] };
  const total = to - from + 1;
  const unsure = new Map<number, number>(); // ID -> allowance of a silence judged before the link was measured, ms
  const record = (id: number, outcome: ProbeOutcome): void => {
    if (outcome.kind === 'found') {
      const problems = outcome.problem === undefined ? [] : [outcome.problem];
      result.found.push({ id, hardwareVersion: outcome.hardwareVersion, firmwareVersion: undefined, problems });
    }
    else if (outcome.kind === 'corrupt') result.corrupt.push({ id, detail: outcome.detail, message: corruptMessage(id) });
    else {
      result.absent.push(id);
      if (outcome.unmeasuredAllowanceMs !== undefined) unsure.set(id, outcome.unmeasuredAllowanceMs);
    }
  };
  for (let id = from; id <= to; id++) {
    const outcome = await probes.probe(id);
    record(id, outcome);
    options.onProgress?.({ id, done: id - from + 1, total, outcome: outcome.kind });
  }
  // A link slower than its first allowance: silences judged before it was measured prove nothing.
  const learned = probes.allowanceMs?.();
  const slow = learned === undefined ? [] : [...unsure].filter(([, allowed]) => allowed < learned).map(([id]) => id);
  // A late reply proves its ID answered: probe it again (with the allowance it taught the client).
  const late = (probes.late?.() ?? []).filter((id) => result.absent.includes(id));
  // A corrupt answer may be a late reply colliding with the next probe: check it and the silent ID before it.
  const collided = probes.late === undefined ? [] : result.corrupt.flatMap((c) => [c.id, ...(result.absent.includes(c.id - 1) ? [c.id - 1] : [])]);
  // A reply lost in a collision leaves no trace: a gap between boards of one stack (one prefix;
  // DIP settings are normally contiguous), or the ID next to a board, is checked again too.
  const holes = probes.late === undefined ? [] : result.absent.filter((id) => {
    const same = result.found.filter((b) => (b.id & 0xf0) === (id & 0xf0)).map((b) => b.id);
    return (same.some((f) => f < id) && same.some((f) => f > id)) || same.includes(id - 1) || same.includes(id + 1);
  });
  const recheck = [...new Set([...slow, ...late, ...collided, ...holes])].sort((a, b) => a - b);
  if (recheck.length > 0) {
    result.absent.splice(0, result.absent.length, ...result.absent.filter((id) => !recheck.includes(id)));
    result.corrupt.splice(0, result.corrupt.length, ...result.corrupt.filter((c) => !recheck.includes(c.id)));
    for (const id of recheck) record(id, await (probes.recheck ?? probes.probe)(id));
    const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
    result.found.sort(byId);
    result.corrupt.sort(byId);
    result.absent.sort((a, b) => a - b);
  }
  if (options.firmware === false) return result;
  for (const board of result.found) {
    const answer = await probes.firmware(board.id);
    board.firmwareVersion = answer.version;
    if (answer.problem !== undefined) board.problems.push(answer.problem);
  }
  return result;
}
