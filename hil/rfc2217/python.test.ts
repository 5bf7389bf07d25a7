/**
 * `pistack serve --rfc2217` used by other RFC 2217 clients, as a remote board: pyserial's
 * rfc2217:// client (Debian python3-serial: open, which negotiates, purges and sets the modem
 * lines; write GET_SW_VERSION; read the reply) and labgrid's NetworkSerialPort + SerialDriver
 * from a local environment file (Debian python3-labgrid, no coordinator). The reply
 * (00 FF 04 04 88) carries 0xFF, so IAC doubling is on the path. Python is needed by these tests
 * only; the README's setup installs both modules (PISTACK_PYTHON picks the interpreter).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import { DEFAULT_SEED } from '../../board-model/scenario.ts';
import { DEFAULT_STACK } from '../../board-model/stack.ts';
import { decodeResponse, encodeRequest } from '../../bus-protocol/frame.ts';
import { fromHex } from '../../bus-protocol/hex.ts';
import { serve, type ServeHandle } from '../serve/serve.ts';

const HERE = resolve(fileURLToPath(import.meta.url), '..');
const dir = mkdtempSync(join(tmpdir(), 'pistack-rfc2217-python-'));

/** A python3 that imports `module`: PISTACK_PYTHON, python3 from PATH, or Debian's /usr/bin/python3; else a clear failure. */
function python(module: string, debianPackage: string): string {
  const candidates = [process.env['PISTACK_PYTHON'], 'python3', '/usr/bin/python3'].filter((c): c is string => c !== undefined && c !== '');
  for (const candidate of candidates) {
    if (spawnSync(candidate, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0) return candidate;
  }
  throw new Error(`no python3 with the "${module}" module (tried ${candidates.join(', ')}): apt-get install ${debianPackage}, or set PISTACK_PYTHON to an interpreter that has it`);
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolvePromise(stdout.trim());
    });
  });
}

let server: ServeHandle | undefined;
const scenario = { name: 'python', description: '', stack: DEFAULT_STACK, profile: V4_REFERENCE, seed: DEFAULT_SEED, durationMs: 0, steps: [], expect: [] };

test.before(async () => {
  server = await serve({ endpoint: { kind: 'rfc2217', host: '127.0.0.1', port: 0 }, scenario });
});

test.after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** GET_SW_VERSION to board 3 as hex, and the reply expected (firmware 4; the 0xFF is the master address). */
const REQUEST = Buffer.from(encodeRequest('GET_SW_VERSION', 3)).toString('hex');
const REPLY = '00 FF 04 04 88';

function checkReply(hex: string): void {
  assert.is(hex, REPLY);
  const decoded = decodeResponse(fromHex(hex), 'GET_SW_VERSION');
  assert.ok(decoded.kind === 'frame' && decoded.frame.status === 'ok', `an OK frame: ${JSON.stringify(decoded)}`);
  if (decoded.kind === 'frame' && decoded.frame.status === 'ok') assert.equal(Object.values(decoded.frame.payload), [4], 'firmware 4');
}

test('pyserial rfc2217:// (python3-serial) opens serve --rfc2217, writes GET_SW_VERSION and reads the reply', async () => {
  const py = python('serial', 'python3-serial');
  const hex = await run(py, [join(HERE, 'testing/pyserial_roundtrip.py'), server!.address, REQUEST, '5']);
  checkReply(hex);
});

test('labgrid NetworkSerialPort + SerialDriver (python3-labgrid, local environment file) reads a reply through serve --rfc2217', async () => {
  const py = python('labgrid', 'python3-labgrid');
  const env = join(dir, 'env.yaml');
  writeFileSync(env, `targets:\n  main:\n    resources:\n      NetworkSerialPort:\n        host: 127.0.0.1\n        port: ${server!.port}\n        speed: 9600\n    drivers:\n      SerialDriver: {}\n`);
  checkReply(await run(py, [join(HERE, 'testing/labgrid_roundtrip.py'), env, REQUEST, '5']));
});

test.run();
