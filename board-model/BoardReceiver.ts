/**
 * A board's UART receive logic (FIRMWARE.md section 7), pure of any machine. The board hears
 * all traffic (requests to other boards, other boards' replies) and must follow frame
 * boundaries in all of it: a frame is complete when LEN + 1 bytes have arrived, and an
 * inter-byte gap longer than gapByteTimes byte-times ends a frame early.
 *
 * Only outcomes whose byte 1 equals getId() (read when the outcome is decided) are reported;
 * the rest, and a single byte with no address, are counted as ignored. CRC is not checked
 * here: the firmware dispatcher applies the profile's check order.
 *
 * Error outcomes are reported when the gap is detected, even when the frame is already known
 * to be bad (LEN below 3, LEN + 1 above the buffer): replying earlier would collide with the
 * rest of the host's transmission. The gap is found from per-byte timestamps of the next
 * delivery, or by one lazy clock timer at lastByteAt + gap for a frame left partial.
 *
 * The bus delivers a transmission only at its end, so when the timer fires, bytes that began
 * inside the gap window may still be on their way. With `incomingUntil` (wire it to
 * BusNode.incomingUntil) the timer then waits for that delivery and lets its timestamps
 * decide. Without it such bytes start a new frame. A collision comes as one merged stream, in
 * time order (Rs485Bus), so its bytes are judged like any others.
 */
import type { Clock, TimerHandle } from '../bus-protocol/clock.ts';
import { MIN_LEN } from '../bus-protocol/frame.ts';
import type { Delivery } from './Rs485Bus.ts';

/** Kinds of receive outcome: a complete frame, or why the firmware must reply with an error. */
export type ReceivedFrameKind = 'frame' | 'too-short' | 'truncated' | 'overflow';

/**
 * One receive outcome for this board. 'frame': LEN + 1 bytes (CRC unchecked), `at` = arrival of
 * its last byte. 'too-short' (reply 0x10): fewer than 4 bytes before the gap, or LEN below 3.
 * 'truncated' (0x22): 4 or more bytes but fewer than LEN + 1 before the gap. 'overflow' (0x21):
 * LEN + 1 above the receive buffer. For errors `bytes` are those kept (at most the receive
 * buffer) and `at` is when the gap was detected (ms); with overflowDropsUntilGap false an
 * overflow is reported at once, `at` = arrival of the LEN byte.
 */
export interface ReceivedFrame {
  readonly kind: ReceivedFrameKind;
  /** The bytes received for this frame (at most rxBufferBytes). */
  readonly bytes: Uint8Array;
  /** Time the outcome was decided (ms); see above. */
  readonly at: number;
}

/** Receiver settings; `clock`, `getId` and `onFrame` are required. */
export interface BoardReceiverOptions {
  /** Source of time and timers (ms); used only for the gap timer. */
  clock: Clock;
  /** The board's current ID (PROTOCOL.md section 4), read when an outcome is decided. */
  getId: () => number;
  /** Wire time of one byte (ms); default 9600 baud 8N1 = 1.0417 ms. */
  byteTimeMs?: number;
  /** Silence longer than this many byte-times ends a frame; default 3.5 (FIRMWARE.md section 7). */
  gapByteTimes?: number;
  /** Receive buffer (bytes, at least 4); default 64 (FIRMWARE.md section 7). */
  rxBufferBytes?: number;
  /** After an overflow, drop bytes until the next gap; default true. False: report at once and resync on the next byte. */
  overflowDropsUntilGap?: boolean;
  /** End (ms) of another node's transmission begun before t and not yet delivered (BusNode.incomingUntil). */
  incomingUntil?: (t: number) => number | undefined;
  /** Called with each outcome for this board's ID. */
  onFrame: (outcome: ReceivedFrame) => void;
  /**
   * Bits of byte 1 compared with getId(); default 0xFF, the whole byte (F7). Anything else is a
   * deliberately broken firmware (profile bus.addressMask) that takes frames for other IDs.
   */
  addressMask?: number;
}

