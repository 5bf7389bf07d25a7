/**
 * Baud pacing between a fast link (a PTY or a TCP socket, which carry 64 KiB in milliseconds)
 * and the simulated bus, so that timing seen through the link matches a 9600 8N1 wire
 * (PROTOCOL.md section 1, TOOLCHAIN.md "PTYs are not UARTs").
 *
 * Host to bus: bytes that arrive from the link go onto the wire no faster than the baud rate.
 * A chunk arriving at time a starts when the wire is free, start = max(a, end of the previous
 * chunk), so its byte i has arrived at start + (i + 1) byte times; a request therefore counts
 * as arrived when its last byte would have. Real gaps in the input (a host pausing between
 * bytes) are kept, since a chunk never starts before it arrived.
 *
 * Bus to host: the bus side (the simulated host adapter) hands over each chunk when its last
 * byte has crossed the wire, so byte i of an n-byte chunk arrived (n - 1 - i) byte times
 * earlier. Each byte is released to the link at max(its wire arrival, the previous byte's
 * release + one byte time): never faster than one byte per byte time, and never later than
 * the wire delivered it.
 *
 * All times are on the bus clock (the SimStack's virtual clock). Locked to the wall clock by a
 * RealTimeDriver (hil/serve/), virtual times are wall times; in tests they are just virtual.
 */
import type { Clock, TimerHandle } from '../bus-protocol/clock.ts';
import type { ByteTransport } from '../bus-protocol/transport.ts';

/** How to wire a PacedLink. */
export interface PacedLinkOptions {
  /** The fast side: the PTY or TCP client the host talks through. */
  link: ByteTransport;
  /** The bus side: the simulated host adapter (SimStack.host); it transmits what it is given at the baud rate. */
  bus: ByteTransport;
  /** The bus clock (SimStack.clock); timers for future bytes are set on it. */
  clock: Clock;
  /** Wire time of one byte (ms): Rs485Bus.byteTimeMs, 1.0417 ms at 9600 8N1. */
  byteTimeMs: number;
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
}

/** Float slack (ms) when comparing computed byte times with the clock. */
const EPSILON_MS = 1e-6;

/** A bridge between a fast link and the simulated bus that behaves like a 9600-baud wire. */
export class PacedLink {
  /** Counters since the link was made. */
  readonly stats: PacedLinkStats = { toBus: 0, toLink: 0 };
  readonly #options: PacedLinkOptions;
  readonly #bt: number;
  readonly #unsubscribe: Array<() => void>;
  readonly #timers = new Set<TimerHandle>();
  #wireFreeAt = Number.NEGATIVE_INFINITY;
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
    this.#options = options;
    this.#bt = options.byteTimeMs;
    this.#unsubscribe = [options.link.onData((bytes) => this.#guard(() => this.#fromLink(bytes))), options.bus.onData((bytes) => this.#guard(() => this.#fromBus(bytes)))];
  }

  /** Time (ms, bus clock) the last byte fed so far has crossed the wire; -Infinity before any input. */
  get wireFreeAt(): number {
    return this.#wireFreeAt;
  }

  /** Bytes from the bus not yet released to the link. */
  get pendingToLink(): number {
    return this.#outBytes.length;
  }

  /** Stop bridging: unsubscribes, cancels pending bytes in both directions. Closes neither side. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#unsubscribe) off();
    for (const handle of this.#timers) this.#options.clock.clearTimeout(handle);
    this.#timers.clear();
    if (this.#outTimer !== undefined) this.#options.clock.clearTimeout(this.#outTimer);
    this.#outBytes = [];
    this.#outTimes = [];
  }

  #fromLink(bytes: Uint8Array): void {
    if (this.#closed || bytes.length === 0) return;
    const { clock, sync } = this.#options;
    sync?.(); // stamp the chunk with the present
    const now = clock.now();
    const start = Math.max(now, this.#wireFreeAt);
    this.#wireFreeAt = start + bytes.length * this.#bt;
    const chunk = bytes.slice();
    if (start <= now + EPSILON_MS) {
      this.#toBus(chunk);
    } else {
      const handle = clock.setTimeout(() => {
        this.#timers.delete(handle);
        this.#toBus(chunk);
      }, start - now);
      this.#timers.add(handle);
    }
    sync?.(); // let the driver see the new deadlines
  }

  #toBus(chunk: Uint8Array): void {
    if (this.#closed) return;
    this.stats.toBus += chunk.length;
    this.#options.bus.write(chunk).catch((error: unknown) => this.#options.onError?.(error));
  }

  #fromBus(bytes: Uint8Array): void {
    if (this.#closed || bytes.length === 0) return;
    const now = this.#options.clock.now();
    const n = bytes.length;
    for (let i = 0; i < n; i++) {
      const onWire = now - (n - 1 - i) * this.#bt;
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
