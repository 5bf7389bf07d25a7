/**
 * Host latency through `pistack serve --pty` (the library serve() of hil/serve/serve.ts, paced
 * like a 9600 8N1 wire), with a real SerialTransport on the PTY link and the wall clock, exactly
 * as a host program on a USB adapter would talk to it:
 *
 * - GET_VIN round trip (request written to reply decoded), median and p99 over ~200 requests.
 *   The wire alone takes 10.4 ms (4-byte request + 6-byte reply at 1.0417 ms per byte) plus the
 *   board's reply delay (2 ms +-1 ms in the v4-reference profile); the target is within 3 ms of that.
 * - scan of IDs 0..254 (the whole bus; 0xFF is the master address) on the default 16-board stack:
 *   target under 15 s (the original host library needs at least 77 s: 0.3 s per ID).
 * - scan of IDs 0..15 (one stack): target under 0.5 s.
 * - peak memory of the serve side: `node bin/pistack.js serve --pty` run as a child under the
 *   same GET_VIN load and a 0..15 scan, its VmHWM read from /proc/PID/status.
 *
 * Run: `npx tsx bench/latency.ts [--json] [--requests N] [--no-child]`. Figures only, no assertions.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { serve } from '../hil/serve/serve.ts';
import { alignedRows, BIN, startServeChild } from './benchKit.ts';

/** Wire time of a GET_VIN exchange: 4 request bytes + 6 reply bytes, ms. */
const WIRE_MS = 10 * BYTE_TIME_9600_MS;

/** Figures of one run; times in ms, memory in MB. */
export interface LatencyFigures {
  readonly requests: number;
  readonly wireMs: number;
  readonly replyDelayMs: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly scan255Ms: number;
  readonly scan255Found: number;
  readonly scan16Ms: number;
  readonly scan16Found: number;
  /** Peak RSS of the separate serve process (VmHWM), MB; undefined with --no-child. */
  readonly servePeakRssMB: number | undefined;
  /** GET_VIN round trip through the separate serve process, median and p99, ms; undefined with --no-child. */
  readonly childMedianMs: number | undefined;
  /** Which CLI the child ran: 'dist' (built) or 'source' (tsx). */
  readonly childFrom: string | undefined;
  readonly childP99Ms: number | undefined;
  /** Peak RSS of this process (serve in-process plus the client), MB. */
  readonly benchPeakRssMB: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** GET_VIN round trips, ms each (sorted), after a few warm-up requests. */
export async function roundTrips(client: StackClient, count: number): Promise<number[]> {
  for (let i = 0; i < 10; i++) await client.request('GET_VIN', 0);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await client.request('GET_VIN', i % 16);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work();
  return { value, ms: performance.now() - t0 };
}

/** Run `node bin/pistack.js serve --pty` as a child, load it, and read its peak RSS (VmHWM, MB) and the round trips (ms, sorted). */
async function childServe(dir: string, requests: number): Promise<{ peakRssMB: number; times: number[]; from: string }> {
  const link = join(dir, 'ttyCHILD');
  // What a user runs: the built CLI when there is one (`npm run build`), else the sources through tsx.
  const from = existsSync(resolve(BIN, '../../dist/pistack.js')) ? 'dist' : 'source';
  const { child, stop } = await startServeChild(link, 15_000, { PISTACK_FROM: from });
  try {
    const port = await openPort(link);
    const client = new StackClient(port.transport, { clock: port.clock });
    const times = await roundTrips(client, requests);
    await client.scan({ from: 0, to: 15 });
    await client.close();
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1]);
    return { peakRssMB: kb / 1024, times, from };
  } finally {
    await stop();
  }
}

/** Measure everything; the serve side runs in-process for the latency and scan figures. */
export async function measureLatency(options: { requests: number; child: boolean }): Promise<LatencyFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'pistack-bench-latency-'));
  const server = await serve({
    endpoint: { kind: 'pty', path: join(dir, 'ttyBENCH') },
    scenario: { name: 'bench', description: '', stack: DEFAULT_STACK, profile: V4_REFERENCE, seed: DEFAULT_SEED, durationMs: 0, steps: [], expect: [] },
  });
  try {
    const port = await openPort(server.address);
    const client = new StackClient(port.transport, { clock: port.clock });
    const times = await roundTrips(client, options.requests);
    const scan255 = await timed(() => client.scan({ from: 0, to: 254 }));
    const scan16 = await timed(() => client.scan({ from: 0, to: 15 }));
    await client.close();
    await port.close();
    await server.stop();
    const child = options.child ? await childServe(dir, options.requests) : undefined;
    return {
      requests: options.requests, wireMs: WIRE_MS, replyDelayMs: V4_REFERENCE.bus.replyDelayMs,
      medianMs: quantile(times, 0.5), p99Ms: quantile(times, 0.99), maxMs: times[times.length - 1]!,
      scan255Ms: scan255.ms, scan255Found: scan255.value.found.length, scan16Ms: scan16.ms, scan16Found: scan16.value.found.length,
      servePeakRssMB: child?.peakRssMB, childMedianMs: child && quantile(child.times, 0.5), childFrom: child?.from, childP99Ms: child && quantile(child.times, 0.99),
      benchPeakRssMB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures as an aligned table with the targets. */
export function latencyTable(f: LatencyFigures): string[] {
  const ideal = f.wireMs + f.replyDelayMs;
  const rows: Array<[string, string, string]> = [
    ['GET_VIN round trip, median', `${f.medianMs.toFixed(2)} ms`, `wire ${f.wireMs.toFixed(1)} ms + reply delay ${f.replyDelayMs} ms = ${ideal.toFixed(1)} ms; target < ${(ideal + 3).toFixed(1)} ms`],
    ['GET_VIN round trip, p99', `${f.p99Ms.toFixed(2)} ms`, `max ${f.maxMs.toFixed(2)} ms over ${f.requests} requests`],
    ['GET_VIN, serve as a separate process', f.childMedianMs === undefined ? 'n/a' : `${f.childMedianMs.toFixed(2)} ms`, f.childP99Ms === undefined ? '' : `median; p99 ${f.childP99Ms.toFixed(2)} ms (node bin/pistack.js serve --pty, ${f.childFrom === 'dist' ? 'the built CLI' : 'from the sources through tsx'})`],
    ['scan IDs 0..254', `${(f.scan255Ms / 1000).toFixed(2)} s`, `${f.scan255Found} found; target < 15 s (original host library >= 77 s)`],
    ['scan IDs 0..15', `${(f.scan16Ms / 1000).toFixed(3)} s`, `${f.scan16Found} found; target < 0.5 s (original host library >= 4.8 s)`],
    ['serve process peak RSS (VmHWM)', f.servePeakRssMB === undefined ? 'n/a' : `${f.servePeakRssMB.toFixed(0)} MB`, 'node bin/pistack.js serve --pty, default stack, same load'],
    ['bench process peak RSS', `${f.benchPeakRssMB.toFixed(0)} MB`, 'serve() in-process plus the client'],
  ];
  return alignedRows(rows);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, requests: { type: 'string' }, 'no-child': { type: 'boolean' } } });
  const requests = values.requests === undefined ? 200 : Number(values.requests);
  if (!Number.isInteger(requests) || requests < 1) throw new Error(`--requests must be a positive integer, got ${values.requests}`);
  const figures = await measureLatency({ requests, child: !values['no-child'] });
  if (values.json) console.log(JSON.stringify(figures, null, 2));
  else console.log(latencyTable(figures).join('\n'));
}
