/** Writing and listing regression files (Node side). */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonText } from '../../board-model/ConfigError.ts';
import { parseRegression, type Regression } from './regressionFile.ts';

/** Save a regression as `<dir>/<target>-<seed>.json` (a free name), with `replay` set from the path; returns the path. */
export function saveRegression(dir: string, regression: Regression, replayCommand: (file: string) => string): string {
  mkdirSync(dir, { recursive: true });
  let file = join(dir, `${regression.target}-${regression.seed}.json`);
  for (let n = 2; existsSync(file); n++) file = join(dir, `${regression.target}-${regression.seed}-${n}.json`);
  writeFileSync(file, formatRegression({ ...regression, replay: replayCommand(file) }));
  return file;
}

/** A regression file's text: indented JSON, with one session line per line (as in a session file). */
export function formatRegression(regression: Regression): string {
  const { session, ...rest } = regression;
  const head = JSON.stringify(rest, null, 2);
  return `${head.slice(0, -2)},\n  "session": [\n${session.map((line) => `    ${JSON.stringify(line)}`).join(',\n')}\n  ]\n}\n`;
}

/** One regression file, parsed and validated (a ConfigError names the field). */
export function loadRegression(file: string): Regression {
  return parseRegression(parseJsonText(readFileSync(file, 'utf8'), file), file);
}

/** Every regression file in `dir` (`*.json`; a README and other files are ignored), parsed and validated. */
export function loadRegressions(dir: string): Array<{ file: string; regression: Regression }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const file = join(dir, name);
      return { file, regression: loadRegression(file) };
    });
}
