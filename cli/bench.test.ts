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
import { createServer, type Server } from 'node:net';
import { run } from './pistack.ts';
import { cli, type Ran } from './testing/runCli.ts';

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

/** Run the CLI in-process, sending `signals` (in-process, as Ctrl-C would) when stderr first matches `when`. */
async function interrupted(when: RegExp, signals: NodeJS.Signals[], ...args: string[]): Promise<Ran> {
  let out = '';
  let err = '';
  let sent = false;
  const code = await run(args, {
    out: (t) => void (out += t),
    err: (t) => {
      err += t;
      if (!sent && when.test(t)) {
        sent = true;
        for (const signal of signals) process.emit(signal, signal);
      }
    },
  });
  return { code, out, err };
}

/** A TCP "bus" that counts connections and bytes: a command that fails up front never reaches it. */
async function countingBus(): Promise<{ url: string; traffic: () => number; close: () => Promise<void> }> {
  let traffic = 0;
  const server: Server = createServer((socket) => {
    traffic++;
    socket.on('data', (d) => (traffic += d.length));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `tcp://127.0.0.1:${(server.address() as { port: number }).port}`,
    traffic: () => traffic,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

test('bench: two runs at once keep all six reports (regression: same-second runs overwrote each other)', async () => {
  const reports = join(dir, 'twice');
  const [a, b] = await Promise.all([
    cli('bench', '--port', 'sim:', '--id', '3', '--no-prompt', '--report', reports),
    cli('bench', '--port', 'sim:', '--id', '3', '--no-prompt', '--report', reports),
  ]);
  assert.is(a!.code, 0, a!.err);
  assert.is(b!.code, 0, b!.err);
  assert.is(readdirSync(reports).length, 6);
});

test('bench --report at a regular file, or under one: error naming --report, exit 1, before any bus traffic (regression: crashed after the whole run)', async () => {
  const regular = file('regular.txt', 'keep me');
  const bus = await countingBus();
  try {
    for (const report of [regular, join(regular, 'sub')]) {
      const r = await cli('bench', '--port', bus.url, '--id', '3', '--report', report);
      assert.is(r.code, 1, r.err);
      assert.match(r.err, /^error: "--report": (.*regular\.txt is not a folder|cannot create the folder .*sub: .*regular\.txt is not a folder)\n$/);
    }
    assert.is(bus.traffic(), 0, 'the board was never touched');
  } finally {
    await bus.close();
  }
  assert.is(readFileSync(regular, 'utf8'), 'keep me');
});

test('bench interrupted (SIGINT, SIGTERM): exit 130 / 143, the board put back, the report says "interrupted" (regression: exit 1)', async () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    const reports = join(dir, `sig-${signal}`);
    const r = await interrupted(/pi0\.watchdog/, [signal], 'bench', '--port', 'sim:', '--id', '3', '--report', reports, '--json');
    assert.is(r.code, code, r.err);
    assert.match(r.err, new RegExp(`${signal}: stopping; powering the board off`));
    assert.match(r.err, new RegExp(`error: interrupted by ${signal}; partial report written`));
    assert.not.match(r.err, /not fully put back/);
    const doc = JSON.parse(r.out) as { status: string; reports: { json: string } };
    assert.is(doc.status, 'interrupted');
    assert.is((JSON.parse(readFileSync(doc.reports.json, 'utf8')) as { status: string }).status, 'interrupted');
  }
});

test('bench, a second Ctrl-C: the partial report is written and every setting left changed is listed with its original value (regression: exit at once, nothing said)', async () => {
  const reports = join(dir, 'quit');
  const r = await interrupted(/Pi 0 on with HBT_DELAY/, ['SIGINT', 'SIGINT'], 'bench', '--port', 'sim:', '--id', '3', '--report', reports);
  assert.is(r.code, 130, r.err);
  assert.match(r.err, /SIGINT again: quitting without finishing the clean-up/);
  assert.match(r.err, /warning: the board was not fully put back: HBT_TIME pi0 should be 15, HBT_DELAY pi0 should be 90, the power state is unknown \(clean-up abandoned\)/);
  assert.match(r.out, /^FAIL \(interrupted\) {2}board 3/);
  const json = readdirSync(reports).find((f) => f.endsWith('.json'))!;
  const doc = JSON.parse(readFileSync(join(reports, json), 'utf8')) as { status: string; cleanup: { pending: unknown[]; abandoned: string } };
  assert.is(doc.status, 'interrupted');
  assert.equal(doc.cleanup.pending, [{ setting: 'HBT_TIME', pi: 0, original: 15 }, { setting: 'HBT_DELAY', pi: 0, original: 90 }]);
  assert.match(doc.cleanup.abandoned, /quit \(SIGINT\)/);
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

test('characterize --out: a missing folder, a folder, an existing file: error naming --out before any bus traffic; the file untouched (regression: measured, then crashed or replaced it)', async () => {
  const existing = file('existing.json', 'my profile');
  const bus = await countingBus();
  try {
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'missing-dir', 'c.json'), /"--out": the folder .*missing-dir does not exist/],
      [dir, /"--out": .* is a folder; give a file name/],
      [existing, /"--out": .*existing\.json exists; pass --overwrite to replace it/],
    ];
    for (const [out, message] of cases) {
      const r = await cli('characterize', '--port', bus.url, '--id', '2', '--out', out);
      assert.is(r.code, 1, r.err);
      assert.match(r.err, message);
      assert.is(r.err.split('\n').length, 2, 'one line');
    }
    assert.is(bus.traffic(), 0, 'nothing was measured');
  } finally {
    await bus.close();
  }
  assert.is(readFileSync(existing, 'utf8'), 'my profile');
  assert.not.ok(existsSync(join(dir, 'missing-dir')));
});

test('characterize --out: never the --profile file it reads, even with --overwrite; --overwrite replaces another file', async () => {
  const input = file('input-profile.json', { name: 'input', cycleOffTimeMs: 3000 });
  const r = await cli('characterize', '--port', 'sim:', '--id', '2', '--profile', input, '--out', input, '--overwrite');
  assert.is(r.code, 1);
  assert.match(r.err, /"--out": .*input-profile\.json is the --profile file, which is read, never written over \(even with --overwrite\)/);
  assert.equal(JSON.parse(readFileSync(input, 'utf8')), { name: 'input', cycleOffTimeMs: 3000 });
  const old = file('old.json', 'old');
  const ok = await cli('characterize', '--port', 'sim:', '--id', '2', '--profile', input, '--out', old, '--overwrite', '--json');
  assert.is(ok.code, 0, ok.err);
  assert.is(profileFromText(readFileSync(old, 'utf8'), old).cycleOffTimeMs, 3000);
});

test('characterize interrupted (SIGINT, SIGTERM): exit 130 / 143, no profile written (regression: exit 1)', async () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    const out = join(dir, `stopped-${signal}.json`);
    const r = await interrupted(/characterize: /, [signal], 'characterize', '--port', 'sim:', '--id', '2', '--out', out);
    assert.is(r.code, code, r.err);
    assert.match(r.err, /error: stopped before the end \(interrupted: SIG\w+\); no profile written/);
    assert.not.ok(existsSync(out));
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
