/**
 * Several stations on one host, in real time: two `pistack bench` processes on two served PTYs
 * at once keep all six reports, distinct, each naming its own port; a second program on a port
 * already held is refused naming the holder's PID and command; `pistack ports` shows the port
 * in use and by what; the lock goes with its holder. Children are stopped by their own PIDs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { DEFAULT_SEED, type Scenario } from '../board-model/scenario.ts';
import { DEFAULT_STACK } from '../board-model/stack.ts';
import { serve, type ServeHandle } from '../hil/serve/serve.ts';
import { startPduChild } from './pdu/testing/pduChild.ts';
import { cli } from './testing/runCli.ts';

const BIN = resolve(fileURLToPath(import.meta.url), '../../bin/pistack.js');
const dir = mkdtempSync(join(tmpdir(), 'pistack-stations-'));
/** A generous reply allowance: the machine is loaded, and a reply late by scheduling is not what these tests are about. */
const SLACK = ['--reply-timeout', '1000'];
const SCENARIO: Scenario = { name: 'station', description: '', stack: DEFAULT_STACK, profile: V4_REFERENCE, seed: DEFAULT_SEED, durationMs: 0, steps: [], expect: [] };
const PLAN = {
  format: 'pistack-bench-plan', version: 1, name: 'station-check',
  steps: [
    { name: 'identity', do: 'identity', gate: true, title: 'Answers at its DIP ID' },
    { name: 'input.voltage', do: 'read', command: 'GET_VIN', limits: { low: 11, high: 13, unit: 'V' }, title: 'Input voltage' },
    { name: 'rail.voltage', do: 'read', command: 'GET_5V', limits: { low: 4.8, high: 5.3, unit: 'V' }, title: 'Rail voltage' },
  ],
};

function runBin(args: string[], timeoutMs = 120_000): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => (child.kill('SIGKILL'), fail(new Error(`pistack ${args[0]} did not finish in ${timeoutMs} ms: ${out} ${err}`))), timeoutMs);
    child.once('exit', (code) => (clearTimeout(timer), done({ code, out, err })));
  });
}

async function twoStations(): Promise<{ links: [string, string]; stop(): Promise<void> }> {
  const servers: ServeHandle[] = [];
  try {
    for (const name of ['ttyA', 'ttyB']) servers.push(await serve({ endpoint: { kind: 'pty', path: join(dir, name) }, scenario: SCENARIO }));
  } catch (e) {
    for (const s of servers) await s.stop();
    throw e;
  }
  return { links: [servers[0]!.address, servers[1]!.address], stop: async () => void (await Promise.all(servers.map((s) => s.stop()))) };
}

test('two bench runs on two served PTYs at once: both PASS, all six reports kept and distinct, each naming its own port', async () => {
  const stations = await twoStations();
  try {
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify(PLAN));
    const reports = join(dir, 'reports');
    const runs = await Promise.all(stations.links.map((link) => runBin(['bench', '--port', link, ...SLACK, '--id', '3', '--no-prompt', '--plan', plan, '--serial', 'SN-SAME', '--report', reports, '--json'])));
    for (const run of runs) assert.is(run.code, 0, run.err);
    const files = readdirSync(reports).sort();
    assert.is(files.length, 6, files.join(' '));
    const ports = files.filter((f) => f.endsWith('.json')).map((f) => (JSON.parse(readFileSync(join(reports, f), 'utf8')) as { port: string }).port).sort();
    assert.equal(ports, stations.links.map((l) => `${l} @ 9600 baud`).sort());
    const claimed = runs.map((r) => (JSON.parse(r.out) as { reports: { json: string } }).reports.json);
    assert.is(new Set(claimed).size, 2, 'each run names its own report');
  } finally {
    await stations.stop();
  }
});

test('a port already held (pistack pdu on it): a second program is refused naming the PID and command; ports shows it in use; released when the holder stops', async () => {
  const stations = await twoStations();
  const [link] = stations.links;
  const pdu = startPduChild(BIN, ['--port', link, ...SLACK, '--listen', '127.0.0.1:0', '--range', '3-3']);
  try {
    await pdu.ready;
    const pid = pdu.child.pid!;
    const status = await cli('status', '--port', link, ...SLACK, '--id', '3');
    assert.is(status.code, 1);
    assert.match(status.err, new RegExp(`^error: ${link.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by PID ${pid} \\(.*pistack\\.js pdu --port .*\\); lock file /\\S+/LCK\\.\\.pts_\\d+\\n$`));
    const bench = await runBin(['bench', '--port', link, ...SLACK, '--id', '3', '--no-prompt', '--report', join(dir, 'never')]);
    assert.is(bench.code, 1);
    assert.match(bench.err, new RegExp(`is in use by PID ${pid} `));
    const ports = await cli('ports', '--json');
    assert.is(ports.code, 0, ports.err);
    const held = (JSON.parse(ports.out) as Array<{ path: string; inUse: { pid: number; command: string | null } | null }>).find((p) => p.path === realpathSync(link));
    assert.ok(held, ports.out);
    assert.is(held!.inUse!.pid, pid);
    assert.match(held!.inUse!.command ?? '', /pistack\.js pdu/);
    const text = await cli('ports');
    assert.match(text.out, new RegExp(`in use, not listed above: ${realpathSync(link)} by PID ${pid} \\(`));
  } finally {
    pdu.child.kill('SIGTERM');
  }
  try {
    assert.is(await pdu.exited, 0, pdu.err());
    const after = await cli('status', '--port', link, ...SLACK, '--id', '3', '--json');
    assert.is(after.code, 0, `the lock went with its holder: ${after.err}`);
  } finally {
    await stations.stop();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
