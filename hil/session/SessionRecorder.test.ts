/**
 * Recording sessions: every line is in the file before record() returns (read back before end(),
 * and after a SIGKILL), the trailer, and recordTransport between a client and a link (scripted
 * loopback in virtual time, and the simulator through openPort('sim:')).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { VirtualClock } from '../../board-model/VirtualClock.ts';
import { DisconnectedError } from '../../bus-protocol/errors.ts';
import { buildFrame, encodeErrorResponse, encodeOkResponse, encodeRequest } from '../../bus-protocol/frame.ts';
import { StackClient } from '../../bus-protocol/StackClient.ts';
import { LoopbackTransport } from '../../bus-protocol/testing/LoopbackTransport.ts';
import { openPort } from '../ports.ts';
import { SessionRecorder, describeChunk, recordTransport } from './SessionRecorder.ts';
import { parseSession } from './sessionFormat.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-session-'));
let files = 0;
const newPath = () => join(dir, `session-${++files}.jsonl`);

test('each event is in the file before record() returns; end() adds the trailer and closes', () => {
  const path = newPath();
  const recorder = SessionRecorder.create({ path, port: '/dev/ttyUSB0', clock: 'wall', startedAt: new Date('2026-02-01T08:00:00Z') });
  assert.equal(parseSession(readFileSync(path, 'utf8'), path).header, {
    format: 'pistack-session', version: 1, baud: 9600, port: '/dev/ttyUSB0', tool: 'pistack-rig', toolVersion: pkg.version,
    startedAt: '2026-02-01T08:00:00.000Z', clock: 'wall',
  });
  recorder.record('host', Uint8Array.of(0x02, 0x00, 0x03, 0xad), 0, 'GET_SW_VERSION to 0');
  let session = parseSession(readFileSync(path, 'utf8'), path);
  assert.is(session.events.length, 1, 'flushed at once, before end()');
  assert.not.ok(session.complete);
  recorder.record('bus', Uint8Array.of(0x00, 0xff, 0x04, 0x04, 0x88), 7.25);
  recorder.record('bus', new Uint8Array(0), 8); // nothing to record
  assert.is(parseSession(readFileSync(path, 'utf8'), path).events.length, 2);
  assert.is(recorder.events, 2);
  assert.is(recorder.lastT, 7.25);

  recorder.end('interrupted', 'Ctrl-C', 9);
  recorder.end('error', 'too late'); // only the first end counts
  recorder.record('bus', Uint8Array.of(1), 10); // ignored after end
  session = parseSession(readFileSync(path, 'utf8'), path);
  assert.ok(session.complete);
  assert.equal(session.end, { end: 'interrupted', t: 9, reason: 'Ctrl-C' });
  assert.equal(recorder.ended, { end: 'interrupted', t: 9, reason: 'Ctrl-C' });
  assert.is(session.events.length, 2);
  assert.equal(session.events[1], { line: 3, t: 7.25, dir: 'bus', bytes: Uint8Array.of(0x00, 0xff, 0x04, 0x04, 0x88) });
});

test('times stay ordered, and the trailer defaults to the last event time', () => {
  const path = newPath();
  const recorder = SessionRecorder.create({ path, port: 'sim:', clock: 'virtual', baud: 19200 });
  recorder.record('host', Uint8Array.of(1), 5);
  recorder.record('bus', Uint8Array.of(2), 4); // a clock must not go back; written as 5
  recorder.end('closed');
  const session = parseSession(readFileSync(path, 'utf8'), path);
  assert.equal(session.events.map((e) => e.t), [5, 5]);
  assert.equal(session.end, { end: 'closed', t: 5 });
  assert.is(session.header.baud, 19200);
  assert.is(session.header.clock, 'virtual');
});

test('an existing file is never overwritten unless asked; unwritable paths are explained', () => {
  const path = newPath();
  writeFileSync(path, 'precious\n');
  assert.throws(() => SessionRecorder.create({ path, port: 'sim:', clock: 'virtual' }), /cannot record to .*: the file already exists/);
  assert.is(readFileSync(path, 'utf8'), 'precious\n');
  const recorder = SessionRecorder.create({ path, port: 'sim:', clock: 'virtual', overwrite: true });
  recorder.end('closed');
  assert.ok(parseSession(readFileSync(path, 'utf8'), path).complete);
  assert.throws(() => SessionRecorder.create({ path: join(dir, 'missing', 'x.jsonl'), port: 'sim:', clock: 'virtual' }), /cannot record to .*missing/);
  assert.throws(() => SessionRecorder.create({ path: '/dev/full', port: 'sim:', clock: 'virtual', overwrite: true }), /cannot record to \/dev\/full: ENOSPC/);
});

test('a killed recorder loses nothing it had recorded (SIGKILL, no trailer)', async () => {
  const path = newPath();
  const script = [
    "import { SessionRecorder } from './hil/session/SessionRecorder.ts';",
    "const r = SessionRecorder.create({ path: process.env.SESSION_PATH, port: '/dev/ttyUSB0', clock: 'wall' });",
    "r.record('host', Uint8Array.of(2, 0, 3, 0xad), 0, 'GET_SW_VERSION to 0');",
    "r.record('bus', Uint8Array.of(0, 0xff, 4, 4, 0x88), 7.3, 'OK version=4');",
    "process.kill(process.pid, 'SIGKILL');",
  ].join('\n');
  const signal = await new Promise<string | null>((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, SESSION_PATH: path } }, () =>
      resolve(child.signalCode),
    );
  });
  assert.is(signal, 'SIGKILL');
  const session = parseSession(readFileSync(path, 'utf8'), path);
  assert.equal(session.events.map((e) => e.note), ['GET_SW_VERSION to 0', 'OK version=4']);
  assert.not.ok(session.complete);
  assert.match(session.warnings[0]!, 'no end trailer');
});

test('describeChunk: whole frames get a decoded note, anything else none', () => {
  assert.is(describeChunk('host', encodeRequest('SET_HBT_TIME', 0, { pi: 0, value: 30 })), 'SET_HBT_TIME to 0 pi=0 value=30');
  assert.is(describeChunk('host', encodeRequest('GET_SW_VERSION', 4)), 'GET_SW_VERSION to 4');
  const badCrc = encodeRequest('GET_SW_VERSION', 0);
  badCrc[3]! ^= 0xff;
  assert.is(describeChunk('host', badCrc), 'bad request: CRC byte is 0x52, expected 0xAD');
  assert.is(describeChunk('bus', encodeOkResponse('GET_SW_VERSION', { version: 4 }), 'GET_SW_VERSION'), 'OK version=4');
  assert.is(describeChunk('bus', encodeOkResponse('GET_VIN', { raw: 0x4000 }), 'GET_VIN'), 'OK raw=16384 (7.700 V)');
  assert.is(describeChunk('bus', encodeOkResponse('PI_ON', {}), 'PI_ON'), 'OK');
  assert.is(describeChunk('bus', encodeOkResponse('GET_SW_VERSION', { version: 4 })), 'OK data 04');
  assert.is(describeChunk('bus', encodeErrorResponse(0x12), 'GET_SW_VERSION'), 'error 0x12 UNKNOWN_COMMAND: unknown command');
  assert.is(describeChunk('bus', encodeOkResponse('PI_ON', {}), 'GET_VIN'), 'bad reply to GET_VIN: OK reply to GET_VIN needs LEN 5, frame has LEN 3');
  assert.is(describeChunk('bus', buildFrame(0x00, 0x05, [])), 'bad reply: byte 1 is 0x05, a response carries 0xFF');
  const log = encodeOkResponse('GET_ERROR_BUFFER', { log: new Uint8Array(32) });
  assert.is(describeChunk('bus', log, 'GET_ERROR_BUFFER'), 'OK log=<32 bytes>');
  const request = encodeRequest('GET_VIN', 0);
  assert.is(describeChunk('host', request.subarray(0, 2)), undefined, 'a fragment');
  assert.is(describeChunk('host', Uint8Array.from([...request, ...request])), undefined, 'two frames in one chunk');
  assert.is(describeChunk('bus', Uint8Array.of(0x00, 0xff, 0x02, 0x00)), undefined, 'not a frame length');
});

test('recordTransport: both directions with clock times and notes; an unplug writes a "disconnected" trailer', async () => {
  const path = newPath();
  const clock = new VirtualClock(1000);
  const link = new LoopbackTransport((request, bus) => {
    clock.advance(7); // the reply takes 7 ms
    bus.deliver(request[0] === 0x02 ? encodeOkResponse('GET_SW_VERSION', { version: 4 }) : encodeErrorResponse(0x12));
  });
  const recorder = SessionRecorder.create({ path, port: 'loopback:', clock: 'virtual' });
  const transport = recordTransport(link, recorder, clock);
  assert.is(transport.description, 'loopback:');
  const client = new StackClient(transport, { clock });
  clock.advance(3);
  assert.is(await client.getSwVersion(0), 4);
  const unknown = await client.requestRaw(buildFrame(0x7f, 0, []));
  assert.is(unknown.kind, 'reply');
  const reasons: string[] = [];
  transport.onClose((reason) => reasons.push(reason));
  link.disconnect('adapter unplugged');
  assert.equal(reasons, ['adapter unplugged']);
  assert.instance(await client.getSwVersion(0).catch((e: unknown) => e), DisconnectedError);
  await assert.instance(await transport.write(Uint8Array.of(1)).catch((e: unknown) => e), Error);

  const session = parseSession(readFileSync(path, 'utf8'), path);
  assert.equal(
    session.events.map((e) => [e.t, e.dir, e.note]),
    [
      [3, 'host', 'GET_SW_VERSION to 0'],
      [10, 'bus', 'OK version=4'],
      [10, 'host', 'bad request: code 0x7F is not a request command'],
      [17, 'bus', 'error 0x12 UNKNOWN_COMMAND: unknown command'],
    ],
  );
  assert.equal(session.end, { end: 'disconnected', t: 17, reason: 'adapter unplugged' });
});

test('recordTransport: close() writes a "closed" trailer; endOnClose false leaves ending to the caller', async () => {
  const path = newPath();
  const clock = new VirtualClock();
  const recorder = SessionRecorder.create({ path, port: 'loopback:', clock: 'virtual' });
  const link = new LoopbackTransport();
  const transport = recordTransport(link, recorder, clock);
  link.deliver(Uint8Array.of(0xaa)); // received with no listener: still recorded
  clock.advance(2);
  await transport.close();
  await transport.close();
  assert.ok(link.closed);
  assert.equal(parseSession(readFileSync(path, 'utf8'), path).end, { end: 'closed', t: 2 });
  assert.is(parseSession(readFileSync(path, 'utf8'), path).events.length, 1);

  const manual = SessionRecorder.create({ path: newPath(), port: 'loopback:', clock: 'virtual' });
  const manualLink = new LoopbackTransport();
  await recordTransport(manualLink, manual, clock, { endOnClose: false, startMs: 0 }).close();
  assert.is(manual.ended, undefined);
  manual.end('error', 'the tool failed');
  assert.equal(manual.ended, { end: 'error', t: 0, reason: 'the tool failed' });
});

test('recordTransport: a recording that cannot be written closes the link with the reason', async () => {
  const recorder = SessionRecorder.create({ path: newPath(), port: 'loopback:', clock: 'virtual' });
  const link = new LoopbackTransport();
  const transport = recordTransport(link, recorder, new VirtualClock());
  const heard: Uint8Array[] = [];
  const reasons: string[] = [];
  transport.onData((bytes) => heard.push(bytes));
  transport.onClose((reason) => reasons.push(reason));
  recorder.record = () => {
    throw new Error('ENOSPC: no space left on device');
  };
  link.deliver(Uint8Array.of(1, 2));
  assert.equal(heard, []);
  assert.equal(reasons, [`cannot record to ${recorder.path}: ENOSPC: no space left on device`]);
  assert.ok(link.closed);
});

test('recording a simulator session through openPort("sim:"): virtual times, decoded readings', async () => {
  const path = newPath();
  const port = await openPort('sim:');
  const recorder = SessionRecorder.create({ path, port: 'sim:', clock: 'virtual' });
  const transport = recordTransport(port.transport, recorder, port.clock);
  const client = new StackClient(transport, { clock: port.clock });
  const volts = await port.run(client.getVin(3));
  await port.run(client.piOn(3, 1));
  await port.run(client.piForceOff(3, 1));
  await client.close();
  await port.close();
  const session = parseSession(readFileSync(path, 'utf8'), path);
  assert.ok(session.complete);
  assert.equal(session.events.map((e) => e.dir), ['host', 'bus', 'host', 'bus', 'host', 'bus']);
  assert.is(session.events[0]!.note, 'GET_VIN to 3');
  assert.match(session.events[1]!.note!, `(${volts.toFixed(3)} V)`);
  assert.is(session.events[2]!.note, 'PI_ON to 3 pi=1');
  assert.ok(session.events[1]!.t > session.events[0]!.t, 'the reply comes after its request, in virtual ms');
});

test('the notes in the docs/session-format.md example are what the recorder writes', () => {
  const doc = readFileSync(new URL('../../docs/session-format.md', import.meta.url), 'utf8');
  const session = parseSession(/```jsonl\n([\s\S]*?)```/.exec(doc)![1]!, 'docs/session-format.md');
  let answering: 'GET_SW_VERSION' | 'GET_VIN' | undefined;
  for (const event of session.events) {
    if (event.dir === 'host') answering = event.bytes[0] === 0x02 ? 'GET_SW_VERSION' : 'GET_VIN';
    assert.is(event.note, describeChunk(event.dir, event.bytes, event.dir === 'bus' ? answering : undefined), `line ${event.line}`);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
