/**
 * The simulated USB to RS-485 adapter the host talks through: a ByteTransport
 * (bus-protocol/transport.ts) whose far side is an Rs485Bus. What the host gets is what is on
 * the wire, in virtual time: a board's reply arrives when its last byte has crossed the bus,
 * plus the adapter's latency. Control surface: unplug() (fault injection).
 */
import type { TimerHandle } from '../bus-protocol/clock.ts';
import { DisconnectedError } from '../bus-protocol/errors.ts';
import type { ByteTransport } from '../bus-protocol/transport.ts';
import type { BusNode, Delivery, Rs485Bus } from './Rs485Bus.ts';

/** Adapter settings; only `bus` is required. */
export interface HostAdapterOptions {
  /** The bus the adapter is wired to; its clock is used for latency. */
  bus: Rs485Bus;
  /** Node name on the bus; default 'host'. */
  name?: string;
  /**
   * Delay (ms) between bytes arriving on the wire and the host receiving them; default 0.
   * A real FTDI adapter holds received bytes up to 16 ms (its latency timer).
   */
  latencyMs?: number;
  /** Echo the host's own bytes back to it, as some adapters do; default false (PROTOCOL.md section 1). */
  echo?: boolean;
}

/** A ByteTransport onto a simulated bus. */
export class HostAdapter implements ByteTransport {
  /** Where this goes: always 'sim:'. */
  readonly description = 'sim:';
  /** Delay (ms) from wire to host. */
  readonly latencyMs: number;
  readonly #bus: Rs485Bus;
  readonly #node: BusNode;
  /** Replaced, never changed in place, so a chunk is handed to the listeners there were when it came. */
  #dataListeners: ReadonlyArray<(bytes: Uint8Array) => void> = [];
  readonly #closeListeners = new Set<(reason: string) => void>();
  readonly #timers = new Set<TimerHandle>();
  readonly #stopEcho: (() => void) | undefined;
  #closedReason: string | undefined;

  /** Attach an adapter node to the bus; see HostAdapterOptions. */
  constructor(options: HostAdapterOptions) {
    this.#bus = options.bus;
    this.latencyMs = options.latencyMs ?? 0;
    if (!(this.latencyMs >= 0) || !Number.isFinite(this.latencyMs)) {
      throw new RangeError(`HostAdapter: "latencyMs" must be a finite number of ms >= 0, got ${this.latencyMs}`);
    }
    this.#node = this.#bus.attach(options.name ?? 'host', (delivery) => this.#received(delivery.bytes));
    const name = this.#node.name;
    this.#stopEcho = options.echo ? this.#bus.onTransmission((r) => r.from === name && this.#received(r.received.slice())) : undefined;
  }

  /** True once close() or unplug() has run. */
  get closed(): boolean {
    return this.#closedReason !== undefined;
  }

  /** Transmit bytes on the bus (queued behind the host's previous write); resolves at once, rejects once closed. */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.#closedReason !== undefined) throw new DisconnectedError(this.#closedReason);
    this.#node.transmit(bytes);
  }

  /** Subscribe to received bytes (one chunk per bus transmission); returns an unsubscribe function. */
  onData(listener: (bytes: Uint8Array) => void): () => void {
    if (!this.#dataListeners.includes(listener)) this.#dataListeners = [...this.#dataListeners, listener];
    return () => {
      this.#dataListeners = this.#dataListeners.filter((l) => l !== listener);
    };
  }

  /** Subscribe to the link going away (close() or unplug()); returns an unsubscribe function. */
  onClose(listener: (reason: string) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Release the adapter: detaches from the bus, drops bytes not yet handed over. Idempotent. */
  async close(): Promise<void> {
    this.#shutDown('closed by host');
  }

  /** Fault injection: the adapter is pulled out. Close listeners hear `reason` once; later writes reject. */
  unplug(reason = 'adapter unplugged'): void {
    this.#shutDown(reason);
  }

  #received(bytes: Uint8Array): void {
    if (this.#closedReason !== undefined) return;
    if (this.latencyMs === 0) {
      this.#hand(bytes);
      return;
    }
    // Equal delays on a FIFO clock keep chunks in wire order.
    const handle = this.#bus.clock.setTimeout(() => {
      this.#timers.delete(handle);
      this.#hand(bytes);
    }, this.latencyMs);
    this.#timers.add(handle);
  }

  #hand(bytes: Uint8Array): void {
    const listeners = this.#dataListeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]!(i === listeners.length - 1 ? bytes : bytes.slice());
  }

  #shutDown(reason: string): void {
    if (this.#closedReason !== undefined) return;
    this.#closedReason = reason;
    for (const handle of this.#timers) this.#bus.clock.clearTimeout(handle);
    this.#timers.clear();
    this.#stopEcho?.();
    this.#node.detach();
    for (const listener of [...this.#closeListeners]) listener(reason);
  }
}
