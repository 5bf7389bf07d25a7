/**
 * The plumbing every Node-side link transport shares (serial port, TCP socket): listener sets,
 * writes that fail when the link goes, and a single "gone" with its reason. A subclass supplies
 * how bytes are sent and how the link is closed, and reports received bytes and the link going.
 */
import type { ByteTransport } from '../bus-protocol/transport.ts';

/** Reason given to close listeners when the host itself closed the link. */
export const CLOSED_BY_HOST = 'closed by host';

/** Base of the serial and TCP transports (ByteTransport contract, bus-protocol/transport.ts). */
export abstract class LinkTransport implements ByteTransport {
  private readonly dataListeners = new Set<(bytes: Uint8Array) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private readonly pendingWrites = new Set<(error: Error) => void>();
  private closedReason: string | undefined;

  constructor(readonly description: string) {}

  /** Hand bytes to the link; call back once it accepted them (or failed). */
  protected abstract send(bytes: Uint8Array, done: (error: Error | null | undefined) => void): void;

  /** Release the link; idempotent. */
  abstract close(): Promise<void>;

  /** Resolves when the link accepted the bytes, not when they are on the wire; rejects once the link is gone. */
  write(bytes: Uint8Array): Promise<void> {
    if (this.closedReason !== undefined) return Promise.reject(new Error(`${this.description} is closed: ${this.closedReason}`));
    return new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => {
        this.pendingWrites.delete(fail);
        reject(error);
      };
      this.pendingWrites.add(fail);
      this.send(bytes, (error) => {
        if (!this.pendingWrites.delete(fail)) return; // already failed by the link going away
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /** Subscribe to received chunks (copies); returns the unsubscribe function. */
  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  /** Subscribe to the link going away (once, with the reason); returns the unsubscribe function. */
  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** The reason the link went away, or undefined while it is up. */
  protected get goneReason(): string | undefined {
    return this.closedReason;
  }

  /** Deliver received bytes to every data listener (a copy: pooled Buffers are not handed out). */
  protected received(chunk: Uint8Array): void {
    const bytes = new Uint8Array(chunk);
    for (const listener of [...this.dataListeners]) listener(bytes);
  }

  /** The link went away: fail pending writes and tell close listeners, once. */
  protected gone(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const fail of [...this.pendingWrites]) fail(new Error(`${this.description} closed during a write: ${reason}`));
    for (const listener of [...this.closeListeners]) listener(reason);
  }
}
