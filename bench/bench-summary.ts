/**
 * `pistack bench-summary` over a batch of 1,000 bench reports (target: under 2 s).
 *
 * The batch is made once into a temporary folder (or `--dir DIR`, reused when it already holds
 * reports): `--source` boards (default 50) drawn with manufacturing spread and defects
 * (hil/bench/testing/batch.ts) run through the real bench with the default plan (48 steps, the
 * JSON reports of a real station, about 17 kB each), then copied to `--reports` (default 1000)
 * with their own serial numbers, start times and slightly varied values.
 *
 * Timed: the command as a process (`node bin/pistack.js bench-summary DIR --json`, Node start-up
 * included) and with `--html` and `--csv`, and in-process each phase (read and validate,
 * summarise, HTML, CSV). Medians of `--runs` (default 3). Figures only, no assertions.
 *
 * Run: `npx tsx bench/bench-summary.ts [--json] [--reports N] [--source N] [--runs N] [--dir DIR]`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRandom } from '../board-model/random.ts';
import { loadPlan } from '../hil/bench/loadPlan.ts';
import { summarise } from '../hil/bench/summary/batchStats.ts';
import { readReports } from '../hil/bench/summary/readReports.ts';
import { summaryCsv, summaryHtml } from '../hil/bench/summary/summaryReport.ts';
import { drawBatch, runBatch } from '../hil/bench/testing/batch.ts';
import type { BenchResult } from '../hil/bench/runBench.ts';

const BIN = resolve(fileURLToPath(import.meta.url), '../../bin/pistack.js');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

/** Fill `dir` with `count` reports made from `source` real bench runs; returns the ms it took. */
async function makeBatch(dir: string, count: number, source: number): Promise<number> {
  const t0 = performance.now();
  const real = join(dir, 'source');
  const options = { boards: source, seed: 1000, defectRate: 0.1 };
  await runBatch(drawBatch(options), loadPlan('default').plan, real, options);
  const files = readdirSync(real).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(real, f), 'utf8')) as BenchResult);
  rmSync(real, { recursive: true });
  const random = createRandom(7);
  for (let i = 0; i < count; i++) {
    const base = files[i % files.length]!;
    const copy = structuredClone(base) as { -readonly [K in keyof BenchResult]: BenchResult[K] };
    copy.board = { ...base.board, serial: `SN${String(i + 1).padStart(5, '0')}` };
    copy.startedAt = new Date(Date.UTC(2026, 1, 1) + i * 120_000).toISOString();
    for (const step of copy.steps) {
      for (const m of step.measurements) {
        if (m.value !== null && m.unit !== '' && m.unit !== 'count') (m as { value: number }).value = m.value * (1 + random.range(-0.002, 0.002));
      }
    }
    writeFileSync(join(dir, `bench-${copy.board.id}-${copy.board.serial}.json`), `${JSON.stringify(copy, null, 2)}\n`);
  }
  return performance.now() - t0;
}

