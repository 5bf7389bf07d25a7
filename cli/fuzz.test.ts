/**
 * `pistack fuzz` in-process: the seed printed first, progress lines, a broken board (--profile)
 * found, saved to a temporary --out folder with the command to replay it, exit 1; a clean run on
 * worker threads exits 0 with the coverage table; --replay of a saved file; bad options.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRegressions } from '../fuzz/regressions/saveRegression.ts';
import { cli } from './testing/runCli.ts';

process.env['PISTACK_PROGRESS'] = 'plain'; // the same lines whether or not stderr is a terminal
const dir = mkdtempSync(join(tmpdir(), 'pistack-fuzz-'));
const broken = join(dir, 'crc-skipped.json');
writeFileSync(broken, JSON.stringify({ base: 'v4-reference', name: 'crc-skipped', bus: { checkOrder: ['address', 'too-short', 'overflow', 'unknown-command', 'length', 'pi-number'] } }));

test('a broken board (--profile) is found, saved under --out with its replay command, exit 1', async () => {
  const out = join(dir, 'found');
  const r = await cli('fuzz', '--profile', broken, '--target', 'replies,model', '--runs', '20', '--seed', '5', '--workers', '1', '--out', out);
  assert.is(r.code, 1, r.err);
  assert.match(r.err, /^pistack fuzz: seed 5, simulator, 1 worker, profile crc-skipped, targets replies, model\n/);
  assert.match(r.err, /FAIL replies \(seed \d+, path [\d:]+\): .*expected error 0x11/);
  assert.match(r.err, /FAIL model \(seed \d+, path [\d:]+\): .*the model expects error 0x11/);
  assert.match(r.err, /replay: pistack fuzz --replay .*found\/model-\d+\.json/);
  assert.match(r.err, /fuzz: \d+\/40 runs, 2 failures/);
  assert.match(r.err, /error: fuzzing found 2 failures \(saved under /);
  const saved = loadRegressions(out);
  assert.equal(saved.map((s) => s.regression.target).sort(), ['model', 'replies']);
  const model = saved.find((s) => s.regression.target === 'model')!;
  assert.ok(model.regression.commands.length >= 1 && model.regression.replayPath !== undefined, 'commands and replayPath saved');
  assert.is(model.regression.replay, `pistack fuzz --replay ${model.file}`);

  const replay = await cli('fuzz', '--replay', model.file);
  assert.is(replay.code, 1, 'the failure still happens');
  assert.match(replay.out, /on the recorded board: fails\n/);
  assert.match(replay.out, /on v4-reference: passes\n/);
  assert.match(replay.out, /session: played back identically\n/);
});

test('fuzz --out at a regular file (or under one): error naming --out, exit 1, before fuzzing (regression: the counterexample was lost)', async () => {
  const regular = join(dir, 'regular.txt');
  writeFileSync(regular, 'keep');
  for (const out of [regular, join(regular, 'sub')]) {
    const r = await cli('fuzz', '--profile', broken, '--target', 'replies', '--runs', '20', '--seed', '5', '--workers', '1', '--out', out);
    assert.is(r.code, 1);
    assert.match(r.err, /^error: "--out": (.*regular\.txt is not a folder|cannot create the folder .*sub: .*regular\.txt is not a folder)\n$/);
    assert.not.match(r.err, /pistack fuzz: seed/, 'no fuzzing started');
  }
  assert.is(readFileSync(regular, 'utf8'), 'keep');
});

test('a clean run on two worker threads: no failures, merged runs and coverage, exit 0', async () => {
  const out = join(dir, 'clean');
  const r = await cli('fuzz', '--target', 'parser,replies,model', '--runs', '20', '--seed', '9', '--workers', '2', '--out', out);
  assert.is(r.code, 0, r.err);
  assert.match(r.err, /seed 9, simulator, 2 workers/);
  assert.match(r.out, /^60 runs, seed 9: no failures\n/);
  assert.match(r.out, /model coverage\n {2}machine +states +transitions\n/);
  assert.match(r.out, /powerPort +\d+\/14 /);
  assert.equal(readdirSync(out), ['coverage'], 'no failure saved, only the run\'s coverage (for pistack coverage --fuzz)');
  assert.equal(readdirSync(join(out, 'coverage')), ['fuzz-seed9.json']);
});

test('--json summary; --replay of the shipped example passes (it still fails on its broken board)', async () => {
  const r = await cli('fuzz', '--target', 'parser', '--runs', '10', '--seed', '1', '--workers', '1', '--json');
  assert.is(r.code, 0, r.err);
  const summary = JSON.parse(r.out) as { seed: number; runs: number; failures: unknown[] };
  assert.equal([summary.seed, summary.runs, summary.failures], [1, 10, []]);
  const example = await cli('fuzz', '--replay', 'fixtures/regressions/example-crc-skipped-model.json');
  assert.is(example.code, 0, example.err);
  assert.match(example.out, /\(example: a deliberately broken board\)/);
});

test('bad options name the option', async () => {
  const both = await cli('fuzz', '--runs', '1', '--minutes', '1');
  assert.is(both.code, 1);
  assert.match(both.err, /give either "--runs N" or "--minutes M"/);
  const target = await cli('fuzz', '--target', 'nope');
  assert.match(target.err, /"--target": unknown target "nope"/);
  const runs = await cli('fuzz', '--runs', '0');
  assert.match(runs.err, /"--runs" must be 1\.\.1000000/);
  const replay = await cli('fuzz', '--replay', join(dir, 'missing.json'));
  assert.match(replay.err, /"--replay": no regression file/);
});

test('--target "" or " , " is a usage error (exit 2) naming the option and the targets (regression: it ran nothing and exited 0)', async () => {
  for (const text of ['', ' , ']) {
    const r = await cli('fuzz', '--target', text, '--runs', '1');
    assert.is(r.code, 2, r.err);
    assert.match(r.err, /^error: "--target" names no target \(got ".*"\); give one or more of parser, replies, .*model\n$/);
    assert.is(r.out, '', 'nothing ran');
  }
});

test('--port that cannot be opened (/dev/null, a missing device, a closed tcp:// port): one line naming "--port", no stack trace', async () => {
  const closed = await new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
  for (const [port, why] of [['/dev/null', /is not a serial device/], [join(dir, 'ttyGone'), /no serial device at/], [`tcp://127.0.0.1:${closed}`, /nothing listening at/]] as const) {
    const r = await cli('fuzz', '--port', port, '--runs', '1');
    assert.is(r.code, 1, r.err);
    assert.match(r.err, /^error: "--port": /m);
    assert.match(r.err, why);
    assert.not.match(r.err, /^\s+at /m);
    assert.is(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
  }
});

test('a link that goes away during a run on a real port is an error naming the port, not a saved "regression"', async () => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const out = join(dir, 'vanished');
  try {
    const r = await cli('fuzz', '--port', `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`, '--runs', '10', '--seed', '1', '--out', out);
    assert.is(r.code, 1, r.err);
    assert.match(r.err, /error: lost the link to tcp:\/\/127\.0\.0\.1:\d+: .*nothing saved\n$/);
    assert.is(existsSync(out), false, 'no regression file for a dead link');
  } finally {
    server.close();
  }
});

test('--replay of a directory or a binary file: a one-line error naming the file (regression: EISDIR stack trace)', async () => {
  const folder = await cli('fuzz', '--replay', dir);
  assert.is(folder.code, 1);
  assert.match(folder.err, /^error: "--replay": .* is a directory; give one regression file/);
  const binary = join(dir, 'binary.json');
  writeFileSync(binary, Uint8Array.of(0x1b, 0x5b, 0x32, 0x4a, 0x00, 0xff));
  const bad = await cli('fuzz', '--replay', binary);
  assert.is(bad.code, 1);
  assert.match(bad.err, /binary\.json: not valid JSON/);
  assert.not.match(bad.err, /\u001b/, 'the escape byte is shown escaped, not sent to the terminal');
});

test('--minutes runs batches until the time is up', async () => {
  const r = await cli('fuzz', '--target', 'parser', '--minutes', '0.002', '--seed', '3', '--workers', '1');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^\d+ runs, seed 3: no failures\n/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
