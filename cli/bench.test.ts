/**
 * `pistack bench` and `pistack characterize` in-process on `sim:`: exit codes, progress on stderr,
 * reports and profiles written, and bad input (plan file, options) named in the error.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileFromText } from '../board-model/profiles.ts';
import { cli } from './testing/runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-bench-cli-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

test('bench on a good simulated board: PASS, exit 0, progress on stderr, three reports', async () => {
  const reports = join(dir, 'good');
  const r = await cli('bench', '--port', 'sim:', '--id', '3', '--report', reports, '--serial', 'SN-7', '--operator', 'ada');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^PASS {2}board 3 \(SN-7\): 48 passed, 0 failed, 0 errors, 0 skipped; \d+\.\d s on the board's clock/);
  assert.match(r.err, /bench: board 3 on sim: \(stack bench, profile v4-reference, seed 1\), plan "default" \(48 steps\)/);
  assert.match(r.err, /\[ 1\/48\] setup: Bench set up/);
  assert.match(r.err, /\[44\/48\] pi0\.watchdog:/);
  assert.match(r.err, / {6}trip time = \d\.\d\d s \(4\.50\.\.5\.80 s\) PASS/);
  assert.match(r.err, /clean-up: both ports off/);
  const files = readdirSync(reports).sort();
  assert.is(files.length, 3);
  assert.ok(files.every((f) => /^bench-3-SN-7-\d{8}-\d{6}\.(html|json|xml)$/.test(f)), files.join(' '));
  for (const f of files) assert.match(r.out, new RegExp(f.replace(/\./g, '\\.')));
});

test('bench on a board with a defect: FAIL, exit 1, naming the failed checks', async () => {
  const stack = file('defect.json', { boards: [{ dip: 0, pis: [null, null], defects: [{ kind: 'switch-stuck', pi: 1, state: 'off' }] }] });
  const r = await cli('bench', '--port', 'sim:', '--id', '0', '--stack', stack, '--report', join(dir, 'defect'));
  assert.is(r.code, 1);
  assert.match(r.out, /^FAIL {2}board 0: 45 passed, 3 failed/);
  assert.match(r.err, /error: board 0 FAILED the bench test: pi1\.port-voltage, pi1\.current-with-load, pi1\.port-voltage-with-load/);
});

test('bench --no-prompt: the manual steps and what needs them are skipped; --json gives the record', async () => {
  const r = await cli('bench', '--port', 'sim:', '--id', '1', '--no-prompt', '--report', join(dir, 'np'), '--json');
  assert.is(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as { verdict: string; counts: { skipped: number }; fixture: string; reports: { json: string } };
  assert.is(doc.verdict, 'PASS');
  assert.is(doc.counts.skipped, 13);
  assert.match(doc.fixture, /--no-prompt/);
  assert.ok(existsSync(doc.reports.json));
  assert.match(r.err, /\[21\/48\] pi0\.attach-load\n {6}=> SKIP: needs a person \(--no-prompt\)/);
  assert.match(r.err, /\[22\/48\] pi0\.current-with-load SKIP: needs pi0\.attach-load \(skipped\)/);
});

test('bench with a bad plan file: exit 1, the error names the file and the field', async () => {
  const plan = file('plan.json', { name: 'p', steps: [{ name: 'v', do: 'read', command: 'GET_5V', limits: { low: 'five' } }] });
  const r = await cli('bench', '--port', 'sim:', '--id', '0', '--plan', plan, '--report', join(dir, 'bad'));
  assert.is(r.code, 1);
  assert.match(r.err, /error: invalid plan:\n.*plan\.json: steps\[0\]\.limits\.low: expected a number, got "five"/);
  assert.not.ok(existsSync(join(dir, 'bad')), 'no reports for a run that never started');
});

test('bench: missing or bad options are named', async () => {
  assert.match((await cli('bench', '--port', 'sim:')).err, /error: missing "--id"/);
  assert.match((await cli('bench', '--id', '0')).err, /error: missing "--port"/);
  assert.match((await cli('bench', '--port', 'sim:', '--id', '300')).err, /"--id" must be 0\.\.254/);
  assert.match((await cli('bench', '--port', 'tcp://127.0.0.1:9', '--id', '1', '--stack', 'single')).err, /"--stack" applies only to --port sim:/);
  assert.match((await cli('bench', '--port', 'sim:', '--id', '0', '--plan', join(dir, 'missing.json'))).err, /cannot read the plan: no such file/);
});

test('characterize: writes a profile the simulator loads, and prints measured against reference', async () => {
  const different = file('different.json', { name: 'different', settingUnitMs: { offDelay: 500 }, cycleOffTimeMs: 3000, errorLog: { size: 16 } });
  const out = join(dir, 'measured.json');
  const r = await cli('characterize', '--port', 'sim:', '--id', '2', '--profile', different, '--out', out, '--name', 'board-2');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^board 2 on sim: .*timing on Pi 0/);
  assert.match(r.out, /field\s+measured\s+v4-reference\s+same\/different/);
  assert.match(r.out, /settingUnitMs\.offDelay\s+500 ms\s+1000 ms\s+different/);
  assert.match(r.out, /cycleOffTimeMs\s+3000 ms\s+5000 ms\s+different/);
  assert.match(r.out, /errorLog\.size\s+16\s+32\s+different/);
  assert.match(r.out, /gracefulOffDelay\s+off-delay\s+off-delay\s+same/);
  assert.match(r.out, /not measured:\n {2}unknownReleaseCode/);
  assert.match(r.out, /settingUnitMs\.sigWidth: the pulse is on the signal wire/);
  assert.match(r.out, /resolution: GET_PI_POWERED polled every 50 ms/);
  assert.match(r.out, /restored: OFF_DELAY pi0 = 30, SIG_OFF_DELAY pi0 = 30, HBT_TIME pi0 = 15, HBT_DELAY pi0 = 90/);
  assert.match(r.err, /characterize: reply delay \(50 requests\)/);
  const profile = profileFromText(readFileSync(out, 'utf8'), out);
  assert.is(profile.name, 'board-2');
  assert.is(profile.settingUnitMs.offDelay, 500);
  assert.is(profile.cycleOffTimeMs, 3000);
  const sim = await cli('sim', '--profile', out, '--stack', 'single', '--duration', '1s', '--quiet');
  assert.is(sim.code, 0, sim.err);
  assert.match(sim.out, /profile board-2/);
});

test('characterize: missing --out or a bad --pi is named', async () => {
  assert.match((await cli('characterize', '--port', 'sim:', '--id', '0')).err, /error: missing "--out"/);
  assert.match((await cli('characterize', '--port', 'sim:', '--id', '0', '--out', join(dir, 'x.json'), '--pi', '2')).err, /"--pi" must be 0\.\.1/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
