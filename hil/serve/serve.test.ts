/**
 * `serve` end to end, with real I/O: a socat PTY pair opened by an unmodified host through the
 * real serialport bindings, and a TCP socket on 127.0.0.1. The host behaves like the original
 * host library (write the request, read until 0.1 s of silence). Waits are for I/O events or
 * conditions, always bounded; the only long one is a 4 KiB flood taking its 4.3 s of 9600-baud
 * wire time. Every server is stopped, so the process exits.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { encodeOkResponse, encodeRequest } from '../../bus-protocol/frame.ts';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import type { Scenario } from '../../board-model/scenario.ts';
import { DEFAULT_STACK } from '../../board-model/stack.ts';
import { BUSY_MESSAGE, ServeError, serve, type ServeHandle, type ServeOptions } from './serve.ts';
import { StateError } from './StateStore.ts';
import { ByteCollector, hex, pathExists, processGone, seededBytes, waitUntil } from './testing/hostSide.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-serve-test-'));
const SCENARIO: Scenario = { name: 'test', description: '', stack: DEFAULT_STACK, profile: V4_REFERENCE, seed: 1, durationMs: 0, steps: [], expect: [] };
const SW_VERSION_3 = encodeRequest('GET_SW_VERSION', 3);
const SW_VERSION_REPLY = '00 FF 04 04 88';
/** A 4-byte request and a 5-byte reply on a 9600 8N1 wire (PROTOCOL.md section 1), ms. */
const WIRE_MS = (9 * 10 * 1000) / 9600;

/** What the host side needs: a way to write and the bytes it receives. */
interface Host {
  write(bytes: Uint8Array): void;
  rx: ByteCollector;
  close(): Promise<void>;
}

async function openPtyHost(path: string): Promise<Host> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  const rx = new ByteCollector();
  port.on('data', (chunk: Buffer) => rx.push(chunk));
  return {
    write: (bytes) => void port.write(Buffer.from(bytes)),
    rx,
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}

async function openTcpHost(port: number): Promise<Host & { socket: Socket }> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.setNoDelay(true);
  const rx = new ByteCollector();
  socket.on('data', (chunk) => rx.push(chunk));
  socket.on('error', () => undefined);
  return {
    socket, rx, write: (bytes) => void socket.write(bytes),
    close: () => new Promise<void>((resolve) => (socket.destroyed ? resolve() : (socket.once('close', () => resolve()), socket.destroy()))),
  };
}

/** One request the way the original host library does it: flush input, write, read until 0.1 s of silence. */
async function exchange(host: Host, request: Uint8Array, replyLength: number): Promise<{ reply: string; ms: number }> {
  host.rx.clear();
  const t0 = performance.now();
  host.write(request);
  const at = await host.rx.waitForBytes(replyLength, 1000);
  await host.rx.silence(100, 2000);
  return { reply: hex(host.rx.bytes), ms: at - t0 };
}

/** 4 KiB of random bytes, then (once they have crossed the 9600-baud wire and a gap) a valid request. */
async function floodThenAsk(handle: ServeHandle, host: Host): Promise<string> {
  const flood = seededBytes(4096, 42);
  const before = handle.input().toBus;
  host.write(flood);
  await waitUntil(() => handle.input().toBus >= before + flood.length, 10_000, 'the flood to reach the simulated wire through the FIFO');
  await waitUntil(() => handle.wireBusyUntil() <= handle.sim.clock.now(), 2000, 'the flood to cross the simulated wire');
  await host.rx.silence(100, 2000); // a gap, and any error replies to garbage frames
  return (await exchange(host, SW_VERSION_3, 5)).reply;
}

async function serving(options: Partial<ServeOptions> & Pick<ServeOptions, 'endpoint'>): Promise<{ handle: ServeHandle; lines: string[] }> {
  const lines: string[] = [];
  const handle = await serve({ scenario: SCENARIO, log: (l) => lines.push(l), ...options });
  return { handle, lines };
}

