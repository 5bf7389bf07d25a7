/**
 * The server side of one accepted TCP connection (`pistack serve --tcp`) as a ByteTransport:
 * raw bytes both ways, no framing. Nagle is switched off so a reply leaves as soon as it is
 * released. A reset or an error closes the link with the reason; nothing is thrown.
 *
 * Flow control (hil/PacedLink.ts FlowControl): hold() stops reading, so the client's writes
 * block in the kernel. A held socket cannot see the client leave (its FIN waits behind the
 * unread bytes), so while held the kernel's view is checked every PEER_CHECK_MS
 * (peerGone.ts): a client that has gone is closed at once and its unsent bytes discarded.
 */
import type { Socket } from 'node:net';
import type { ByteTransport } from '../../bus-protocol/transport.ts';
import type { FlowControl } from '../PacedLink.ts';
import { tcpPeerClosed } from './peerGone.ts';

/** How often (ms) a held connection is checked for a client that has gone. */
export const PEER_CHECK_MS = 100;

/** Reason a held client's link closes with when it is found gone. */
export const GONE_WHILE_HELD = 'client disconnected; the bytes it had sent but the bus had not taken were discarded';

/** A ByteTransport over an accepted net.Socket. */
export class SocketLink implements ByteTransport, FlowControl {
  /** The peer, e.g. tcp://127.0.0.1:53122. */
  readonly description: string;
  readonly #socket: Socket;
  readonly #closeListeners = new Set<(reason: string) => void>();
  #closedReason: string | undefined;
  #error: string | undefined;
  #closing: Promise<void> | undefined;
  #peerCheck: ReturnType<typeof setInterval> | undefined;
  readonly #ports: { local: number | undefined; remote: number | undefined };

  /** Wrap a connected socket; its 'data', 'error' and 'close' events drive the link. */
  constructor(socket: Socket) {
    this.#socket = socket;
    this.description = `tcp://${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.#ports = { local: socket.localPort, remote: socket.remotePort };
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
    const handler = (chunk: Buffer) => listener(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)); // each read is its own Buffer
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

  /** Stop reading (the client's writes block); `rest` is delivered first after resume(). */
  hold(rest: Uint8Array): void {
    const socket = this.#socket;
    socket.pause();
    if (rest.length > 0 && socket.readable) socket.unshift(Buffer.from(rest.buffer, rest.byteOffset, rest.length));
    this.#peerCheck ??= setInterval(() => void this.#checkPeer(), PEER_CHECK_MS).unref();
  }

  /** Read again. */
  resume(): void {
    this.#stopPeerCheck();
    if (!this.#socket.destroyed) this.#socket.resume();
  }

  async #checkPeer(): Promise<void> {
    const { local, remote } = this.#ports;
    if (local === undefined || remote === undefined) return;
    if ((await tcpPeerClosed(local, remote)) !== true || this.#peerCheck === undefined) return;
    this.#error ??= GONE_WHILE_HELD;
    this.#socket.destroy();
  }

  #stopPeerCheck(): void {
    clearInterval(this.#peerCheck);
    this.#peerCheck = undefined;
  }

  #gone(reason: string): void {
    this.#stopPeerCheck();
    if (this.#closedReason !== undefined) return;
    this.#closedReason = reason;
    for (const listener of [...this.#closeListeners]) listener(reason);
  }
}
