/**
 * Host latency over RFC 2217, next to the PTY it is compared with (figures only, no assertions):
 *
 * - GET_VIN round trip, median and p99, three ways to the same kind of served stack:
 *   `serve --pty` through a PTY (SerialTransport, as bench/latency.ts), Debian's ser2net
 *   exporting that PTY as rfc2217:// (the lab setup: a host next to the bench), and
 *   `serve --rfc2217` directly.
 * - scan of IDs 0..254 and 0..15 over both RFC 2217 paths (the client's default reply timeout).
 * Round trips use a 1 s reply allowance, so one late reply on a loaded machine is a slow sample,
 * not a cascade of answers to the wrong request; failed requests are counted, not timed.
 *
 * Floor of a GET_VIN round trip: wire 10.4 ms (4 + 6 bytes at 1.0417 ms) + reply delay 2 ms.
 * Run: `npx tsx bench/rfc2217.ts [--json] [--requests N] [--no-scan]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { DEFAULT_SEED } from '../board-model/scenario.ts';
import { DEFAULT_STACK } from '../board-model/stack.ts';
import { BYTE_TIME_9600_MS } from '../bus-protocol/FrameParser.ts';
import { StackClient } from '../bus-protocol/StackClient.ts';
import { openPort } from '../hil/ports.ts';
import { startSer2net } from '../hil/rfc2217/testing/ser2net.ts';
import { serve, type ServeEndpoint } from '../hil/serve/serve.ts';
import { alignedRows } from './benchKit.ts';
import { quantile, timed } from './latency.ts';

/** Figures of one path; times in ms. */
export interface PathFigures {
  readonly path: string;
  readonly medianMs: number;
  readonly p99Ms: number;
  /** Requests that failed (no reply, or a board error from a request split on a loaded machine); not in the figures. */
  readonly failures: number;
  readonly scan255Ms: number | undefined;
  readonly scan255Found: number | undefined;
  readonly scan16Ms: number | undefined;
  readonly scan16Found: number | undefined;
  /** `scan --no-firmware` of 0..15 (one question per ID). */
  readonly quick16Ms: number | undefined;
  readonly quick16Found: number | undefined;
}

const SCENARIO = { name: 'bench', description: '', stack: DEFAULT_STACK, profile: V4_REFERENCE, seed: DEFAULT_SEED, durationMs: 0, steps: [], expect: [] };

/**
 * GET_VIN round trips (ms, sorted) after a few warm-up requests, and how many failed: a loaded
 * machine can split a request across reads late enough for the board to see a gap (error 0x10).
 */
async function roundTrips(client: StackClient, count: number): Promise<{ times: number[]; failures: number }> {
  const times: number[] = [];
  let failures = 0;
  for (let i = 0; i < count + 10; i++) {
    const t0 = performance.now();
    try {
      await client.request('GET_VIN', i % 16);
      if (i >= 10) times.push(performance.now() - t0);
    } catch {
      failures++;
    }
  }
  return { times: times.sort((a, b) => a - b), failures };
}

/** Round trips (and scans, on a second connection with the default reply timeout) through the link `spec`. */
async function measure(path: string, spec: string, requests: number, scans: boolean): Promise<PathFigures> {
  const { times, failures } = await withClient(spec, 1000, (client) => roundTrips(client, requests));
  const scan255 = scans ? await withClient(spec, undefined, (client) => timed(() => client.scan({ from: 0, to: 254 }))) : undefined;
  const scan16 = scans ? await withClient(spec, undefined, (client) => timed(() => client.scan({ from: 0, to: 15 }))) : undefined;
  const quick16 = scans ? await withClient(spec, undefined, (client) => timed(() => client.scan({ from: 0, to: 15, firmware: false }))) : undefined;
  return {
    path, medianMs: quantile(times, 0.5), p99Ms: quantile(times, 0.99), failures,
    scan255Ms: scan255?.ms, scan255Found: scan255?.value.found.length, scan16Ms: scan16?.ms, scan16Found: scan16?.value.found.length,
    quick16Ms: quick16?.ms, quick16Found: quick16?.value.found.length,
  };
}

/** Open `spec`, run `work` with a client (reply timeout in ms, or the client's default), close. */
async function withClient<T>(spec: string, replyTimeoutMs: number | undefined, work: (client: StackClient) => Promise<T>): Promise<T> {
  const port = await openPort(spec);
  const client = new StackClient(port.transport, { clock: port.clock, ...(replyTimeoutMs === undefined ? {} : { replyTimeoutMs }) });
  try {
    return await work(client);
  } finally {
    await client.close();
    await port.close();
  }
}

/** Serve the default stack on `endpoint`, run `work` against it, stop. */
async function served<T>(endpoint: ServeEndpoint, work: (address: string) => Promise<T>): Promise<T> {
  const server = await serve({ endpoint, scenario: SCENARIO });
  try {
    return await work(server.address);
  } finally {
    await server.stop();
  }
}

/** Measure the three paths in turn (one served stack at a time). */
export async function measureRfc2217(options: { requests: number; scans: boolean }): Promise<PathFigures[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pistack-bench-rfc2217-'));
  try {
    const pty = await served({ kind: 'pty', path: join(dir, 'ttyBENCH') }, async (address) => {
      const direct = await measure('PTY (serve --pty)', address, options.requests, false);
      const ser2net = await startSer2net(address);
      try {
        return [direct, await measure('ser2net RFC 2217 -> PTY', ser2net.url, options.requests, options.scans)];
      } finally {
        await ser2net.stop();
      }
    });
    const own = await served({ kind: 'rfc2217', host: '127.0.0.1', port: 0 }, (address) => measure('serve --rfc2217', address, options.requests, options.scans));
    return [...pty, own];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures as an aligned table. */
export function rfc2217Table(figures: readonly PathFigures[]): string[] {
  const floor = 10 * BYTE_TIME_9600_MS + V4_REFERENCE.bus.replyDelayMs;
  const rows: Array<[string, string, string]> = [];
  for (const f of figures) {
    rows.push([`GET_VIN round trip, ${f.path}`, `${f.medianMs.toFixed(2)} ms`, `median; p99 ${f.p99Ms.toFixed(2)} ms; floor ${floor.toFixed(1)} ms${f.failures ? `; ${f.failures} failed` : ''}`]);
    if (f.scan255Ms !== undefined) rows.push([`scan 0..254, ${f.path}`, `${(f.scan255Ms / 1000).toFixed(2)} s`, `${f.scan255Found} found; goal <= 8 s`]);
    if (f.scan16Ms !== undefined) rows.push([`scan 0..15, ${f.path}`, `${(f.scan16Ms / 1000).toFixed(3)} s`, `${f.scan16Found} found; two questions per board`]);
    if (f.quick16Ms !== undefined) rows.push([`scan 0..15 --no-firmware, ${f.path}`, `${(f.quick16Ms / 1000).toFixed(3)} s`, `${f.quick16Found} found; goal <= 0.3 s`]);
  }
  return alignedRows(rows);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, requests: { type: 'string' }, 'no-scan': { type: 'boolean' } } });
  const requests = values.requests === undefined ? 200 : Number(values.requests);
  if (!Number.isInteger(requests) || requests < 1) throw new Error(`--requests must be a positive integer, got ${values.requests}`);
  const figures = await measureRfc2217({ requests, scans: !values['no-scan'] });
  if (values.json) console.log(JSON.stringify(figures, null, 2));
  else console.log(rfc2217Table(figures).join('\n'));
}