test('PTY: an unmodified serial host gets 00 FF 04 04 88, not before the wire time; a flood does not hurt; stop removes the link and socat', async () => {
  const path = join(dir, 'bus');
  const { handle } = await serving({ endpoint: { kind: 'pty', path } });
  let host: Host | undefined;
  try {
    assert.is(handle.address, path);
    assert.match(readlinkSync(path), /^\/dev\/pts\/\d+$/, 'PATH is a link to a PTY');
    host = await openPtyHost(path);
    const { reply, ms } = await exchange(host, SW_VERSION_3, 5);
    assert.is(reply, SW_VERSION_REPLY);
    assert.ok(ms >= WIRE_MS, `reply complete ${ms.toFixed(1)} ms after the write: a 9600-baud wire needs at least ${WIRE_MS.toFixed(1)} ms`);
    assert.ok(ms < 300, `reply within the original host library's 0.3 s (${ms.toFixed(1)} ms)`);
    assert.is(await floodThenAsk(handle, host), SW_VERSION_REPLY, 'the next valid request after a flood is answered correctly');
  } finally {
    await host?.close();
    const pid = handle.socatPid!;
    const outcome = await handle.stop('test over');
    assert.equal(outcome, { reason: 'test over', failed: false });
    assert.not.ok(pathExists(path), 'the link is gone');
    assert.ok(processGone(pid), `socat (PID ${pid}) is gone`);
  }
});

test('PTY: an existing PATH is refused and left alone; a missing socat says how to install it', async () => {
  const path = join(dir, 'taken');
  writeFileSync(path, 'a real device, say');
  const taken = await serve({ scenario: SCENARIO, endpoint: { kind: 'pty', path } }).catch((e: unknown) => e);
  assert.instance(taken, ServeError);
  assert.match((taken as Error).message, /already exists; serve will not replace it/);
  assert.is(readFileSync(path, 'utf8'), 'a real device, say');
  const free = join(dir, 'nosocat');
  const missing = await serve({ scenario: SCENARIO, endpoint: { kind: 'pty', path: free }, socat: join(dir, 'no-such-socat') }).catch((e: unknown) => e);
  assert.instance(missing, ServeError);
  assert.is((missing as Error).message, 'socat is not installed: apt-get install socat');
  assert.not.ok(pathExists(free));
});

