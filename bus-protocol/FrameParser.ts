/**
 * Streaming frame parser for a byte stream with no start marker (PROTOCOL.md sections 1-2).
 * It only buffers, resynchronises and calls the pure checkFraming(); it never throws on any input.
 *
 * Resynchronisation: the buffer's first byte is assumed to start a frame. When the candidate's
 * LEN is impossible, its CRC fails, or the caller's acceptance check rejects it, one byte is
 * discarded and the next offset is tried. An inter-byte gap (silence longer than `gapByteTimes`
 * byte-times, judged from caller-supplied times) ends whatever was pending: complete frames
 * inside it are still found, the rest is discarded as 'gap'.
 */
import { checkFraming, MIN_LEN } from './frame.ts';

/** Why bytes were discarded. */
export type DiscardReason = 'length' | 'crc' | 'rejected' | 'gap';

/** What push() reports: a frame (the whole frame's bytes) or a discard with its reason. */
export type ParserEvent =
  | { readonly kind: 'frame'; readonly bytes: Uint8Array; /** time the last byte arrived, ms */ readonly at: number }
  | { readonly kind: 'discard'; readonly reason: DiscardReason; readonly bytes: Uint8Array; readonly at: number };

/** Parser settings. */
export interface FrameParserOptions {
  /** Largest frame (LEN + 1) accepted, in bytes; default 64 (the board's receive buffer). */
  maxFrameBytes?: number;
  /** Byte time in ms (10 bit-times at the baud rate); default 9600 baud = 1.0417 ms. */
  byteTimeMs?: number;
  /** Silence longer than this many byte-times ends a frame; default 3.5 (FIRMWARE.md section 7). */
  gapByteTimes?: number;
  /**
   * Extra acceptance check on a CRC-valid candidate (e.g. "byte 1 is 0xFF" for responses).
   * A rejected candidate is discarded one byte at a time, like a CRC failure.
   */
  accept?: (frame: Uint8Array) => boolean;
}

/** Counts of what the parser has done since it was made. */
export interface ParserStats {
  frames: number;
  bytesIn: number;
  discardedBytes: number;
  discards: Record<DiscardReason, number>;
}

/** Default byte time at 9600 8N1: 10 bits / 9600 baud, in ms. */
export const BYTE_TIME_9600_MS = 10_000 / 9600;

/** A resynchronising stream parser; feed it chunks with their arrival time. */
export class FrameParser {
  // Small to start (a reply waiter makes one per request), doubled as needed.
  private buf = new Uint8Array(32);
  private len = 0;
  private lastAt = Number.NEGATIVE_INFINITY;
  private run: { reason: DiscardReason; at: number; bytes: number[] } | undefined;
  private readonly maxFrame: number;
  private readonly byteTimeMs: number;
  private readonly gapMs: number;
  private readonly accept: ((frame: Uint8Array) => boolean) | undefined;
  readonly stats: ParserStats = {
    frames: 0,
    bytesIn: 0,
    discardedBytes: 0,
    discards: { length: 0, crc: 0, rejected: 0, gap: 0 },
  };

  constructor(options: FrameParserOptions = {}) {
    this.maxFrame = Math.max(MIN_LEN + 1, Math.min(256, options.maxFrameBytes ?? 64));
    this.byteTimeMs = options.byteTimeMs ?? BYTE_TIME_9600_MS;
    this.gapMs = (options.gapByteTimes ?? 3.5) * this.byteTimeMs;
    this.accept = options.accept;
  }

  /** Bytes buffered but not yet part of a frame or discard. */
  get pending(): number {
    return this.len;
  }

