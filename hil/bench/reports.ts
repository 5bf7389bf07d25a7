/**
 * Writing a bench run's three reports into a directory: JUnit XML, the JSON record and the
 * printable HTML page, named after the board, its serial text and the start time, e.g.
 * `bench-3-SN0042-20250101-120000.{xml,json,html}`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchHtml } from './htmlReport.ts';
import { junitXml } from './junitReport.ts';
import type { BenchResult } from './runBench.ts';

/** Paths of the written reports. */
export interface ReportPaths {
  readonly junit: string;
  readonly json: string;
  readonly html: string;
}

/** File stem for a result: bench-<id>[-<serial>]-<yyyymmdd-hhmmss> (UTC), safe in any file system. */
export function reportStem(result: BenchResult): string {
  const serial = result.board.serial?.replace(/[^\w.-]+/g, '_').slice(0, 40);
  const time = result.startedAt.replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  return ['bench', String(result.board.id), ...(serial ? [serial] : []), time].join('-');
}

/** Write the reports into `dir` (created if needed); returns their paths. */
export function writeReports(result: BenchResult, dir: string): ReportPaths {
  mkdirSync(dir, { recursive: true });
  const stem = join(dir, reportStem(result));
  const paths = { junit: `${stem}.xml`, json: `${stem}.json`, html: `${stem}.html` };
  writeFileSync(paths.junit, junitXml(result));
  writeFileSync(paths.json, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(paths.html, benchHtml(result));
  return paths;
}
