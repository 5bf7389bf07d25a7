/**
 * Bench reports: JUnit XML (one testcase per check, measurements in system-out), the JSON
 * record, and the self-contained printable HTML page (verdict at the top, every measurement,
 * nothing loaded from elsewhere), for a passing and a failing board and an interrupted run.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeHtml } from './htmlReport.ts';
import { formatLimits, formatValue } from './limits.ts';
import { loadPlan } from './loadPlan.ts';
import { simOperator } from './operator.ts';
import { reportStem, writeReports } from './reports.ts';
import { runBench, type BenchResult } from './runBench.ts';
import { openBench } from './testing/benchRig.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-bench-reports-'));
const { plan, source } = loadPlan('default');
const DATE = new Date('2025-03-04T05:06:07.000Z');

async function run(defects: Parameters<typeof openBench>[1] = [], signal?: AbortSignal): Promise<BenchResult> {
  const port = await openBench(7, defects);
  const result = await runBench({
    port, id: 7, plan, planSource: source, operator: simOperator(port.sim!, 7), serial: 'SN <0042>', operatorName: 'Grace & co', date: () => DATE,
    ...(signal ? { signal } : {}),
  });
  await port.close();
  return result;
}

/** The attributes of the first element named `tag` (a rough XML read: enough for our own output). */
function attributes(xml: string, tag: string): Record<string, string> {
  const m = new RegExp(`<${tag}\\s([^>]*)>`).exec(xml);
  assert.ok(m, `<${tag}> present`);
  return Object.fromEntries([...m![1]!.matchAll(/(\w[\w.-]*)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
}

test('file names: board, serial (made safe) and UTC start time', async () => {
  const result = await run();
  assert.is(reportStem(result), 'bench-7-SN_0042_-20250304-050607');
});

test('a passing board: JUnit XML with one testcase per check and the measurements in system-out', async () => {
  const result = await run();
  const paths = writeReports(result, join(dir, 'pass'));
  const xml = readFileSync(paths.junit, 'utf8');
  assert.ok(xml.startsWith('<?xml'), 'an XML document');
  const suites = attributes(xml, 'testsuites');
  assert.is(suites.tests, String(plan.steps.length));
  assert.is(suites.failures, '0');
  assert.is((xml.match(/<testcase /g) ?? []).length, plan.steps.length);
  for (const step of plan.steps) assert.ok(xml.includes(`name="${step.name}"`), step.name);
  assert.match(xml, /<property name="verdict" value="PASS"\/>/);
  assert.match(xml, /<property name="board.serial" value="SN &lt;0042>"\/>/);
  assert.match(xml, /<system-out><!\[CDATA\[[^\]]*trip time = \d\.\d\d s \(4\.50\.\.5\.80 s\) PASS/);
  assert.is((xml.match(/<failure/g) ?? []).length, 0);
});

test('a passing board: the JSON record', async () => {
  const result = await run();
  const paths = writeReports(result, join(dir, 'pass-json'));
  const json = JSON.parse(readFileSync(paths.json, 'utf8')) as BenchResult;
  assert.is(json.format, 'pistack-bench-report');
  assert.is(json.verdict, 'PASS');
  assert.is(json.status, 'passed');
  assert.equal(json.board, { id: 7, serial: 'SN <0042>', hardwareVersion: 3, firmwareVersion: 4 });
  assert.is(json.operator, 'Grace & co');
  assert.is(json.startedAt, '2025-03-04T05:06:07.000Z');
  assert.is(json.steps.length, plan.steps.length);
  assert.ok(json.steps.every((s) => typeof s.durationMs === 'number' && Array.isArray(s.measurements)));
  assert.equal(json.cleanup.pending, []);
});

test('a failing board: the HTML page has FAIL on top and every measurement against its limits, self-contained', async () => {
  const result = await run([{ kind: 'switch-stuck', pi: 0, state: 'off' }]);
  const paths = writeReports(result, join(dir, 'fail'));
  const html = readFileSync(paths.html, 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<span class="verdict FAIL">FAIL<\/span>/);
  assert.ok(html.indexOf('FAIL') < html.indexOf('<h1>'), 'the verdict comes first');
  assert.ok(html.includes('SN &lt;0042&gt;') && html.includes('Grace &amp; co') && html.includes('2025-03-04T05:06:07.000Z'));
  for (const step of result.steps) {
    assert.ok(html.includes(escapeHtml(step.name)), step.name);
    for (const m of step.measurements) {
      assert.ok(html.includes(escapeHtml(formatValue(m.value, m.unit))), `${step.name} ${m.name} value`);
      if (m.limits) assert.ok(html.includes(escapeHtml(formatLimits(m.limits, m.unit))), `${step.name} ${m.name} limits`);
    }
  }
  assert.not.match(html, /<script|<link|src=|https?:\/\//i);
  const xml = readFileSync(paths.junit, 'utf8');
  assert.is(attributes(xml, 'testsuites').failures, '3');
  assert.match(xml, /<testcase classname="bench.default" name="pi0.port-voltage"[^>]*>\s*<failure message="GET_PI_V pi0 outside its limits" type="limits"\/>/);
});

test('an interrupted run: the reports say so, and that the board was put back', async () => {
  const controller = new AbortController();
  controller.abort('SIGINT');
  const result = await run([], controller.signal);
  const paths = writeReports(result, join(dir, 'stopped'));
  const json = JSON.parse(readFileSync(paths.json, 'utf8')) as BenchResult;
  assert.is(json.status, 'interrupted');
  assert.is(json.verdict, 'FAIL');
  const html = readFileSync(paths.html, 'utf8');
  assert.match(html, /<th>Status<\/th><td>interrupted<\/td>/);
  assert.match(readFileSync(paths.junit, 'utf8'), /<property name="status" value="interrupted"\/>/);
});

test('two runs in the same second keep all six reports: a FAIL report is never overwritten by a PASS (regression)', async () => {
  const failing = await run([{ kind: 'switch-stuck', pi: 0, state: 'off' }]);
  const passing = await run();
  assert.is(reportStem(failing), reportStem(passing), 'the same second: the same stem');
  const target = join(dir, 'same-second');
  const first = writeReports(failing, target);
  const failText = readFileSync(first.json, 'utf8');
  const second = writeReports(passing, target);
  const third = writeReports(passing, target);
  assert.is(readdirSync(target).length, 9);
  assert.is(readFileSync(first.json, 'utf8'), failText, 'the FAIL report is untouched');
  assert.match(second.json, /-20250304-050607-2\.json$/);
  assert.match(third.html, /-20250304-050607-3\.html$/);
  assert.is((JSON.parse(readFileSync(second.json, 'utf8')) as BenchResult).verdict, 'PASS');
});

test('a name taken by one file of the three: the next suffix for all three, nothing left half-claimed', async () => {
  const result = await run();
  const target = join(dir, 'half-taken');
  mkdirSync(target);
  writeFileSync(join(target, `${reportStem(result)}.html`), 'someone else');
  const paths = writeReports(result, target);
  assert.match(paths.junit, /-2\.xml$/);
  assert.equal(readdirSync(target).sort(), [`${reportStem(result)}-2.html`, `${reportStem(result)}-2.json`, `${reportStem(result)}-2.xml`, `${reportStem(result)}.html`]);
  assert.is(readFileSync(join(target, `${reportStem(result)}.html`), 'utf8'), 'someone else');
});

test('an abandoned clean-up (second Ctrl-C): the JUnit properties list each setting left changed with its original value', async () => {
  const result = await run();
  const pending = [{ setting: 'HBT_TIME' as const, pi: 0 as const, original: 15 }];
  const abandoned = { ...result, status: 'interrupted' as const, cleanup: { ...result.cleanup, settingsRestored: false, pending, abandoned: 'quit' } };
  const paths = writeReports(abandoned, join(dir, 'abandoned'));
  assert.match(readFileSync(paths.junit, 'utf8'), /<property name="cleanup.leftChanged" value="HBT_TIME pi0 \(was 15\)"\/>/);
  assert.match(readFileSync(paths.html, 'utf8'), /SETTINGS NOT RESTORED: HBT_TIME pi0 was 15/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
