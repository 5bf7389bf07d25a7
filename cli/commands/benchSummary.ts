/**
 * `pistack bench-summary DIR... [--html FILE] [--json] [--csv FILE] [--overwrite]`: the figures of
 * a production batch from the bench JSON reports under the folders (hil/bench/summary/): boards,
 * first-pass and final yield, plan(s), per measurement n, mean, sd, min, max and Cpk, a failure
 * Pareto, histograms and run charts (HTML). Output files are checked before anything is read. A
 * file that is not a valid report fails the command (exit 1, every bad file listed) unless
 * `--skip-invalid`; reports of different plans are refused unless `--allow-mixed-plans`.
 */
import type { Command } from 'commander';
import { CliError, ioOf, plural, printJson, printLines } from '../output.ts';
import { checkOutputFile, withOverwrite, writeOutputFile } from '../outputPaths.ts';

interface SummaryOptions {
  html?: string;
  csv?: string;
  json?: boolean;
  overwrite?: boolean;
  skipInvalid?: boolean;
  allowMixedPlans?: boolean;
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}

function num(value: number | null): string {
  return value === null ? '-' : Number(value.toPrecision(4)).toString();
}

async function summary(cmd: Command, dirs: string[], options: SummaryOptions): Promise<void> {
  const overwrite = options.overwrite === true;
  for (const [option, path] of [['--html', options.html], ['--csv', options.csv]] as const) {
    // `--html -- DIR` hands commander's "--" over as the value: never a file name anyone meant.
    if (path?.startsWith('-')) throw new CliError(`"${option}" needs a file name, got "${path}"`);
  }
  const html = options.html === undefined ? undefined : checkOutputFile(options.html, '--html', { overwrite });
  const csv = options.csv === undefined ? undefined : checkOutputFile(options.csv, '--csv', { overwrite, inputs: [{ path: options.html, what: 'the --html file' }] });
  const { readReports } = await import('../../hil/bench/summary/readReports.ts');
  const { planLabel, planKey, summarise } = await import('../../hil/bench/summary/batchStats.ts');
  const { summaryCsv, summaryHtml, summaryJson } = await import('../../hil/bench/summary/summaryReport.ts');
  let read: ReturnType<typeof readReports>;
  try {
    read = readReports(dirs);
  } catch (e) {
    throw new CliError(`bench-summary: ${(e as Error).message}`);
  }
  const io = ioOf(cmd);
  if (read.bad.length > 0) {
    const list = read.bad.map((b) => `  ${b.file}: ${b.problem}`);
    if (!options.skipInvalid) throw new CliError(`${plural(read.bad.length, 'file')} under ${dirs.join(', ')} ${read.bad.length === 1 ? 'is' : 'are'} not a valid bench report (pass --skip-invalid to summarise without ${read.bad.length === 1 ? 'it' : 'them'}):\n${list.join('\n')}`);
    io.err(`warning: skipped ${plural(read.bad.length, 'invalid report')}:\n${list.join('\n')}\n`);
  }
  if (read.reports.length === 0) throw new CliError(`bench-summary: no bench reports (*.json) under ${dirs.join(', ')}`);
  const plans = new Map<string, number>();
  for (const { report } of read.reports) {
    const label = planLabel(planKey(report));
    plans.set(label, (plans.get(label) ?? 0) + 1);
  }
  if (plans.size > 1 && !options.allowMixedPlans) {
    const names = [...plans].map(([label, n]) => `${label}: ${plural(n, 'report')}`).join('; ');
    throw new CliError(`the reports were made with ${plans.size} different plans (${names}); summarise one plan at a time, or pass --allow-mixed-plans`);
  }
  const figures = summarise(read.reports);
  if (figures.limitConflicts.length > 0 && !options.allowMixedPlans) {
    throw new CliError(`the reports disagree on the limits of ${plural(figures.limitConflicts.length, 'measurement')} (different versions of plan ${[...plans.keys()].join(', ')}?); summarise one version at a time, or pass --allow-mixed-plans:\n${figures.limitConflicts.map((c) => `  ${c}`).join('\n')}`);
  }
  if (html !== undefined) writeOutputFile(html, summaryHtml(figures, dirs), '--html', overwrite);
  if (csv !== undefined) writeOutputFile(csv, summaryCsv(read.reports, figures), '--csv', overwrite);
  if (options.json) return printJson(cmd, summaryJson(figures));
  const worst = [...figures.measurements].filter((m) => m.cpk !== null).sort((a, b) => a.cpk! - b.cpk!).slice(0, 5);
  printLines(cmd, [
    `${plural(figures.boards, 'board')} (${plural(figures.runs.length, 'report')}, plan ${[...plans.keys()].join(', ')})`,
    `passed ${figures.passed}, failed ${figures.failed}; first-pass yield ${pct(figures.firstPassYield)}, final yield ${pct(figures.finalYield)}`,
    ...(figures.pareto.length ? ['most failed checks:', ...figures.pareto.slice(0, 5).map((b) => `  ${b.check}: ${b.failures}`)] : ['no check failed']),
    ...(worst.length ? ['lowest Cpk:', ...worst.map((m) => `  ${m.name}: Cpk ${num(m.cpk)} (mean ${num(m.mean)} ${m.unit}, sd ${num(m.sd)}, limits ${num(m.low)}..${num(m.high)})`)] : []),
    ...(html === undefined ? [] : [`html: ${options.html}`]),
    ...(csv === undefined ? [] : [`csv: ${options.csv}`]),
  ]);
}

/** Register `bench-summary` on the program. */
export function register(program: Command): void {
  withOverwrite(
    program
      .command('bench-summary')
      .argument('<DIR...>', 'folders holding bench JSON reports (searched recursively)')
      .description('summarise a production batch from its bench reports: yields, Cpk per measurement, failure Pareto; HTML, JSON, CSV')
      .option('--html <FILE>', 'write a printable self-contained HTML report with charts to FILE')
      .option('--csv <FILE>', 'write every measurement of every report to FILE (one row each)')
      .option('--json', 'print the figures as JSON')
      .option('--skip-invalid', 'skip files that are not valid bench reports (listed as warnings) instead of failing')
      .option('--allow-mixed-plans', 'summarise reports made with different plans together')
      .addHelpText('after', '\nExamples:\n  pistack bench-summary reports/ --html batch.html\n  pistack bench-summary station1/ station2/ --json'),
    'the --html and --csv files',
  ).action(async function (this: Command, dirs: string[], options: SummaryOptions) {
    await summary(this, dirs, options);
  });
}
