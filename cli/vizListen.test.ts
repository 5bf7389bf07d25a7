/**
 * `pistack viz --listen` on a wildcard host (guards against binding every interface without a
 * warning and printing the unusable http://0.0.0.0 URL), run in-process: stopped by SIGTERM.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { waitUntil } from '../hil/serve/testing/hostSide.ts';
import { run } from './pistack.ts';

test('viz --listen 0.0.0.0:0 warns on stderr and prints a 127.0.0.1 URL that serves the page', async () => {
  let out = '';
  let err = '';
  const ran = run(['viz', '--listen', '0.0.0.0:0', '--stack', 'single'], { out: (s) => void (out += s), err: (s) => void (err += s) });
  try {
    await waitUntil(() => out.includes('pistack viz:'), 60_000, `the page to be served; out: ${out} err: ${err}`);
    assert.is(err, 'warning: "--listen" 0.0.0.0 listens on every network interface: anyone who can reach this machine can open the page; use 127.0.0.1 to keep it to this machine\n');
    assert.not.match(out, /0\.0\.0\.0/, 'the unusable URL is not printed');
    const url = /pistack viz: (http:\/\/127\.0\.0\.1:\d+\/) /.exec(out)?.[1];
    assert.ok(url, out);
    const page = await fetch(url);
    assert.is(page.status, 200);
  } finally {
    process.emit('SIGTERM', 'SIGTERM');
  }
  assert.is(await ran, 0, err);
  assert.match(out, /stopped \(SIGTERM\)/);
});

test.run();
