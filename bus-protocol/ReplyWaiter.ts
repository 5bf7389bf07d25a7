/**
 * One request's wait for its reply (PROTOCOL.md sections 1, 2, 8): a fresh response parser, a
 * deadline on the injected clock, and a result that says what arrived. The client turns the
 * result into a typed error; this module knows no command names.
 *
 * The reply is taken the moment the last byte of a CRC-valid reply frame arrives: no fixed
 * sleep and no waiting for silence (the original host library slept 0.3 s per command).
 */
import type { Clock, TimerHandle } from './clock.ts';
import { STATUS } from './commands.ts';
import { MASTER_ADDRESS, MIN_LEN, checkFraming } from './frame.ts';
import { FrameParser } from './FrameParser.ts';

/**
 * How long a USB serial adapter may hold received bytes before handing them to the host, in ms
 * (the FTDI latency timer default). Every deadline allows for it once.
 */
export const ADAPTER_LATENCY_MS = 16;

/** Largest frame the host accepts, in bytes (LEN 255 + CRC); the error log reply is variable. */
export const MAX_REPLY_BYTES = 256;

/** Settings of one wait; all times in ms on the client's clock. */
export interface ReplyWaitOptions {
  /** Time the request write was issued. */
  readonly startAt: number;
  /** Bytes in the request frame (its own wire time counts toward the deadline). */
  readonly requestBytes: number;
  /** Bytes of the expected reply frame (its wire time counts toward the deadline too). */
  readonly expectedBytes: number;
  /** Allowance after both frames' wire time for the board to answer and the adapter to deliver. */
  readonly replyTimeoutMs: number;
  /** Wire time of one byte (10 bit-times at the baud rate). */
  readonly byteTimeMs: number;
  /**
   * A frame completing after `startAt` but before this time cannot answer this request (its own
   * bytes are still on the wire): it is a late reply to an earlier one, handed to `onStale` and
   * skipped. Omitted: no frame is stale.
   */
  readonly staleBefore?: number;
  /** Told about each skipped late reply (its bytes and arrival, ms). */
  readonly onStale?: (bytes: Uint8Array, at: number) => void;
}

/** How a wait ended: a valid frame, the deadline (with what did arrive), or the link closing. */
export type WaitResult =
  | { readonly kind: 'frame'; readonly bytes: Uint8Array; /** arrival of its last byte, ms */ readonly at: number }
  | {
      readonly kind: 'timeout';
      /** Every byte that arrived after the write. */
      readonly partial: Uint8Array;
      readonly waitedMs: number;
      /** 'crc' when bytes never formed a CRC-valid frame, 'rejected' for CRC-valid non-replies. */
      readonly garbled: 'crc' | 'rejected' | undefined;
    }
  | { readonly kind: 'closed'; readonly reason: string };

/** True for a CRC-valid candidate that can be a reply: byte 1 is 0xFF, status 0x00 or 0x01. */
export function looksLikeReply(frame: Uint8Array): boolean {
  return frame[1] === MASTER_ADDRESS && (frame[0] === STATUS.OK || frame[0] === STATUS.ERROR);
}

/** Waits for one reply frame; feed it every received chunk, read `result` once. */
export class ReplyWaiter {
  /** Settles exactly once. */
  readonly result: Promise<WaitResult>;
  private settle!: (result: WaitResult) => void;
  private done = false;
  /** Made on the first chunk that is not a whole reply on its own (see feed). */
  #parser: FrameParser | undefined;
  private readonly received: number[] = [];
  private deadline: number;
  private timer: TimerHandle | undefined;
  private first: { at: number; length: number } | undefined;

  constructor(private readonly clock: Clock, private readonly options: ReplyWaitOptions) {
    this.result = new Promise<WaitResult>((resolve) => (this.settle = resolve));
    this.deadline = options.startAt + (options.requestBytes + options.expectedBytes) * options.byteTimeMs + options.replyTimeoutMs;
    this.arm();
  }