function timedCommand(args: string[]): number {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bench-summary failed: ${run.stderr}`);
  return performance.now() - t0;
}

/** Wall time and CPU time (user + system) of `work`, ms: on a loaded machine the CPU time is the fairer figure. */
function phase<T>(work: () => T): { value: T; ms: number; cpuMs: number } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = work();
  const cpu = process.cpuUsage(c0);
  return { value, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Figures (ms, medians). */
export interface SummaryFigures {
  readonly reports: number;
  readonly megabytes: number;
  readonly generateMs: number | undefined;
  readonly commandJsonMs: number;
  /** `pistack --version` as a process: the CLI's start-up alone, ms. */
  readonly startupMs: number;
  readonly commandAllMs: number;
  readonly readMs: number;
  readonly summariseMs: number;
  readonly htmlMs: number;
  readonly csvMs: number;
  readonly htmlKB: number;
  /** CPU time of read + summarise + HTML + CSV in-process, ms. */
  readonly inProcessCpuMs: number;
  /** Load average (1 min) when measured. */
  readonly load: number;
}

/** Make (or reuse) the batch, then time the command and its phases. */
export async function measureSummary(options: { reports: number; source: number; runs: number; dir: string | undefined }): Promise<SummaryFigures> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'pistack-bench-summary-'));
  mkdirSync(dir, { recursive: true });
  const out = mkdtempSync(join(tmpdir(), 'pistack-bench-summary-out-'));
  try {
    const have = readdirSync(dir).filter((f) => f.endsWith('.json')).length;
    const generateMs = have >= options.reports ? undefined : await makeBatch(dir, options.reports, options.source);
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const bytes = files.reduce((n, f) => n + readFileSync(join(dir, f)).length, 0);
    const json: number[] = [];
    const startup: number[] = [];
    const all: number[] = [];
    const phases: Array<Record<'read' | 'summarise' | 'html' | 'csv' | 'cpu', number>> = [];
    let htmlBytes = 0;
    for (let i = 0; i < options.runs; i++) {
      json.push(timedCommand(['bench-summary', dir, '--json']));
      all.push(timedCommand(['bench-summary', dir, '--html', join(out, 'b.html'), '--csv', join(out, 'b.csv'), '--overwrite']));
      startup.push(timedCommand(['--version']));
      const read = phase(() => readReports([dir]));
      const sum = phase(() => summarise(read.value.reports));
      const html = phase(() => summaryHtml(sum.value, [dir]));
      const csv = phase(() => summaryCsv(read.value.reports, sum.value));
      htmlBytes = html.value.length;
      phases.push({ read: read.ms, summarise: sum.ms, html: html.ms, csv: csv.ms, cpu: read.cpuMs + sum.cpuMs + html.cpuMs + csv.cpuMs });
    }
    return {
      reports: files.length, megabytes: bytes / 1e6, generateMs, commandJsonMs: median(json), startupMs: median(startup), commandAllMs: median(all),
      readMs: median(phases.map((p) => p.read)), summariseMs: median(phases.map((p) => p.summarise)), htmlMs: median(phases.map((p) => p.html)),
      csvMs: median(phases.map((p) => p.csv)), htmlKB: htmlBytes / 1000, inProcessCpuMs: median(phases.map((p) => p.cpu)), load: loadavg()[0]!,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures as lines. */
export function summaryTable(f: SummaryFigures): string[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return [
    `${f.reports} reports, ${f.megabytes.toFixed(1)} MB${f.generateMs === undefined ? ' (reused)' : `, made in ${s(f.generateMs)}`}`,
    `pistack bench-summary DIR --json                  ${s(f.commandJsonMs)}  whole process; target < 2 s`,
    `pistack --version                                 ${s(f.startupMs)}  the CLI's start-up alone`,
    `pistack bench-summary DIR --html F --csv F        ${s(f.commandAllMs)}  whole process (HTML ${f.htmlKB.toFixed(0)} kB)`,
    `in-process: read and validate ${s(f.readMs)}, summarise ${s(f.summariseMs)}, HTML ${s(f.htmlMs)}, CSV ${s(f.csvMs)}; all four ${s(f.inProcessCpuMs)} of CPU time`,
    `load average ${f.load.toFixed(1)} when measured`,
  ];
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, reports: { type: 'string' }, source: { type: 'string' }, runs: { type: 'string' }, dir: { type: 'string' } } });
  const int = (text: string | undefined, fallback: number, name: string) => {
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${text}`);
    return n;
  };
  if (values.dir !== undefined && existsSync(values.dir) && readdirSync(values.dir).some((f) => !f.endsWith('.json'))) throw new Error(`--dir ${values.dir} holds files other than reports`);
  const figures = await measureSummary({ reports: int(values.reports, 1000, 'reports'), source: int(values.source, 50, 'source'), runs: int(values.runs, 3, 'runs'), dir: values.dir });
  if (values.json) console.log(JSON.stringify(figures, null, 2));
  else console.log(summaryTable(figures).join('\n'));
}
