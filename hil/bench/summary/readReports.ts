/**
 * Reading a production batch: every `*.json` file under the given folders (recursively) must be
 * a bench JSON report (`format: "pistack-bench-report"`, runBench.ts). A file that cannot be read,
 * is not JSON or is not a valid report is listed with its name and what is wrong, never dropped
 * silently: the caller decides to fail or to skip with a warning.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { ConfigError, fromZodIssues, parseJsonText } from '../../../board-model/ConfigError.ts';
import { BENCH_REPORT_FORMAT } from '../runBench.ts';

const limits = z.object({
  unit: z.string().optional(),
  low: z.number().optional(),
  high: z.number().optional(),
  equals: z.number().optional(),
  oneOf: z.array(z.number()).optional(),
});

const measurement = z.object({
  name: z.string(),
  value: z.number().nullable(),
  unit: z.string(),
  limits: limits.optional(),
  outcome: z.enum(['pass', 'fail', 'none']),
});

/** The part of a bench report the summary reads (other fields are allowed and ignored). */
export const reportSchema = z.object({
  format: z.literal(BENCH_REPORT_FORMAT),
  version: z.literal(1),
  status: z.enum(['passed', 'failed', 'interrupted', 'adapter lost']),
  verdict: z.enum(['PASS', 'FAIL']),
  board: z.object({ id: z.number().int(), serial: z.string().optional() }),
  plan: z.object({ name: z.string(), source: z.string(), steps: z.number().int() }),
  startedAt: z.iso.datetime(),
  steps: z.array(z.object({
    name: z.string(),
    do: z.string().optional(),
    status: z.enum(['passed', 'failed', 'skipped', 'error']),
    measurements: z.array(measurement),
  })),
});

/** A validated report and the file it came from. */
export interface ReportFile {
  /** Path as found (under one of the folders). */
  readonly file: string;
  readonly report: z.output<typeof reportSchema>;
}

/** A file that is not a usable report, and why (one line). */
export interface BadReport {
  readonly file: string;
  readonly problem: string;
}

/** Every `*.json` file under `dir` (recursively, sorted); throws when `dir` cannot be listed. */
function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsonFiles(path));
    else if (entry.name.endsWith('.json') && (entry.isFile() || statSync(path).isFile())) out.push(path);
  }
  return out;
}

/** Why a report file is unusable, in one line, or the report. */
export function readReport(file: string): ReportFile | BadReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { file, problem: `cannot read it: ${(e as Error).message}` };
  }
  try {
    const json = parseJsonText(text, file);
    const format = (json as { format?: unknown } | null)?.format;
    if (format !== BENCH_REPORT_FORMAT) return { file, problem: `not a bench report (format ${JSON.stringify(format ?? null)}, expected "${BENCH_REPORT_FORMAT}")` };
    const parsed = reportSchema.safeParse(json, { reportInput: true });
    if (!parsed.success) {
      const issues = fromZodIssues(parsed.error.issues);
      const first = issues[0]!;
      return { file, problem: `${first.path === '' ? '' : `${first.path}: `}${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}` };
    }
    return { file, report: parsed.data };
  } catch (e) {
    if (e instanceof ConfigError) return { file, problem: e.message.replace(`${file}: `, '') };
    throw e;
  }
}

/** Read every report under `dirs`; a folder that cannot be listed is an Error naming it. */
export function readReports(dirs: readonly string[]): { reports: ReportFile[]; bad: BadReport[] } {
  const reports: ReportFile[] = [];
  const bad: BadReport[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    let files: string[];
    try {
      if (!statSync(dir).isDirectory()) throw new Error('not a folder');
      files = jsonFiles(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(`${dir}: ${code === 'ENOENT' ? 'no such folder' : (e as Error).message}`);
    }
    for (const file of files) {
      const key = relative('.', file);
      if (seen.has(key)) continue; // a folder given twice, or nested in another given one
      seen.add(key);
      const read = readReport(file);
      if ('report' in read) reports.push(read);
      else bad.push(read);
    }
  }
  return { reports, bad };
}
