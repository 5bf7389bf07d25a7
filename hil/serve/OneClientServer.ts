/**
 * The TCP side of `pistack serve --tcp`: a net.Server that serves one client at a time, like
 * the one host an RS-485 adapter has. A client connecting while another is served waits up to
 * `handoverMs` (so a host that closes and at once reconnects is not turned away by the race
 * between its FIN and its new SYN); its bytes stay in the socket until it is served. If the
 * other client is still there after that, it gets BUSY_MESSAGE, one line of text, and is closed.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { SocketLink } from './SocketLink.ts';

/** The one line a client that cannot be served gets before it is disconnected. */
export const BUSY_MESSAGE = 'pistack serve: busy, another client is connected (one client at a time)\n';

/** Options of OneClientServer.listen. */
export interface OneClientServerOptions {
  /** Address to bind (e.g. 127.0.0.1). */
  host: string;
  /** Port; 0 picks a free one (see `port`). */
  port: number;
  /** A client became the served one; bridge it (unsubscribe on its onClose). */
  onClient: (link: SocketLink) => void;
  /** One line per client connected, refused or disconnected. */
  log?: (line: string) => void;
  /** How long a second client waits for the first to leave (ms); default 1000. */
  handoverMs?: number;
  /** The option named in listen errors; default "--tcp". */
  option?: string;
}

interface Waiting {
  readonly socket: Socket;
  readonly link: SocketLink;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** A TCP server with one served client at a time (see the module comment). */
export class OneClientServer {
  /** The port actually bound. */
  readonly port: number;
  readonly #server: Server;
  readonly #options: OneClientServerOptions;
  readonly #sockets = new Set<Socket>();
  readonly #waiting: Waiting[] = [];
  #current: SocketLink | undefined;
  #closing: Promise<void> | undefined;

  private constructor(server: Server, options: OneClientServerOptions) {
    this.#server = server;
    this.#options = options;
    const bound = server.address();
    this.port = typeof bound === 'object' && bound ? bound.port : options.port;
    server.on('connection', (socket) => this.#connected(socket));
    server.on('error', (e) => this.#log(`error: tcp server: ${e.message}`));
  }

  /** Bind and listen; rejects with a message saying why not (in use, not a local address, ...). */
  static listen(options: OneClientServerOptions): Promise<OneClientServer> {
    const { host, port } = options;
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', (e: NodeJS.ErrnoException) => {
        const why = e.code === 'EADDRINUSE' ? 'address already in use' : e.code === 'EADDRNOTAVAIL' ? 'not an address of this machine'
          : e.code === 'EACCES' ? 'permission denied' : e.code === 'ENOTFOUND' ? 'unknown host' : e.message;
        reject(new Error(`${options.option ?? '--tcp'} ${host}:${port}: cannot listen: ${why}`));
      });
      server.listen({ host, port }, () => resolve(new OneClientServer(server, options)));
    });
  }

  /** tcp://host:port with the bound port (IPv6 hosts in brackets). */
  get address(): string {
    const host = this.#options.host;
    return `tcp://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  /** The client being served, if any. */
  get current(): SocketLink | undefined {
    return this.#current;
  }

  /** Disconnect every client and stop listening; idempotent. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      for (const w of this.#waiting) clearTimeout(w.timer);
      this.#waiting.length = 0;
      for (const socket of this.#sockets) socket.destroy();
      this.#server.close(() => resolve());
    });
    return this.#closing;
  }

  #connected(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    const link = new SocketLink(socket);
    if (this.#closing) return void socket.destroy();
    if (this.#current === undefined) return this.#serve(link);
    socket.pause(); // its bytes wait in the socket until it is served
    const waiting: Waiting = {
      socket, link,
      timer: setTimeout(() => {
        this.#drop(waiting);
        this.#log(`refused ${link.description}: ${this.#current?.description ?? 'another client'} is connected (one client at a time)`);
        socket.end(BUSY_MESSAGE);
        setTimeout(() => socket.destroy(), 500).unref();
      }, this.#options.handoverMs ?? 1000),
    };
    this.#waiting.push(waiting);
    link.onClose(() => this.#drop(waiting));
  }

  #serve(link: SocketLink): void {
    this.#current = link;
    this.#log(`client connected: ${link.description}`);
    link.onClose((reason) => {
      if (this.#current === link) this.#current = undefined;
      if (!this.#closing) this.#log(`client disconnected: ${link.description} (${reason})`);
      this.#next();
    });
    this.#options.onClient(link);
  }

  /** Serve the longest-waiting client, if any. */
  #next(): void {
    const waiting = this.#waiting.shift();
    if (waiting === undefined || this.#closing) return;
    clearTimeout(waiting.timer);
    this.#serve(waiting.link);
    waiting.socket.resume();
  }

  #drop(waiting: Waiting): void {
    clearTimeout(waiting.timer);
    const i = this.#waiting.indexOf(waiting);
    if (i >= 0) this.#waiting.splice(i, 1);
  }

  #log(line: string): void {
    this.#options.log?.(line);
  }
}
