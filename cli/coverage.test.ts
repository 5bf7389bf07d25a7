/**
 * `pistack coverage` in-process: a fuzz run folder (written by `fuzz --out`) joined with a
 * real-board session, as text, JSON and HTML; the --html file checked before anything runs and
 * never replaced without --overwrite; bad input named, exit 1 (nothing given: exit 2).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './testing/runCli.ts';

process.env['PISTACK_PROGRESS'] = 'plain';
const dir = mkdtempSync(join(tmpdir(), 'pistack-coverage-'));
const SESSION = fileURLToPath(new URL('../fixtures/sessions/standin-v4-reference.jsonl', import.meta.url));
const run = join(dir, 'run');

test('fuzz --out RUN_DIR keeps the run\'s coverage; coverage --fuzz RUN_DIR --session joins it with a hardware session (JSON)', async () => {
  const fuzz = await cli('fuzz', '--target', 'replies', '--runs', '4', '--seed', '3', '--workers', '1', '--out', run);
  assert.is(fuzz.code, 0, fuzz.err);
  assert.match(fuzz.out, /coverage saved in .*run\/coverage\/fuzz-seed3\.json \(pistack coverage --fuzz /);
  assert.equal(readdirSync(join(run, 'coverage')), ['fuzz-seed3.json']);
  const r = await cli('coverage', '--fuzz', run, '--session', SESSION, '--stack', 'single', '--json');
  assert.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.sources.map((s: { kind: string; side: string }) => `${s.kind}:${s.side}`), ['fuzz:simulator', 'session:hardware']);
  assert.is(j.stack, 'single');
  assert.equal([j.sources[0].seeds, j.sources[0].cases], [[3], 4]);
  assert.equal([j.sources[1].exchanges, typeof j.sources[1].mismatched, j.sources[1].recordedOn.startsWith('/tmp/')], [22, 'number', true]);
  assert.equal(j.machines.map((m: { id: string }) => m.id), ['boardMcu', 'powerPort', 'pi', 'regulator']);
  const port = j.machines[1];
  assert.ok(port.states.both.includes('powerPort.power.off'), 'both the fuzz run and the session saw the port off');
  assert.ok(port.states.hardwareOnly.includes('powerPort.power.cycling') || port.states.both.includes('powerPort.power.cycling'));
  const t = j.totals.states;
  assert.is(t.both + t.simulatorOnly + t.hardwareOnly + t.never, t.total);
});

test('text report and --html: the charts coloured; an existing --html is refused before anything runs, replaced with --overwrite', async () => {
  const html = join(dir, 'coverage.html');
  const r = await cli('coverage', '--fuzz', run, '--session', SESSION, '--stack', 'single', '--html', html);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^model coverage \(stack single, profile v4-reference\)\nsources:\n {2}simulator {2}fuzz run /);
  assert.match(r.out, /\nmachine +states +both +sim only +hw only +never +transitions/);
  assert.match(r.out, /\ntotal +35 /);
  assert.match(r.out, /wrote .*coverage\.html\n$/);
  const page = readFileSync(html, 'utf8');
  for (const id of ['chart&#45;powerPort', 'chart&#45;pi', 'chart&#45;regulator', 'chart&#45;boardMcu']) assert.ok(page.includes(id), id);
  assert.match(page, /class="node cov-both"/);
  assert.match(page, /class="edge cov-(simulatorOnly|never)"/);
  writeFileSync(html, 'keep');
  const again = await cli('coverage', '--session', SESSION, '--html', html);
  assert.is(again.code, 1);
  assert.is(again.err, `error: "--html": ${html} exists; pass --overwrite to replace it\n`);
  assert.is(again.out, '');
  assert.is(readFileSync(html, 'utf8'), 'keep');
  const replaced = await cli('coverage', '--session', SESSION, '--html', html, '--overwrite');
  assert.is(replaced.code, 0, replaced.err);
  assert.match(readFileSync(html, 'utf8'), /^<!doctype html>/);
});

test('bad input: nothing to report (exit 2), --html on a session, a missing run folder, a bad session file', async () => {
  const none = await cli('coverage');
  assert.is(none.code, 2);
  assert.match(none.err, /^error: nothing to report: give "--fuzz RUN_DIR"/);
  const onInput = await cli('coverage', '--session', SESSION, '--html', SESSION, '--overwrite');
  assert.is(onInput.code, 1);
  assert.match(onInput.err, /"--html": .* is a --session file, which is read, never written over/);
  const missing = await cli('coverage', '--fuzz', join(dir, 'nope'));
  assert.is(missing.code, 1);
  assert.match(missing.err, /^error: "--fuzz": .*nope does not exist\n$/);
  const empty = await cli('coverage', '--fuzz', dir);
  assert.match(empty.err, /^error: "--fuzz": .*no fuzz coverage in it/);
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, '{"format":"pistack-session","version":1}\n');
  const badSession = await cli('coverage', '--session', bad);
  assert.is(badSession.code, 1);
  assert.match(badSession.err, /^error: "--session": .*bad\.jsonl: line 1: /);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
