/**
 * Model coverage of a fuzz run kept in its run folder: `pistack fuzz --out DIR` writes the state
 * and transition keys it visited to DIR/coverage/fuzz-seed<S>.json (a new file per run, never
 * replacing one), and `pistack coverage --fuzz DIR` reads every such file back and merges them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoverageKeys } from './ModelCoverage.ts';

/** The `format` tag of a coverage file. */
export const COVERAGE_FORMAT = 'pistack-model-coverage';

/** Subfolder of a run folder that holds its coverage files. */
export const COVERAGE_DIR = 'coverage';

/** One fuzz run's coverage as written to its run folder. */
export interface FuzzCoverageFile extends CoverageKeys {
  readonly format: typeof COVERAGE_FORMAT;
  readonly version: 1;
  readonly seed: number;
  readonly runs: number;
  readonly targets: readonly string[];
  readonly profile: string;
  readonly finishedAt: string;
}

/** Write a run's coverage into DIR/coverage/ (created if needed) under a name not taken yet; returns the path. */
export function saveFuzzCoverage(dir: string, run: Omit<FuzzCoverageFile, 'format' | 'version' | 'finishedAt'>): string {
  const folder = join(dir, COVERAGE_DIR);
  mkdirSync(folder, { recursive: true });
  const body: FuzzCoverageFile = { format: COVERAGE_FORMAT, version: 1, ...run, finishedAt: new Date().toISOString() };
  for (let n = 1; ; n++) {
    const path = join(folder, `fuzz-seed${run.seed}${n === 1 ? '' : `-${n}`}.json`);
    try {
      writeFileSync(path, `${JSON.stringify(body, null, 1)}\n`, { flag: 'wx' });
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** A coverage file or folder that cannot be read; the message names it. */
export class CoverageFileError extends Error {
  override name = 'CoverageFileError';
}

function parseFile(path: string): FuzzCoverageFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CoverageFileError(`${path}: ${(e as Error).message}`);
  }
  const d = data as Partial<FuzzCoverageFile> | null;
  if (d === null || typeof d !== 'object' || d.format !== COVERAGE_FORMAT) throw new CoverageFileError(`${path}: not a fuzz coverage file ("format" is not "${COVERAGE_FORMAT}")`);
  if (d.version !== 1) throw new CoverageFileError(`${path}: "version" ${JSON.stringify(d.version)} is not 1`);
  const keys = (k: 'states' | 'transitions'): string[] => {
    const list = d[k];
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw new CoverageFileError(`${path}: "${k}" is not a list of names`);
    return list;
  };
  return { ...(d as FuzzCoverageFile), states: keys('states'), transitions: keys('transitions') };
}

/**
 * Read a run's coverage: RUN_DIR (every file in RUN_DIR/coverage/), that coverage folder itself,
 * or one coverage file. Throws CoverageFileError when there is none or one is not valid.
 */
export function loadFuzzCoverage(path: string): FuzzCoverageFile[] {
  if (!existsSync(path)) throw new CoverageFileError(`${path} does not exist`);
  if (!statSync(path).isDirectory()) return [parseFile(path)];
  const folder = existsSync(join(path, COVERAGE_DIR)) ? join(path, COVERAGE_DIR) : path;
  const files = readdirSync(folder).filter((n) => n.startsWith('fuzz-seed') && n.endsWith('.json')).sort();
  if (files.length === 0) throw new CoverageFileError(`${path}: no fuzz coverage in it (\`pistack fuzz --out ${path}\` writes ${join(path, COVERAGE_DIR, 'fuzz-seed<S>.json')})`);
  return files.map((n) => parseFile(join(folder, n)));
}
