/**
 * Verdicts the host commands must not get wrong (issue 10 items 5 and 7): a TCP server busy
 * with another client is named as the cause (real OneClientServer on 127.0.0.1, a first client
 * holding it), an empty scan or a board that answers only in part is a failure, and
 * `set ID_PREFIX` onto an ID another board holds is refused before writing (or, when the
 * collision only shows after, named as two boards sharing the ID).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandByCode } from '../bus-protocol/commands.ts';
import { encodeOkResponse } from '../bus-protocol/frame.ts';
import { OneClientServer } from '../hil/serve/OneClientServer.ts';
import { cli } from './testing/runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-verdicts-'));

/** A one-client server (as `pistack serve --tcp` uses) with a first client connected and served. */
async function heldServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await OneClientServer.listen({ host: '127.0.0.1', port: 0, onClient: () => undefined });
  const first: Socket = connect({ host: '127.0.0.1', port: server.port });
  await new Promise<void>((resolve) => first.once('connect', () => resolve()));
  while (server.current === undefined) await new Promise((resolve) => setImmediate(resolve));
  return { url: server.address, close: async () => void (first.destroy(), await server.close()) };
}

test('a busy serve --tcp: scan and status name the busy server and exit 1 (they said "no boards found"/"no reply", scan exit 0)', async () => {
  const held = await heldServer();
  try {
    for (const args of [['scan'], ['status', '--id', '3']]) {
      const r = await cli(...args, '--port', held.url);
      assert.is(r.code, 1, `${args[0]}: ${r.err}`);
      assert.is(r.err, `error: ${held.url}: the server is busy with another client (it serves one client at a time); try again once that client has disconnected\n`, args[0]);
      assert.is(r.out, '', `${args[0]} prints no report`);
    }
  } finally {
    await held.close();
  }
});

test('scan that finds no board exits 1 and says so (it exited 0)', async () => {
  const r = await cli('scan', '--port', 'sim:', '--range', '20-22');
  assert.match(r.out, /no boards found\n0 found, 0 corrupt, 3 absent/);
  assert.equal([r.code, r.err], [1, 'error: scan: no boards found on IDs 20..22 (is the bus powered and wired, the range right?)\n']);
  const json = await cli('scan', '--port', 'sim:', '--range', '20-22', '--json');
  assert.is(json.code, 1);
  assert.equal((JSON.parse(json.out) as { ok: boolean; counts: unknown }).counts, { found: 0, corrupt: 0, absent: 3 });
});

test('scan: a board that answers GET_HW_VERSION but not GET_SW_VERSION is flagged in text and JSON, exit 1 (it was "?", exit 0)', async () => {
  const profile = join(dir, 'no-sw-version.json');
  writeFileSync(profile, JSON.stringify({ base: 'v4-reference', notImplemented: ['GET_SW_VERSION'] }));
  const r = await cli('scan', '--port', 'sim:', '--stack', 'single', '--profile', profile, '--range', '0-1');
  assert.match(r.out, /\n +0 0x00 +v3 +\? +INCOMPLETE\n +board 0 answered GET_SW_VERSION with error 0x15/);
  assert.equal([r.code, r.err], [1, 'error: scan: 1 board answered only in part (ID 0)\n']);
  const json = await cli('scan', '--port', 'sim:', '--stack', 'single', '--profile', profile, '--range', '0-1', '--json');
  const parsed = JSON.parse(json.out) as { ok: boolean; found: Array<{ id: number; firmwareVersion?: number; problems: string[] }> };
  assert.is(json.code, 1);
  assert.is(parsed.ok, false);
  assert.match(parsed.found[0]!.problems[0]!, 'board 0 answered GET_SW_VERSION with error 0x15');
});

test('set ID_PREFIX onto an ID another board holds is refused before writing; the board keeps its ID', async () => {
  const stack = join(dir, 'two.json');
  writeFileSync(stack, JSON.stringify({ name: 'two', boards: [{ dip: 3, pis: [null, null] }, { dip: 3, prefix: 0x10, pis: [null, null] }] }));
  const r = await cli('set', 'ID_PREFIX', '0x10', '--port', 'sim:', '--stack', stack, '--id', '3');
  assert.equal([r.code, r.out], [1, '']);
  assert.is(r.err, 'error: ID_PREFIX 0x10 would move board 3 to ID 19 (0x13), where another board answers: two boards would share ID 19. Nothing written; choose another prefix or move that board first\n');
  const free = await cli('set', 'ID_PREFIX', '0x20', '--port', 'sim:', '--stack', stack, '--id', '3');
  assert.match(free.out, /board 3 now answers at ID 35 \(0x23\)/);
});

/** A scripted "bus" behind TCP: board 3 takes a new prefix, but the read-back at its new ID comes back garbled. */
async function collidingBus(): Promise<{ url: string; seen: string[]; close: () => Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((socket) => {
    socket.on('data', (chunk) => {
      const name = commandByCode(chunk[0]!) ?? '?';
      seen.push(`${name}@${chunk[1]}`);
      if (name === 'GET_ID_PREFIX' && chunk[1] === 3) socket.write(encodeOkResponse('GET_ID_PREFIX', { prefix: 0 }));
      else if (name === 'SET_ID_PREFIX') socket.write(encodeOkResponse('SET_ID_PREFIX', {}));
      else if (name === 'GET_ID_PREFIX') socket.write(Uint8Array.of(0x00, 0xff, 0x04, 0x10, 0x77)); // two replies at once: bad CRC
      // GET_HW_VERSION to the new ID: silence (the other board was off then)
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `tcp://127.0.0.1:${port}`, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('set ID_PREFIX: a collision the probe could not see says plainly that two boards now share the ID, and how to undo it', async () => {
  const bus = await collidingBus();
  try {
    const r = await cli('set', 'ID_PREFIX', '0x10', '--port', bus.url, '--id', '3', '--reply-timeout', '200');
    assert.is(r.code, 1, r.err);
    assert.match(r.err, /^error: board 3 took the new prefix and now answers at ID 19 \(0x13\), but so does another board: two boards now share ID 19, and their replies collide \(.*CRC.*\)\. Power the other board off and run: pistack set ID_PREFIX --id 19 0x00\n$/);
    assert.equal(bus.seen.slice(0, 5), ['GET_ID_PREFIX@3', 'GET_HW_VERSION@19', 'GET_HW_VERSION@19', 'GET_HW_VERSION@19', 'SET_ID_PREFIX@3']);
  } finally {
    await bus.close();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
