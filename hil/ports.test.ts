/**
 * The `--port` opener: spec parsing and its error messages, each kind of port opened (serial
 * through SerialPortMock, tcp refused, sim:), and the open errors a user meets (unplugged adapter,
 * a file that is not a serial device, permission and lock failures).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError } from '../bus-protocol/errors.ts';
import { StackClient } from '../bus-protocol/StackClient.ts';
import { encodeErrorResponse, encodeOkResponse } from '../bus-protocol/frame.ts';
import { PORT_FORMS, SerialOpenError, formatPortSpec, openPort, parsePortSpec, type PortSpec } from './ports.ts';
import { realClock } from './realClock.ts';
import type { SerialBinding } from './SerialTransport.ts';
import { TcpConnectError } from './TcpTransport.ts';
import { FakeBoard } from './testing/FakeBoard.ts';

test('parsePortSpec: device paths, tcp://HOST:PORT, rfc2217://HOST:PORT and sim:', () => {
  const cases: Array<[string, PortSpec]> = [
    ['/dev/ttyUSB0', { kind: 'serial', path: '/dev/ttyUSB0' }],
    ['/dev/serial/by-id/usb-FTDI_FT232R-if00-port0', { kind: 'serial', path: '/dev/serial/by-id/usb-FTDI_FT232R-if00-port0' }],
    ['./my-pty', { kind: 'serial', path: './my-pty' }],
    ['COM3', { kind: 'serial', path: 'COM3' }],
    ['\\\\.\\COM12', { kind: 'serial', path: '\\\\.\\COM12' }],
    ['tcp://127.0.0.1:5000', { kind: 'tcp', host: '127.0.0.1', port: 5000 }],
    ['TCP://rig.local:2001/', { kind: 'tcp', host: 'rig.local', port: 2001 }],
    ['tcp://[::1]:5000', { kind: 'tcp', host: '::1', port: 5000 }],
    ['rfc2217://127.0.0.1:2217', { kind: 'rfc2217', host: '127.0.0.1', port: 2217 }],
    ['RFC2217://[::1]:4000/', { kind: 'rfc2217', host: '::1', port: 4000 }],
    ['sim:', { kind: 'sim' }],
    ['sim', { kind: 'sim' }],
  ];
  for (const [spec, expected] of cases) assert.equal(parsePortSpec(spec), expected, spec);
  assert.is(formatPortSpec(parsePortSpec('tcp://[::1]:5000')), 'tcp://[::1]:5000');
  assert.is(formatPortSpec(parsePortSpec('sim')), 'sim:');
  assert.is(formatPortSpec(parsePortSpec('rfc2217://[::1]:4000')), 'rfc2217://[::1]:4000');
  assert.is(formatPortSpec(parsePortSpec('/dev/ttyUSB0')), '/dev/ttyUSB0');
});

test('parsePortSpec: bad specs name "--port", say what is wrong and list the accepted forms', () => {
  const cases: Array<[string, string]> = [
    ['', 'is empty'],
    ['ttyUSB0', 'did you mean /dev/ttyUSB0?'],
    ['localhost:5000', 'did you mean tcp://localhost:5000?'],
    ['tcp://127.0.0.1', 'is not tcp://HOST:PORT'],
    ['tcp://:5000', 'is not tcp://HOST:PORT'],
    ['tcp://127.0.0.1:5000/extra', 'is not tcp://HOST:PORT'],
    ['tcp://127.0.0.1:70000', 'has TCP port 70000, outside 1..65535'],
    ['tcp://127.0.0.1:0', 'outside 1..65535'],
    ['udp://127.0.0.1:5000', 'unsupported scheme "udp://"'],
    ['telnet://rig:4000', 'unsupported scheme "telnet://"'],
    ['rfc2217://rig', 'is not rfc2217://HOST:PORT (for example rfc2217://127.0.0.1:5000'],
    ['rfc2217://rig:0', 'has TCP port 0, outside 1..65535'],
    ['sim:default', 'sim: takes no suffix'],
    [' /dev/ttyUSB0', 'leading or trailing spaces'],
  ];
  for (const [spec, why] of cases) {
    let error: unknown;
    try {
      parsePortSpec(spec);
    } catch (e) {
      error = e;
    }
    assert.instance(error, ArgumentError, spec);
    const message = (error as ArgumentError).message;
    assert.is((error as ArgumentError).option, '--port');
    assert.ok(message.startsWith('"--port": '), message);
    assert.match(message, why);
    assert.match(message, PORT_FORMS);
  }
  assert.match(PORT_FORMS, '/dev/ttyUSB0');
  assert.match(PORT_FORMS, 'tcp://HOST:PORT');
  assert.match(PORT_FORMS, 'rfc2217://HOST:PORT');
  assert.match(PORT_FORMS, 'sim:');
});

test('a vanished serial device: "no serial device at ... (is the adapter plugged in? see `pistack ports`)"', async () => {
  const paths = [join(tmpdir(), `pistack-no-such-adapter-${process.pid}`)];
  if (!existsSync('/dev/ttyUSB9')) paths.push('/dev/ttyUSB9');
  for (const path of paths) {
    const error = (await openPort(path).catch((e: unknown) => e)) as SerialOpenError;
    assert.instance(error, SerialOpenError);
    assert.is(error.code, 'ENOENT');
    assert.is(error.path, path);
    assert.is(error.message, `no serial device at ${path} (is the adapter plugged in? see \`pistack ports\`)`);
  }
});

test('a file that is not a serial device, and a directory, are explained', async () => {
  const notTty = (await openPort('/dev/null').catch((e: unknown) => e)) as SerialOpenError;
  assert.instance(notTty, SerialOpenError);
  assert.is(notTty.code, 'ENOTTY');
  assert.is(notTty.message, '/dev/null is not a serial device');
  const dir = (await openPort(tmpdir()).catch((e: unknown) => e)) as SerialOpenError;
  assert.is(dir.code, 'EISDIR');
});

test('permission, lock and other open failures get their own messages', async () => {
  const failing = (message: string): SerialBinding => ({
    list: async () => [],
    open: async () => {
      throw new Error(message);
    },
  });
  const cases: Array<[string, string, string]> = [
    ['Permission denied, cannot open /dev/ttyUSB0', 'EACCES', 'permission denied opening /dev/ttyUSB0 (add your user to the "dialout" group'],
    ['Error Resource temporarily unavailable Cannot lock port', 'EBUSY', '/dev/ttyUSB0 is in use by another program'],
    ['Input/output error', 'EIO', 'cannot open /dev/ttyUSB0: Input/output error'],
  ];
  for (const [osMessage, code, message] of cases) {
    const error = (await openPort('/dev/ttyUSB0', { binding: failing(osMessage) }).catch((e: unknown) => e)) as SerialOpenError;
    assert.instance(error, SerialOpenError);
    assert.is(error.code, code);
    assert.match(error.message, message);
    assert.instance(error.cause, Error, 'the original error is kept as the cause');
  }
  const badBaud = (await openPort('/dev/ttyUSB0', { baudRate: 0 }).catch((e: unknown) => e)) as ArgumentError;
  assert.instance(badBaud, ArgumentError);
  assert.is(badBaud.option, 'baudRate');
});

test('a serial port: SerialTransport at 9600 baud, wall clock, run() is the identity', async () => {
  const board = new FakeBoard((request) => (request[0] === 0x02 ? encodeOkResponse('GET_SW_VERSION', { version: 4 }) : encodeErrorResponse(0x12)));
  const port = await openPort(board.path, { binding: board.binding });
  assert.is(port.description, `${board.path} @ 9600 baud`);
  assert.is(port.clock, realClock);
  assert.is(port.sim, undefined);
  const work = Promise.resolve(42);
  assert.is(port.run(work), work);
  const client = new StackClient(port.transport, { clock: port.clock });
  assert.is(await port.run(client.getSwVersion(0)), 4);
  await port.close();
  await port.close();
});

test('tcp:// with nothing listening rejects with "nothing listening at"', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const error = (await openPort(`tcp://127.0.0.1:${address.port}`).catch((e: unknown) => e)) as TcpConnectError;
  assert.instance(error, TcpConnectError);
  assert.match(error.message, `nothing listening at tcp://127.0.0.1:${address.port}`);
});

test('sim: a booted default stack in virtual time; run() settles work; stack, profile and seed options', async () => {
  const port = await openPort('sim:');
  assert.ok(port.sim, 'the SimStack is exposed');
  assert.is(port.sim!.boards.length, 16);
  assert.is(port.clock, port.sim!.hostClock);
  assert.is(port.transport, port.sim!.host);
  assert.match(port.description, 'sim: (stack default, profile v4-reference, seed 1)');
  assert.ok(port.clock.now() >= 100, 'MCUs had time to boot');
  const client = new StackClient(port.transport, { clock: port.clock });
  assert.is(await port.run(client.getSwVersion(15)), 4);
  await port.close();
  await port.close();

  const v3 = await openPort('sim:', { stack: 'single', profile: 'v3', seed: 9 });
  assert.is(v3.sim!.boards.length, 1);
  assert.is(v3.sim!.seed, 9);
  const v3Client = new StackClient(v3.transport, { clock: v3.clock });
  assert.is(await v3.run(v3Client.getSwVersion(0)), 3);
  await v3.close();

  for (const [options, option] of [
    [{ stack: 'huge' }, 'stack'],
    [{ profile: 'v9' }, 'profile'],
    [{ bootMs: -1 }, 'bootMs'],
  ] as const) {
    const error = (await openPort('sim:', options).catch((e: unknown) => e)) as ArgumentError;
    assert.instance(error, ArgumentError);
    assert.is(error.option, option);
  }
});

test.run();
