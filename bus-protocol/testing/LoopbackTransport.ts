/**
 * Test double (never exported from bus-protocol/index.ts, excluded from the browser build):
 * an in-memory ByteTransport whose "bus" is a responder function the test scripts. Replies can
 * be delivered synchronously inside write(), or later from timers on the test's virtual clock.
 */
import type { ByteTransport } from '../transport.ts';
import { decodeRequest } from '../frame.ts';
import type { RequestFrame } from '../types.ts';

/** Called with every frame the host writes; deliver replies through the transport. */
export type Responder = (request: Uint8Array, bus: LoopbackTransport) => void;

/** In-memory transport: records writes, delivers scripted bytes, can be "unplugged". */
export class LoopbackTransport implements ByteTransport {
  readonly description = 'loopback:';
  /** Every write, in order (copies). */
  readonly written: Uint8Array[] = [];
  /** Scripted bus; undefined = silence. */
  responder: Responder | undefined;
  /** When set, the next write rejects with this message (the link failed under the write). */
  failNextWrite: string | undefined;
  private readonly dataListeners = new Set<(bytes: Uint8Array) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private closedReason: string | undefined;

  constructor(responder?: Responder) {
    this.responder = responder;
  }

  /** True once disconnect() or close() has run. */
  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.closedReason !== undefined) throw new Error(`loopback closed: ${this.closedReason}`);
    if (this.failNextWrite !== undefined) {
      const message = this.failNextWrite;
      this.failNextWrite = undefined;
      throw new Error(message);
    }
    this.written.push(bytes.slice());
    this.responder?.(bytes.slice(), this);
  }

  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Hand each chunk to the host as one received chunk, in order. */
  deliver(...chunks: Uint8Array[]): void {
    for (const chunk of chunks) for (const listener of [...this.dataListeners]) listener(chunk.slice());
  }

  /** The link goes away: close listeners hear `reason` once. */
  disconnect(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const listener of [...this.closeListeners]) listener(reason);
  }

  async close(): Promise<void> {
    this.disconnect('closed by host');
  }

  /** Number of listeners still subscribed (to check the client unsubscribes). */
  get listenerCount(): number {
    return this.dataListeners.size + this.closeListeners.size;
  }
}

/** A responder from a function of the decoded request: return reply bytes, or undefined for silence. */
export function boardResponder(answer: (request: RequestFrame) => Uint8Array | undefined): Responder {
  return (bytes, bus) => {
    const decoded = decodeRequest(bytes);
    if (decoded.kind !== 'frame') return;
    const reply = answer(decoded.frame);
    if (reply !== undefined) bus.deliver(reply);
  };
}
