/**
 * The server side of one accepted TCP connection (`pistack serve --tcp`) as a ByteTransport:
 * raw bytes both ways, no framing. Nagle is switched off so a reply leaves as soon as it is
 * released. A reset or an error closes the link with the reason; nothing is thrown.
 */
import type { Socket } from 'node:net';
import type { ByteTransport } from '../../bus-protocol/transport.ts';

/** A ByteTransport over an accepted net.Socket. */
export class SocketLink implements ByteTransport {
  /** The peer, e.g. tcp://127.0.0.1:53122. */
  readonly description: string;
  readonly #socket: Socket;
  readonly #closeListeners = new Set<(reason: string) => void>();
  #closedReason: string | undefined;
  #error: string | undefined;
  #closing: Promise<void> | undefined;

  /** Wrap a connected socket; its 'data', 'error' and 'close' events drive the link. */
  constructor(socket: Socket) {
    this.#socket = socket;
    this.description = `tcp://${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('error', (error) => (this.#error ??= error.message));
    socket.on('close', () => this.#gone(this.#error ?? 'client disconnected'));
  }

  /** True once the connection has closed. */
  get closed(): boolean {
    return this.#closedReason !== undefined;
  }

  /** Send bytes to the client; resolves when the socket took them, rejects once it is closed. */
  write(bytes: Uint8Array): Promise<void> {
    if (this.#closedReason !== undefined || this.#socket.destroyed) return Promise.reject(new Error(`${this.description} is closed`));
    return new Promise((resolve, reject) => {
      this.#socket.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Subscribe to bytes from the client; returns an unsubscribe function. */
  onData(listener: (bytes: Uint8Array) => void): () => void {
    const handler = (chunk: Buffer) => listener(new Uint8Array(chunk));
    this.#socket.on('data', handler);
    return () => this.#socket.off('data', handler);
  }

  /** Subscribe to the connection closing (once, with the reason); returns an unsubscribe function. */
  onClose(listener: (reason: string) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Close the connection (bytes already written are sent first); idempotent. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      if (this.#closedReason !== undefined) return resolve();
      this.#socket.once('close', () => resolve());
      this.#error ??= 'closed by server';
      this.#socket.end();
      // A client that never reads could hold end() forever.
      setTimeout(() => this.#socket.destroy(), 500).unref();
    });
    return this.#closing;
  }

  #gone(reason: string): void {
    if (this.#closedReason !== undefined) return;
    this.#closedReason = reason;
    for (const listener of [...this.#closeListeners]) listener(reason);
  }
}