test('TCP: replies paced like the wire, one client at a time, reconnects, disconnects and floods survived', async () => {
  const { handle, lines } = await serving({ endpoint: { kind: 'tcp', host: '127.0.0.1', port: 0 } });
  const hosts: Host[] = [];
  try {
    assert.ok(handle.port! > 0);
    assert.is(handle.address, `tcp://127.0.0.1:${handle.port}`);
    const host = await openTcpHost(handle.port!);
    hosts.push(host);
    const { reply, ms } = await exchange(host, SW_VERSION_3, 5);
    assert.is(reply, SW_VERSION_REPLY);
    assert.ok(ms >= WIRE_MS, `reply complete ${ms.toFixed(1)} ms after the write (wire time ${WIRE_MS.toFixed(1)} ms)`);

    const second = await openTcpHost(handle.port!);
    hosts.push(second);
    second.write(SW_VERSION_3); // never reaches the bus: the client is not being served
    await new Promise<void>((resolve) => second.socket.once('close', () => resolve()));
    assert.is(Buffer.from(second.rx.bytes).toString(), BUSY_MESSAGE, 'a second client that the first does not make room for is told why and closed');
    assert.is((await exchange(host, SW_VERSION_3, 5)).reply, SW_VERSION_REPLY, 'the first client is unaffected');

    host.write(Uint8Array.of(0x02, 0x03)); // half a frame, then gone, and a new client at once
    await host.close();
    const next = await openTcpHost(handle.port!);
    hosts.push(next);
    // The old client's half frame ends at a gap and board 3 answers it (0x10) on the shared bus; a
    // request written over that reply would collide, on real RS-485 too. Wait for that reply (on a
    // loaded machine it can come after any fixed quiet time), or for 1 s when it went out before
    // this client connected; then for quiet.
    await next.rx.waitForBytes(5, 1000).catch(() => undefined);
    await next.rx.silence(100, 2000);
    assert.is((await exchange(next, SW_VERSION_3, 5)).reply, SW_VERSION_REPLY, 'a client reconnecting at once, after a half frame, is served');
    assert.is(await floodThenAsk(handle, next), SW_VERSION_REPLY, 'the next valid request after a flood is answered correctly');
    assert.equal(lines.filter((l) => /^(client|refused)/.test(l)).map((l) => l.split(':')[0]), ['client connected', 'refused tcp', 'client disconnected', 'client connected']);
  } finally {
    for (const h of hosts) await h.close();
    await handle.stop();
  }
  const refused = await new Promise<string>((resolve) => connect({ host: '127.0.0.1', port: handle.port! }).once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')).once('connect', () => resolve('connected')));
  assert.is(refused, 'ECONNREFUSED', 'the server is closed after stop()');
});

/** 1 MiB of random bytes: at 9600 baud the wire needs 18 minutes for it. */
const MEGABYTE = seededBytes(1 << 20, 7);

/** Bytes the server has taken from the host so far (FIFO and wire). */
const taken = (handle: ServeHandle) => handle.input().toBus + handle.input().buffered;

/** How soon the host after a flood is answered at the latest (ms): 2.7 s was seen on a 2-core machine at load 20. */
const FLOOD_ANSWER_MS = 10_000;

test('flood over TCP (guards against a client that writes 1 MB and leaves blocking every later client for 18 minutes): the next client is answered within 10 s, the FIFO never holds more than its size', async () => {
  const { handle, lines } = await serving({ endpoint: { kind: 'tcp', host: '127.0.0.1', port: 0 } });
  const hosts: Host[] = [];
  try {
    const flooder = await openTcpHost(handle.port!);
    hosts.push(flooder);
    flooder.socket.write(MEGABYTE);
    await waitUntil(() => handle.input().buffered === handle.input().fifoBytes, 10_000, 'the FIFO to fill');
    await flooder.close(); // gone, most of its megabyte still unsent
    const left = performance.now();
    const next = await openTcpHost(handle.port!);
    hosts.push(next);
    await waitUntil(() => lines.filter((l) => l.startsWith('client connected')).length === 2, 10_000, 'the next client to be served');
    await waitUntil(() => handle.wireBusyUntil() <= handle.sim.clock.now(), 10_000, 'the FIFO to drain');
    await next.rx.silence(100, 2000); // replies to the garbage, if any
    assert.is((await exchange(next, SW_VERSION_3, 5)).reply, SW_VERSION_REPLY);
    const ms = performance.now() - left;
    // The bound tells a bounded FIFO (0.3 s of wire) from a buffered megabyte (18 minutes), with room
    // for a loaded machine: the time includes this test's own quiet checks.
    assert.ok(ms < FLOOD_ANSWER_MS, `answered ${ms.toFixed(0)} ms after the flooder left`);
    const input = handle.input();
    assert.ok(input.peakBuffered <= input.fifoBytes, `the FIFO held at most ${input.peakBuffered} of ${input.fifoBytes} bytes`);
    assert.ok(input.toBus < 16 * 1024, `only what crossed the wire was taken (${input.toBus} bytes), the rest was discarded`);
    assert.ok(lines.some((l) => /client disconnected: .*discarded/.test(l)), 'the log says the bytes were discarded');
  } finally {
    for (const h of hosts) await h.close();
    await handle.stop();
  }
});

test('flood over the PTY (guards against a 1 MB flood buffered without limit and blocking the next host): backpressure holds the writer, a host that closes PATH has its bytes discarded, the next host is answered within 10 s', async () => {
  const path = join(dir, 'flood');
  const { handle, lines } = await serving({ endpoint: { kind: 'pty', path } });
  let next: Host | undefined;
  try {
    const flooder = new SerialPort({ path, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => flooder.open((e) => (e ? reject(e) : resolve())));
    flooder.on('error', () => undefined);
    flooder.write(Buffer.from(MEGABYTE), () => undefined);
    await waitUntil(() => handle.input().buffered === handle.input().fifoBytes, 10_000, 'the FIFO to fill');
    // Held back: over any interval the server takes no more than the wire carried plus one FIFO.
    const [t1, b1] = [performance.now(), taken(handle)];
    await new Promise((r) => setTimeout(r, 300));
    const [t2, b2] = [performance.now(), taken(handle)];
    const wire = (t2 - t1) / handle.sim.bus.byteTimeMs;
    assert.ok(b2 - b1 <= wire + handle.input().fifoBytes, `took ${b2 - b1} bytes in ${(t2 - t1).toFixed(0)} ms (the wire carries ${wire.toFixed(0)})`);
    await new Promise<void>((resolve) => flooder.close(() => resolve()));
    const left = performance.now();
    await waitUntil(() => lines.some((l) => /closed \/dev\/pts\/\d+ with bytes unsent: discarding/.test(l)), 10_000, 'the bytes of the departed host to be discarded');
    // Quiet: nothing left on the way from the departed host (two checks 150 ms apart).
    for (let seen = -1; seen !== taken(handle); ) {
      seen = taken(handle);
      await new Promise((r) => setTimeout(r, 150));
      await waitUntil(() => handle.wireBusyUntil() <= handle.sim.clock.now(), 10_000, 'the FIFO to drain');
    }
    next = await openPtyHost(path);
    await next.rx.silence(100, 2000);
    const asked = performance.now(); // answered = when the reply arrived, not after exchange()'s trailing quiet
    const answer = await exchange(next, SW_VERSION_3, 5);
    assert.is(answer.reply, SW_VERSION_REPLY);
    const ms = asked + answer.ms - left;
    assert.ok(ms < FLOOD_ANSWER_MS, `answered ${ms.toFixed(0)} ms after the flooding host closed the PTY`);
    const input = handle.input();
    assert.ok(input.peakBuffered <= input.fifoBytes, `the FIFO held at most ${input.peakBuffered} of ${input.fifoBytes} bytes`);
    assert.ok(input.toBus < 64 * 1024, `most of the megabyte never reached the wire (${input.toBus} bytes did)`);
  } finally {
    await next?.close();
    await handle.stop();
  }
});

test('--state: settings written over the bus survive a restart; a second server cannot take the directory', async () => {
  const stateDir = join(dir, 'state');
  const endpoint = { kind: 'tcp', host: '127.0.0.1', port: 0 } as const;
  const first = await serving({ endpoint, stateDir });
  try {
    assert.is(first.handle.state!.restored, 0);
    const host = await openTcpHost(first.handle.port!);
    assert.is((await exchange(host, encodeRequest('SET_HBT_TIME', 3, { pi: 0, value: 42 }), 4)).reply, '00 FF 03 63');
    await host.close();
    const busy = await serve({ scenario: SCENARIO, endpoint, stateDir }).catch((e: unknown) => e);
    assert.instance(busy, StateError);
    assert.match((busy as Error).message, /in use by another pistack serve/);
  } finally {
    await first.handle.stop();
  }
  const saved = JSON.parse(readFileSync(join(stateDir, 'board-03.json'), 'utf8')) as Record<string, unknown>;
  assert.is(saved['format'], 'pistack-state');
  assert.is(saved['dip'], 3);

  const second = await serving({ endpoint, stateDir });
  try {
    assert.is(second.handle.state!.restored, 16);
    const host = await openTcpHost(second.handle.port!);
    const { reply } = await exchange(host, encodeRequest('GET_HBT_TIME', 3, { pi: 0 }), 5);
    assert.is(reply, hex(encodeOkResponse('GET_HBT_TIME', { value: 42 })));
    const other = await exchange(host, encodeRequest('GET_HBT_TIME', 4, { pi: 0 }), 5);
    assert.is(other.reply, hex(encodeOkResponse('GET_HBT_TIME', { value: 15 })), 'other boards keep their defaults');
    await host.close();
  } finally {
    await second.handle.stop();
  }
});

test('--state: a corrupt board file stops the start with an error naming it', async () => {
  const stateDir = join(dir, 'corrupt');
  const first = await serving({ endpoint: { kind: 'tcp', host: '127.0.0.1', port: 0 }, stateDir });
  await first.handle.stop();
  writeFileSync(join(stateDir, 'board-05.json'), '{ "format": "pistack-state", "version": 1, ');
  const error = await serve({ scenario: SCENARIO, endpoint: { kind: 'tcp', host: '127.0.0.1', port: 0 }, stateDir }).catch((e: unknown) => e);
  assert.instance(error, StateError);
  assert.match((error as Error).message, /board-05\.json/);
  assert.not.ok(existsSync(join(stateDir, '.lock')), 'a failed start releases the lock');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
