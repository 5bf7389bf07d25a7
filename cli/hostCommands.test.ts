/**
 * The host commands (scan, status, pi-on/pi-off/pi-force-off/send-sig, get, set, errors, ports)
 * run in-process against `sim:` (virtual time): text and JSON output, exit codes, option errors
 * naming the option, bus failures with the client's message, --record files that parse with
 * parseSession and end with the right trailer, and a serial link vanishing mid-command.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UDEV_MISSING } from '../hil/listPorts.ts';
import { openPtyPair } from '../hil/serve/ptyPair.ts';
import { waitUntil } from '../hil/serve/testing/hostSide.ts';
import { parseSession } from '../hil/session/sessionFormat.ts';
import { cli } from './testing/runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-host-cli-'));
let files = 0;
const newPath = (name = 'session') => join(dir, `${name}-${++files}.jsonl`);

async function ok(...args: string[]): Promise<string> {
  const r = await cli(...args);
  assert.is(r.err, '', `stderr of ${args.join(' ')}`);
  assert.is(r.code, 0, `exit code of ${args.join(' ')}`);
  return r.out;
}

async function fails(args: string[], message: string | RegExp, code = 1): Promise<void> {
  const r = await cli(...args);
  assert.is(r.code, code, `exit code of ${args.join(' ')}: ${r.err}`);
  if (typeof message === 'string') assert.ok(r.err.includes(message), `stderr ${JSON.stringify(r.err)} lacks ${JSON.stringify(message)}`);
  else assert.match(r.err, message);
  assert.is(r.out, '', 'nothing on stdout');
}

test('scan: the 16 boards of the default stack with versions, an elapsed time, JSON', async () => {
  const out = await ok('scan', '--port', 'sim:');
  assert.match(out, /^scan of IDs 0\.\.15 \(16 IDs\) on sim:\n/);
  assert.match(out, /\n +3 0x03 +v3 +v4\n/);
  assert.match(out, /16 found, 0 corrupt, 0 absent in \d+\.\d\d s of virtual bus time/);
  const json = JSON.parse(await ok('scan', '--port', 'sim:', '--range', '14-17', '--json')) as Record<string, unknown>;
  assert.equal(json['found'], [{ id: 14, hardwareVersion: 3, firmwareVersion: 4, problems: [] }, { id: 15, hardwareVersion: 3, firmwareVersion: 4, problems: [] }]);
  assert.is(json['ok'], true);
  assert.equal(json['absent'], [16, 17]);
  assert.equal(json['counts'], { found: 2, corrupt: 0, absent: 2 });
  assert.is(json['clock'], 'virtual');
  // 4 exchanges with a board (HW + SW version of 14 and 15: 9 bytes each) and 2 silent IDs.
  const exchangeMs = 9 * (10 / 9600) * 1000;
  assert.ok((json['elapsedMs'] as number) > 4 * exchangeMs + 2 * (exchangeMs + 3), 'an absent ID costs at least its wire time plus the longest reply delay');
  assert.ok((json['elapsedMs'] as number) < 4 * (exchangeMs + 3) + 2 * (exchangeMs + 40), 'the allowance tightened below the fixed 40 ms after the first replies');
});

test('scan --no-firmware: one question per ID, firmware column "-", half the bus time of a full scan, exit 0', async () => {
  const full = JSON.parse(await ok('scan', '--port', 'sim:', '--json')) as { elapsedMs: number; firmwareAsked: boolean };
  const quick = JSON.parse(await ok('scan', '--port', 'sim:', '--json', '--no-firmware')) as { elapsedMs: number; firmwareAsked: boolean; found: Array<Record<string, unknown>>; ok: boolean };
  assert.equal([full.firmwareAsked, quick.firmwareAsked, quick.ok], [true, false, true]);
  assert.equal(quick.found[3], { id: 3, hardwareVersion: 3, problems: [] });
  // 16 exchanges of 9 wire bytes plus the reply delay, against 32 of them.
  const exchangeMs = 9 * (10 / 9600) * 1000;
  assert.ok(quick.elapsedMs < 16 * (exchangeMs + 3) + 1, `quick scan ${quick.elapsedMs} ms`);
  assert.ok(full.elapsedMs > 32 * exchangeMs, `full scan ${full.elapsedMs} ms`);
  const text = await ok('scan', '--port', 'sim:', '--no-firmware');
  assert.match(text, /\n +3 0x03 +v3 +-\n/);
  assert.match(text, /16 found, 0 corrupt, 0 absent/);
});

test('scan: two boards on one DIP setting are reported corrupt, never absent, and the scan exits 1', async () => {
  const stack = join(dir, 'dup.json');
  writeFileSync(stack, JSON.stringify({ name: 'dup', boards: [{ dip: 0, pis: ['pi3b+', null] }, { dip: 0, pis: [null, null] }, { dip: 2, pis: [null, null] }] }));
  const text = await cli('scan', '--port', 'sim:', '--stack', stack, '--range', '0-3');
  assert.match(text.out, /something answered at ID 0 but the reply was corrupt \(duplicate DIP setting\?\)/);
  assert.match(text.out, /1 found, 1 corrupt, 2 absent/);
  assert.equal([text.code, text.err], [1, 'error: scan: 1 corrupt answer (ID 0)\n']);
  const run = await cli('scan', '--port', 'sim:', '--stack', stack, '--range', '0-3', '--json');
  assert.is(run.code, 1);
  const json = JSON.parse(run.out) as { corrupt: Array<{ id: number }>; absent: number[]; ok: boolean };
  assert.equal(json.corrupt.map((c) => c.id), [0]);
  assert.equal(json.absent, [1, 3]);
  assert.is(json.ok, false);
});

test('scan: --range errors name the option', async () => {
  await fails(['scan', '--port', 'sim:', '--range', '0-255'], '"--range" must be 0..254 (0xFF is the master address');
  await fails(['scan', '--port', 'sim:', '--range', '9-3'], '"--range": 3 is below 9');
  await fails(['scan', '--port', 'sim:', '--range', 'all'], '"--range" must be a number');
  await fails(['scan', '--port', 'sim:', '--range', '1-2-3'], '"--range" must be FROM-TO');
});

test('status: every reading with units, Pi states and settings; JSON has raw and converted values', async () => {
  const out = await ok('status', '--port', 'sim:', '--id', '3');
  assert.match(out, /^board 3 \(0x03\) on sim:\n  ID 3 \(0x03\), prefix 0x00, DIP 3; hardware v3, firmware v4\n  errors logged 0, boots 1\n/);
  assert.match(out, /input +1[12]\.\d\d V +0\.0\d\d A +0\.\d\d W/);
  assert.match(out, /5 V rail +5\.\d\d V +0\.00 W \(both Pis\)/);
  for (const row of ['powered +no +no', 'heartbeat +none +none', 'HBT_TIME +15 s +15 s', 'HBT_DELAY +90 s +90 s', 'OFF_DELAY +30 s', 'SIG_OFF_DELAY +30 s', 'SIG_WIDTH +2 \\(200 ms\\)', 'PI_ON_STARTUP +0 \\(off\\)']) {
    assert.match(out, new RegExp(`\\n  ${row}`), row);
  }
  const json = JSON.parse(await ok('status', '--port', 'sim:', '--id', '3', '--json')) as {
    reportedId: number; firmwareVersion: number; bootCount: number; input: { voltage: { raw: number; value: number; unit: string } };
    pis: Array<{ pi: number; powered: boolean; settings: Record<string, number> }>; settingUnits: Record<string, string>; unavailable: string[];
  };
  assert.is(json.reportedId, 3);
  assert.is(json.firmwareVersion, 4);
  assert.is(json.bootCount, 1);
  assert.is(json.input.voltage.unit, 'V');
  assert.ok(Math.abs(json.input.voltage.value - json.input.voltage.raw * (3.3 / 65535) * (112 / 12)) < 1e-9, 'converted per PROTOCOL.md section 7');
  assert.equal(json.pis.map((p) => [p.pi, p.powered, p.settings['HBT_TIME']]), [[0, false, 15], [1, false, 15]]);
  assert.is(json.settingUnits['SIG_WIDTH'], 'x100 ms');
  assert.equal(json.unavailable, []);
});

test('status: a v3 firmware reports the newer commands as not available (not sent) instead of failing', async () => {
  const out = await ok('status', '--port', 'sim:', '--profile', 'v3', '--id', '0');
  assert.match(out, /not available from this firmware: GET_POWER: not in firmware v3 \(added in v4\.1\), not sent/);
  assert.match(out, /not available from this firmware: GET_PI_ON_STARTUP: not in firmware v3 \(added in v4\), not sent/);
  assert.match(out, /SIG_WIDTH +n\/a +n\/a/);
});

test('pi-on, pi-off, pi-force-off, send-sig: acknowledged; --pi required and checked', async () => {
  assert.match(await ok('pi-on', '--port', 'sim:', '--id', '3', '--pi', '0'), /^board 3 Pi 0: PI_ON acknowledged; /);
  assert.match(await ok('pi-off', '--port', 'sim:', '--id', '3', '--pi', '1'), /^board 3 Pi 1: PI_OFF acknowledged; /);
  assert.match(await ok('pi-force-off', '--port', 'sim:', '--id', '0x0A', '--pi', '0'), /^board 10 Pi 0: PI_FORCE_OFF acknowledged; power is off/);
  const json = JSON.parse(await ok('send-sig', '--port', 'sim:', '--id', '3', '--pi', '1', '--json'));
  assert.equal(json, { port: 'sim:', id: 3, pi: 1, command: 'SEND_SIG', acknowledged: true });
  await fails(['pi-on', '--port', 'sim:', '--id', '3'], 'missing "--pi": PI_ON addresses one Pi');
  await fails(['pi-on', '--port', 'sim:', '--id', '3', '--pi', '2'], '"--pi" must be 0..1');
  await fails(['pi-off', '--port', 'sim:', '--pi', '0'], 'missing "--id"');
});

test('get: every setting by any spelling, both Pis without --pi, the unit in the output', async () => {
  const expected: Array<[string, RegExp]> = [
    ['HBT_TIME', /board 3 Pi 0: HBT_TIME = 15 s\nboard 3 Pi 1: HBT_TIME = 15 s\n/],
    ['hbt-delay', /HBT_DELAY = 90 s/],
    ['Off_Delay', /OFF_DELAY = 30 s/],
    ['sig-off-delay', /SIG_OFF_DELAY = 30 s/],
    ['SIG_WIDTH', /SIG_WIDTH = 2 \(200 ms\)/],
    ['get-pi-on-startup', /PI_ON_STARTUP = 0 \(off\)/],
    ['id_prefix', /^board 3: ID_PREFIX = 0x00\n$/],
  ];
  for (const [name, pattern] of expected) assert.match(await ok('get', name, '--port', 'sim:', '--id', '3'), pattern, name);
  const json = JSON.parse(await ok('get', 'SIG_WIDTH', '--port', 'sim:', '--id', '3', '--pi', '1', '--json'));
  assert.equal(json, { port: 'sim:', id: 3, setting: 'SIG_WIDTH', unit: 'x100 ms', values: [{ pi: 1, value: 2 }] });
  await fails(['get', 'HBT', '--port', 'sim:', '--id', '3'], '"SETTING": unknown setting "HBT"; one of HBT_TIME, HBT_DELAY');
  await fails(['get', 'ID_PREFIX', '--port', 'sim:', '--id', '3', '--pi', '0'], '"--pi" does not apply: ID_PREFIX is one setting per board');
});

test('set: writes, reads back, says what it was; values checked with their unit', async () => {
  assert.match(await ok('set', 'HBT_TIME', '--port', 'sim:', '--id', '3', '--pi', '0', '30'), /^board 3 Pi 0: HBT_TIME = 30 s, was 15 s; read back OK\n$/);
  assert.match(await ok('set', 'pi-on-startup', 'on', '--port', 'sim:', '--id', '3', '--pi', '1'), /PI_ON_STARTUP = 1 \(on\), was 0 \(off\)/);
  assert.match(await ok('set', 'SIG_WIDTH', '--port', 'sim:', '--id', '3', '--pi', '1', '5'), /SIG_WIDTH = 5 \(500 ms\), was 2 \(200 ms\)/);
  const prefix = await ok('set', 'ID_PREFIX', '0x10', '--port', 'sim:', '--id', '3');
  assert.match(prefix, /board 3: ID_PREFIX = 0x10, was 0x00; read back OK\nboard 3 now answers at ID 19 \(0x13\)\n/);
  const json = JSON.parse(await ok('set', 'OFF_DELAY', '60', '--port', 'sim:', '--id', '3', '--pi', '0', '--json'));
  assert.equal(json, { port: 'sim:', id: 3, newId: 3, setting: 'OFF_DELAY', unit: 'seconds', pi: 0, previous: 30, value: 60 });
  await fails(['set', 'HBT_TIME', '30', '--port', 'sim:', '--id', '3'], 'missing "--pi": HBT_TIME is set per Pi');
  await fails(['set', 'HBT_TIME', '256', '--port', 'sim:', '--id', '3', '--pi', '0'], '"VALUE" must be 0..255 (HBT_TIME is in seconds, one byte), got 256');
  await fails(['set', 'PI_ON_STARTUP', '2', '--port', 'sim:', '--id', '3', '--pi', '0'], '"VALUE" must be 0..1 (PI_ON_STARTUP is 0/1 (or off/on))');
  await fails(['set', 'ID_PREFIX', '0x12', '--port', 'sim:', '--id', '3'], '"VALUE": the prefix is the high nibble of the ID: a multiple of 0x10');
  await fails(['set', 'ID_PREFIX', '0xF0', '--port', 'sim:', '--id', '15'], '"VALUE": prefix 0xF0 would give board 15 the ID 0xFF, the master address');
});

test('errors: the log newest first with names, counts per code, error count, pointer and boot count', async () => {
  const out = await ok('errors', '--port', 'sim:', '--id', '3');
  assert.match(out, /^board 3 error log: 1 entry in 32 slots, pointer 1; error count 0, boot count 1\nnewest first:\n +1\. slot  0  0x0F BOOTED +board booted/);
  assert.match(out, /by code:\n  0x0F BOOTED +1\n$/);
  const json = JSON.parse(await ok('errors', '--port', 'sim:', '--id', '3', '--json'));
  assert.equal(json.entries, [{ age: 0, slot: 0, code: 0x0f, name: 'BOOTED', description: 'board booted (logged at every boot)' }]);
  assert.equal(json.counts, [{ code: 0x0f, name: 'BOOTED', count: 1 }]);
  assert.equal([json.size, json.pointer, json.errorCount, json.bootCount], [32, 1, 0, 1]);
});

test('ports: lists adapters (or says there are none); without udevadm, the clear message and exit 1', async () => {
  const r = await cli('ports', '--json');
  assert.is(r.code, 0, r.err);
  const listed = JSON.parse(r.out) as Array<{ path: string }>;
  assert.ok(Array.isArray(listed) && listed.every((p) => typeof p.path === 'string'));
  const path = process.env['PATH'];
  process.env['PATH'] = dir; // no udevadm here
  try {
    await fails(['ports'], UDEV_MISSING);
  } finally {
    process.env['PATH'] = path;
  }
});

test('option errors: --port missing or malformed, sim-only options on a real port, --id', async () => {
  await fails(['status', '--id', '3'], 'missing "--port": give a serial device path');
  await fails(['status', '--port', 'ttyUSB0', '--id', '3'], '"--port": "ttyUSB0" is not a port (did you mean /dev/ttyUSB0?)');
  await fails(['status', '--port', 'tcp://127.0.0.1:1', '--id', '3', '--stack', 'single'], '"--stack" applies only to --port sim:');
  await fails(['status', '--port', 'sim:', '--id', '255'], '"--id" must be 0..254');
  await fails(['status', '--port', 'sim:'], 'missing "--id"');
  await fails(['scan', '--port', 'sim:', '--reply-timeout', '0'], '"--reply-timeout" must be 1..60000');
});

test('link failures: no device, nothing listening, a board that does not answer', async () => {
  await fails(['status', '--port', join(dir, 'ttyNOPE'), '--id', '3'], /no serial device at .*ttyNOPE \(is the adapter plugged in\? see `pistack ports`\)/);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await fails(['status', '--port', `tcp://127.0.0.1:${port}`, '--id', '3'], `nothing listening at tcp://127.0.0.1:${port}`);
  await fails(['get', 'HBT_TIME', '--port', 'sim:', '--id', '30', '--pi', '0'], /^error: board 30: no reply to GET_HBT_TIME within \d+\.\d ms\n$/);
});

test('--record: a complete session that parses; a failed command ends it with an "error" trailer', async () => {
  const good = newPath();
  await ok('get', 'HBT_TIME', '--port', 'sim:', '--id', '3', '--pi', '0', '--record', good);
  const session = parseSession(readFileSync(good, 'utf8'), good);
  assert.is(session.header.clock, 'virtual');
  assert.is(session.header.port, 'sim:');
  assert.equal(session.events.map((e) => [e.dir, e.note]), [['host', 'GET_HBT_TIME to 3 pi=0'], ['bus', 'OK value=15']]);
  assert.is(session.end?.end, 'closed');

  const bad = newPath();
  await fails(['get', 'HBT_TIME', '--port', 'sim:', '--id', '30', '--pi', '0', '--record', bad], 'no reply');
  const failed = parseSession(readFileSync(bad, 'utf8'), bad);
  assert.is(failed.events.length, 3, 'the request and its two retries');
  assert.is(failed.end?.end, 'error');
  assert.match(failed.end?.reason ?? '', /board 30: no reply to GET_HBT_TIME/);
  assert.ok(failed.end!.t > failed.events[2]!.t, 'the trailer is at the time of the failure');

  const unopened = newPath();
  await fails(['status', '--port', join(dir, 'ttyGONE'), '--id', '3', '--record', unopened], 'no serial device');
  assert.is(parseSession(readFileSync(unopened, 'utf8'), unopened).end?.end, 'error');
  await fails(['status', '--port', 'sim:', '--id', '3', '--record', good], /"--record": cannot record to .*: the file already exists; pass --overwrite to replace it/);
});

test('a link that goes away mid-command: TCP closed by the server, a serial device (PTY) vanishing', async () => {
  const server: Server = createServer((socket) => socket.once('data', () => socket.end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `tcp://127.0.0.1:${(server.address() as { port: number }).port}`;
  const tcpFile = newPath();
  try {
    await fails(['status', '--port', url, '--id', '3', '--record', tcpFile], `error: lost the link to ${url}: connection closed by the server\n`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  assert.is(parseSession(readFileSync(tcpFile, 'utf8'), tcpFile).end?.end, 'disconnected');

  const pair = await openPtyPair(join(dir, 'ttyVANISH'));
  const ptyFile = newPath();
  const running = cli('scan', '--port', pair.path, '--range', '0-254', '--record', ptyFile);
  // Wait for the scan to be under way (its first request on disk), then pull the "adapter".
  await waitUntil(() => existsSync(ptyFile) && readFileSync(ptyFile, 'utf8').includes('"dir":"host"'), 5000, 'the first request');
  await pair.stop();
  const timer = setTimeout(() => process.emit('SIGINT', 'SIGINT'), 5000); // bounded, should the loss go unnoticed
  const r = await running.finally(() => clearTimeout(timer));
  assert.is(r.code, 1);
  assert.match(r.err, new RegExp(`^error: lost the link to ${pair.path}: .* \\(was the adapter unplugged\\?\\)\\n$`));
  assert.is(parseSession(readFileSync(ptyFile, 'utf8'), ptyFile).end?.end, 'disconnected');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
