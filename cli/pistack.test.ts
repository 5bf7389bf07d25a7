/** The pistack CLI run in-process (output captured through commander's output configuration). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pkg from '../package.json' with { type: 'json' };
import { cli } from './testing/runCli.ts';
import { printError } from './output.ts';
import { reportInternalError, run } from './pistack.ts';
import { VECTORS_URL } from './vectors.ts';

type Ran = Awaited<ReturnType<typeof cli>>;

async function ok(args: string[], stdout: string): Promise<void> {
  const r = await cli(...args);
  assert.is(r.err, '', `stderr of ${args.join(' ')}`);
  assert.is(r.code, 0, `exit code of ${args.join(' ')}`);
  assert.is(r.out, stdout);
}

async function fails(args: string[], message: string | RegExp): Promise<Ran> {
  const r = await cli(...args);
  assert.is(r.code, 1, `exit code of ${args.join(' ')}: ${r.err}`);
  if (typeof message === 'string') assert.ok(r.err.includes(message), `stderr ${JSON.stringify(r.err)} lacks ${JSON.stringify(message)}`);
  else assert.match(r.err, message);
  return r;
}

// ---- encode ----

test('encode: the PROTOCOL.md examples', async () => {
  await ok(['encode', 'GET_SW_VERSION', '--id', '0'], '02 00 03 AD\n');
  await ok(['encode', 'GET_HW_VERSION', '--id', '4'], '03 04 03 3D\n');
  await ok(['encode', 'PI_ON', '--id', '0', '--pi', '1'], '11 00 04 01 D2\n');
  await ok(['encode', 'SET_HBT_TIME', '--id', '0', '--pi', '0', '30'], '15 00 05 00 1E 19\n');
  await ok(['encode', 'DEBUG_LED', '--id', '0', '255', '0', '0'], '06 00 06 FF 00 00 69\n');
});

test('encode: names in any case with - or _, numbers in decimal or 0x hex, options anywhere', async () => {
  await ok(['encode', 'pi-on', '--pi', '0x1', '--id', '0x00'], '11 00 04 01 D2\n');
  await ok(['encode', 'Set_Hbt_Time', '--id', '0', '--pi', '0', '0x1E'], '15 00 05 00 1E 19\n');
  await ok(['encode', 'debug-led', '0xFF', '0', '0', '--id', '0'], '06 00 06 FF 00 00 69\n');
});

test('encode --json: command, code, id, args, hex', async () => {
  const r = await cli('encode', 'SET_HBT_TIME', '--id', '0', '--pi', '0', '30', '--json');
  assert.is(r.code, 0);
  assert.equal(JSON.parse(r.out), { command: 'SET_HBT_TIME', code: 0x15, id: 0, args: { pi: 0, value: 30 }, hex: '15 00 05 00 1E 19' });
});

test('encode: unknown command suggests close names', async () => {
  await fails(['encode', 'PI_ONN', '--id', '0'], 'unknown command "PI_ONN"; did you mean PI_ON');
  await fails(['encode', 'GET_VERSION', '--id', '0'], /did you mean GET_HW_VERSION, GET_SW_VERSION/);
  await fails(['encode', 'XYZZY', '--id', '0'], 'PROTOCOL.md section 5');
});

test('encode: missing or bad --id', async () => {
  await fails(['encode', 'GET_SW_VERSION'], 'missing "--id"');
  await fails(['encode', 'GET_SW_VERSION', '--id', '255'], '"--id" must be 0..254 (0xFF is the master address');
  await fails(['encode', 'GET_SW_VERSION', '--id', 'seven'], '"--id" must be a number (decimal or 0x hex), got "seven"');
  await fails(['encode', 'GET_SW_VERSION', '--id'], "option '--id <N>' argument missing");
});

test('encode: --pi where not wanted, missing where needed, out of range', async () => {
  await fails(['encode', 'GET_VIN', '--id', '0', '--pi', '1'], '"--pi" does not apply: GET_VIN takes no Pi number');
  await fails(['encode', 'PI_ON', '--id', '0'], 'missing "--pi": PI_ON addresses one Pi');
  await fails(['encode', 'PI_ON', '--id', '0', '--pi', '2'], '"--pi" must be 0..1, got 2');
});

test('encode: wrong number of values says which fields the command takes', async () => {
  await fails(['encode', 'SET_HBT_TIME', '--id', '0', '--pi', '0'], 'SET_HBT_TIME takes 1 value (value: u8), got 0');
  await fails(['encode', 'DEBUG_LED', '--id', '0', '1', '2'], 'DEBUG_LED takes 3 values (red: u8, green: u8, blue: u8), got 2');
  await fails(['encode', 'GET_ID', '--id', '0', '5'], 'GET_ID takes no values, got 1');
});

test('encode: out-of-range and non-numeric values name the field', async () => {
  await fails(['encode', 'SET_HBT_TIME', '--id', '0', '--pi', '0', '256'], '"value": SET_HBT_TIME needs an integer 0..255 (u8), got 256');
  await fails(['encode', 'SET_HBT_TIME', '--id', '0', '--pi', '0', '-1'], '"value"');
  await fails(['encode', 'DEBUG_LED', '--id', '0', '1', 'green', '3'], '"green" must be a number');
});

test('encode: nothing goes to stdout on error', async () => {
  const r = await fails(['encode', 'PI_ON', '--id', '0'], '--pi');
  assert.is(r.out, '');
  assert.ok(r.err.startsWith('error: '));
});

// ---- decode ----

test('decode: requests and responses, one per line', async () => {
  await ok(['decode', '02', '00', '03', 'AD'], 'request GET_SW_VERSION to board 0\n');
  await ok(['decode', '15 00 05 00 1E 19'], 'request SET_HBT_TIME to board 0: pi=0 value=30\n');
  await ok(['decode', '00FF040488'], 'response OK, payload 04\n');
  await ok(['decode', '00 FF 03 63'], 'response OK, no payload\n');
  await ok(['decode', '01 FF 04 12 47'], 'response ERROR 0x12 UNKNOWN_COMMAND: unknown command\n');
});

test('decode: several frames concatenated; a reply is read as the answer to the request before it', async () => {
  await ok(['decode', '02 00 03 AD', '00 FF 04 04 88'], 'request GET_SW_VERSION to board 0\nresponse OK, payload 04 (as GET_SW_VERSION: version=4)\n');
  await ok(['decode', '110004 01D2 00FF0363 01FF041247'], 'request PI_ON to board 0: pi=1\nresponse OK, no payload (as PI_ON)\nresponse ERROR 0x12 UNKNOWN_COMMAND: unknown command\n');
  await ok(['decode', '02 00 03 AD 00 FF 03 63'], 'request GET_SW_VERSION to board 0\nresponse OK, no payload (too short for a GET_SW_VERSION reply: LEN 3, needs at least 4)\n');
});

test('decode --reply-to: payload fields, with the physical value of readings', async () => {
  await ok(['decode', '--reply-to', 'GET_SW_VERSION', '00 FF 04 04 88'], 'response OK, payload 04 (as GET_SW_VERSION: version=4)\n');
  await ok(['decode', '--reply-to', 'get-vin', '00 FF 05 12 34 7C'], 'response OK, payload 12 34 (as GET_VIN: raw=4660 = 2.190 V)\n');
  await fails(['decode', '--reply-to', 'GET_VIN', '00 FF 04 04 88'], 'byte 2 (LEN) is 4, an OK reply to GET_VIN has LEN at least 5');
  await fails(['decode', '--reply-to', 'GET_VINN', '00 FF 04 04 88'], '"--reply-to": unknown command "GET_VINN"; did you mean GET_VIN');
});

test('decode: bad CRC names the byte, what it is and what was expected', async () => {
  await fails(['decode', '02 00 03 AE'], 'error: byte 3 (CRC) is 0xAE, expected 0xAD\n');
  await fails(['decode', '00 FF 05 12 34 7D'], 'byte 5 (CRC) is 0x7D, expected 0x7C');
});

test('decode: short input says how many more bytes and why', async () => {
  await fails(['decode', '15 00 05 00'], 'error: needs 2 more bytes: LEN 5 says the frame is 6 bytes, got 4\n');
  await fails(['decode', '15 00 05 00 1E'], 'needs 1 more byte: LEN 5 says the frame is 6 bytes, got 5');
  await fails(['decode', '02'], 'needs at least 3 more bytes: a frame is at least 4 bytes');
});

test('decode: LEN, command, status problems in CRC-valid frames', async () => {
  await fails(['decode', '02 00 02 F3'], 'byte 2 (LEN) is 2, expected at least 3');
  await fails(['decode', '2A 00 03 1C'], 'byte 0 (command) is 0x2A, not a command of PROTOCOL.md section 5 (0x02..0x29)');
  await fails(['decode', '11 00 03 03'], 'byte 2 (LEN) is 3, PI_ON requests have LEN 4 (arguments: pi)');
  await fails(['decode', '00 05 03 1D'], 'byte 0 is 0x00, a response status, but byte 1 is 0x05');
  await fails(['decode', '05 FF 03 56'], 'byte 0 (status) is 0x05, expected 0x00 (OK) or 0x01 (error)');
  await fails(['decode', '01 FF 03 C8'], 'an error response has LEN 4');
});

test('decode: a problem after good frames prints those, then says which frame and input byte', async () => {
  const r = await fails(['decode', '020003AD 00FF0303'], 'error: frame 2 (input byte 4): byte 3 (CRC) is 0x03, expected 0x63');
  assert.is(r.out, 'request GET_SW_VERSION to board 0\n');
});

test('decode: bad hex and no hex', async () => {
  await fails(['decode', '02 00 03 ZZ'], '"HEX": bad hex: "ZZ" is not hex');
  await fails(['decode', '020'], 'odd number of hex digits');
  await fails(['decode', ','], '"HEX": no bytes given');
  await fails(['decode'], "missing required argument 'HEX'");
});

test('decode --json: an array of frames', async () => {
  const r = await cli('decode', '--json', '11 00 04 01 D2 00 FF 03 63 01 FF 04 12 47');
  assert.is(r.code, 0);
  assert.equal(JSON.parse(r.out), [
    { offset: 0, kind: 'request', command: 'PI_ON', code: 0x11, id: 0, args: { pi: 1 }, hex: '11 00 04 01 D2' },
    { offset: 5, kind: 'response', status: 'ok', payload: '', as: 'PI_ON', fields: {}, hex: '00 FF 03 63' },
    { offset: 9, kind: 'response', status: 'error', code: 0x12, name: 'UNKNOWN_COMMAND', description: 'unknown command', hex: '01 FF 04 12 47' },
  ]);
});

test('decode: GET_ERROR_BUFFER payload bytes are shown as hex', async () => {
  await ok(['decode', '1C 00 03 13', '00 FF 06 0F 11 00 B7'], 'request GET_ERROR_BUFFER to board 0\nresponse OK, payload 0F 11 00 (as GET_ERROR_BUFFER: log=0F 11 00)\n');
});

// ---- check-vectors ----

test('check-vectors: every vector OK, the CRC check value, the parser resynchronising; exit 0', async () => {
  const r = await cli('check-vectors');
  assert.is(r.code, 0, r.err);
  assert.is((r.out.match(/^ {2}OK {8}/gm) ?? []).length, 9);
  assert.not.match(r.out, 'MISMATCH');
  assert.match(r.out, 'CRC-8/MAXIM check value of "123456789": 0xA1 (expected 0xA1) OK');
  assert.match(r.out, /found +02 00 03 AD +request GET_SW_VERSION to board 0/);
  assert.match(r.out, /dropped +11 00 04 01 +discarded \(gap\)/);
  assert.match(r.out, /found +01 FF 04 12 47 +response ERROR 0x12/);
  assert.match(r.out, 'All 9 vectors and the CRC check value match.');
});

test('check-vectors --json: machine-readable, ok true', async () => {
  const r = await cli('check-vectors', '--json');
  assert.is(r.code, 0);
  const json = JSON.parse(r.out) as { ok: boolean; vectors: unknown[]; parser: { stats: { frames: number } } };
  assert.is(json.ok, true);
  assert.is(json.vectors.length, 9);
  assert.is(json.parser.stats.frames, 3);
});

test('check-vectors: a wrong vector is a MISMATCH and exit code 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pistack-vectors-'));
  try {
    const file = JSON.parse(readFileSync(VECTORS_URL, 'utf8')) as { vectors: Array<{ hex: string }> };
    file.vectors[2]!.hex = '11 00 04 01 D3';
    const path = join(dir, 'vectors.json');
    writeFileSync(path, JSON.stringify(file));
    const r = await cli('check-vectors', '--vectors', path);
    assert.is(r.code, 1);
    assert.match(r.out, /MISMATCH +PI_ON, ID 0, Pi 1/);
    assert.match(r.out, 'encode gave 11 00 04 01 D2, expected 11 00 04 01 D3');
    assert.match(r.err, 'error: check-vectors: 1 vector mismatch(es)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Run `check-vectors --vectors FILE` on `content` written to a fresh file (a string, bytes, or a directory). */
