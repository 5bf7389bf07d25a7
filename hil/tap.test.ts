/**
 * The recording tap between a PTY and a real link, here `pistack serve --tcp` on 127.0.0.1:
 * a host program writes to the PTY and gets the board's reply, the session file holds both
 * directions, and every way of ending writes its trailer (stop: interrupted, server gone:
 * disconnected, a start that fails: error), with socat killed and the link removed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { DEFAULT_SEED } from '../board-model/scenario.ts';
import { DEFAULT_STACK } from '../board-model/stack.ts';
import { encodeOkResponse, encodeRequest } from '../bus-protocol/frame.ts';
import { serve, type ServeHandle } from './serve/serve.ts';
import { ByteCollector, hex } from './serve/testing/hostSide.ts';
import { parseSession } from './session/sessionFormat.ts';
import { TapError, startTap } from './tap.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-tap-'));
let n = 0;
const fresh = (name: string) => join(dir, `${name}-${++n}`);

function serveTcp(): Promise<ServeHandle> {
  return serve({
    endpoint: { kind: 'tcp', host: '127.0.0.1', port: 0 },
    scenario: { name: 'tap', description: '', stack: DEFAULT_STACK, profile: V4_REFERENCE, seed: DEFAULT_SEED, durationMs: 0, steps: [], expect: [] },
  });
}

/** Open the PTY link as a host program would, send one request, wait for `replyBytes` bytes. */
async function ask(path: string, request: Uint8Array, replyBytes: number): Promise<string> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((ok, no) => port.open((e) => (e ? no(e) : ok())));
  try {
    const rx = new ByteCollector();
    port.on('data', (d: Buffer) => rx.push(d));
    port.write(Buffer.from(request));
    await rx.waitForBytes(replyBytes, 2000);
    return hex(rx.bytes);
  } finally {
    await new Promise<void>((ok) => port.close(() => ok()));
  }
}

/** Assert that `work` rejects with a message matching `pattern`; returns the error. */
async function rejects(work: () => Promise<unknown>, pattern: RegExp): Promise<unknown> {
  try {
    await work();
  } catch (e) {
    assert.match((e as Error).message, pattern);
    return e;
  }
  return assert.unreachable(`expected a rejection matching ${pattern}`);
}

function socatGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

test('a host on the PTY gets the board\'s reply; both directions are recorded; stop() ends with "interrupted"', async () => {
  const server = await serveTcp();
  const out = fresh('session.jsonl');
  try {
    const tap = await startTap({ device: server.address, pty: fresh('ttyTAP'), out });
    assert.is(await ask(tap.path, encodeRequest('GET_SW_VERSION', 3), 5), '00 FF 04 04 88');
    assert.is(await ask(tap.path, encodeRequest('GET_HBT_TIME', 3, { pi: 1 }), 5), hex(encodeOkResponse('GET_HBT_TIME', { value: 15 })));
    const outcome = await tap.stop('interrupted', 'SIGINT');
    assert.equal(outcome, { end: 'interrupted', reason: 'SIGINT' });
    assert.equal(tap.stats, { hostBytes: 9, busBytes: 10, hostChunks: 2, busChunks: tap.stats.busChunks });
    const session = parseSession(readFileSync(out, 'utf8'), out);
    assert.is(session.header.port, server.address);
    assert.is(session.header.clock, 'wall');
    const notes = session.events.filter((e) => e.note !== undefined).map((e) => `${e.dir}: ${e.note}`);
    assert.equal(notes, ['host: GET_SW_VERSION to 3', 'bus: OK version=4', 'host: GET_HBT_TIME to 3 pi=1', 'bus: OK value=15']);
    assert.equal(session.end && { end: session.end.end, reason: session.end.reason }, { end: 'interrupted', reason: 'SIGINT' });
    assert.throws(() => lstatSync(tap.path), /ENOENT/, 'the link is removed');
    assert.ok(socatGone(tap.socatPid), 'socat is stopped');
  } finally {
    await server.stop();
  }
});

test('the link going away (server stopped, like an unplugged adapter) ends the file with "disconnected"', async () => {
  const server = await serveTcp();
  const out = fresh('session.jsonl');
  const tap = await startTap({ device: server.address, pty: fresh('ttyTAP'), out });
  assert.is(await ask(tap.path, encodeRequest('GET_ID', 7), 5), hex(encodeOkResponse('GET_ID', { id: 7 })));
  await server.stop();
  // Bounded: a tap that did not notice within 3 s is stopped (and the test fails on the trailer kind).
  const timer = setTimeout(() => void tap.stop('error', 'the tap did not notice within 3 s'), 3000);
  const outcome = await tap.done.finally(() => clearTimeout(timer));
  assert.is(outcome.end, 'disconnected');
  assert.match(outcome.reason, /closed by the server|reset by the server/);
  const session = parseSession(readFileSync(out, 'utf8'), out);
  assert.is(session.end?.end, 'disconnected');
  assert.is(session.events.length, 2);
  assert.not.ok(existsSync(tap.path), 'the link is removed');
  assert.ok(socatGone(tap.socatPid));
});

test('start failures: sim:, an existing file (left untouched), a missing device (file ends with "error")', async () => {
  await rejects(() => startTap({ device: 'sim:', pty: fresh('tty'), out: fresh('s.jsonl') }), /tap needs a real link/);
  const existing = fresh('kept.jsonl');
  writeFileSync(existing, 'precious\n');
  const error = await rejects(() => startTap({ device: '/dev/ttyUSB9', pty: fresh('tty'), out: existing }), /"--out": cannot record to .*: the file already exists/);
  assert.instance(error, TapError);
  assert.is(readFileSync(existing, 'utf8'), 'precious\n');
  const out = fresh('s.jsonl');
  const link = fresh('tty');
  await rejects(() => startTap({ device: join(dir, 'ttyNONE'), pty: link, out }), /no serial device at .*ttyNONE/);
  const session = parseSession(readFileSync(out, 'utf8'), out);
  assert.is(session.end?.end, 'error');
  assert.match(session.end?.reason ?? '', /no serial device/);
  assert.not.ok(existsSync(link), 'no PTY link left behind');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
