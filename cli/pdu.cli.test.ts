/**
 * `pistack pdu` options: loopback unless --allow-remote (then a warning, and the printed URL is
 * one a client can use), bad values named by option, an empty bus refused before listening.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLoopbackHost } from './commands/pdu.ts';
import { startPduChild } from './pdu/testing/pduChild.ts';
import { cli } from './testing/runCli.ts';

const BIN = resolve(fileURLToPath(import.meta.url), '../../bin/pistack.js');

test('isLoopbackHost: 127.0.0.0/8, ::1 and localhost only', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', 'LOCALHOST']) assert.ok(isLoopbackHost(host), host);
  for (const host of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'example.org', '128.0.0.1']) assert.not.ok(isLoopbackHost(host), host);
});

test('a --listen address that is not loopback needs --allow-remote; bad options are named; an empty bus is refused', async () => {
  const remote = await cli('pdu', '--port', 'sim:', '--listen', '0.0.0.0:0');
  assert.is(remote.code, 1);
  assert.match(remote.err, /^error: "--listen" 0\.0\.0\.0 is not a loopback address: anyone who can reach it could switch the Pis off; add --allow-remote if that is what you want\n$/);
  const cases: Array<[string[], RegExp]> = [
    [['--listen', ':0'], /missing "--port"/],
    [['--port', 'sim:', '--listen', 'x:y'], /"--listen" port must be a number/],
    [['--port', 'sim:', '--listen', ':0', '--off-timeout', 'soon'], /"--off-timeout" must be a number/],
    [['--port', 'sim:', '--listen', ':0', '--metrics-max-age', '-1'], /"--metrics-max-age" must be 0\.\.3600000/],
    [['--port', 'sim:', '--listen', ':0', '--range', '9-3'], /"--range": 3 is below 9/],
    [['--port', 'sim:', '--listen', ':0', '--range', '20-21'], /^error: no boards found on IDs 20-21 of sim: \(is the bus powered and wired, "--range" right\?\)\n$/],
    [['--port', '/dev/ttyNOPE9', '--listen', ':0'], /no serial device at \/dev\/ttyNOPE9/],
  ];
  for (const [args, message] of cases) {
    const r = await cli('pdu', ...args);
    assert.is(r.code, 1, args.join(' '));
    assert.match(r.err, message, args.join(' '));
    assert.not.match(r.err, /\n\s+at /, 'no stack trace');
  }
});

test('--allow-remote 0.0.0.0: a warning on stderr, a 127.0.0.1 URL printed that answers, SIGTERM stops with exit 0', async () => {
  const pdu = startPduChild(BIN, ['--port', 'sim:', '--listen', '0.0.0.0:0', '--allow-remote', '--stack', 'single']);
  try {
    const url = await pdu.ready;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(pdu.err(), /^warning: "--listen" 0\.0\.0\.0: anyone who can reach this machine on port \d+ can switch the Pis \(--allow-remote\)\n$/);
    const res = await fetch(`${url}/boards/0/pis/0/power`);
    assert.equal([res.status, await res.text()], [200, '0']);
  } finally {
    pdu.child.kill('SIGTERM');
  }
  assert.is(await pdu.exited, 0, pdu.err());
  assert.match(pdu.out(), /stopped \(SIGTERM\)\n$/);
});

test.run();
