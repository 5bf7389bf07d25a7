/**
 * Baud pacing between a fast link (a PTY or a TCP socket, which carry 64 KiB in milliseconds)
 * and the simulated bus, so that timing seen through the link matches a 9600 8N1 wire
 * (PROTOCOL.md section 1, TOOLCHAIN.md "PTYs are not UARTs").
 *
 * Host to bus: a bounded transmit FIFO, like a USB adapter's. Bytes from the link go onto the
 * wire no faster than the baud rate: a chunk arriving at time a starts when the wire is free,
 * start = max(a, end of the previous chunk), so a request counts as arrived when its last byte
 * would have; real gaps in the input (a host pausing between bytes) are kept. The FIFO holds at
 * most `fifoBytes` not yet sent, counting the chunk on the wire until its last byte has left.
 * When it is full the link is held (backpressure: the socket or PTY stops being read, so the
 * writer blocks, as a USB adapter blocks its writer) and resumed once there is room; a link
 * without flow control loses what does not fit (an overrun, counted in stats.dropped).
 *
 * Bus to host: the bus side (the simulated host adapter) hands over each chunk when its last
 * byte has crossed the wire, so byte i of an n-byte chunk arrived (n - 1 - i) byte times
 * earlier. Each byte is released to the link at max(its wire arrival, the previous byte's
 * release + one byte time): never faster than one byte per byte time, and never later than
 * the wire delivered it.
 *
 * Latency (`latencyMs`, default 0): a link that holds bytes, as a USB adapter's latency timer
 * (16 ms on FTDI chips) or a network hop does, adds it to each direction: host bytes reach the
 * FIFO that much later, bus bytes are released that much later (still one per byte time).
 *
 * All times are on the bus clock (the SimStack's virtual clock). Locked to the wall clock by a
 * RealTimeDriver (hil/serve/), virtual times are wall times; in tests they are just virtual.
 */
import type { Clock, TimerHandle } from '../bus-protocol/clock.ts';
import type { ByteTransport } from '../bus-protocol/transport.ts';

/** A link that can hold back its input (a TCP socket, a serial stream): the FIFO's backpressure. */
export interface FlowControl {
  /** Stop delivering bytes; `rest` (the part of the last chunk not taken) is delivered first after resume(). */
  hold(rest: Uint8Array): void;
  /** Deliver bytes again. */
  resume(): void;
}

/** Default transmit FIFO (bytes): a few hundred, like the FIFOs of common USB to RS-485 adapters. */
export const DEFAULT_FIFO_BYTES = 256;

/** How to wire a PacedLink. */
export interface PacedLinkOptions {
  /** The fast side: the PTY or TCP client the host talks through; with hold/resume it gets backpressure. */
  link: ByteTransport & Partial<FlowControl>;
  /** The bus side: the simulated host adapter (SimStack.host); it transmits what it is given at the baud rate. */
  bus: ByteTransport;
  /** The bus clock (SimStack.clock); timers for future bytes are set on it. */
  clock: Clock;
  /** Wire time of one byte (ms): Rs485Bus.byteTimeMs, 1.0417 ms at 9600 8N1. */
  byteTimeMs: number;
  /** Transmit FIFO size (bytes, at least 1); default DEFAULT_FIFO_BYTES. */
  fifoBytes?: number;
  /** Delay added to each direction (ms, finite, >= 0): a link that holds bytes; default 0. */
  latencyMs?: number;
  /** Brings the bus clock up to the present (RealTimeDriver.sync); called before and after input is fed. */
  sync?: () => void;
  /** Told about a failed write or a throwing listener; the link carries on. Default: ignored. */
  onError?: (error: unknown) => void;
}

/** Byte counts through a PacedLink. */
export interface PacedLinkStats {
  /** Bytes received from the link and put on the bus. */
  toBus: number;
  /** Bytes received from the bus and released to the link. */
  toLink: number;
  /** Bytes from the link lost because the FIFO was full and the link has no flow control. */
  dropped: number;
  /** Bytes thrown away by discard() (a host that left with bytes unsent). */
  discarded: number;
  /** Most bytes the FIFO ever held (never more than fifoBytes). */
  peakBuffered: number;
}

