/**
 * TcpTransport over real sockets on 127.0.0.1 (ephemeral ports, no sleeps: every wait is for a
 * real socket event). Every server and socket is closed at the end of its test.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server, type Socket } from 'node:net';
import { ArgumentError, DisconnectedError } from '../bus-protocol/errors.ts';
import { CLOSED_BY_HOST } from './SerialTransport.ts';
import { LoopbackTransport } from '../bus-protocol/testing/LoopbackTransport.ts';
import { BUSY_MESSAGE, OneClientServer } from './serve/OneClientServer.ts';
import {
  CLOSED_BY_SERVER, RESET_BY_SERVER, SERVER_BUSY, TcpConnectError, TcpServerBusyError, TcpTransport, openTcpTransport, serverRefusal, tcpUrl,
} from './TcpTransport.ts';

/** Servers and transports of the current test, closed after it even when an assertion failed. */
const open = new Set<{ close(): Promise<void> }>();
test.after.each(async () => {
  for (const item of [...open].reverse()) await item.close();
  open.clear();
});

/** openTcpTransport, closed after the test. */
async function connectTo(port: number, refusalGraceMs?: number): Promise<TcpTransport> {
  const transport = await openTcpTransport({ host: '127.0.0.1', port, ...(refusalGraceMs === undefined ? {} : { refusalGraceMs }) });
  open.add(transport);
  return transport;
}