/** Counters since the receiver was made (units: frames or bytes as named). */
export interface BoardReceiverStats {
  /** Bytes received (all traffic). */
  bytes: number;
  /** Complete frames for this ID. */
  framesForMe: number;
  /** Frames and fragments for other IDs, or with no address byte. */
  ignored: number;
  /** 'too-short' outcomes reported. */
  tooShort: number;
  /** 'truncated' outcomes reported. */
  truncated: number;
  /** 'overflow' outcomes reported. */
  overflow: number;
  /** Bytes dropped beyond the receive buffer while waiting for a gap. */
  droppedBytes: number;
}

/** Whole frames for other IDs (and their bytes) a ReceiverFanout did not hand to a receiver. */
export interface SkippedTraffic {
  readonly frames: number;
  readonly bytes: number;
}

const NOTHING_SKIPPED: SkippedTraffic = { frames: 0, bytes: 0 };

const STAT_OF = { frame: 'framesForMe', 'too-short': 'tooShort', truncated: 'truncated', overflow: 'overflow' } as const;

/** Float slack (ms) when a re-armed gap timer is compared with its deadline. */
const EPSILON_MS = 1e-9;

/** How long after an in-flight delivery's end the gap timer looks again (ms). */
const INCOMING_SLACK_MS = 1e-6;

/** Assembles frames from bus deliveries and reports the ones for this board. */
export class BoardReceiver {
  /** Wire time of one byte (ms). */
  readonly byteTimeMs: number;
  /** Gap that ends a frame (ms). */
  readonly gapMs: number;
  readonly #clock: Clock;
  readonly #getId: () => number;
  readonly #onFrame: (outcome: ReceivedFrame) => void;
  readonly #dropUntilGap: boolean;
  readonly #incomingUntil: ((t: number) => number | undefined) | undefined;
  readonly #addressMask: number;
  readonly #buf: Uint8Array;
  readonly #stats: BoardReceiverStats = { bytes: 0, framesForMe: 0, ignored: 0, tooShort: 0, truncated: 0, overflow: 0, droppedBytes: 0 };
  #skipped: () => SkippedTraffic = () => NOTHING_SKIPPED;
  #count = 0;
  /** Set once the frame is known bad: report this kind at the gap, keep no more bytes. */
  #failed: 'too-short' | 'overflow' | undefined;
  #lastAt = Number.NEGATIVE_INFINITY;
  #timer: TimerHandle | undefined;

  /** Make a receiver; see BoardReceiverOptions. */
  constructor(options: BoardReceiverOptions) {
    this.#clock = options.clock;
    this.#getId = options.getId;
    this.#onFrame = options.onFrame;
    this.byteTimeMs = options.byteTimeMs ?? 10_000 / 9600;
    const gap = options.gapByteTimes ?? 3.5;
    const size = options.rxBufferBytes ?? 64;
    if (!(this.byteTimeMs > 0) || !Number.isFinite(this.byteTimeMs)) throw new RangeError(`BoardReceiver: "byteTimeMs" must be a positive number of ms, got ${this.byteTimeMs}`);
    if (!(gap > 0) || !Number.isFinite(gap)) throw new RangeError(`BoardReceiver: "gapByteTimes" must be a positive number, got ${gap}`);
    if (!Number.isInteger(size) || size < MIN_LEN + 1) throw new RangeError(`BoardReceiver: "rxBufferBytes" must be an integer >= 4, got ${size}`);
    this.gapMs = gap * this.byteTimeMs;
    this.#buf = new Uint8Array(size);
    this.#dropUntilGap = options.overflowDropsUntilGap ?? true;
    this.#incomingUntil = options.incomingUntil;
    this.#addressMask = options.addressMask ?? 0xff;
  }

