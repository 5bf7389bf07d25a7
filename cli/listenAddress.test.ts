/**
 * HOST:PORT of `serve --tcp` and `viz --listen`: one parser with exact messages (guards against
 * "has no port" for a port that is there but out of range), and the wildcard helpers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectableHosts, isWildcardHost, parseListenAddress, urlOf, wildcardWarning } from './listenAddress.ts';
import { CliError } from './output.ts';

const parse = (text: string) => parseListenAddress(text, '--tcp', 5000);
const HINT = 'expected HOST:PORT such as 127.0.0.1:5000 (or :5000 for 127.0.0.1, :0 for any free port)';

test('the accepted forms: HOST:PORT, [IPv6]:PORT, :PORT, PORT', () => {
  assert.equal(parse('127.0.0.1:5000'), { host: '127.0.0.1', port: 5000 });
  assert.equal(parse(' :0 '), { host: '127.0.0.1', port: 0 });
  assert.equal(parse('5001'), { host: '127.0.0.1', port: 5001 });
  assert.equal(parse('[::1]:7'), { host: '::1', port: 7 });
  assert.equal(parse('[::]:65535'), { host: '::', port: 65535 });
  assert.equal(parse('my-host.local:80'), { host: 'my-host.local', port: 80 });
});

test('each bad address gets its own exact message (guards against "has no port" for :99999 or host:70000abc)', () => {
  const cases: Array<[string, string]> = [
    [':99999', 'port must be 0..65535, not 99999'],
    ['host:70000', 'port must be 0..65535, not 70000'],
    ['host:70000abc', 'port must be a number 0..65535, not "70000abc"'],
    ['host:-1', 'port must be a number 0..65535, not "-1"'],
    ['localhost', 'has no port'],
    ['localhost:', 'has no port'],
    ['', 'has no port'],
    ['[::1]', 'has no port'],
    ['::1:5000', 'has an IPv6 host without brackets (write it as [::1]:PORT)'],
    ['[::1:5000', 'has an unclosed "[" around its IPv6 host'],
    ['[nope]:1', 'has an invalid IPv6 host "nope"'],
    ['a b:1', 'has an invalid host "a b"'],
  ];
  for (const [text, why] of cases) {
    const error = (() => {
      try {
        parse(text);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.instance(error, CliError, text);
    assert.is((error as Error).message, `"--tcp" ${why}; ${HINT}, got "${text}"`);
  }
});

test('wildcards: 0.0.0.0 and :: are flagged, and a client is told 127.0.0.1 and the machine\'s addresses instead', () => {
  for (const host of ['0.0.0.0', '::', '0:0:0:0:0:0:0:0']) assert.ok(isWildcardHost(host), host);
  for (const host of ['127.0.0.1', '::1', 'localhost', '10.0.0.0']) assert.not.ok(isWildcardHost(host), host);
  const interfaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    eth0: [{ address: '192.168.1.5', family: 'IPv4', internal: false }, { address: 'fe80::1', family: 'IPv6', internal: false }, { address: '2001:db8::5', family: 'IPv6', internal: false }],
  } as unknown as Parameters<typeof connectableHosts>[1];
  assert.equal(connectableHosts('0.0.0.0', interfaces), { local: '127.0.0.1', others: ['192.168.1.5'] });
  assert.equal(connectableHosts('::', interfaces), { local: '127.0.0.1', others: ['192.168.1.5', '2001:db8::5'] });
  assert.equal(connectableHosts('127.0.0.1', interfaces), { local: '127.0.0.1', others: [] });
  assert.is(urlOf('tcp', '2001:db8::5', 5000), 'tcp://[2001:db8::5]:5000');
  assert.is(urlOf('http', '127.0.0.1', 80, '/'), 'http://127.0.0.1:80/');
  assert.match(wildcardWarning('--tcp', '0.0.0.0', 'drive the stack'), /^"--tcp" 0\.0\.0\.0 listens on every network interface: .*use 127\.0\.0\.1/);
});

test.run();
