/**
 * The `pistack viz` web server: serves the built page's files from memory over HTTP, GET and
 * HEAD only, nothing else (the simulation runs in the browser). Binds to 127.0.0.1 unless
 * told otherwise, so the page is not exposed to the network by accident.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VizPage } from './buildPage.ts';

/** A running viz server. */
export interface VizServer {
  /** Where the page is, e.g. http://127.0.0.1:5173/ */
  readonly url: string;
  readonly port: number;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

/** Could not listen (port taken, address not local ...); the message names the address. */
export class ListenError extends Error {
  override name = 'ListenError';
}

function respond(page: VizPage, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('only GET and HEAD\n');
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname).replace(/^\/+/, '');
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('bad path\n');
    return;
  }
  const file = page.get(path === '' ? 'index.html' : path);
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: /${path}\n`);
    return;
  }
  const body = Buffer.from(file.body, 'utf8');
  res.writeHead(200, { 'content-type': file.type, 'content-length': body.length, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Serve `page` on host:port (port 0 picks a free one). */
export function serveVizPage(page: VizPage, host = '127.0.0.1', port = 0): Promise<VizServer> {
  return listenHttp(createServer((req, res) => respond(page, req, res)), host, port);
}

/**
 * Start `server` listening on host:port (port 0 picks a free one) and resolve with its URL and a
 * close that drops open connections; rejects with ListenError naming the address (and `option`,
 * e.g. `"--listen": `, in front) when it cannot listen.
 */
export function listenHttp(server: Server, host: string, port: number, option = ''): Promise<VizServer> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'the port is in use' : e.code === 'EADDRNOTAVAIL' ? 'the address is not on this machine' : e.code === 'EACCES' ? 'permission denied' : e.message;
      reject(new ListenError(`${option}cannot listen on ${host}:${port}: ${why}`));
    });
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${shown}:${address.port}/`,
        port: address.port,
        close: () => new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}
