/**
 * `pistack serve`: option errors in-process (exit 1, a message naming the option), and one real
 * run of bin/pistack.js as a child: start-up lines, a request over the PTY, SIGTERM stops it
 * with exit 0, the link gone and the state saved.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import { encodeRequest } from '../bus-protocol/frame.ts';
import { ByteCollector, hex, pathExists, processGone, startServeChild, waitUntil } from '../hil/serve/testing/hostSide.ts';
import { socatsLinking } from '../hil/serve/leftovers.ts';
import { parseTcpAddress } from './commands/serve.ts';
import { cli } from './testing/runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-serve-cli-'));
const BIN = resolve(fileURLToPath(import.meta.url), '../../bin/pistack.js');

test('serve needs exactly one of --pty, --tcp and --rfc2217', async () => {
  const neither = await cli('serve');
  assert.is(neither.code, 1);
  assert.match(neither.err, /say where to serve: "--pty PATH".*"--tcp HOST:PORT".*"--rfc2217 HOST:PORT"/);
  const both = await cli('serve', '--pty', join(dir, 'x'), '--tcp', ':0');
  assert.is(both.code, 1);
  assert.match(both.err, /give only one of "--pty PATH", "--tcp HOST:PORT" and "--rfc2217 HOST:PORT" \(got --pty and --tcp\)/);
  assert.not.ok(existsSync(join(dir, 'x')));
  const rfc = await cli('serve', '--tcp', ':0', '--rfc2217', ':0');
  assert.is(rfc.code, 1);
  assert.match(rfc.err, /\(got --tcp and --rfc2217\)/);
  const bad = await cli('serve', '--rfc2217', 'host:abc');
  assert.is(bad.code, 1);
  assert.match(bad.err, /"--rfc2217" port must be a number 0\.\.65535, not "abc"/);
});

test('--tcp: HOST:PORT forms and errors', async () => {
  assert.equal(parseTcpAddress('127.0.0.1:5000'), { host: '127.0.0.1', port: 5000 });
  assert.equal(parseTcpAddress(':0'), { host: '127.0.0.1', port: 0 });
  assert.equal(parseTcpAddress('5001'), { host: '127.0.0.1', port: 5001 });
  assert.equal(parseTcpAddress('[::1]:7'), { host: '::1', port: 7 });
  assert.equal(parseTcpAddress('localhost:80'), { host: 'localhost', port: 80 });
  for (const [bad, why] of [['localhost', /has no port/], ['1.2.3.4:99999', /port must be 0\.\.65535, not 99999/], ['host:abc', /port must be a number 0\.\.65535, not "abc"/], ['a b:1', /invalid host/]] as const) {
    const r = await cli('serve', '--tcp', bad);
    assert.is(r.code, 1, bad);
    assert.match(r.err, /"--tcp"/, bad);
    assert.match(r.err, why, bad);
  }
});

test('--pty PATH that exists, --speed, --state and --stack problems are exit 1 with a clear message', async () => {
  const taken = join(dir, 'ttyUSB0');
  writeFileSync(taken, '');
  const r1 = await cli('serve', '--pty', taken);
  assert.is(r1.code, 1);
  assert.match(r1.err, /error: --pty .*ttyUSB0: already exists; serve will not replace it/);
  const r2 = await cli('serve', '--tcp', ':0', '--speed', 'fast');
  assert.is(r2.code, 1);
  assert.match(r2.err, /"--speed" must be a positive number/);
  const r3 = await cli('serve', '--tcp', ':0', '--state', taken);
  assert.is(r3.code, 1);
  assert.match(r3.err, /cannot create state directory .*ttyUSB0/);
  const r4 = await cli('serve', '--tcp', ':0', '--stack', join(dir, 'missing.json'));
  assert.is(r4.code, 1);
  assert.match(r4.err, /"--stack": cannot read .*missing\.json: no such file/);
});

test('bin/pistack.js serve: prints where to connect, answers over the PTY, SIGTERM stops it cleanly', async () => {
  const link = join(dir, 'pistack');
  const state = join(dir, 'state');
  const scenario = join(dir, 'served.json');
  writeFileSync(scenario, JSON.stringify({ name: 'served', steps: [{ at: '0s', fault: 'supply-volts', value: 12 }, { at: '1s', host: 'PI_ON', id: 3, pi: 0 }] }));
  const served = startServeChild(BIN, ['--pty', link, '--state', state, '--scenario', scenario]);
  const { child } = served;
  try {
    await served.started;
    const out = served.out();
    assert.match(out, new RegExp(`serving 16 boards \\(stack "default", profile v4-reference, seed \\d+\\) on ${link}: open it at 9600 8N1`));
    assert.match(out, /warning: scenario "served": 1 host step\(s\) skipped/);
    assert.match(out, /state: .*state \(0 of 16 boards restored, saved on every change\)/);

    const port = new SerialPort({ path: link, baudRate: 9600, autoOpen: false });
    await new Promise<void>((ok, no) => port.open((e) => (e ? no(e) : ok())));
    const rx = new ByteCollector();
    port.on('data', (d: Buffer) => rx.push(d));
    port.write(Buffer.from(encodeRequest('GET_SW_VERSION', 3)));
    await rx.waitForBytes(5, 2000);
    assert.is(hex(rx.bytes), '00 FF 04 04 88');
    await new Promise<void>((ok) => port.close(() => ok()));
  } finally {
    child.kill('SIGTERM');
  }
  assert.is(await served.exited, 0, served.err());
  assert.match(served.out(), /0s: fault supply-volts value 12/);
  assert.match(served.out(), /stopped \(SIGTERM\); state saved in /);
  assert.throws(() => lstatSync(link), /ENOENT/, 'the link is removed');
  assert.is((JSON.parse(readFileSync(join(state, 'board-15.json'), 'utf8')) as { dip: number }).dip, 15);
  assert.not.ok(existsSync(join(state, '.lock')));
});

test('serve --tcp 0.0.0.0 (guards against binding every interface silently and printing an unusable tcp://0.0.0.0 address): a warning on stderr, 127.0.0.1 printed and reachable', async () => {
  const served = startServeChild(BIN, ['--tcp', '0.0.0.0:0', '--stack', 'single']);
  const { child } = served;
  try {
    await served.started;
    const out = served.out();
    const err = served.err();
    assert.match(err, /^warning: "--tcp" 0\.0\.0\.0 listens on every network interface: anyone who can reach this machine can drive the simulated stack; use 127\.0\.0\.1 to keep it to this machine\n$/);
    assert.not.match(out, /0\.0\.0\.0/, 'the unusable address is not printed');
    const port = Number(/on tcp:\/\/127\.0\.0\.1:(\d+): raw bytes/.exec(out)?.[1]);
    assert.ok(port > 0, out);
    assert.match(out, /transmit FIFO: 256 bytes/);
    const socket = connect({ host: '127.0.0.1', port });
    const rx = new ByteCollector();
    socket.on('data', (d) => rx.push(d));
    socket.on('error', () => undefined);
    socket.write(encodeRequest('GET_SW_VERSION', 0));
    await rx.waitForBytes(5, 2000);
    assert.is(hex(rx.bytes), '00 FF 04 04 88');
    socket.destroy();
  } finally {
    child.kill('SIGTERM');
  }
  assert.is(await served.exited, 0, served.err());
});

test('after kill -9 of serve --pty, socat follows it and removes PATH (guards against socat and link left behind), so serve starts again', async () => {
  const link = join(dir, 'killed');
  const temp = join(dir, 'killed-tmp'); // the child's TMPDIR: its private directory stays inside this test's folder
  mkdirSync(temp);
  // With its own TMPDIR the child also has no tsx compile cache (tsx keeps it under the temp
  // directory): it compiles every source first, which on a loaded 2-core machine took over 10 s.
  const start = () => startServeChild(BIN, ['--pty', link, '--stack', 'single'], { ...process.env, TMPDIR: temp }, 60_000);
  const first = start();
  await first.started;
  const [socat] = await socatsLinking(resolve(link));
  assert.ok(socat, 'socat serves the link');
  first.child.kill('SIGKILL');
  await first.exited;
  await waitUntil(() => !pathExists(link), 5000, 'socat to remove the link after its parent was killed');
  await waitUntil(() => processGone(socat!.pid), 5000, 'socat to exit');
  const second = start();
  await second.started;
  second.child.kill('SIGTERM');
  assert.is(await second.exited, 0);
});

test('--fifo must be 1..65536 bytes', async () => {
  for (const bad of ['0', '65537', 'big']) {
    const r = await cli('serve', '--tcp', ':0', '--fifo', bad);
    assert.is(r.code, 1, bad);
    assert.match(r.err, /^error: "--fifo" must be /, bad);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
