/**
 * The rfc2217:// client against servers that misbehave, all on 127.0.0.1: nothing listening, a
 * silent server (negotiation timeout), a plain telnet server refusing COM-PORT-OPTION, an
 * RFC 2217 server stuck at another baud rate, `serve --rfc2217` busy with another client, and
 * Debian's ser2net restarted under a connected client (the client is told, openPort again works).
 * Every error names the rfc2217:// URL and what failed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server, type Socket } from 'node:net';
import { StackClient } from '../../bus-protocol/StackClient.ts';
import { openPort } from '../ports.ts';
import { OneClientServer } from '../serve/OneClientServer.ts';
import { Rfc2217ServerLink } from '../serve/Rfc2217ServerLink.ts';
import { waitUntil } from '../serve/testing/hostSide.ts';
import { openServedPort } from '../testing/servedPort.ts';
import { TcpServerBusyError } from '../TcpTransport.ts';
import { PARITY, STOPSIZE } from './comPort.ts';
import { Rfc2217Error, Rfc2217Transport } from './Rfc2217Transport.ts';
import { OPTION, TelnetDecoder } from './telnet.ts';
import { TelnetOptions } from './TelnetOptions.ts';
import { freePort, startSer2net } from './testing/ser2net.ts';

async function rejection(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

async function listen(onSocket: (socket: Socket) => void): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const close = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return { server, port, close };
}

test('nothing listening: connection refused, naming the rfc2217:// URL', async () => {
  const port = await freePort();
  const e = await rejection(openPort(`rfc2217://127.0.0.1:${port}`));
  assert.match(e.message, new RegExp(`^nothing listening at rfc2217://127\\.0\\.0\\.1:${port} \\(connection refused`));
});

test('a silent server: negotiation timeout, saying what it waited for', async () => {
  const silent = await listen(() => undefined);
  try {
    const e = await rejection(openPort(`rfc2217://127.0.0.1:${silent.port}`, { negotiationTimeoutMs: 300 }));
    assert.instance(e, Rfc2217Error);
    assert.is((e as Rfc2217Error).code, 'ETIMEDOUT');
    assert.match(e.message, new RegExp(`^rfc2217://127\\.0\\.0\\.1:${silent.port}: RFC 2217 negotiation timed out waiting for its answer to WILL COM-PORT-OPTION`));
  } finally {
    await silent.close();
  }
});

test('a telnet server that refuses every option: "not an RFC 2217 server"', async () => {
  const refusing = await listen((socket) => {
    const decoder = new TelnetDecoder();
    const options = new TelnetOptions({ local: new Set(), remote: new Set() });
    socket.on('data', (chunk) => {
      for (const e of decoder.push(chunk)) if (e.kind === 'option') socket.write(options.receive(e.verb, e.option).reply);
    });
  });
  try {
    const e = await rejection(openPort(`rfc2217://127.0.0.1:${refusing.port}`));
    assert.is((e as Rfc2217Error).code, 'ENEGOTIATE');
    assert.match(e.message, /: the server refused COM-PORT-OPTION \(it did not answer DO COM-PORT-OPTION\): it is not an RFC 2217 server/);
  } finally {
    await refusing.close();
  }
});

test('a server stuck at 115200 baud: the baud rate refused, with both values', async () => {
  const server = await OneClientServer.listen({ host: '127.0.0.1', port: 0, onClient: (link) => void new Rfc2217ServerLink(link, { baud: 115200, dataBits: 8, parity: PARITY.NONE, stopSize: STOPSIZE.ONE }) });
  try {
    const e = await rejection(openPort(`rfc2217://127.0.0.1:${server.port}`));
    assert.is((e as Rfc2217Error).code, 'ESETTING');
    assert.match(e.message, /: the server refused 9600 baud \(SET-BAUDRATE answered 115200 baud\); the Pi Stack bus is 9600 8N1$/);
  } finally {
    await server.close();
  }
});

test('serve --rfc2217 busy with another client: the second one is told so', async () => {
  const first = await openServedPort('rfc2217');
  try {
    const e = await rejection(openPort(first.server.address));
    assert.instance(e, TcpServerBusyError);
    assert.match(e.message, /^rfc2217:\/\/127\.0\.0\.1:\d+: the server is busy with another client/);
    assert.ok(first.transport instanceof Rfc2217Transport);
    assert.is(await new StackClient(first.transport, { clock: first.clock, replyTimeoutMs: 1000 }).getId(3), 3, 'the first client is still served');
  } finally {
    await first.close();
  }
});

test('ser2net restarted: the client hears the connection go, and opening the URL again works', async () => {
  const served = await openServedPort('ser2net');
  try {
    const ser2net = served.ser2net!;
    const client = new StackClient(served.transport, { clock: served.clock, replyTimeoutMs: 1000 });
    assert.is(await client.getId(7), 7);
    let closedWith: string | undefined;
    served.transport.onClose((reason) => (closedWith = reason));
    await ser2net.stop();
    await waitUntil(() => closedWith !== undefined, 5000, 'the client to hear ser2net go');
    const again = await startSer2net(served.server.address, { port: ser2net.port });
    try {
      const port = await openPort(again.url);
      const second = new StackClient(port.transport, { clock: port.clock, replyTimeoutMs: 1000 });
      assert.is(await second.getId(7), 7, 'served again after the restart');
      await second.close();
      await port.close();
    } finally {
      await again.stop();
    }
  } finally {
    await served.close();
  }
});

test('ser2net never answers SET-CONTROL behind a PTY; the client does not need it', async () => {
  const served = await openServedPort('ser2net');
  try {
    const transport = served.transport as Rfc2217Transport;
    assert.equal([...transport.answers].filter(([code]) => code <= 4), [[1, 9600], [2, 8], [3, PARITY.NONE], [4, STOPSIZE.ONE]], 'the line answers checked');
    assert.is(await new StackClient(transport, { clock: served.clock, replyTimeoutMs: 1000 }).getSwVersion(0), 4);
  } finally {
    await served.close();
  }
});

test('OPTION numbers are the registered ones', () => {
  assert.equal(OPTION, { BINARY: 0, ECHO: 1, SGA: 3, COM_PORT: 44 });
});

test.run();
