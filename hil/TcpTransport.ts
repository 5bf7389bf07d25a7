/**
 * ByteTransport over a raw TCP socket, Node only: a serial server such as ser2net (raw mode,
 * no telnet/RFC 2217 negotiation) or `pistack serve` carries the bus bytes unchanged. Nagle is
 * off so a 4-byte request leaves at once; the far end does the 9600-baud pacing.
 *
 * A server that serves one client at a time (`pistack serve`) keeps a second client waiting,
 * then sends it one line of text and hangs up. That line is recognised (it cannot start a reply:
 * replies start with 0x00 or 0x01) and becomes the link's close reason, never bus bytes; and
 * serverRefusal() lets a command that heard nothing wait for that verdict before it blames the
 * boards ("no reply", "no boards found").
 */
import { connect, type Socket } from 'node:net';
import { ArgumentError, DisconnectedError } from '../bus-protocol/errors.ts';
import type { ByteTransport } from '../bus-protocol/transport.ts';
import { CLOSED_BY_HOST, LinkTransport } from './LinkTransport.ts';
import { BUSY_MESSAGE } from './serve/OneClientServer.ts';

/** Where to connect; only host and port are required. */
export interface TcpTransportOptions {
  /** Host name or IP address, e.g. 127.0.0.1 or raspberrypi.local. */
  host: string;
  /** TCP port, 1..65535. */
  port: number;
  /** Give up connecting after this many ms; default DEFAULT_CONNECT_TIMEOUT_MS. */
  connectTimeoutMs?: number;
  /** How long after connecting refusal() waits for a silent server's verdict, ms; default SERVER_REFUSAL_GRACE_MS. */
  refusalGraceMs?: number;
  /** The address in messages and the description; default tcpUrl(host, port) (rfc2217:// links pass theirs). */
  url?: string;
}

/** Default connect timeout, ms: long enough for a LAN host, short enough for a CLI to fail fast. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;

/** Longest wait for the socket to close after close(), ms; then it is destroyed. */
const CLOSE_TIMEOUT_MS = 1000;

/** Reason given to close listeners when the server ended the connection cleanly. */
export const CLOSED_BY_SERVER = 'connection closed by the server';

/** Reason given to close listeners when the connection was reset (server killed, cable pulled). */
export const RESET_BY_SERVER = 'connection reset by the server';

/**
 * How long after connecting a server that has sent nothing may still turn this client away, ms:
 * `pistack serve` keeps a second client waiting for its handover (1000 ms) before it refuses it.
 */
export const SERVER_REFUSAL_GRACE_MS = 1500;

/** Reason given to close listeners when the server said it is busy with another client. */
export const SERVER_BUSY = 'the server is busy with another client (it serves one client at a time); try again once that client has disconnected';

const BUSY_BYTES = new TextEncoder().encode(BUSY_MESSAGE);

/** Why a connection could not be made; `code` is the OS error code (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, ...). */
export class TcpConnectError extends Error {
  override name = 'TcpConnectError';
  readonly kind: 'tcp-connect' | 'tcp-busy' = 'tcp-connect';
  constructor(readonly code: string, readonly url: string, message: string) {
    super(message);
  }
}

/** The server accepted the connection but turned this client away: it serves another one (code EBUSY). */
export class TcpServerBusyError extends TcpConnectError {
  override name = 'TcpServerBusyError';
  override readonly kind = 'tcp-busy' as const;
  constructor(url: string) {
    super('EBUSY', url, `${url}: ${SERVER_BUSY}`);
  }
}

