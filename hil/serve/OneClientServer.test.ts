/**
 * OneClientServer on 127.0.0.1:0 with real sockets: one served client, a second one waiting for
 * the handover (its early bytes kept), refused with one line when the first stays, and a
 * listening error that says why. Waits are for socket events, bounded.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type Socket } from 'node:net';
import { BUSY_MESSAGE, OneClientServer } from './OneClientServer.ts';
import type { SocketLink } from './SocketLink.ts';
import { ByteCollector } from './testing/hostSide.ts';

async function client(port: number): Promise<{ socket: Socket; rx: ByteCollector; closed: Promise<void> }> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const rx = new ByteCollector();
  socket.on('data', (d) => rx.push(d));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, rx, closed };
}

/** A server whose served clients get their bytes echoed back with a tag, so the test sees who is served. */
async function echoServer(handoverMs: number) {
  const served: SocketLink[] = [];
  const lines: string[] = [];
  const server = await OneClientServer.listen({
    host: '127.0.0.1', port: 0, handoverMs, log: (l) => lines.push(l),
    onClient: (link) => {
      served.push(link);
      link.onData((bytes) => void link.write(Uint8Array.from([served.length, ...bytes])).catch(() => undefined));
    },
  });
  return { server, served, lines };
}

test('a client arriving while another is served waits, keeps its bytes, and is served once the first leaves', async () => {
  const { server, served, lines } = await echoServer(5000);
  try {
    assert.match(server.address, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    const a = await client(server.port);
    a.socket.write(Uint8Array.of(1, 2));
    await a.rx.waitForBytes(3);
    assert.equal(a.rx.bytes, [1, 1, 2], 'the first client is served');
    const b = await client(server.port);
    b.socket.write(Uint8Array.of(7, 8, 9)); // sent while waiting
    assert.is(served.length, 1);
    a.socket.destroy();
    await b.rx.waitForBytes(4);
    assert.equal(b.rx.bytes, [2, 7, 8, 9], 'served second, with the bytes it sent while waiting');
    assert.is(server.current, served[1]);
    assert.equal(lines.map((l) => l.split(':')[0]), ['client connected', 'client disconnected', 'client connected']);
    b.socket.destroy();
    await b.closed;
  } finally {
    await server.close();
  }
});

test('a client still waiting after the handover time gets one line and is closed; the first stays served', async () => {
  const { server, lines } = await echoServer(50);
  try {
    const a = await client(server.port);
    const b = await client(server.port);
    await b.closed;
    assert.is(Buffer.from(b.rx.bytes).toString(), BUSY_MESSAGE);
    assert.ok(lines.some((l) => /^refused tcp:\/\/127\.0\.0\.1:\d+: tcp:\/\/127\.0\.0\.1:\d+ is connected \(one client at a time\)$/.test(l)), lines.join('\n'));
    a.socket.write(Uint8Array.of(5));
    await a.rx.waitForBytes(2);
    assert.equal(a.rx.bytes, [1, 5]);
    await server.close();
    await a.closed; // close() disconnects the served client too
  } finally {
    await server.close();
  }
});

test('listening on a port in use says so', async () => {
  const { server } = await echoServer(50);
  try {
    const error = await OneClientServer.listen({ host: '127.0.0.1', port: server.port, onClient: () => undefined }).catch((e: unknown) => e);
    assert.match(String(error), new RegExp(`--tcp 127\\.0\\.0\\.1:${server.port}: cannot listen: address already in use`));
  } finally {
    await server.close();
  }
});

test.run();