/** Float slack (ms) when comparing computed byte times with the clock. */
const EPSILON_MS = 1e-6;

/** A bridge between a fast link and the simulated bus that behaves like a 9600-baud adapter. */
export class PacedLink {
  /** Counters since the link was made. */
  readonly stats: PacedLinkStats = { toBus: 0, toLink: 0, dropped: 0, discarded: 0, peakBuffered: 0 };
  /** Transmit FIFO size (bytes). */
  readonly fifoBytes: number;
  readonly #options: PacedLinkOptions;
  readonly #bt: number;
  readonly #latency: number;
  /** Timers of host chunks still crossing the link's latency. */
  readonly #inFlight = new Set<TimerHandle>();
  readonly #unsubscribe: Array<() => void>;
  /** Chunks waiting for the wire, oldest first, and their total length. */
  #queue: Uint8Array[] = [];
  #queued = 0;
  /** Length of the chunk on the wire, and when its last byte has crossed (ms). */
  #onWire = 0;
  #onWireUntil = Number.NEGATIVE_INFINITY;
  #wireTimer: TimerHandle | undefined;
  #held = false;
  #lastRelease = Number.NEGATIVE_INFINITY;
  /** Bytes waiting to be released to the link, with their release times (ms). */
  #outBytes: number[] = [];
  #outTimes: number[] = [];
  #outTimer: TimerHandle | undefined;
  #closed = false;

  /** Start bridging: subscribes to both sides. */
  constructor(options: PacedLinkOptions) {
    if (!(options.byteTimeMs > 0) || !Number.isFinite(options.byteTimeMs)) {
      throw new RangeError(`PacedLink: "byteTimeMs" must be a positive number of ms, got ${options.byteTimeMs}`);
    }
    const fifo = options.fifoBytes ?? DEFAULT_FIFO_BYTES;
    if (!Number.isInteger(fifo) || fifo < 1) throw new RangeError(`PacedLink: "fifoBytes" must be an integer of at least 1 byte, got ${fifo}`);
    this.fifoBytes = fifo;
    const latency = options.latencyMs ?? 0;
    if (!Number.isFinite(latency) || latency < 0) throw new RangeError(`PacedLink: "latencyMs" must be a finite number of ms >= 0, got ${latency}`);
    this.#latency = latency;
    this.#options = options;
    this.#bt = options.byteTimeMs;
    this.#unsubscribe = [options.link.onData((bytes) => this.#guard(() => this.#fromLink(bytes))), options.bus.onData((bytes) => this.#guard(() => this.#fromBus(bytes)))];
  }

  /** Time (ms, bus clock) the bytes in the FIFO will all have crossed the wire; -Infinity before any input. */
  get wireFreeAt(): number {
    return this.#onWireUntil + this.#queued * this.#bt;
  }

  /** Bytes in the transmit FIFO now: waiting, plus the chunk on the wire until its last byte has left. */
  get buffered(): number {
    return this.#queued + (this.#onWireUntil > this.#options.clock.now() + EPSILON_MS ? this.#onWire : 0);
  }

  /** True while the link is held back because the FIFO is full. */
  get held(): boolean {
    return this.#held;
  }

  /** Bytes from the bus not yet released to the link. */
  get pendingToLink(): number {
    return this.#outBytes.length;
  }