/** `tcp://host:port`, with IPv6 addresses in brackets. */
export function tcpUrl(host: string, port: number): string {
  return `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** A ByteTransport over a connected socket (see openTcpTransport; tests may wrap an accepted socket too). */
export class TcpTransport extends LinkTransport {
  private lastError: NodeJS.ErrnoException | undefined;
  private closing: Promise<void> | undefined;
  private hostClosing = false;
  private readonly connectedAt = performance.now();
  /** Leading bytes that may be the start of the busy line, held back; undefined once anything else (or the line) came. */
  private held: Uint8Array | undefined = new Uint8Array(0);
  /** True once the server sent the busy line. */
  private refusedBusy = false;

  /** Wrap a connected socket; its 'data', 'end', 'error' and 'close' events drive the transport. */
  constructor(private readonly socket: Socket, description: string, private readonly refusalGraceMs = SERVER_REFUSAL_GRACE_MS) {
    super(description);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.chunk(chunk));
    socket.on('end', () => this.gone(this.hostClosing ? CLOSED_BY_HOST : CLOSED_BY_SERVER));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.lastError = error;
    });
    socket.on('close', () => {
      if (this.hostClosing) this.gone(CLOSED_BY_HOST);
      else this.gone(this.lastError ? describeSocketError(this.lastError) : CLOSED_BY_SERVER);
    });
  }

  /** True once any byte came from the server (the busy line aside): it is serving this client. */
  get heardFromServer(): boolean {
    return this.held === undefined && !this.refusedBusy;
  }

  /**
   * The server's verdict on a client that has heard nothing: waits until the link goes or the
   * refusal grace (default SERVER_REFUSAL_GRACE_MS) after connecting, whichever is first.
   * TcpServerBusyError when the server said it is busy, DisconnectedError when it hung up
   * without a byte, else undefined (at once for a client that has heard from the server).
   */
  async refusal(): Promise<Error | undefined> {
    const left = this.connectedAt + this.refusalGraceMs - performance.now();
    if (!this.heardFromServer && this.goneReason === undefined && left > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        const off = this.onClose(done);
        function done() {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    }
    if (this.refusedBusy) return new TcpServerBusyError(this.description);
    const reason = this.goneReason;
    if (!this.heardFromServer && reason !== undefined && reason !== CLOSED_BY_HOST) return new DisconnectedError(reason);
    return undefined;
  }

  /** Received bytes: the busy line at the very start becomes the close reason; anything else goes to the listeners. */
  private chunk(chunk: Uint8Array): void {
    if (this.held === undefined) return this.received(chunk);
    const bytes = new Uint8Array(this.held.length + chunk.length);
    bytes.set(this.held);
    bytes.set(chunk, this.held.length);
    const n = Math.min(bytes.length, BUSY_BYTES.length);
    if (bytes.subarray(0, n).every((b, i) => b === BUSY_BYTES[i])) {
      if (n < BUSY_BYTES.length) return void (this.held = bytes);
      this.held = undefined;
      this.refusedBusy = true;
      return this.gone(SERVER_BUSY);
    }
    this.held = undefined;
    this.received(bytes);
  }

  /** Bytes go to the kernel's socket buffer; done when it accepted them, not when the far end read them. */
  protected send(bytes: Uint8Array, done: (error: Error | null | undefined) => void): void {
    this.socket.write(bytes, done);
  }

  /** Flush what was written, then close the socket; idempotent. Listeners hear CLOSED_BY_HOST unless the link had already gone. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.hostClosing = true;
      if (this.socket.destroyed) {
        this.gone(CLOSED_BY_HOST);
        return resolve();
      }
      // destroySoon: end our side, destroy once what was written is flushed (or at once if it cannot be).
      // A peer that never lets the socket close is cut off after CLOSE_TIMEOUT_MS.
      const timer = setTimeout(() => this.socket.destroy(), CLOSE_TIMEOUT_MS);
      timer.unref();
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.destroySoon();
    });
    return this.closing;
  }
}

/**
 * For a command that failed or found nothing on a link that has said nothing: the TCP server's
 * refusal (see TcpTransport.refusal; an rfc2217:// link asks its TCP link), or undefined (at once for other links).
 */
export async function serverRefusal(transport: ByteTransport): Promise<Error | undefined> {
  const refusing = transport as ByteTransport & { refusal?: () => Promise<Error | undefined> };
  return transport instanceof TcpTransport || typeof refusing.refusal === 'function' ? refusing.refusal!() : undefined;
}

/** A socket error after connecting, in words. */
function describeSocketError(error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNRESET') return RESET_BY_SERVER;
  if (error.code === 'EPIPE') return `${CLOSED_BY_SERVER} (broken pipe)`;
  return `socket error: ${error.message}`;
}

/** A connect failure in words, naming the URL. */
function connectError(error: NodeJS.ErrnoException, url: string, host: string): TcpConnectError {
  const code = error.code ?? 'EUNKNOWN';
  switch (code) {
    case 'ECONNREFUSED':
      return new TcpConnectError(code, url, `nothing listening at ${url} (connection refused: is ser2net or \`pistack serve\` running there?)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new TcpConnectError(code, url, `cannot connect to ${url}: unknown host "${host}" (${code})`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new TcpConnectError(code, url, `cannot connect to ${url}: no route to the host (${code})`);
    default:
      return new TcpConnectError(code, url, `cannot connect to ${url}: ${error.message}`);
  }
}

/**
 * Connect to a raw TCP serial server. Rejects with ArgumentError for a bad host or port and with
 * TcpConnectError naming the URL when nobody answers (refused, unknown host, timeout).
 */
export function openTcpTransport(options: TcpTransportOptions): Promise<TcpTransport> {
  const { host, port, connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS, refusalGraceMs = SERVER_REFUSAL_GRACE_MS } = options;
  if (typeof host !== 'string' || host === '') return Promise.reject(new ArgumentError('host', 'needs a host name or address such as 127.0.0.1'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) return Promise.reject(new ArgumentError('port', `must be an integer 1..65535, got ${String(port)}`));
  if (!Number.isFinite(connectTimeoutMs) || connectTimeoutMs <= 0) {
    return Promise.reject(new ArgumentError('connectTimeoutMs', `must be a number of ms > 0, got ${String(connectTimeoutMs)}`));
  }
  const url = options.url ?? tcpUrl(host, port);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TcpConnectError('ETIMEDOUT', url, `cannot connect to ${url}: no answer within ${connectTimeoutMs} ms`));
    }, connectTimeoutMs);
    const onError = (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(connectError(error, url, host));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(new TcpTransport(socket, url, refusalGraceMs));
    });
  });
}
