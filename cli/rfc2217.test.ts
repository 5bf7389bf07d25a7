/**
 * `--port rfc2217://HOST:PORT` from the command line, against Debian's real ser2net (started
 * here on 127.0.0.1, stopped by its PID) exporting a PTY that `pistack serve --pty` serves:
 * scan sees the 16 boards of the default stack, host commands work, --record records; and
 * `bin/pistack.js serve --rfc2217` as a child, scanned the same way. Errors exit 1 naming the URL.
 * Reply allowance 1 s: ser2net, socat and serve share a loaded machine (a 200 ms one failed there).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { DEFAULT_SEED } from '../board-model/scenario.ts';
import { DEFAULT_STACK } from '../board-model/stack.ts';
import { freePort, startSer2net, type Ser2net } from '../hil/rfc2217/testing/ser2net.ts';
import { serve, type ServeHandle } from '../hil/serve/serve.ts';
import { startServeChild } from '../hil/serve/testing/hostSide.ts';
import { parseSession } from '../hil/session/sessionFormat.ts';
import { cli } from './testing/runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-rfc2217-cli-'));
const BIN = resolve(fileURLToPath(import.meta.url), '../../bin/pistack.js');
const scenario = { name: 'rfc2217', description: '', stack: DEFAULT_STACK, profile: V4_REFERENCE, seed: DEFAULT_SEED, durationMs: 0, steps: [], expect: [] };
let server: ServeHandle | undefined;
let ser2net: Ser2net | undefined;

async function ok(...args: string[]): Promise<string> {
  const r = await cli(...args);
  assert.is(r.err, '', `stderr of ${args.join(' ')}`);
  assert.is(r.code, 0, `exit code of ${args.join(' ')}`);
  return r.out;
}

test.before(async () => {
  server = await serve({ endpoint: { kind: 'pty', path: join(dir, 'ttyPISTACK') }, scenario });
  ser2net = await startSer2net(server.address);
});

test.after(async () => {
  await ser2net?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('scan --port rfc2217:// through ser2net sees the 16 boards of the default stack', async () => {
  const out = await ok('scan', '--port', ser2net!.url, '--reply-timeout', '1000');
  assert.match(out, new RegExp(`^scan of IDs 0\\.\\.15 \\(16 IDs\\) on rfc2217://127\\.0\\.0\\.1:${ser2net!.port}\\n`));
  assert.match(out, /\n +15 0x0F +v3 +v4\n/);
  assert.match(out, /16 found, 0 corrupt, 0 absent/);
});

test('host commands through ser2net: status, pi-on, get, set and back, pi-force-off', async () => {
  const url = ser2net!.url;
  assert.match(await ok('status', '--port', url, '--id', '6', '--reply-timeout', '1000'), /input/i);
  await ok('pi-on', '--port', url, '--id', '6', '--pi', '1', '--reply-timeout', '1000');
  const powered = JSON.parse(await ok('status', '--port', url, '--id', '6', '--json', '--reply-timeout', '1000')) as { pis: Array<{ powered: boolean }> };
  assert.is(powered.pis[1]?.powered, true, 'Pi 1 powered after pi-on');
  await ok('pi-force-off', '--port', url, '--id', '6', '--pi', '1', '--reply-timeout', '1000');
  const before = /HBT_TIME = (\d+) s/.exec(await ok('get', 'HBT_TIME', '--port', url, '--id', '6', '--pi', '0', '--reply-timeout', '1000'))?.[1];
  assert.ok(before, 'HBT_TIME read');
  await ok('set', 'HBT_TIME', '--port', url, '--id', '6', '--pi', '0', '31', '--reply-timeout', '1000');
  assert.match(await ok('get', 'HBT_TIME', '--port', url, '--id', '6', '--pi', '0', '--reply-timeout', '1000'), /board 6 Pi 0: HBT_TIME = 31 s/);
  await ok('set', 'HBT_TIME', '--port', url, '--id', '6', '--pi', '0', before!, '--reply-timeout', '1000');
});

test('--record through ser2net: a wall-clock session naming the rfc2217:// port, ending "closed"', async () => {
  const file = join(dir, 'rfc.jsonl');
  await ok('get', 'HBT_TIME', '--port', ser2net!.url, '--id', '3', '--pi', '0', '--record', file, '--reply-timeout', '1000');
  const session = parseSession(readFileSync(file, 'utf8'), file);
  assert.is(session.header.port, ser2net!.url);
  assert.is(session.header.clock, 'wall');
  assert.equal(session.events.map((e) => e.dir), ['host', 'bus']);
  assert.match(session.events[1]!.note ?? '', /^OK value=\d+/);
  assert.is(session.end?.end, 'closed');
});

test('bin/pistack.js serve --rfc2217 :0 prints the rfc2217:// URL; scan through it finds 16 boards', async () => {
  const served = startServeChild(BIN, ['--rfc2217', ':0'], process.env, 30_000); // start-up took over 10 s once under load 20
  try {
    await served.started;
    const url = /on (rfc2217:\/\/127\.0\.0\.1:\d+): RFC 2217 \(telnet COM-PORT-OPTION, 9600 8N1\), one client at a time/.exec(served.out())?.[1];
    assert.ok(url, served.out());
    assert.match(await ok('scan', '--port', url!, '--reply-timeout', '1000'), /16 found, 0 corrupt, 0 absent/);
  } finally {
    served.child.kill('SIGTERM');
  }
  assert.is(await served.exited, 0, served.err());
});

test('errors: nothing listening at an rfc2217:// URL, a malformed one', async () => {
  const port = await freePort();
  const refused = await cli('scan', '--port', `rfc2217://127.0.0.1:${port}`);
  assert.is(refused.code, 1);
  assert.match(refused.err, new RegExp(`^error: nothing listening at rfc2217://127\\.0\\.0\\.1:${port} \\(connection refused`));
  const bad = await cli('scan', '--port', 'rfc2217://localhost');
  assert.is(bad.code, 1);
  assert.match(bad.err, /"--port": "rfc2217:\/\/localhost" is not rfc2217:\/\/HOST:PORT \(for example rfc2217:\/\/127\.0\.0\.1:5000/);
});

test.run();
