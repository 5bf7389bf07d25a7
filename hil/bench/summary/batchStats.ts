/**
 * The figures of a production batch from its bench reports: boards (by serial number), first-pass
 * and final yield, the plan(s), per measurement n, mean, sample standard deviation, min, max and
 * Cpk against the plan's limits, which checks fail most (Pareto), and every value in test order
 * (run charts). Pure: reports in, figures out.
 *
 * - A plan is its name, step count and checks; reports of one plan whose range limits differ
 *   (an edited plan file) are listed in `limitConflicts` (the first report's limits are used).
 * - A board is its serial number; a report without one is a board of its own (named by file).
 * - Test order: by `startedAt`, then file name. First pass = a board's first run; final = its last.
 * - Measurements with a range limit (`low` and/or `high`) are the variables summarised; `equals`
 *   and `oneOf` checks are attributes, counted in the Pareto only. A value that could not be
 *   taken (null) is not in n; its check counts as failed.
 * - Cpk = min(high - mean, mean - low) / (3 sd), one-sided when only one limit is given; null
 *   when sd is 0 or undefined (n < 2).
 */
import { createHash } from 'node:crypto';
import type { ReportFile } from './readReports.ts';

/** One plan seen in the batch: name, step count and a fingerprint of its checks and limits. */
export interface PlanSeen {
  readonly name: string;
  readonly steps: number;
  /** First 8 hex digits of a SHA-256 over every step name, measurement name and range or set limits. */
  readonly fingerprint: string;
  /** Reports made with it. */
  readonly reports: number;
}

/** Summary of one measurement (step/measurement) over every run; values in its unit. */
export interface MeasurementSummary {
  /** `step/measurement`, e.g. `input.voltage/GET_VIN`. */
  readonly name: string;
  readonly unit: string;
  readonly n: number;
  readonly mean: number | null;
  /** Sample standard deviation (n - 1); null for n < 2. */
  readonly sd: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly cpk: number | null;
}

/** One run in test order. */
export interface RunSeen {
  readonly order: number;
  readonly file: string;
  readonly board: string;
  readonly serial: string | undefined;
  readonly id: number;
  readonly startedAt: string;
  readonly verdict: 'PASS' | 'FAIL';
  /** Values of the summarised measurements (null: not measured in this run). */
  readonly values: ReadonlyMap<string, number | null>;
}

/** A check and how often it failed (failed or error), most first. */
export interface ParetoBar {
  readonly check: string;
  readonly failures: number;
  /** Cumulative share of all failures up to this bar, 0..1. */
  readonly cumulative: number;
}

/** Everything bench-summary reports. */
export interface BatchSummary {
  readonly boards: number;
  readonly passed: number;
  readonly failed: number;
  readonly firstPassYield: number;
  readonly finalYield: number;
  readonly plans: PlanSeen[];
  readonly measurements: MeasurementSummary[];
  readonly runs: RunSeen[];
  readonly pareto: ParetoBar[];
  /** Measurements whose range limits differ between reports (different versions of a plan), one line each. */
  readonly limitConflicts: string[];
}

/** The identity of a report's plan: its name, steps, and a fingerprint of its checks (names and kinds, in order). */
export function planKey(report: ReportFile['report']): { name: string; steps: number; fingerprint: string } {
  const hash = createHash('sha256');
  for (const step of report.steps) hash.update(`${step.name}\t${step.do ?? ''}\n`);
  return { name: report.plan.name, steps: report.plan.steps, fingerprint: hash.digest('hex').slice(0, 8) };
}

/** Limits of a measurement as text: `4.9..5.3`, `..0.5`, `1..`. */
function limitText(low: number | null, high: number | null): string {
  return `${low ?? ''}..${high ?? ''}`;
}

/** How a plan is named in messages: `default (48 steps, 1a2b3c4d)`. */
export function planLabel(plan: { name: string; steps: number; fingerprint: string }): string {
  return `${plan.name} (${plan.steps} steps, ${plan.fingerprint})`;
}