async function vectorsFrom(content: string | Uint8Array | 'directory'): Promise<Ran> {
  const dir = mkdtempSync(join(tmpdir(), 'pistack-vectors-'));
  try {
    const path = join(dir, 'vectors.json');
    if (content === 'directory') mkdirSync(path);
    else writeFileSync(path, content);
    return await cli('check-vectors', '--vectors', path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function shippedVectors(): { crcCheck: { hex: string }; vectors: Array<{ hex: string; name: string }> } {
  return JSON.parse(readFileSync(VECTORS_URL, 'utf8')) as { crcCheck: { hex: string }; vectors: Array<{ hex: string; name: string }> };
}

test('check-vectors --vectors: missing, empty, directory, binary, wrong-shape or non-hex files are one clear error each (regression: Node stack traces)', async () => {
  const missing = await cli('check-vectors', '--vectors', join(tmpdir(), 'pistack-no-such-vectors.json'));
  assert.is(missing.code, 1);
  assert.match(missing.err, /^error: "--vectors": cannot read .*pistack-no-such-vectors\.json: no such file\n$/);
  const cases: Array<[string | Uint8Array | 'directory', RegExp]> = [
    ['', /vectors\.json: not valid JSON at line 1, column 1 \(end of text\)/],
    ['directory', /"--vectors": cannot read .*vectors\.json: is a directory/],
    [Uint8Array.of(0x1b, 0x5b, 0x32, 0x4a, 0x00, 0xc3, 0x28), /vectors\.json: not valid JSON: .*\\x1B\[2J/],
    ['{"a": 1}', /vectors\.json: crcCheck: missing \(expected an object\)/],
    ['[1, 2]', /vectors\.json: expected an object, got \[1,2\]/],
  ];
  const nonHex = shippedVectors();
  nonHex.vectors[0]!.hex = '02 00 03 ZZ';
  cases.push([JSON.stringify(nonHex), /vectors\.json: vectors\[0\]\.hex: not hex bytes: "ZZ" is not hex/]);
  for (const [content, message] of cases) {
    const r = await vectorsFrom(content);
    assert.is(r.code, 1, `${String(content).slice(0, 20)}: ${r.err}`);
    assert.match(r.err, message);
    assert.not.match(r.err, /^\s+at |node:internal|\u001b/m);
  }
});

test('check-vectors checks crcCheck.hex too (regression: it was ignored)', async () => {
  const file = shippedVectors();
  file.crcCheck.hex = 'A2';
  const wrong = await vectorsFrom(JSON.stringify(file));
  assert.is(wrong.code, 1);
  assert.match(wrong.out, 'CRC-8/MAXIM check value of "123456789": 0xA1 (expected 0xA1, but "hex" says 0xA2) MISMATCH');
  assert.match(wrong.err, 'CRC check value wrong');
  file.crcCheck.hex = 'A1 00';
  const twoBytes = await vectorsFrom(JSON.stringify(file));
  assert.match(twoBytes.err, /crcCheck\.hex: must be one byte in hex/);
  file.crcCheck.hex = 'XY';
  const notHex = await vectorsFrom(JSON.stringify(file));
  assert.match(notHex.err, /crcCheck\.hex: not hex bytes/);
});

test('check-vectors shows names from the file as safe excerpts (a crafted name cannot drive the terminal)', async () => {
  const file = shippedVectors();
  file.vectors[0]!.name = 'evil \u001b]0;owned\u0007 name';
  const r = await vectorsFrom(JSON.stringify(file));
  assert.is(r.code, 0, r.err);
  assert.match(r.out, 'evil \\x1B]0;owned\\x07 name');
  assert.not.match(r.out, /\u001b/);
});

// ---- program ----

test('an unexpected exception is one line "internal error" with exit code 1; PISTACK_DEBUG=1 adds the stack trace', async () => {
  const io = () => {
    const captured = { out: '', err: '' };
    return { captured, io: { out: (s: string) => void (captured.out += s), err: (s: string) => void (captured.err += s) } };
  };
  const quiet = io();
  assert.is(reportInternalError(quiet.io, new TypeError('boom\nsecond line')), 1);
  assert.is(quiet.captured.err, 'error: internal error: boom (run with PISTACK_DEBUG=1 for the stack trace)\n');
  const debug = io();
  process.env['PISTACK_DEBUG'] = '1';
  try {
    reportInternalError(debug.io, new Error('boom'));
  } finally {
    delete process.env['PISTACK_DEBUG'];
  }
  assert.match(debug.captured.err, /^error: internal error: boom .*\nError: boom\n\s+at /);
  const thrown = io();
  const program = run(['encode', 'GET_ID', '--id', '0'], { out: () => { throw new RangeError('sink broke'); }, err: thrown.io.err });
  assert.is(await program, 1);
  assert.is(thrown.captured.err, 'error: internal error: sink broke (run with PISTACK_DEBUG=1 for the stack trace)\n');
});

test('printError escapes control characters whatever the message holds (last resort behind the loaders)', async () => {
  let err = '';
  printError({ out: () => undefined, err: (s) => void (err += s) }, 'bad file:\nline \u001b[2J\u009b');
  assert.is(err, 'error: bad file:\nline \\x1B[2J\\x9B\n');
});

test('--version prints the package version; --help lists the commands', async () => {
  await ok(['--version'], `${pkg.version}\n`);
  const r = await cli('--help');
  assert.is(r.code, 0);
  for (const name of ['encode', 'decode', 'check-vectors']) assert.match(r.out, new RegExp(`^  ${name}\\b`, 'm'));
});

test('unknown subcommands and options are commander errors with exit code 1', async () => {
  await fails(['encod'], "unknown command 'encod'");
  await fails(['encode', 'GET_ID', '--id', '0', '--bogus'], "unknown option '--bogus'");
});

test('bin/pistack.js: an exception or rejection thrown outside run() is one "internal error" line and exit 1, no stack trace', () => {
  const bin = fileURLToPath(new URL('../bin/pistack.js', import.meta.url));
  for (const fault of ['throw new Error("boom\\u001b[2J")', 'Promise.reject(new Error("boom\\u001b[2J"))']) {
    // the fault fires once bin/pistack.js has installed its net, while the CLI is still loading
    const preload = `const t = setInterval(() => { if (process.listenerCount('uncaughtException') > 0) { clearInterval(t); ${fault}; } }, 1)`;
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(preload)}`, bin, 'check-vectors'], { encoding: 'utf8', env: { ...process.env, PISTACK_DEBUG: '' } });
    assert.is(r.status, 1, r.stderr);
    assert.is(r.stderr, 'error: internal error: boom\\x1B[2J (run with PISTACK_DEBUG=1 for the stack trace)\n');
  }
});

test('smoke: bin/pistack.js --version runs as a real process', () => {
  const bin = fileURLToPath(new URL('../bin/pistack.js', import.meta.url));
  assert.is(execFileSync(bin, ['--version'], { encoding: 'utf8' }), `${pkg.version}\n`);
});

test.run();