/** A listening server that hands each accepted socket to the test (closed after the test). */
async function listen(): Promise<{ server: Server; port: number; accepted: () => Promise<Socket>; close: () => Promise<void> }> {
  const server = createServer();
  const queue: Socket[] = [];
  const waiting: Array<(socket: Socket) => void> = [];
  server.on('connection', (socket) => {
    const take = waiting.shift();
    if (take) take(socket);
    else queue.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const sockets = new Set<Socket>();
  server.on('connection', (s) => sockets.add(s));
  const handle = {
    server,
    port: address.port,
    accepted: () => {
      const ready = queue.shift();
      return ready ? Promise.resolve(ready) : new Promise<Socket>((resolve) => waiting.push(resolve));
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  open.add(handle);
  return handle;
}

/** Resolve with the next `count` bytes a socket receives. */
function receive(socket: Socket, count: number): Promise<Uint8Array> {
  return new Promise((resolve) => {
    let got = new Uint8Array(0);
    const onData = (chunk: Buffer) => {
      got = Uint8Array.from([...got, ...chunk]);
      if (got.length >= count) {
        socket.off('data', onData);
        resolve(got);
      }
    };
    socket.on('data', onData);
  });
}

function closeReason(transport: TcpTransport): Promise<string> {
  return new Promise((resolve) => transport.onClose(resolve));
}

test('connection refused: "nothing listening at tcp://127.0.0.1:PORT" with code ECONNREFUSED', async () => {
  const { port, close } = await listen();
  await close(); // the port was just free, and nothing listens there now
  const error = (await openTcpTransport({ host: '127.0.0.1', port }).catch((e: unknown) => e)) as TcpConnectError;
  assert.instance(error, TcpConnectError);
  assert.is(error.code, 'ECONNREFUSED');
  assert.is(error.url, `tcp://127.0.0.1:${port}`);
  assert.match(error.message, `nothing listening at tcp://127.0.0.1:${port}`);
});

test('bad options are named', async () => {
  for (const [options, option] of [
    [{ host: '', port: 5000 }, 'host'],
    [{ host: '127.0.0.1', port: 0 }, 'port'],
    [{ host: '127.0.0.1', port: 65536 }, 'port'],
    [{ host: '127.0.0.1', port: 5000, connectTimeoutMs: 0 }, 'connectTimeoutMs'],
  ] as const) {
    const error = (await openTcpTransport(options).catch((e: unknown) => e)) as ArgumentError;
    assert.instance(error, ArgumentError);
    assert.is(error.option, option);
  }
  assert.is(tcpUrl('::1', 5000), 'tcp://[::1]:5000');
});

test('bytes flow both ways, in order, as copies', async () => {
  const server = await listen();
  const transport = await connectTo(server.port);
  const remote = await server.accepted();
  assert.is(transport.description, `tcp://127.0.0.1:${server.port}`);

  const atServer = receive(remote, 9);
  await transport.write(Uint8Array.of(0x02, 0x00, 0x03, 0xad));
  await transport.write(Uint8Array.of(0x11, 0x00, 0x04, 0x01, 0xd2));
  assert.equal(await atServer, Uint8Array.of(0x02, 0x00, 0x03, 0xad, 0x11, 0x00, 0x04, 0x01, 0xd2));

  const chunks: Uint8Array[] = [];
  const second: Uint8Array[] = [];
  const got = new Promise<void>((resolve) => {
    transport.onData((bytes) => {
      chunks.push(bytes);
      if (chunks.reduce((n, c) => n + c.length, 0) >= 5) resolve();
    });
  });
  const off = transport.onData((bytes) => second.push(bytes));
  off();
  remote.write(Uint8Array.of(0x00, 0xff, 0x04, 0x04, 0x88));
  await got;
  assert.equal(Uint8Array.from(chunks.flatMap((c) => [...c])), Uint8Array.of(0x00, 0xff, 0x04, 0x04, 0x88));
  assert.ok(chunks.every((c) => !Buffer.isBuffer(c)), 'plain Uint8Array copies, not pooled Buffers');
  assert.is(second.length, 0, 'an unsubscribed listener hears nothing');

  await transport.close();
  await server.close();
});

test('the server closing the connection: listeners hear "connection closed by the server" once, writes reject', async () => {
  const server = await listen();
  const transport = await connectTo(server.port);
  const remote = await server.accepted();
  const reasons: string[] = [];
  transport.onClose((reason) => reasons.push(reason));
  const reason = closeReason(transport);
  remote.end();
  assert.is(await reason, CLOSED_BY_SERVER);
  const error = (await transport.write(Uint8Array.of(1)).catch((e: unknown) => e)) as Error;
  assert.instance(error, Error);
  assert.match(error.message, 'connection closed by the server');
  await transport.close();
  await transport.close();
  assert.equal(reasons, [CLOSED_BY_SERVER]);
  await server.close();
});

test('the connection reset by the server: "connection reset by the server"', async () => {
  const server = await listen();
  const transport = await connectTo(server.port);
  const remote = await server.accepted();
  const reason = closeReason(transport);
  remote.resetAndDestroy();
  assert.is(await reason, RESET_BY_SERVER);
  await transport.close();
  await server.close();
});

test('close() by the host: flushes, ends the connection, listeners hear "closed by host"; idempotent', async () => {
  const server = await listen();
  const transport = await connectTo(server.port);
  const remote = await server.accepted();
  const reasons: string[] = [];
  transport.onClose((reason) => reasons.push(reason));
  const atServer = receive(remote, 4);
  const serverSawEnd = new Promise<void>((resolve) => remote.once('end', () => resolve()));
  const written = transport.write(Uint8Array.of(0x02, 0x00, 0x03, 0xad));
  await Promise.all([transport.close(), transport.close()]);
  await written;
  assert.equal(await atServer, Uint8Array.of(0x02, 0x00, 0x03, 0xad), 'bytes written before close() arrive');
  await serverSawEnd;
  assert.equal(reasons, [CLOSED_BY_HOST]);
  assert.instance(await transport.write(Uint8Array.of(1)).catch((e: unknown) => e), Error);
  await server.close();
});

test('a busy server\'s line (even split over chunks) is the close reason, never bus bytes; refusal() names it', async () => {
  const server = await listen();
  const transport = await connectTo(server.port);
  const remote = await server.accepted();
  const got: Uint8Array[] = [];
  transport.onData((bytes) => got.push(bytes));
  const reason = closeReason(transport);
  remote.write(BUSY_MESSAGE.slice(0, 7));
  await new Promise((resolve) => setImmediate(resolve));
  remote.end(BUSY_MESSAGE.slice(7));
  assert.is(await reason, SERVER_BUSY);
  assert.equal(got, [], 'the text never reaches the frame parser');
  const refusal = await serverRefusal(transport);
  assert.instance(refusal, TcpServerBusyError);
  assert.is((refusal as TcpServerBusyError).code, 'EBUSY');
  assert.is((refusal as Error).message, `${tcpUrl('127.0.0.1', server.port)}: the server is busy with another client (it serves one client at a time); try again once that client has disconnected`);
  await server.close();
});

test('a reply is delivered at once (replies start with 0x00/0x01, never like the busy line); refusal() is then undefined', async () => {
  const server = await listen();
  const transport = await connectTo(server.port);
  const remote = await server.accepted();
  const got = new Promise<Uint8Array>((resolve) => transport.onData(resolve));
  remote.write(Uint8Array.of(0x00, 0xff, 0x04, 0x04, 0x2b));
  assert.equal(await got, Uint8Array.of(0x00, 0xff, 0x04, 0x04, 0x2b));
  assert.ok(transport.heardFromServer);
  assert.is(await transport.refusal(), undefined, 'a server that answered is serving us: no wait, no verdict');
  const text = new Promise<Uint8Array>((resolve) => transport.onData(resolve));
  remote.write(BUSY_MESSAGE);
  assert.equal(await text, new TextEncoder().encode(BUSY_MESSAGE), 'later bytes are bus bytes, whatever they spell');
  await server.close();
});

test('refusal(): a silent server that hangs up is a disconnect; one that stays quiet past the grace is no verdict', async () => {
  const server = await listen();
  const hangsUp = await connectTo(server.port, 5000);
  const remote = await server.accepted();
  const verdict = hangsUp.refusal();
  remote.end();
  const error = await verdict;
  assert.instance(error, DisconnectedError);
  assert.is((error as DisconnectedError).detail, CLOSED_BY_SERVER);
  const quiet = await connectTo(server.port, 20);
  await server.accepted();
  assert.is(await quiet.refusal(), undefined);
  await quiet.close();
  assert.is(await quiet.refusal(), undefined, 'closed by us: not the server\'s verdict');
  assert.is(await serverRefusal(new LoopbackTransport()), undefined, 'other links: no verdict, no wait');
  await server.close();
});

test('pistack serve\'s one-client server: a second client is told it is busy, not left to time out', async () => {
  const served = await OneClientServer.listen({ host: '127.0.0.1', port: 0, onClient: () => undefined, handoverMs: 50 });
  open.add(served);
  const first = await connectTo(served.port);
  const second = await connectTo(served.port);
  void first;
  const error = await second.refusal();
  assert.instance(error, TcpServerBusyError);
  assert.match((error as Error).message, `${served.address}: the server is busy with another client`);
});

test.run();
