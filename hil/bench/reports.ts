/**
 * Writing a bench run's three reports into a directory: JUnit XML, the JSON record and the
 * printable HTML page, named after the board, its serial text and the start time, e.g.
 * `bench-3-SN0042-20250101-120000.{xml,json,html}`. A report is a record: the files are created
 * exclusively, and when a name is taken (two runs in the same second) the next free suffix is
 * used (`...-120000-2.xml`), so no report is ever written over.
 */
import { closeSync, mkdirSync, openSync, unlinkSync, writeFileSync } from 'node:fs';
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

/**
 * Create the three files of `stem` exclusively; undefined (nothing left behind) when any of them
 * exists already. Other errors are thrown, after removing what this call created.
 */
function claim(stem: string): { paths: ReportPaths; fds: number[] } | undefined {
  const paths = { junit: `${stem}.xml`, json: `${stem}.json`, html: `${stem}.html` };
  const fds: number[] = [];
  const created: string[] = [];
  try {
    for (const path of [paths.junit, paths.json, paths.html]) {
      fds.push(openSync(path, 'wx'));
      created.push(path);
    }
    return { paths, fds };
  } catch (error) {
    for (const fd of fds) closeSync(fd);
    for (const path of created) unlinkSync(path);
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
}

/** Write the reports into `dir` (created if needed) under a name no other file has; returns their paths. */
export function writeReports(result: BenchResult, dir: string): ReportPaths {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, reportStem(result));
  let claimed: ReturnType<typeof claim>;
  for (let n = 1; claimed === undefined; n++) claimed = claim(n === 1 ? base : `${base}-${n}`);
  const { paths, fds } = claimed;
  const texts = [junitXml(result), `${JSON.stringify(result, null, 2)}\n`, benchHtml(result)];
  try {
    fds.forEach((fd, i) => writeFileSync(fd, texts[i]!));
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  return paths;
}