  /** Counters since the receiver was made, as of now (a copy); never reset. */
  get stats(): BoardReceiverStats {
    const skipped = this.#skipped();
    return { ...this.#stats, bytes: this.#stats.bytes + skipped.bytes, ignored: this.#stats.ignored + skipped.frames };
  }

  /** Bytes of the frame in progress (0 between frames). */
  get pending(): number {
    return this.#count;
  }

  /** Receive buffer size (bytes). */
  get rxBufferBytes(): number {
    return this.#buf.length;
  }

  /**
   * For ReceiverFanout: where to read the whole frames for other IDs it did not hand over while
   * this receiver was idle. They count in `stats` (bytes, ignored) as if received.
   */
  countSkipped(source: () => SkippedTraffic): void {
    this.#skipped = source;
  }

  /** Take in one bus delivery (Rs485Bus receive callback). */
  receive(delivery: Delivery): void {
    const { bytes, firstByteAt, byteTimeMs } = delivery;
    const n = bytes.length;
    const len = bytes[2];
    // Fast path, the steady state on a healthy bus: idle, and the delivery is exactly one whole
    // frame that fits the buffer. Same outcome and state as the byte loop below, without it.
    if (this.#count === 0 && len !== undefined && len >= MIN_LEN && len + 1 === n && n <= this.#buf.length) {
      const at = firstByteAt + (n - 1) * byteTimeMs;
      this.#stats.bytes += n;
      this.#lastAt = at;
      if (!this.#forMe(bytes[1]!)) {
        this.#stats.ignored++;
        return;
      }
      this.#stats.framesForMe++;
      this.#onFrame({ kind: 'frame', bytes: bytes.slice(), at });
      return;
    }
    for (let i = 0; i < n; i++) this.#byte(bytes[i]!, firstByteAt + i * byteTimeMs, byteTimeMs);
    if (this.#count > 0 && this.#timer === undefined) this.#arm(this.#lastAt + this.gapMs);
  }

  /** Forget the frame in progress without reporting it (MCU reset, power loss). */
  reset(): void {
    this.#count = 0;
    this.#failed = undefined;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #byte(value: number, at: number, byteTimeMs: number): void {
    this.#stats.bytes++;
    // A byte whose first bit started at or after lastAt + gap follows a gap.
    if (this.#count > 0 && at - byteTimeMs >= this.#lastAt + this.gapMs) this.#endAtGap();
    this.#lastAt = at;
    if (this.#count >= this.#buf.length) {
      this.#stats.droppedBytes++;
      return;
    }
    this.#buf[this.#count++] = value;
    if (this.#failed !== undefined) return;
    if (this.#count === MIN_LEN) {
      if (value < MIN_LEN) this.#failed = 'too-short';
      else if (value + 1 > this.#buf.length) {
        if (this.#dropUntilGap) this.#failed = 'overflow';
        else this.#finish('overflow', at);
      }
    } else if (this.#count > MIN_LEN && this.#count === this.#buf[2]! + 1) {
      this.#finish('frame', at);
    }
  }

  /** The gap was detected at lastAt + gap: end the frame in progress with the right outcome. */
  #endAtGap(): void {
    const n = this.#count;
    const kind = this.#failed ?? (n < MIN_LEN + 1 ? 'too-short' : 'truncated');
    this.#finish(kind, this.#lastAt + this.gapMs);
  }

  #finish(kind: ReceivedFrameKind, at: number): void {
    const count = this.#count;
    this.#count = 0;
    this.#failed = undefined;
    if (count < 2 || !this.#forMe(this.#buf[1]!)) {
      this.#stats.ignored++;
      return;
    }
    this.#stats[STAT_OF[kind]]++;
    this.#onFrame({ kind, bytes: this.#buf.slice(0, count), at });
  }

  /** Byte 1 names this board: equal to its ID (or equal in the masked bits, for a broken firmware). */
  #forMe(address: number): boolean {
    const id = this.#getId();
    if (this.#addressMask === 0xff) return address === id;
    return id >= 0 && ((address ^ id) & this.#addressMask) === 0;
  }

  #arm(at: number): void {
    this.#timer = this.#clock.setTimeout(() => this.#onTimer(), at - this.#clock.now());
  }

  /** Lazy timer: if bytes arrived (or are on their way) since it was armed, re-arm instead of ending. */
  #onTimer(): void {
    this.#timer = undefined;
    if (this.#count === 0) return;
    const deadline = this.#lastAt + this.gapMs;
    if (this.#clock.now() + EPSILON_MS < deadline) return this.#arm(deadline);
    const incoming = this.#incomingUntil?.(deadline);
    // Just after that delivery (same-time timers fire FIFO, but float sums may differ by an ulp).
    if (incoming !== undefined) return this.#arm(Math.max(incoming, this.#clock.now()) + INCOMING_SLACK_MS);
    this.#endAtGap();
  }
}
