/**
 * The outputs of `pistack bench-summary`: the JSON figures (the shape the README documents), the
 * CSV (one row per measurement per run) and one self-contained printable HTML page (inline CSS
 * and SVG, no scripts, nothing fetched).
 */
import { escapeHtml } from '../htmlReport.ts';
import type { ReportFile } from './readReports.ts';
import { planLabel, type BatchSummary } from './batchStats.ts';
import { histogramSvg, paretoSvg, runChartSvg, tick } from './charts.ts';

/** The `--json` figures: `{ boards, passed, failed, firstPassYield, finalYield, plans, measurements }`. */
export function summaryJson(s: BatchSummary): object {
  return {
    boards: s.boards, passed: s.passed, failed: s.failed, firstPassYield: s.firstPassYield, finalYield: s.finalYield,
    plans: s.plans.map((p) => ({ name: p.name, steps: p.steps, fingerprint: p.fingerprint, reports: p.reports })),
    measurements: s.measurements.map(({ name, unit, n, mean, sd, min, max, low, high, cpk }) => ({ name, unit, n, mean, sd, min, max, low, high, cpk })),
  };
}

/** One CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV columns, in order. */
export const CSV_COLUMNS = ['order', 'file', 'serial', 'board_id', 'started_at', 'plan', 'verdict', 'step', 'measurement', 'value', 'unit', 'low', 'high', 'outcome'] as const;

/** Every measurement of every run (in test order), one CSV row each, with a header line. */
export function summaryCsv(files: readonly ReportFile[], s: BatchSummary): string {
  const byFile = new Map(files.map((f) => [f.file, f.report]));
  const lines = [CSV_COLUMNS.join(',')];
  for (const run of s.runs) {
    const report = byFile.get(run.file)!;
    for (const step of report.steps) {
      for (const m of step.measurements) {
        lines.push([
          run.order, run.file, run.serial, run.id, run.startedAt, report.plan.name, run.verdict, step.name, m.name, m.value, m.unit, m.limits?.low, m.limits?.high, m.outcome,
        ].map(csvField).join(','));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}

function num(value: number | null, digits = 4): string {
  return value === null ? '–' : Number(value.toPrecision(digits)).toString();
}

const STYLE = `body { font: 13px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { margin: 0 0 .2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .5em 0; } th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
th:first-child, td:first-child { text-align: left; } .low { color: #c0392b; font-weight: bold; }
.figures td { font-size: 15px; } .chart { display: inline-block; vertical-align: top; margin: 0 1em 1em 0; page-break-inside: avoid; }
.chart h3 { font-size: 13px; margin: .3em 0; } .none { color: #777; }
@media print { body { margin: 1cm; } .chart, tr { page-break-inside: avoid; } h2 { page-break-after: avoid; } }`;

/** Cpk below this is flagged (a common minimum for a capable process). */
export const CPK_FLAG = 1.33;

/** The printable HTML page of a batch summary. */
export function summaryHtml(s: BatchSummary, sources: readonly string[]): string {
  const rows = s.measurements.map((m) => `<tr><td>${escapeHtml(m.name)}</td><td>${escapeHtml(m.unit)}</td><td>${m.n}</td><td>${num(m.mean)}</td><td>${num(m.sd)}</td><td>${num(m.min)}</td><td>${num(m.max)}</td>`
    + `<td>${num(m.low)}</td><td>${num(m.high)}</td><td${m.cpk !== null && m.cpk < CPK_FLAG ? ' class="low"' : ''}>${num(m.cpk, 3)}</td></tr>`);
  const charts = s.measurements.map((m) => {
    const values = s.runs.map((r) => r.values.get(m.name) ?? null);
    const present = values.filter((v): v is number => v !== null);
    const limits = [m.low === null ? '' : `low ${tick(m.low)}`, m.high === null ? '' : `high ${tick(m.high)}`].filter(Boolean).join(', ');
    return `<div class="chart"><h3>${escapeHtml(m.name)} (${escapeHtml(m.unit)}; ${escapeHtml(limits)})</h3>${histogramSvg(`${m.name} histogram`, present, m.low, m.high)}<br>${runChartSvg(`${m.name} run chart`, values, m.low, m.high)}</div>`;
  });
  const plans = s.plans.map((p) => `${escapeHtml(planLabel(p))}: ${p.reports} report${p.reports === 1 ? '' : 's'}`).join('<br>');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bench summary: ${s.boards} boards</title><style>${STYLE}</style></head><body>
<h1>Production batch: bench summary</h1>
<p>${s.runs.length} reports from ${sources.map(escapeHtml).join(', ')}; first ${escapeHtml(s.runs[0]?.startedAt ?? '–')}, last ${escapeHtml(s.runs.at(-1)?.startedAt ?? '–')}</p>
<table class="figures"><tr><th>boards</th><th>passed</th><th>failed</th><th>first-pass yield</th><th>final yield</th></tr>
<tr><td>${s.boards}</td><td>${s.passed}</td><td>${s.failed}</td><td>${pct(s.firstPassYield)}</td><td>${pct(s.finalYield)}</td></tr></table>
<p>Plan: ${plans}</p>
<h2>Measurements</h2>
<table><tr><th>measurement</th><th>unit</th><th>n</th><th>mean</th><th>sd</th><th>min</th><th>max</th><th>low</th><th>high</th><th>Cpk</th></tr>
${rows.join('\n')}</table>
<p>sd: sample standard deviation. Cpk: min(high - mean, mean - low) / 3 sd, one-sided with one limit; below ${CPK_FLAG} in red.</p>
<h2>Failures (Pareto)</h2>
${paretoSvg(s.pareto)}
<h2>Histograms and run charts</h2>
<p>Dashed red lines: the plan's limits. Run charts in test order; values outside the limits in red.</p>
${charts.join('\n')}
</body></html>
`;
}