  private get parser(): FrameParser {
    // Host-side arrival times are not wire times (adapters deliver in bursts), so the
    // parser must not end frames at gaps: infinite gap, CRC and LEN decide alone.
    return (this.#parser ??= new FrameParser({
      accept: looksLikeReply,
      byteTimeMs: this.options.byteTimeMs,
      gapByteTimes: Number.POSITIVE_INFINITY,
      maxFrameBytes: MAX_REPLY_BYTES,
    }));
  }

  /** A chunk received at time `at` (ms). */
  feed(chunk: Uint8Array, at: number): void {
    if (this.done || chunk.length === 0) return;
    // The usual case, the whole reply in one chunk with nothing before it: the parser would
    // report just this frame (same bytes, same time), so skip making one.
    // A stale frame (a late reply to an earlier request) is skipped here as the parser path skips it.
    if (this.first === undefined && isWholeReply(chunk)) {
      if (!this.isStale(chunk, at)) this.finish({ kind: 'frame', bytes: chunk.slice(), at });
      return;
    }
    for (let i = 0; i < chunk.length; i++) this.received.push(chunk[i]!);
    this.first ??= { at, length: chunk.length };
    for (const event of this.parser.push(chunk, at)) {
      if (event.kind !== 'frame') continue;
      if (!this.isStale(event.bytes, event.at)) return this.finish({ kind: 'frame', bytes: event.bytes, at: event.at });
      // What came before the late reply and the reply itself are done with; the rest is ours.
      this.received.splice(0, this.received.length - this.parser.pending);
      this.first = this.received.length > 0 ? { at, length: this.received.length } : undefined;
    }
    if (this.first === undefined) return;
    if (this.replyBehindGarbage()) {
      for (const event of this.parser.flush()) {
        if (event.kind === 'frame') return this.finish({ kind: 'frame', bytes: event.bytes, at });
      }
    }
    // Bytes are flowing: the rest of the reply comes at wire speed, plus one adapter delay.
    const rest = Math.max(0, this.expectedBytes() - this.first.length);
    const extended = this.first.at + rest * this.options.byteTimeMs + ADAPTER_LATENCY_MS;
    if (extended > this.deadline) {
      this.deadline = extended;
      this.arm();
    }
  }

  /** True (and reported) for a frame that completed too soon after the write to answer it. */
  private isStale(bytes: Uint8Array, at: number): boolean {
    const { staleBefore, startAt, onStale } = this.options;
    if (staleBefore === undefined || !(at > startAt && at < staleBefore)) return false;
    onStale?.(bytes, at);
    return true;
  }

  /** Let the wait run to at least the wire time plus `allowanceMs` (the client learned the link is slower). */
  extend(allowanceMs: number): void {
    const { startAt, requestBytes, expectedBytes, byteTimeMs } = this.options;
    const deadline = startAt + (requestBytes + expectedBytes) * byteTimeMs + allowanceMs;
    if (this.done || deadline <= this.deadline) return;
    this.deadline = deadline;
    this.arm();
  }

  /** End the wait because the link went away (or the write failed). */
  abort(reason: string): void {
    this.finish({ kind: 'closed', reason });
  }

  /**
   * The parser waits for its current candidate to complete even when that candidate cannot be a
   * reply: a turnaround glitch byte 00 before `00 FF 05 ...` reads as LEN 0xFF and would hold the
   * real reply until the deadline. When the candidate's first bytes rule out a reply and a
   * complete, CRC-valid reply starts at the first plausible reply header behind it, it is the
   * reply. (Only the first plausible header counts, so a frame-like run inside a long reply's
   * payload is never mistaken for the reply.)
   */
  private replyBehindGarbage(): boolean {
    const tail = Uint8Array.from(this.received.slice(this.received.length - this.parser.pending));
    for (let i = 0; i + 1 < tail.length; i++) {
      if (!looksLikeReply(tail.subarray(i))) continue;
      return i > 0 && checkFraming(tail.subarray(i), MAX_REPLY_BYTES - 1).kind === 'frame';
    }
    return false;
  }

  /** Reply length: from the LEN byte once a reply header has arrived, else the caller's guess. */
  private expectedBytes(): number {
    const [status, address, len] = this.received;
    if (len !== undefined && address === MASTER_ADDRESS && (status === STATUS.OK || status === STATUS.ERROR) && len >= MIN_LEN) {
      return Math.max(this.options.expectedBytes, len + 1);
    }
    return this.options.expectedBytes;
  }

  private arm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => this.expire(), Math.max(0, this.deadline - this.clock.now()));
  }

  private expire(): void {
    this.timer = undefined;
    if (this.done) return;
    // Before flushing: did the stream so far hold rejected candidates or CRC/LEN failures?
    const discards = this.#parser?.stats.discards ?? { crc: 0, length: 0, rejected: 0 };
    const garbled = discards.crc + discards.length > 0 ? 'crc' : discards.rejected > 0 ? 'rejected' : undefined;
    // Nothing more is coming: a valid frame may still sit behind a long bogus candidate.
    for (const event of this.parser.flush()) {
      if (event.kind === 'frame') return this.finish({ kind: 'frame', bytes: event.bytes, at: this.clock.now() });
    }
    this.finish({
      kind: 'timeout',
      partial: Uint8Array.from(this.received),
      waitedMs: this.clock.now() - this.options.startAt,
      garbled,
    });
  }

  private finish(result: WaitResult): void {
    if (this.done) return;
    this.done = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.settle(result);
  }
}

/** The chunk is exactly one CRC-valid reply frame (LEN + 1 bytes, byte 1 0xFF, status OK or ERROR). */
function isWholeReply(chunk: Uint8Array): boolean {
  if (chunk.length < MIN_LEN + 1 || !looksLikeReply(chunk)) return false;
  const framing = checkFraming(chunk, MAX_REPLY_BYTES - 1);
  return framing.kind === 'frame' && framing.length === chunk.length;
}
