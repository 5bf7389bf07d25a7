/**
 * `pistack sim`: run a stack in virtual time and print a timeline of notable events and a
 * summary (or one JSON document). A scenario's failed expectations make the exit code 1.
 */
import type { Command } from 'commander';
import { parseDuration, formatDuration } from '../../board-model/duration.ts';
import type { Scenario } from '../../board-model/scenario.ts';
import { pollProblem } from '../../board-model/sim/pollCycle.ts';
import { runScenario, type RunResult } from '../../board-model/sim/runScenario.ts';
import { RunawayError } from '../../board-model/sim/runawayGuard.ts';
import { CliError, ioOf, parseInteger, printJson, printLines, withJson } from '../output.ts';
import { resolveScenario, type SimFileOptions } from '../simFiles.ts';
import { SimProgress } from '../simProgress.ts';
import { liveProgress } from '../terminal.ts';
import { expectationLines, summaryLines, timelineLines, unsentLines } from '../timeline.ts';

/** Exit code after SIGINT (128 + 2) and SIGTERM (128 + 15), as shells report them. */
const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Timers per slice of a run: about 0.1 s of wall time between looks at signals and progress. */
const SLICE_TIMERS = 20_000;

interface SimOptions extends SimFileOptions {
  seed?: string;
  duration?: string;
  poll?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Parse a duration option, naming the option on error. */
export function durationOption(text: string, option: string): number {
  try {
    return parseDuration(text);
  } catch (e) {
    throw new CliError(`"${option}": ${(e as Error).message}`);
  }
}

/** --duration must reach the scenario's last step, as the file's own duration must (the file check refuses the same). */
function checkDurationCoversSteps(scenario: Scenario, durationMs: number): void {
  const index = scenario.steps.length - 1;
  const last = scenario.steps[index];
  if (last === undefined || last.atMs <= durationMs) return;
  throw new CliError(`"--duration": ${formatDuration(durationMs)} ends before the scenario's last step (steps[${index}] at ${formatDuration(last.atMs)}); give at least ${formatDuration(last.atMs)}`);
}

/** Run the scenario, yielding to the event loop between slices: progress on a TTY, Ctrl-C (SIGINT) and SIGTERM stop it with the run so far. */
async function runWithSignals(cmd: Command, scenario: Scenario, options: SimOptions, run: { durationMs: number; pollMs?: number; seed?: number }): Promise<{ result: RunResult; signal?: string }> {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(SIGNAL_EXIT[signal] ?? 1);
    controller.abort(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  const progress = new SimProgress({ enabled: liveProgress() && !options.quiet, write: (text) => ioOf(cmd).err(text), now: () => performance.now() }, run.durationMs);
  try {
    const result = await runScenario(scenario, {
      ...run, sliceTimers: SLICE_TIMERS, signal: controller.signal,
      onSlice: async (_sim, virtualMs) => {
        progress.update(virtualMs);
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
    });
    return { result, ...(controller.signal.aborted ? { signal: String(controller.signal.reason) } : {}) };
  } catch (e) {
    if (e instanceof RunawayError) throw new CliError(e.message);
    throw e;
  } finally {
    progress.clear();
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}

/** Run a scenario file (or a plain stack) and report; shared by `sim` and `demo`. */
export async function simulate(cmd: Command, options: SimOptions): Promise<void> {
  const seed = options.seed === undefined ? undefined : parseInteger(options.seed, '--seed', { min: 0, max: 0xffffffff });
  const cliDuration = options.duration === undefined ? undefined : durationOption(options.duration, '--duration');
  const cliPoll = options.poll === undefined ? undefined : durationOption(options.poll, '--poll');
  const scenario = resolveScenario(options, cliDuration ?? 3_600_000);
  const durationMs = cliDuration ?? scenario.durationMs;
  if (cliDuration !== undefined) checkDurationCoversSteps(scenario, cliDuration);
  const pollMs = cliPoll ?? scenario.pollMs ?? 0;
  const pollIssue = pollProblem(pollMs, scenario.stack, scenario.profile);
  if (pollIssue !== undefined) throw new CliError(`"--poll": ${pollIssue}`);
  const started = performance.now();
  const { result, signal } = await runWithSignals(cmd, scenario, options, { durationMs, pollMs, ...(seed === undefined ? {} : { seed }) });
  const wallMs = Math.round((performance.now() - started) * 10) / 10;
  const unsent = unsentLines(result);
  if (unsent.length > 0 && options.json) ioOf(cmd).err(unsent.map((l) => `warning: ${l.trim()}\n`).join(''));
  if (options.json) {
    printJson(cmd, { ...result, wallMs, expectations: result.expectations.map((e) => ({ ...e.expectation, withinMs: [...e.expectation.withinMs], passed: e.passed, count: e.count, times: e.times, message: e.message })) });
  } else {
    const boards = scenario.stack.boards.length;
    const pis = scenario.stack.boards.reduce((n, b) => n + b.pis.filter((p) => p !== null).length, 0);
    const lines = [
      `Scenario "${scenario.name}" on stack "${scenario.stack.name}" (${boards} boards, ${pis} Pis, ${scenario.stack.supplyVolts} V), profile ${scenario.profile.name}, seed ${result.seed}`,
      ...(scenario.description ? [scenario.description] : []),
      `${formatDuration(durationMs)} of stack time${pollMs ? `, host polling every ${formatDuration(pollMs)}` : ''}`,
      ...result.warnings.map((w) => `warning: ${w}`),
      '',
      ...(options.quiet ? [] : ['Timeline', ...timelineLines(result.events.filter((e) => e.type !== 'warning')), '']),
      ...summaryLines(result),
      `  Ran ${formatDuration(result.virtualMs)} of virtual time in ${formatDuration(wallMs)} (${Math.round(result.virtualMs / Math.max(wallMs, 0.001)).toLocaleString('en')}x real time)${signal ? `, stopped by ${signal} before ${formatDuration(durationMs)}` : ''}`,
      '',
      ...expectationLines(result),
    ];
    printLines(cmd, lines);
  }
  if (signal !== undefined) {
    throw new CliError(`interrupted by ${signal} at ${formatDuration(result.virtualMs)} of ${formatDuration(durationMs)} virtual time (expectations not checked)`, SIGNAL_EXIT[signal] ?? 1);
  }
  if (!result.passed) {
    const failed = result.expectations.filter((e) => !e.passed);
    if (options.json) ioOf(cmd).err(failed.map((f) => `FAIL ${f.message}\n`).join(''));
    throw new CliError(`${failed.length} expectation(s) failed in scenario "${scenario.name}"`);
  }
}

/** Register `sim` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('sim')
    .description('run a simulated stack in virtual time: timeline of notable events and a summary')
    .option('--stack <FILE>', 'stack description (JSON) or builtin name: default, single')
    .option('--profile <FILE>', 'firmware profile (JSON) or builtin name: v4-reference, v3')
    .option('--scenario <FILE>', 'scenario file (JSON): steps, faults and expectations')
    .option('--duration <TIME>', 'virtual time to run, e.g. 90s, 10m, 24h, at most 100000h; not before the scenario\'s last step (default: the scenario\'s, else 1h)')
    .option('--seed <N>', 'seed of every random stream (default: the scenario\'s, else 1)')
    .option('--poll <TIME>', 'the host reads every board\'s status every TIME over the bus, at least one poll cycle; 0 is no polling (default: the scenario\'s, else none)')
    .option('--quiet', 'no timeline and no progress, only the summary and verdicts');
  withJson(cmd).action(async function (this: Command, options: SimOptions) {
    await simulate(this, options);
  });
}