  /** Throw away the bytes waiting in the FIFO (the chunk already on the wire finishes) and read the link again; `alsoDiscarded` bytes thrown away elsewhere are counted too. */
  discard(alsoDiscarded = 0): void {
    if (this.#closed) return;
    this.stats.discarded += this.#queued + alsoDiscarded;
    this.#queue = [];
    this.#queued = 0;
    this.#resumeIfRoom();
  }

  /** Stop bridging: unsubscribes, cancels pending bytes in both directions. Closes neither side. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#unsubscribe) off();
    const { clock } = this.#options;
    if (this.#wireTimer !== undefined) clock.clearTimeout(this.#wireTimer);
    if (this.#outTimer !== undefined) clock.clearTimeout(this.#outTimer);
    for (const timer of this.#inFlight) clock.clearTimeout(timer);
    this.#inFlight.clear();
    this.#queue = [];
    this.#queued = 0;
    this.#outBytes = [];
    this.#outTimes = [];
  }

  #fromLink(bytes: Uint8Array): void {
    if (this.#closed || bytes.length === 0) return;
    if (this.#latency === 0) return this.#enqueue(bytes);
    const { clock, sync } = this.#options;
    sync?.();
    const copy = bytes.slice();
    const timer = clock.setTimeout(() => {
      this.#inFlight.delete(timer);
      this.#guard(() => this.#enqueue(copy));
    }, this.#latency);
    this.#inFlight.add(timer);
    sync?.();
  }

  #enqueue(bytes: Uint8Array): void {
    if (this.#closed) return;
    const { sync, link } = this.#options;
    sync?.(); // stamp the chunk with the present (and let due wire timers make room)
    const take = Math.min(bytes.length, this.fifoBytes - this.buffered);
    if (take < bytes.length) {
      if (link.hold && link.resume) {
        this.#held = true;
        link.hold(bytes.subarray(take));
      } else {
        this.stats.dropped += bytes.length - take;
      }
    }
    if (take > 0) {
      this.#queue.push(bytes.slice(0, take));
      this.#queued += take;
      this.stats.peakBuffered = Math.max(this.stats.peakBuffered, this.buffered);
      this.#pump();
    }
    sync?.(); // let the driver see the new deadlines
  }

  /** Put the next waiting chunk on the wire if it is free, and wake up when it is free again. */
  #pump(): void {
    if (this.#closed || this.#wireTimer !== undefined) return;
    const { clock, bus, onError } = this.#options;
    const now = clock.now();
    if (this.#onWireUntil > now + EPSILON_MS) {
      this.#wireTimer = clock.setTimeout(() => this.#wireFree(), this.#onWireUntil - now);
      return;
    }
    const chunk = this.#queue.shift();
    if (chunk === undefined) return this.#resumeIfRoom();
    this.#queued -= chunk.length;
    this.#onWire = chunk.length;
    this.#onWireUntil = now + chunk.length * this.#bt;
    this.stats.toBus += chunk.length;
    bus.write(chunk).catch((error: unknown) => onError?.(error));
    this.#wireTimer = clock.setTimeout(() => this.#wireFree(), this.#onWireUntil - now);
    this.#resumeIfRoom();
  }

  #wireFree(): void {
    this.#wireTimer = undefined;
    this.#guard(() => this.#pump());
  }

  #resumeIfRoom(): void {
    if (!this.#held || this.#closed || this.buffered >= this.fifoBytes) return;
    this.#held = false;
    this.#options.link.resume?.();
  }

  #fromBus(bytes: Uint8Array): void {
    if (this.#closed || bytes.length === 0) return;
    const now = this.#options.clock.now();
    const n = bytes.length;
    for (let i = 0; i < n; i++) {
      const onWire = now - (n - 1 - i) * this.#bt + this.#latency;
      const at = Math.max(onWire, this.#lastRelease + this.#bt);
      this.#lastRelease = at;
      this.#outBytes.push(bytes[i]!);
      this.#outTimes.push(at);
    }
    this.#release();
  }

  /** Write every byte whose release time has come as one chunk; re-arm for the next. */
  #release(): void {
    if (this.#closed) return;
    const { clock, link, onError } = this.#options;
    const now = clock.now();
    let due = 0;
    while (due < this.#outTimes.length && this.#outTimes[due]! <= now + EPSILON_MS) due++;
    if (due > 0) {
      const chunk = Uint8Array.from(this.#outBytes.slice(0, due));
      this.#outBytes = this.#outBytes.slice(due);
      this.#outTimes = this.#outTimes.slice(due);
      this.stats.toLink += chunk.length;
      link.write(chunk).catch((error: unknown) => onError?.(error));
    }
    const next = this.#outTimes[0];
    if (next === undefined || this.#outTimer !== undefined) return;
    this.#outTimer = clock.setTimeout(() => {
      this.#outTimer = undefined;
      this.#guard(() => this.#release());
    }, next - now);
  }

  #guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#options.onError?.(error);
    }
  }
}
