/** Batch statistics and charts on hand-made reports: Cpk sides, small samples, boards without serials, retests, empty charts. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpk, describe, summarise } from './batchStats.ts';
import { histogramSvg, paretoSvg, runChartSvg, tick } from './charts.ts';
import type { ReportFile } from './readReports.ts';
import { csvField, summaryHtml } from './summaryReport.ts';

function report(file: string, startedAt: string, verdict: 'PASS' | 'FAIL', vin: number | null, serial?: string): ReportFile {
  return {
    file,
    report: {
      format: 'pistack-bench-report', version: 1, status: verdict === 'PASS' ? 'passed' : 'failed', verdict,
      board: { id: 3, ...(serial === undefined ? {} : { serial }) }, plan: { name: 'p', source: 'p.json', steps: 2 }, startedAt,
      steps: [
        { name: 'vin', do: 'read', status: verdict === 'PASS' ? 'passed' : 'failed', measurements: [{ name: 'GET_VIN', value: vin, unit: 'V', limits: { low: 11, high: 13 }, outcome: verdict === 'PASS' ? 'pass' : 'fail' }] },
        { name: 'hw', do: 'read', status: 'passed', measurements: [{ name: 'GET_HW_VERSION', value: 3, unit: '', limits: { equals: 3 }, outcome: 'pass' }] },
      ],
    },
  };
}

test('Cpk: two-sided takes the nearer limit, one-sided the given one; none without spread or limits', () => {
  assert.is(cpk(12, 0.5, 11, 13), 2 / 3);
  assert.is(cpk(12.5, 0.5, 11, 13), 1 / 3);
  assert.is(cpk(12, 0.5, null, 13), 2 / 3);
  assert.is(cpk(12, 0.5, 10, null), 4 / 3);
  assert.is(cpk(12, 0, 11, 13), null);
  assert.is(cpk(12, null, 11, 13), null);
  assert.is(cpk(12, 1, null, null), null);
  assert.equal(describe([]), { n: 0, mean: null, sd: null, min: null, max: null });
  assert.equal(describe([4]), { n: 1, mean: 4, sd: null, min: 4, max: 4 });
  assert.equal(describe([1, 3]), { n: 2, mean: 2, sd: Math.SQRT2, min: 1, max: 3 });
});

test('yields by serial in test order (file order does not matter); a report without serial is a board of its own; null values are not counted', () => {
  const s = summarise([
    report('c.json', '2026-01-01T10:00:00.000Z', 'PASS', 12.1, 'A'), // A retested after failing
    report('a.json', '2026-01-01T09:00:00.000Z', 'FAIL', 13.5, 'A'),
    report('b.json', '2026-01-01T09:30:00.000Z', 'PASS', 11.9, 'B'),
    report('d.json', '2026-01-01T11:00:00.000Z', 'FAIL', null),
  ]);
  assert.is(s.boards, 3);
  assert.is(s.passed, 2);
  assert.is(s.failed, 1);
  assert.is(s.firstPassYield, 1 / 3);
  assert.is(s.finalYield, 2 / 3);
  assert.equal(s.runs.map((r) => r.file), ['a.json', 'b.json', 'c.json', 'd.json']);
  assert.match(s.runs[3]!.board, /no serial \(d\.json\)/);
  assert.is(s.measurements.length, 1, 'only range-limited measurements');
  const vin = s.measurements[0]!;
  assert.is(vin.name, 'vin/GET_VIN');
  assert.is(vin.n, 3);
  assert.is(vin.max, 13.5);
  assert.equal(s.pareto, [{ check: 'vin', failures: 2, cumulative: 1 }]);
  assert.equal(s.plans.map((p) => p.reports), [4]);
  assert.equal(s.limitConflicts, []);
  const page = summaryHtml(s, ['dir']);
  assert.match(page, /<td>33\.3 %<\/td><td>66\.7 %<\/td>/, 'first-pass and final yield');
  assert.is((page.match(/<svg /g) ?? []).length, 3, 'histogram, run chart, Pareto');
});

test('charts: empty and flat data draw without NaN; the Pareto lists checks most first with cumulative shares; CSV quoting', () => {
  assert.match(histogramSvg('t', [], 1, 2), /no values/);
  assert.match(runChartSvg('t', [null, null], 1, 2), /no values/);
  for (const svg of [histogramSvg('t', [5, 5, 5], null, null), runChartSvg('t', [5], null, null), histogramSvg('t', [1, 2, 3, 4, 9], 0, 8)]) {
    assert.not.match(svg, /NaN|Infinity/);
    assert.match(svg, /^<svg /);
  }
  assert.match(runChartSvg('t', [1, 9, null, 2], 0, 8), /fill="#c0392b"/, 'a value outside the limits is red');
  assert.match(paretoSvg([]), /no check failed/);
  const pareto = paretoSvg([{ check: 'a-very-long-check-name-that-goes-on-and-on', failures: 3, cumulative: 0.75 }, { check: 'b', failures: 1, cumulative: 1 }]);
  assert.match(pareto, /3 \(75 %\)/);
  assert.match(pareto, /…/);
  assert.is(tick(0.000123456), '0.0001235');
  assert.is(csvField('a,"b"'), '"a,""b"""');
  assert.is(csvField(null), '');
  assert.is(csvField(1.5), '1.5');
});

test.run();
