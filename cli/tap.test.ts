/**
 * `pistack tap`: option errors in-process; the server going away ends an in-process tap with
 * exit 1 and a "disconnected" trailer; and one real run of bin/pistack.js as a child in front of
 * `pistack serve --tcp`: a host program talks through the PTY, SIGINT stops the tap with exit 0,
 * an "interrupted" trailer, and the link removed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { DEFAULT_SEED } from '../board-model/scenario.ts';
import { DEFAULT_STACK } from '../board-model/stack.ts';
import { encodeRequest } from '../bus-protocol/frame.ts';
import { serve, type ServeHandle } from '../hil/serve/serve.ts';
import { ByteCollector, hex, waitUntil } from '../hil/serve/testing/hostSide.ts';
import { parseSession } from '../hil/session/sessionFormat.ts';
import { cli } from './testing/runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-tap-cli-'));
const BIN = resolve(fileURLToPath(import.meta.url), '../../bin/pistack.js');

function serveTcp(): Promise<ServeHandle> {
  return serve({
    endpoint: { kind: 'tcp', host: '127.0.0.1', port: 0 },
    scenario: { name: 'tap', description: '', stack: DEFAULT_STACK, profile: V4_REFERENCE, seed: DEFAULT_SEED, durationMs: 0, steps: [], expect: [] },
  });
}

test('tap: --port, --pty and --out are required; sim: is refused with a hint', async () => {
  const missing = await cli('tap', '--port', 'tcp://127.0.0.1:5000', '--out', join(dir, 'x.jsonl'));
  assert.is(missing.code, 1);
  assert.match(missing.err, /missing "--pty": where to link the PTY/);
  const sim = await cli('tap', '--port', 'sim:', '--pty', join(dir, 'tty'), '--out', join(dir, 'x.jsonl'));
  assert.is(sim.code, 1);
  assert.match(sim.err, /tap needs a real link .* run `pistack serve --tcp :5000` and tap tcp:\/\/127\.0\.0\.1:5000/);
  assert.not.ok(existsSync(join(dir, 'x.jsonl')));
});

test('tap --out: an existing file is refused naming --overwrite, which exists and allows replacing it', async () => {
  const existing = join(dir, 'existing.jsonl');
  writeFileSync(existing, 'keep');
  const refused = await cli('tap', '--port', 'tcp://127.0.0.1:9', '--pty', join(dir, 'ttyNEVER'), '--out', existing);
  assert.is(refused.code, 1);
  assert.match(refused.err, /^error: "--out": cannot record to .*existing\.jsonl: the file already exists; pass --overwrite to replace it\n$/);
  assert.is(readFileSync(existing, 'utf8'), 'keep');
  const replaced = await cli('tap', '--port', 'tcp://127.0.0.1:9', '--pty', join(dir, 'ttyNEVER'), '--out', existing, '--overwrite');
  assert.is(replaced.code, 1, 'port 9 is closed');
  assert.not.match(replaced.err, /unknown option/);
  assert.match(readFileSync(existing, 'utf8'), /^\{"format":"pistack-session"/);
});

test('tap in-process: the server going away ends it with exit 1 and a "disconnected" trailer', async () => {
  const server = await serveTcp();
  const out = join(dir, 'gone.jsonl');
  const link = join(dir, 'ttyGONE');
  const running = cli('tap', '--port', server.address, '--pty', link, '--out', out);
  await waitUntil(() => existsSync(link), 5000, 'the PTY link');
  await server.stop();
  // Bounded: if the tap did not notice, stop it the way Ctrl-C would (its handler listens for 'SIGINT').
  const timer = setTimeout(() => process.emit('SIGINT', 'SIGINT'), 5000);
  const r = await running.finally(() => clearTimeout(timer));
  assert.is(r.code, 1, `${r.out}${r.err}`);
  assert.match(r.out, /^tapping tcp:\/\/127\.0\.0\.1:\d+: open .*ttyGONE at 9600 8N1 instead of the adapter; recording to .*gone\.jsonl\n/);
  assert.match(r.out, /stopped \(disconnected: connection closed by the server\)/);
  assert.match(r.err, /error: the bus link went away: connection closed by the server/);
  assert.is(parseSession(readFileSync(out, 'utf8'), out).end?.end, 'disconnected');
  assert.not.ok(existsSync(link));
});

test('bin/pistack.js tap: a host talks through the PTY; SIGINT stops it with exit 0 and an "interrupted" trailer', async () => {
  const server = await serveTcp();
  const out = join(dir, 'tap.jsonl');
  const link = join(dir, 'ttyTAP');
  const child = spawn(process.execPath, [BIN, 'tap', '--port', server.address, '--pty', link, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    await waitUntil(() => /Ctrl-C or SIGTERM stops/.test(stdout) || child.exitCode !== null, 10_000, `the start-up line (${stdout}${stderr})`);
    const port = new SerialPort({ path: link, baudRate: 9600, autoOpen: false });
    await new Promise<void>((ok, no) => port.open((e) => (e ? no(e) : ok())));
    const rx = new ByteCollector();
    port.on('data', (d: Buffer) => rx.push(d));
    port.write(Buffer.from(encodeRequest('GET_SW_VERSION', 3)));
    await rx.waitForBytes(5, 2000);
    assert.is(hex(rx.bytes), '00 FF 04 04 88');
    await new Promise<void>((ok) => port.close(() => ok()));
  } finally {
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000); // bounded: never leave a tap behind
    await exited.finally(() => (clearTimeout(killer), server.stop()));
  }
  assert.is(child.exitCode, 0, stderr);
  assert.match(stdout, /stopped \(interrupted: SIGINT\); recorded 4 bytes host to bus, 5 bytes bus to host in /);
  const session = parseSession(readFileSync(out, 'utf8'), out);
  assert.equal(session.events.map((e) => e.note), ['GET_SW_VERSION to 3', 'OK version=4']);
  assert.equal(session.end && [session.end.end, session.end.reason], ['interrupted', 'SIGINT']);
  assert.not.ok(existsSync(link), 'socat removed the link');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