/** n, mean, sample sd, min, max of a list of numbers. */
export function describe(values: readonly number[]): { n: number; mean: number | null; sd: number | null; min: number | null; max: number | null } {
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null, min: null, max: null };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { n, mean, sd: n < 2 ? null : Math.sqrt(squares / (n - 1)), min, max };
}

/** Process capability against the limits: two-sided, one-sided with one limit; null without a spread or limits. */
export function cpk(mean: number | null, sd: number | null, low: number | null, high: number | null): number | null {
  if (mean === null || sd === null || sd === 0 || (low === null && high === null)) return null;
  const sides = [...(high === null ? [] : [(high - mean) / (3 * sd)]), ...(low === null ? [] : [(mean - low) / (3 * sd)])];
  return Math.min(...sides);
}

/** Summarise reports (any order; they are put in test order here). */
export function summarise(files: readonly ReportFile[]): BatchSummary {
  const ordered = [...files].sort((a, b) => a.report.startedAt.localeCompare(b.report.startedAt) || a.file.localeCompare(b.file));
  const plans = new Map<string, PlanSeen>();
  const limits = new Map<string, { unit: string; low: number | null; high: number | null; file: string }>();
  const conflicts = new Map<string, string>();
  const failures = new Map<string, number>();
  const byBoard = new Map<string, Array<'PASS' | 'FAIL'>>();
  const runs: RunSeen[] = [];
  for (const [i, { file, report }] of ordered.entries()) {
    const key = planKey(report);
    const label = planLabel(key);
    const seen = plans.get(label);
    plans.set(label, { ...key, reports: (seen?.reports ?? 0) + 1 });
    const board = report.board.serial ?? `ID ${report.board.id}, no serial (${file})`;
    byBoard.set(board, [...(byBoard.get(board) ?? []), report.verdict]);
    const values = new Map<string, number | null>();
    for (const step of report.steps) {
      if (step.status === 'failed' || step.status === 'error') failures.set(step.name, (failures.get(step.name) ?? 0) + 1);
      for (const m of step.measurements) {
        if (m.limits?.low === undefined && m.limits?.high === undefined) continue;
        const name = `${step.name}/${m.name}`;
        const [low, high] = [m.limits.low ?? null, m.limits.high ?? null];
        const first = limits.get(name);
        if (first === undefined) limits.set(name, { unit: m.unit, low, high, file });
        else if ((first.low !== low || first.high !== high) && !conflicts.has(name)) {
          conflicts.set(name, `${name}: ${limitText(first.low, first.high)} in ${first.file}, ${limitText(low, high)} in ${file}`);
        }
        values.set(name, m.value);
      }
    }
    runs.push({ order: i + 1, file, board, serial: report.board.serial, id: report.board.id, startedAt: report.startedAt, verdict: report.verdict, values });
  }
  const measurements = [...limits].map(([name, { unit, low, high }]): MeasurementSummary => {
    const values = runs.map((r) => r.values.get(name)).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    const d = describe(values);
    return { name, unit, ...d, low, high, cpk: cpk(d.mean, d.sd, low, high) };
  });
  const verdicts = [...byBoard.values()];
  const boards = verdicts.length;
  const passed = verdicts.filter((v) => v[v.length - 1] === 'PASS').length;
  const firstPass = verdicts.filter((v) => v[0] === 'PASS').length;
  const total = [...failures.values()].reduce((a, b) => a + b, 0);
  let cumulative = 0;
  const pareto = [...failures].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([check, count]) => {
    cumulative += count;
    return { check, failures: count, cumulative: cumulative / total };
  });
  return {
    boards, passed, failed: boards - passed,
    firstPassYield: boards === 0 ? 0 : firstPass / boards,
    finalYield: boards === 0 ? 0 : passed / boards,
    plans: [...plans.values()], measurements, runs, pareto, limitConflicts: [...conflicts.values()],
  };
}
