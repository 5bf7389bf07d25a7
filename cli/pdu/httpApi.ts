/**
 * The HTTP face of `pistack pdu` (node:http, no framework), labgrid's NetworkPowerPort model
 * `rest`: GET /boards/{id}/pis/{pi}/power answers `1` or `0`; PUT there with the body `1` or `0`
 * switches (`?mode=force` for PI_FORCE_OFF instead of the graceful PI_OFF). Also GET /boards,
 * GET /boards/{id} (the `status` command's JSON) and GET /metrics (Prometheus text format).
 * Errors are one line of text: 400 bad body or query, 404 bad path or board, 405 bad method,
 * 502 the board answered badly or not at all, 503 the bus is lost, 504 a graceful off timed out.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { BoardError, CrcError, DisconnectedError, MalformedReplyError, NoReplyError } from '../../bus-protocol/errors.ts';
import { CommandNotInFirmwareError } from '../../bus-protocol/firmwareRelease.ts';
import { listenHttp } from '../../web/node/server.ts';
import { PI_SETTINGS, SETTINGS } from '../settings.ts';
import { PduError, type PduService } from './PduService.ts';
import { PROMETHEUS_CONTENT_TYPE, metricsText } from './prometheusText.ts';

/** Longest request body read, bytes: a power body is one character. */
export const MAX_BODY_BYTES = 64;

/** A running pdu HTTP server. */
export interface PduServer {
  /** Base URL, e.g. http://127.0.0.1:8080/ */
  readonly url: string;
  readonly port: number;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

/** What the server tells its owner: one line per switch and per failure. */
export type PduLog = (line: string) => void;

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

const TEXT = 'text/plain; charset=utf-8';
const HELP = [
  'pistack pdu: the Pi Stack as a power switch',
  'GET  /boards                       boards found at start (JSON)',
  'GET  /boards/{id}                  everything `pistack status` reads (JSON)',
  'GET  /boards/{id}/pis/{pi}/power   1 (powered) or 0',
  'PUT  /boards/{id}/pis/{pi}/power   body 1 (PI_ON) or 0 (graceful PI_OFF; ?mode=force for PI_FORCE_OFF)',
  'GET  /metrics                      Prometheus text format',
  '',
].join('\n');

/** Parse a path segment as a board ID (decimal 0..254) or Pi (0, 1); undefined when it is not one. */
function index(text: string, max: number): number | undefined {
  if (!/^\d{1,3}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

function allow(method: string | undefined, allowed: readonly string[]): void {
  if (!allowed.includes(method ?? '')) throw new HttpError(405, `${method} is not allowed here; use ${allowed.join(' or ')}`, { allow: allowed.join(', ') });
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_BODY_BYTES) throw new HttpError(400, `the body must be 1 (on) or 0 (off), got more than ${MAX_BODY_BYTES} bytes`);
  }
  return body;
}

/** The body of a PUT: `1` or `0`, a trailing newline allowed. */
export function parsePowerBody(body: string): boolean {
  const t = body.replace(/\r?\n$/, '');
  if (t === '1' || t === '0') return t === '1';
  throw new HttpError(400, `the body must be 1 (on) or 0 (off), got ${JSON.stringify(body.slice(0, 20))}`);
}

function powerMode(query: URLSearchParams): 'graceful' | 'force' {
  for (const key of query.keys()) if (key !== 'mode') throw new HttpError(400, `unknown query parameter "${key}"; only "mode" (graceful or force)`);
  const mode = query.get('mode') ?? 'graceful';
  if (mode !== 'graceful' && mode !== 'force') throw new HttpError(400, `"mode" must be graceful or force, got ${JSON.stringify(mode)}`);
  return mode;
}

async function route(service: PduService, req: IncomingMessage, res: ServerResponse, portSpec: string, log: PduLog): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://pdu');
  const parts = url.pathname.split('/').filter((p, i) => i > 0 || p !== '');
  const send = (status: number, type: string, body: string): void => void res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  const json = (value: unknown) => send(200, 'application/json; charset=utf-8', `${JSON.stringify(value, null, 2)}\n`);
  if (url.pathname === '/') return (allow(req.method, ['GET']), send(200, TEXT, HELP));
  if (url.pathname === '/metrics') return (allow(req.method, ['GET']), send(200, PROMETHEUS_CONTENT_TYPE, metricsText(await service.metrics())));
  if (parts[0] !== 'boards' || parts.length === 3 || parts.length > 5 || parts.includes('')) throw new HttpError(404, `no such path: ${url.pathname} (GET / lists the paths)`);
  if (parts.length === 1) return (allow(req.method, ['GET']), json({ port: portSpec, boards: service.boards }));
  const id = index(parts[1]!, 0xfe);
  if (id === undefined) throw new HttpError(404, `no such board: "${parts[1]}" (IDs are 0..254)`);
  if (parts.length === 2) {
    allow(req.method, ['GET']);
    const settingUnits = Object.fromEntries(PI_SETTINGS.map((n) => [n, SETTINGS[n].unit]));
    return json({ port: portSpec, ...(await service.status(id)), settingUnits });
  }
  const pi = parts[2] === 'pis' && parts[4] === 'power' ? index(parts[3]!, 1) : undefined;
  if (pi === undefined) throw new HttpError(404, `no such path: ${url.pathname} (a Pi is /boards/{id}/pis/{0 or 1}/power)`);
  allow(req.method, ['GET', 'PUT']);
  if (req.method === 'GET') return send(200, TEXT, (await service.getPower(id, pi as 0 | 1)) ? '1' : '0');
  const mode = powerMode(url.searchParams);
  const on = parsePowerBody(await readBody(req));
  const result = await service.setPower(id, pi as 0 | 1, on, mode);
  log(`board ${id} Pi ${pi}: ${on ? 'on' : mode === 'force' ? 'forced off' : 'off'}, powered ${result.powered ? 1 : 0} after ${Math.round(result.tookMs)} ms`);
  send(200, TEXT, result.powered ? '1' : '0');
}

/** The HTTP status and one-line reason for an error a request ended with. */
export function errorStatus(e: unknown): { status: number; message: string } {
  if (e instanceof HttpError || e instanceof PduError) return { status: e.status, message: e.message };
  if (e instanceof DisconnectedError) return { status: 503, message: `the bus is lost: ${e.detail}` };
  if (e instanceof NoReplyError || e instanceof CrcError || e instanceof MalformedReplyError || e instanceof BoardError || e instanceof CommandNotInFirmwareError) {
    return { status: 502, message: e.message };
  }
  return { status: 500, message: `internal error: ${e instanceof Error ? e.message : String(e)}` };
}

function handle(service: PduService, portSpec: string, log: PduLog) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    route(service, req, res, portSpec, log).catch((e: unknown) => {
      const { status, message } = errorStatus(e);
      if (status >= 500) log(`${req.method} ${req.url}: ${status} ${message}`);
      if (res.headersSent) return void res.destroy();
      const headers = e instanceof HttpError ? e.headers : {};
      res.writeHead(status, { 'content-type': TEXT, 'cache-control': 'no-store', ...headers }).end(`${message.split('\n')[0]}\n`);
    });
  };
}

/** Serve `service` on host:port (port 0 picks a free one); rejects with ListenError naming the address. */
export function servePdu(service: PduService, options: { host: string; port: number; portSpec: string; log?: PduLog }): Promise<PduServer> {
  const { host, port, portSpec, log = () => undefined } = options;
  return listenHttp(createServer(handle(service, portSpec, log)), host, port, '"--listen": ');
}
