/**
 * `pistack bench-summary` on a production batch: 50 simulated boards drawn with manufacturing
 * spread and a few defects (hil/bench/testing/batch.ts, fixed seed), run through the real bench
 * in virtual time, their reports summarised by the command and every figure checked against
 * values computed here independently from the bench results. Then the bad inputs: invalid
 * reports, mixed plans, outputs that exist.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan } from '../hil/bench/loadPlan.ts';
import type { BenchResult } from '../hil/bench/runBench.ts';
import { drawBatch, quickPlan, runBatch } from '../hil/bench/testing/batch.ts';
import { cli } from './testing/runCli.ts';

const SEED = Number(process.env.BATCH_SEED ?? 2026);
const OPTIONS = { boards: 50, seed: SEED, defectRate: 0.12 };
const dir = mkdtempSync(join(tmpdir(), 'pistack-summary-'));
const reports = join(dir, 'reports');
const boards = drawBatch(OPTIONS);
const results: BenchResult[] = await runBatch(boards, quickPlan(loadPlan('default').plan), reports, OPTIONS);

interface Figures {
  boards: number; passed: number; failed: number; firstPassYield: number; finalYield: number;
  plans: Array<{ name: string; steps: number; fingerprint: string; reports: number }>;
  measurements: Array<{ name: string; unit: string; n: number; mean: number | null; sd: number | null; min: number | null; max: number | null; low: number | null; high: number | null; cpk: number | null }>;
}

/** Welford's running mean and variance: a different algorithm from the command's two passes. */
function welford(values: number[]): { mean: number; sd: number } {
  let mean = 0;
  let m2 = 0;
  values.forEach((v, i) => {
    const delta = v - mean;
    mean += delta / (i + 1);
    m2 += delta * (v - mean);
  });
  return { mean, sd: Math.sqrt(m2 / (values.length - 1)) };
}

