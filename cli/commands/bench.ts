/**
 * `pistack bench --port P --id N`: run an acceptance test plan against one board (hil/bench/),
 * show progress on stderr, write JUnit XML, JSON and HTML reports, and say PASS (exit 0) or FAIL
 * (exit 1). The board is left powered off with its settings restored, also after Ctrl-C (exit 130,
 * SIGTERM 143); a second Ctrl-C abandons the clean-up, writes the partial report and lists every
 * setting left changed. The --report folder is checked before the board is touched; a report is
 * never written over (a taken name gets a suffix).
 */
import type { Command } from 'commander';
import { ConfigError } from '../../board-model/ConfigError.ts';
import { loadPlan } from '../../hil/bench/loadPlan.ts';
import { noPromptOperator, promptOperator, simOperator, type Operator } from '../../hil/bench/operator.ts';
import { progressPrinter } from '../../hil/bench/progressText.ts';
import { reopenPort, simReconnect } from '../../hil/bench/reconnect.ts';
import { writeReports } from '../../hil/bench/reports.ts';
import { runBench, type BenchResult } from '../../hil/bench/runBench.ts';
import { interruptExitCode, openBoardPort, withBoardPortOptions, withInterrupt, type BoardPortOptions } from '../boardPort.ts';
import { CliError, ioOf, printJson, printLines, type Io } from '../output.ts';
import { checkOutputDir } from '../outputPaths.ts';

interface BenchCliOptions extends BoardPortOptions {
  plan: string;
  report: string;
  operator?: string;
  serial?: string;
  prompt: boolean;
  json?: boolean;
  quiet?: boolean;
}

function summary(result: BenchResult): string {
  const { counts } = result;
  const board = `board ${result.board.id}${result.board.serial ? ` (${result.board.serial})` : ''}`;
  const how = result.status === 'interrupted' || result.status === 'adapter lost' ? ` (${result.status})` : '';
  return `${result.verdict}${how}  ${board}: ${counts.passed} passed, ${counts.failed} failed, ${counts.errors} errors, ${counts.skipped} skipped; ${(result.boardMs / 1000).toFixed(1)} s on the board's clock, ${(result.wallMs / 1000).toFixed(1)} s wall time`;
}

async function bench(cmd: Command, options: BenchCliOptions): Promise<void> {
  const io = ioOf(cmd);
  let loaded: ReturnType<typeof loadPlan>;
  try {
    loaded = loadPlan(options.plan);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(`invalid plan:\n${e.message}`);
    throw e;
  }
  checkOutputDir(options.report, '--report');
  const opened = await openBoardPort(options);
  const { port, id } = opened;
  const operator: Operator = !options.prompt ? noPromptOperator : port.sim ? simOperator(port.sim, id) : promptOperator(process.stdin, process.stderr);
  const print = progressPrinter();
  let result: BenchResult;
  let stop: AbortSignal | undefined;
  try {
    result = await withInterrupt((line) => io.err(`${line}\n`), (signal, quit) =>
      runBench({
        port, id, plan: loaded.plan, planSource: loaded.source, operator, signal: (stop = signal), quit,
        ...(options.operator === undefined ? {} : { operatorName: options.operator }),
        ...(options.serial === undefined ? {} : { serial: options.serial }),
        ...(opened.replyTimeoutMs === undefined ? {} : { replyTimeoutMs: opened.replyTimeoutMs }),
        reconnect: port.sim ? simReconnect(port) : reopenPort(opened.spec, opened.openOptions),
        onProgress: (event) => {
          if (!options.quiet) for (const line of print(event)) io.err(`${line}\n`);
        },
      }),
      { secondQuits: true },
    );
  } finally {
    await port.close();
  }
  warnLeftChanged(io, result);
  let paths: ReturnType<typeof writeReports>;
  try {
    paths = writeReports(result, options.report);
  } catch (e) {
    if (options.json) printJson(cmd, result); // the record is not lost: it goes to stdout instead
    else printLines(cmd, [summary(result)]);
    throw new CliError(`"--report": cannot write the reports to ${options.report}: ${(e as Error).message}`);
  }
  if (options.json) printJson(cmd, { ...result, reports: paths });
  else printLines(cmd, [summary(result), `reports: ${paths.junit}`, `         ${paths.json}`, `         ${paths.html}`]);
  if (result.status === 'interrupted' && stop?.aborted) throw new CliError(`interrupted by ${String(stop.reason)}; partial report written`, interruptExitCode(stop));
  if (result.verdict !== 'PASS') {
    const failed = result.steps.filter((s) => s.status === 'failed' || s.status === 'error').map((s) => s.name);
    throw new CliError(`board ${id} FAILED the bench test${result.status === 'failed' ? '' : ` (${result.status})`}${failed.length ? `: ${failed.join(', ')}` : ''}`);
  }
}

/** Say on stderr what the run left undone: every setting still changed with its original value, a port still powered or in an unknown state. */
function warnLeftChanged(io: Io, result: BenchResult): void {
  const { cleanup } = result;
  const power = cleanup.poweredOff === false ? 'a port is still powered' : cleanup.abandoned !== undefined ? 'the power state is unknown (clean-up abandoned)' : undefined;
  if (cleanup.settingsRestored && power === undefined) return;
  const settings = cleanup.pending.map((p) => `${p.setting} pi${p.pi} should be ${p.original}`);
  io.err(`warning: the board was not fully put back: ${[...settings, ...(power ? [power] : [])].join(', ')}\n`);
}

/** Register `bench` on the program. */
export function register(program: Command): void {
  withBoardPortOptions(
    program
      .command('bench')
      .description('run an acceptance test plan against one board: PASS or FAIL, with JUnit XML, JSON and HTML reports'),
  )
    .option('--plan <FILE>', 'test plan (JSON) or builtin name', 'default')
    .option('--report <DIR>', 'directory for the reports', './reports')
    .option('--operator <NAME>', 'name of the person running the test (in the reports)')
    .option('--serial <TEXT>', "the board's serial number or label (in the reports and file names)")
    .option('--no-prompt', 'skip the steps that need a person (and the steps that need those), reported as skipped')
    .option('--json', 'print the result as JSON (with the report paths) instead of the summary')
    .option('--quiet', 'no step-by-step progress on stderr, only the summary')
    .action(async function (this: Command, options: BenchCliOptions) {
      await bench(this, options);
    });
}
