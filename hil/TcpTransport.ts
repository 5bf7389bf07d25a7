/**
 * ByteTransport over a raw TCP socket, Node only: a serial server such as ser2net (raw mode,
 * no telnet/RFC 2217 negotiation) or `pistack serve` carries the bus bytes unchanged. Nagle is
 * off so a 4-byte request leaves at once; the far end does the 9600-baud pacing.
 */
import { connect, type Socket } from 'node:net';
import { ArgumentError } from '../bus-protocol/errors.ts';
import { CLOSED_BY_HOST, LinkTransport } from './LinkTransport.ts';

/** Where to connect; only host and port are required. */
export interface TcpTransportOptions {
  /** Host name or IP address, e.g. 127.0.0.1 or raspberrypi.local. */
  host: string;
  /** TCP port, 1..65535. */
  port: number;
  /** Give up connecting after this many ms; default DEFAULT_CONNECT_TIMEOUT_MS. */
  connectTimeoutMs?: number;
}

/** Default connect timeout, ms: long enough for a LAN host, short enough for a CLI to fail fast. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;

/** Longest wait for the socket to close after close(), ms; then it is destroyed. */
const CLOSE_TIMEOUT_MS = 1000;

/** Reason given to close listeners when the server ended the connection cleanly. */
export const CLOSED_BY_SERVER = 'connection closed by the server';

/** Reason given to close listeners when the connection was reset (server killed, cable pulled). */
export const RESET_BY_SERVER = 'connection reset by the server';

/** Why a connection could not be made; `code` is the OS error code (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, ...). */
export class TcpConnectError extends Error {
  override name = 'TcpConnectError';
  readonly kind = 'tcp-connect' as const;
  constructor(readonly code: string, readonly url: string, message: string) {
    super(message);
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

  /** Wrap a connected socket; its 'data', 'end', 'error' and 'close' events drive the transport. */
  constructor(private readonly socket: Socket, description: string) {
    super(description);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('end', () => this.gone(this.hostClosing ? CLOSED_BY_HOST : CLOSED_BY_SERVER));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.lastError = error;
    });
    socket.on('close', () => {
      if (this.hostClosing) this.gone(CLOSED_BY_HOST);
      else this.gone(this.lastError ? describeSocketError(this.lastError) : CLOSED_BY_SERVER);
    });
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
  const { host, port, connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS } = options;
  if (typeof host !== 'string' || host === '') return Promise.reject(new ArgumentError('host', 'needs a host name or address such as 127.0.0.1'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) return Promise.reject(new ArgumentError('port', `must be an integer 1..65535, got ${String(port)}`));
  if (!Number.isFinite(connectTimeoutMs) || connectTimeoutMs <= 0) {
    return Promise.reject(new ArgumentError('connectTimeoutMs', `must be a number of ms > 0, got ${String(connectTimeoutMs)}`));
  }
  const url = tcpUrl(host, port);
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
      resolve(new TcpTransport(socket, url));
    });
  });
}