const near = (a: number | null, b: number, what: string) => assert.ok(a !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b} (seed ${SEED})`);

test(`the batch (seed ${SEED}) has spread, defects, failures and retests`, () => {
  assert.is(boards.length, 50);
  assert.ok(boards.filter((b) => b.defects.length > 0).length >= 3, 'a few defective boards');
  assert.ok(results.length > 50, 'some failed boards were retested');
  assert.ok(results.some((r) => r.verdict === 'FAIL') && results.some((r) => r.verdict === 'PASS'));
  assert.is(readdirSync(reports).filter((f) => f.endsWith('.json')).length, results.length);
});

test('--json: boards, yields by serial number, the plan, and n, mean, sd, min, max, Cpk per measurement match an independent computation', async () => {
  const r = await cli('bench-summary', reports, '--json');
  assert.is(r.code, 0, r.err);
  const f = JSON.parse(r.out) as Figures;
  assert.equal(Object.keys(f), ['boards', 'passed', 'failed', 'firstPassYield', 'finalYield', 'plans', 'measurements']);
  const runs = new Map<string, string[]>();
  for (const res of results) runs.set(res.board.serial!, [...(runs.get(res.board.serial!) ?? []), res.verdict]);
  const finalPass = [...runs.values()].filter((v) => v.at(-1) === 'PASS').length;
  const firstPass = [...runs.values()].filter((v) => v[0] === 'PASS').length;
  assert.is(f.boards, 50);
  assert.is(f.passed, finalPass);
  assert.is(f.failed, 50 - finalPass);
  near(f.firstPassYield, firstPass / 50, 'first-pass yield');
  near(f.finalYield, finalPass / 50, 'final yield');
  assert.ok(f.finalYield > f.firstPassYield, 'rework raised the yield');
  assert.is(f.plans.length, 1);
  assert.is(f.plans[0]!.name, 'default-quick');
  assert.is(f.plans[0]!.reports, results.length);

  const ranged = new Map<string, { values: number[]; unit: string; low: number | null; high: number | null }>();
  for (const res of results) {
    for (const step of res.steps) {
      for (const m of step.measurements) {
        if (m.limits?.low === undefined && m.limits?.high === undefined) continue;
        const key = `${step.name}/${m.name}`;
        const entry = ranged.get(key) ?? { values: [], unit: m.unit, low: m.limits.low ?? null, high: m.limits.high ?? null };
        if (m.value !== null) entry.values.push(m.value);
        ranged.set(key, entry);
      }
    }
  }
  assert.equal(f.measurements.map((m) => m.name).sort(), [...ranged.keys()].sort(), 'every measurement with a range limit');
  for (const m of f.measurements) {
    const want = ranged.get(m.name)!;
    assert.is(m.n, want.values.length, `${m.name} n`);
    assert.is(m.unit, want.unit);
    assert.is(m.low, want.low);
    assert.is(m.high, want.high);
    assert.is(m.min, Math.min(...want.values), `${m.name} min`);
    assert.is(m.max, Math.max(...want.values), `${m.name} max`);
    const { mean, sd } = welford(want.values);
    near(m.mean, mean, `${m.name} mean`);
    if (sd === 0) {
      assert.is(m.cpk, null, `${m.name}: no spread, no Cpk`);
      continue;
    }
    near(m.sd, sd, `${m.name} sd`);
    const sides = [want.high === null ? Infinity : (want.high - mean) / (3 * sd), want.low === null ? Infinity : (mean - want.low) / (3 * sd)];
    near(m.cpk, Math.min(...sides), `${m.name} Cpk`);
  }
  const vin = f.measurements.find((m) => m.name === 'input.voltage/GET_VIN')!;
  assert.ok(vin.cpk !== null && vin.cpk > 1, `the input voltage is capable (Cpk ${vin.cpk})`);
  assert.ok(f.measurements.some((m) => m.low === null && m.high !== null && m.cpk !== null), 'one-sided limits get a one-sided Cpk');
});

test('--html: one self-contained printable page with a histogram and run chart per measurement and a Pareto; --csv: one row per measurement per report', async () => {
  const html = join(dir, 'batch.html');
  const csv = join(dir, 'batch.csv');
  const r = await cli('bench-summary', reports, '--html', html, '--csv', csv);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^50 boards \(\d+ reports, plan default-quick/);
  assert.match(r.out, /first-pass yield \d+\.\d %, final yield \d+\.\d %/);
  assert.match(r.out, /most failed checks:\n {2}[\w.-]+: \d+/);
  const page = readFileSync(html, 'utf8');
  assert.not.match(page, /<script|<link|<img|src=|url\(/i, 'nothing fetched, no scripts');
  assert.not.match(page.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, ''), /https?:/, 'no network address');
  assert.match(page, /@media print/);
  const json = JSON.parse((await cli('bench-summary', reports, '--json')).out) as Figures;
  assert.is((page.match(/<svg /g) ?? []).length, 2 * json.measurements.length + 1, 'histogram and run chart per measurement, and the Pareto');
  assert.match(page, /stroke-dasharray="4 3"/, 'limit lines');
  const rows = readFileSync(csv, 'utf8').trimEnd().split('\n');
  const total = results.reduce((n, res) => n + res.steps.reduce((k, s) => k + s.measurements.length, 0), 0);
  assert.is(rows.length, 1 + total);
  assert.is(rows[0], 'order,file,serial,board_id,started_at,plan,verdict,step,measurement,value,unit,low,high,outcome');
  const first = results[0]!;
  const vin = first.steps.find((s) => s.name === 'input.voltage')!.measurements[0]!;
  assert.ok(rows.some((row) => row.includes(`,${first.board.serial},`) && row.includes(`,input.voltage,GET_VIN,${vin.value},V,`)), 'values written exactly');

  const again = await cli('bench-summary', reports, '--html', html);
  assert.is(again.code, 1);
  assert.match(again.err, /"--html": .*batch\.html exists; pass --overwrite to replace it/);
  const before = await cli('bench-summary', join(dir, 'no-such-folder'), '--csv', csv);
  assert.match(before.err, /"--csv": .* exists/, 'outputs are checked before anything is read');
  assert.is((await cli('bench-summary', reports, '--html', html, '--overwrite')).code, 0);
  const dashes = await cli('bench-summary', '--html', '--', reports);
  assert.is(dashes.code, 1);
  assert.match(dashes.err, /"--html" needs a file name, got "--"/);
});

test('invalid reports fail the command naming each file and what is wrong; --skip-invalid warns and goes on', async () => {
  const bad = join(dir, 'bad');
  cpSync(reports, bad, { recursive: true });
  const some = readdirSync(bad).find((f) => f.endsWith('.json'))!;
  const report = JSON.parse(readFileSync(join(bad, some), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(bad, 'broken.json'), '{ "format": "pistack-bench-report", ');
  writeFileSync(join(bad, 'plan.json'), JSON.stringify({ format: 'pistack-bench-plan', name: 'x' }));
  writeFileSync(join(bad, 'noverdict.json'), JSON.stringify({ ...report, verdict: 'MAYBE' }));
  const r = await cli('bench-summary', bad);
  assert.is(r.code, 1);
  assert.is(r.out, '');
  assert.match(r.err, /3 files under .* are not a valid bench report \(pass --skip-invalid/);
  assert.match(r.err, /broken\.json: .*line 1/);
  assert.match(r.err, /plan\.json: not a bench report \(format "pistack-bench-plan"/);
  assert.match(r.err, /noverdict\.json: verdict: /);
  const skipped = await cli('bench-summary', bad, '--skip-invalid', '--json');
  assert.is(skipped.code, 0);
  assert.match(skipped.err, /warning: skipped 3 invalid reports/);
  assert.is((JSON.parse(skipped.out) as Figures).boards, 50);
});

test('reports of different plans are refused, naming them, unless --allow-mixed-plans; empty and missing folders are errors', async () => {
  const mixed = join(dir, 'mixed');
  mkdirSync(mixed);
  const passing = (f: string) => (JSON.parse(readFileSync(join(reports, f), 'utf8')) as { verdict: string }).verdict === 'PASS';
  const some = readdirSync(reports).filter((f) => f.endsWith('.json') && passing(f)).slice(0, 3);
  for (const f of some) cpSync(join(reports, f), join(mixed, f));
  const read = (f: string) => JSON.parse(readFileSync(join(mixed, f), 'utf8')) as { plan: { name: string }; steps: Array<{ name: string; measurements: Array<{ name: string; limits?: { high?: number } }> }> };
  const renamed = read(some[0]!);
  renamed.plan.name = 'station-2';
  writeFileSync(join(mixed, some[0]!), JSON.stringify(renamed));
  const r = await cli('bench-summary', mixed);
  assert.is(r.code, 1);
  assert.match(r.err, /made with 2 different plans \((default-quick|station-2) \(\d+ steps, [0-9a-f]{8}\): \d reports?; (default-quick|station-2) \(\d+ steps, [0-9a-f]{8}\): \d reports?\); .*--allow-mixed-plans/);
  const allowed = await cli('bench-summary', mixed, '--allow-mixed-plans', '--json');
  assert.is(allowed.code, 0, allowed.err);
  assert.is((JSON.parse(allowed.out) as Figures).plans.length, 2);

  const edited = read(some[1]!);
  const step = edited.steps.find((s) => s.name === 'input.voltage')!;
  step.measurements[0]!.limits!.high! += 1; // same plan, another version of its limits
  writeFileSync(join(mixed, some[1]!), JSON.stringify(edited));
  cpSync(join(reports, some[0]!), join(mixed, some[0]!));
  const limits = await cli('bench-summary', mixed);
  assert.is(limits.code, 1);
  assert.match(limits.err, /disagree on the limits of 1 measurement .*--allow-mixed-plans:\n {2}input\.voltage\/GET_VIN: 10\.8\.\.13\.2 in .*, 10\.8\.\.14\.2 in /);

  mkdirSync(join(dir, 'empty'));
  assert.match((await cli('bench-summary', join(dir, 'empty'))).err, /no bench reports \(\*\.json\) under/);
  assert.match((await cli('bench-summary', join(dir, 'missing'))).err, /missing: no such folder/);
  assert.ok(existsSync(reports));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
