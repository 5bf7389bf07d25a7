/**
 * `pistack bench --port P --id N`: run an acceptance test plan against one board (hil/bench/),
 * show progress on stderr, write JUnit XML, JSON and HTML reports, and say PASS (exit 0) or FAIL
 * (exit 1). The board is left powered off with its settings restored, also after Ctrl-C.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../board-model/ConfigError.ts';
import { loadPlan } from '../../hil/bench/loadPlan.ts';
import { noPromptOperator, promptOperator, simOperator, type Operator } from '../../hil/bench/operator.ts';
import { progressPrinter } from '../../hil/bench/progressText.ts';
import { reopenPort, simReconnect } from '../../hil/bench/reconnect.ts';
import { writeReports } from '../../hil/bench/reports.ts';
import { runBench, type BenchResult } from '../../hil/bench/runBench.ts';
import { openBoardPort, withBoardPortOptions, withInterrupt, type BoardPortOptions } from '../boardPort.ts';
import { CliError, ioOf, printJson, printLines } from '../output.ts';

interface BenchCliOptions extends BoardPortOptions {
  plan: string;
  report: string;
  operator?: string;
  serial?: string;
  prompt: boolean;
  json?: boolean;
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
  const opened = await openBoardPort(options);
  const { port, id } = opened;
  const operator: Operator = !options.prompt ? noPromptOperator : port.sim ? simOperator(port.sim, id) : promptOperator(process.stdin, process.stderr);
  const print = progressPrinter();
  let result: BenchResult;
  try {
    result = await withInterrupt((line) => io.err(`${line}\n`), (signal) =>
      runBench({
        port, id, plan: loaded.plan, planSource: loaded.source, operator, signal,
        ...(options.operator === undefined ? {} : { operatorName: options.operator }),
        ...(options.serial === undefined ? {} : { serial: options.serial }),
        ...(opened.replyTimeoutMs === undefined ? {} : { replyTimeoutMs: opened.replyTimeoutMs }),
        reconnect: port.sim ? simReconnect(port) : reopenPort(opened.spec, opened.openOptions),
        onProgress: (event) => {
          for (const line of print(event)) io.err(`${line}\n`);
        },
      }),
    );
  } finally {
    await port.close();
  }
  const paths = writeReports(result, options.report);
  if (options.json) printJson(cmd, { ...result, reports: paths });
  else printLines(cmd, [summary(result), `reports: ${paths.junit}`, `         ${paths.json}`, `         ${paths.html}`]);
  if (!result.cleanup.settingsRestored || result.cleanup.poweredOff === false) {
    io.err(`warning: the board was not fully put back: ${result.cleanup.pending.map((p) => `${p.setting} pi${p.pi} should be ${p.original}`).join(', ') || 'a port is still powered'}\n`);
  }
  if (result.verdict !== 'PASS') {
    const failed = result.steps.filter((s) => s.status === 'failed' || s.status === 'error').map((s) => s.name);
    throw new CliError(`board ${id} FAILED the bench test${result.status === 'failed' ? '' : ` (${result.status})`}${failed.length ? `: ${failed.join(', ')}` : ''}`);
  }
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
    .action(async function (this: Command, options: BenchCliOptions) {
      await bench(this, options);
    });
}
