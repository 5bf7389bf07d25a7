/**
 * `pistack chart --out DIR`: every machine's statechart as Graphviz DOT and SVG, walked from
 * the XState definitions (web/chart/), so the diagrams in docs/charts/ stay in step with the
 * code (a test compares the committed DOT with a fresh one).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CHARTS, chartDot } from '../../web/chart/machines.ts';
import { GraphvizError, renderSvg } from '../../web/node/renderSvg.ts';
import { CliError, printLines } from '../output.ts';
import { checkOutputDir, refuseToReplace, withOverwrite } from '../outputPaths.ts';

interface ChartCliOptions {
  out?: string;
  dotOnly?: boolean;
  overwrite?: boolean;
}

/** The files writeCharts writes into a folder, by name. */
export function chartFileNames(dotOnly = false): string[] {
  return CHARTS.flatMap((spec) => (dotOnly ? [`${spec.key}.dot`] : [`${spec.key}.dot`, `${spec.key}.svg`]));
}

/** Write every chart's DOT (and SVG unless dotOnly) into dir; returns the paths written. */
export async function writeCharts(dir: string, dotOnly = false): Promise<string[]> {
  const charts = await Promise.all(CHARTS.map(async (spec) => {
    const dot = chartDot(spec);
    return { key: spec.key, dot, svg: dotOnly ? undefined : await renderSvg(dot) };
  }));
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const chart of charts) {
    writeFileSync(join(dir, `${chart.key}.dot`), chart.dot);
    written.push(join(dir, `${chart.key}.dot`));
    if (chart.svg === undefined) continue;
    writeFileSync(join(dir, `${chart.key}.svg`), `${chart.svg}\n`);
    written.push(join(dir, `${chart.key}.svg`));
  }
  return written;
}

/** Register `chart` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('chart')
    .description('write every machine\'s statechart (port, Pi, regulator, MCU) as Graphviz DOT and SVG')
    .option('--out <DIR>', 'directory to write <machine>.dot and <machine>.svg into (e.g. docs/charts)')
    .option('--dot-only', 'write only the DOT files (no Graphviz needed)');
  withOverwrite(cmd, 'chart files already in the folder')
    .action(async function (this: Command, options: ChartCliOptions) {
      if (options.out === undefined || options.out.trim() === '') throw new CliError('say where to write the charts: "--out DIR" (e.g. docs/charts)');
      const dir = checkOutputDir(options.out, '--out');
      refuseToReplace(dir, chartFileNames(options.dotOnly === true), options.overwrite);
      let written: string[];
      try {
        written = await writeCharts(dir, options.dotOnly === true);
      } catch (e) {
        if (e instanceof GraphvizError) throw new CliError(e.message);
        throw new CliError(`"--out": cannot write ${dir}: ${(e as Error).message}`);
      }
      printLines(this, [`wrote ${written.length} files to ${dir}:`, ...written.map((p) => `  ${p}`)]);
    });
}