  /**
   * Feed a chunk that arrived at time `at` (ms, time of its last byte). Bytes within a chunk are
   * taken as back to back; silence before the chunk longer than the gap ends pending bytes first.
   */
  push(chunk: Uint8Array, at = this.lastAt === Number.NEGATIVE_INFINITY ? 0 : this.lastAt): ParserEvent[] {
    const events: ParserEvent[] = [];
    if (chunk.length === 0) return events;
    const firstByteAt = at - (chunk.length - 1) * this.byteTimeMs;
    if (this.len > 0 && firstByteAt - this.lastAt > this.gapMs + this.byteTimeMs) this.endAtGap(events, this.lastAt);
    this.stats.bytesIn += chunk.length;
    for (let i = 0; i < chunk.length; i++) {
      if (this.len === this.buf.length) this.grow();
      this.buf[this.len++] = chunk[i]!;
      this.scan(events, at, false);
    }
    this.lastAt = at;
    this.closeRun(events);
    return events;
  }

  /** Tell the parser that time `now` has come with no new bytes: ends pending bytes if that is a gap. */
  idle(now: number): ParserEvent[] {
    const events: ParserEvent[] = [];
    if (this.len > 0 && now - this.lastAt > this.gapMs) this.endAtGap(events, this.lastAt);
    this.closeRun(events);
    return events;
  }

  /** End of stream or a known gap: emit complete frames still buffered, discard the rest. */
  flush(): ParserEvent[] {
    const events: ParserEvent[] = [];
    if (this.len > 0) this.endAtGap(events, this.lastAt);
    this.closeRun(events);
    return events;
  }

  /** Forget everything buffered without reporting it (e.g. the host clears its input buffer). */
  reset(): void {
    this.len = 0;
    this.run = undefined;
  }

  private grow(): void {
    const next = new Uint8Array(this.buf.length * 2);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Try frames at the buffer start, discarding a byte at a time until a candidate is incomplete. */
  private scan(events: ParserEvent[], at: number, atGap: boolean): void {
    while (this.len > 0) {
      if (!atGap && this.stillIncomplete()) return;
      const view = this.buf.subarray(0, this.len);
      const result = checkFraming(view, this.maxFrame - 1);
      if (result.kind === 'incomplete') {
        if (!atGap) return;
        // At a gap nothing more will arrive for this candidate: try the next offset.
        this.discard(events, 'gap', 1, at);
        continue;
      }
      if (result.kind === 'frame') {
        const bytes = view.slice(0, result.length);
        if (!this.accept || this.accept(bytes)) {
          this.closeRun(events);
          this.consume(result.length);
          this.stats.frames++;
          events.push({ kind: 'frame', bytes, at });
          continue;
        }
        this.discard(events, atGap ? 'gap' : 'rejected', 1, at);
        continue;
      }
      // At a gap the leftover is the remains of a cut frame or noise: all of it is 'gap' (see the class doc).
      this.discard(events, atGap ? 'gap' : result.reason === 'crc' ? 'crc' : 'length', 1, at);
    }
  }

  /** What checkFraming would call 'incomplete' (fewer than 3 bytes, or a sane LEN not yet reached), without a view. */
  private stillIncomplete(): boolean {
    if (this.len < MIN_LEN) return true;
    const len = this.buf[2]!;
    return len >= MIN_LEN && len <= this.maxFrame - 1 && this.len < len + 1;
  }

  private endAtGap(events: ParserEvent[], at: number): void {
    // Complete frames may still sit behind discarded garbage: scan on with gap semantics.
    this.scan(events, at, true);
  }

  private discard(_events: ParserEvent[], reason: DiscardReason, count: number, at: number): void {
    if (this.run && (this.run.reason !== reason || this.run.at !== at)) this.closeRun(_events);
    if (!this.run) this.run = { reason, at, bytes: [] };
    for (let i = 0; i < count; i++) this.run.bytes.push(this.buf[i]!);
    this.consume(count);
    this.stats.discardedBytes += count;
    this.stats.discards[reason] += count;
  }

  /** Report the current run of discarded bytes (same reason, same time) as one event. */
  private closeRun(events: ParserEvent[]): void {
    if (!this.run) return;
    events.push({ kind: 'discard', reason: this.run.reason, bytes: Uint8Array.from(this.run.bytes), at: this.run.at });
    this.run = undefined;
  }

  private consume(count: number): void {
    this.buf.copyWithin(0, count, this.len);
    this.len -= count;
  }
}
