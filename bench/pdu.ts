/**
 * `pistack pdu` figures, through `pistack serve --pty` (a child process, paced like a 9600 8N1
 * wire) and `node bin/pistack.js pdu` as another child on the PTY, driven over HTTP on
 * 127.0.0.1 by node:http clients with keep-alive:
 *
 * - power-on request to answer: PUT 1 to /boards/0/pis/P/power (PI_ON, then GET_PI_POWERED to
 *   answer with the state), median and p99 over N requests, each Pi forced off between them.
 *   Bus-bound: the floor is the two exchanges' wire time (8 + 10 bytes) plus two reply delays.
 * - /metrics requests per second under 16 concurrent clients for D seconds, with the default
 *   1 s snapshot age (a scrape that finds the snapshot stale waits for one bus read of all 16
 *   boards, which every concurrent scrape shares); also the time of one such bus read.
 *
 * Run: `npx tsx bench/pdu.ts [--json] [--requests N] [--seconds D] [--clients C]`. Figures only.
 */
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { BYTE_TIME_9600_MS } from '../bus-protocol/FrameParser.ts';
import { startServeChild } from '../hil/serve/testing/hostSide.ts';
import { startPduChild } from '../cli/pdu/testing/pduChild.ts';

const BIN = resolve(fileURLToPath(import.meta.url), '../../bin/pistack.js');
/** PI_ON (4 request + 4 reply bytes) and GET_PI_POWERED (4 + 5) on the wire, ms. */
const FLOOR_WIRE_MS = (8 + 9) * BYTE_TIME_9600_MS;

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function http(url: string, method = 'GET', body?: string): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const req = request(url, { method, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => done({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, requests: { type: 'string', default: '60' }, seconds: { type: 'string', default: '10' }, clients: { type: 'string', default: '16' } } });
  const requests = Number(values.requests);
  const seconds = Number(values.seconds);
  const clients = Number(values.clients);
  const dir = mkdtempSync(join(tmpdir(), 'pistack-bench-pdu-'));
  const link = join(dir, 'ttyPDU');
  const server = startServeChild(BIN, ['--pty', link]);
  let pdu: ReturnType<typeof startPduChild> | undefined;
  try {
    await server.started;
    // 200 ms reply allowance: the machine is loaded; a timeout changes no figure of a reply that comes
    pdu = startPduChild(BIN, ['--port', link, '--reply-timeout', '200', '--listen', '127.0.0.1:0']);
    const url = await pdu.ready;
    const onMs: number[] = [];
    for (let i = 0; i < requests + 5; i++) {
      const power = `${url}/boards/0/pis/${i % 2}/power`;
      const t0 = performance.now();
      const on = await http(power, 'PUT', '1');
      const took = performance.now() - t0;
      if (on.status !== 200 || on.text !== '1') throw new Error(`PUT 1 answered ${on.status} ${on.text}`);
      if (i >= 5) onMs.push(took); // the first few warm up both processes
      await http(`${power}?mode=force`, 'PUT', '0');
    }
    onMs.sort((a, b) => a - b);

    const first = await http(`${url}/metrics`);
    const readSeconds = Number(/\npistack_scrape_read_seconds (\S+)\n/.exec(first.text)?.[1]);
    let done = 0;
    let reads = 0;
    let oldest = 0;
    const latencies: number[] = [];
    const end = performance.now() + seconds * 1000;
    const seen = new Set<string>();
    await Promise.all(Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const got = await http(`${url}/metrics`);
        latencies.push(performance.now() - t0);
        if (got.status !== 200) throw new Error(`/metrics answered ${got.status}`);
        const stamp = /\npistack_scrape_read_seconds (\S+)\n/.exec(got.text)?.[1] ?? '';
        if (!seen.has(stamp)) (seen.add(stamp), reads++);
        oldest = Math.max(oldest, Number(/\npistack_readings_age_seconds (\S+)\n/.exec(got.text)?.[1]));
        done++;
      }
    }));
    latencies.sort((a, b) => a - b);
    const figures = {
      powerOn: { requests, medianMs: quantile(onMs, 0.5), p99Ms: quantile(onMs, 0.99), maxMs: onMs[onMs.length - 1]!, floorMs: FLOOR_WIRE_MS + 2 * V4_REFERENCE.bus.replyDelayMs },
      metrics: { clients, seconds, requestsPerSecond: done / seconds, medianMs: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), busReads: reads, oneBusReadS: readSeconds, oldestReadingsS: oldest },
    };
    if (values.json) {
      console.log(JSON.stringify(figures, null, 2));
    } else {
      const f = figures;
      console.log(`power-on request to answer (PUT 1, PI_ON + GET_PI_POWERED through the paced PTY): median ${f.powerOn.medianMs.toFixed(1)} ms, p99 ${f.powerOn.p99Ms.toFixed(1)} ms, max ${f.powerOn.maxMs.toFixed(1)} ms over ${requests} (bus floor ${f.powerOn.floorMs.toFixed(1)} ms)`);
      console.log(`/metrics under ${clients} concurrent clients for ${seconds} s: ${f.metrics.requestsPerSecond.toFixed(0)} requests/s, median ${f.metrics.medianMs.toFixed(1)} ms, p99 ${f.metrics.p99Ms.toFixed(0)} ms; ${reads} distinct bus reads of 16 boards seen (one read ${f.metrics.oneBusReadS.toFixed(2)} s), oldest readings served ${oldest.toFixed(1)} s old`);
    }
  } finally {
    agent.destroy();
    pdu?.child.kill('SIGTERM');
    await pdu?.exited;
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
