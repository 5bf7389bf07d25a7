/**
 * `pistack sim`: run a stack in virtual time and print a timeline of notable events and a
 * summary (or one JSON document). A scenario's failed expectations make the exit code 1.
 */
import type { Command } from 'commander';
import { parseDuration, formatDuration } from '../../board-model/duration.ts';
import { runScenario } from '../../board-model/sim/runScenario.ts';
import { CliError, ioOf, parseInteger, printJson, printLines, withJson } from '../output.ts';
import { resolveScenario, type SimFileOptions } from '../simFiles.ts';
import { expectationLines, summaryLines, timelineLines } from '../timeline.ts';

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

/** Run a scenario file (or a plain stack) and report; shared by `sim` and `demo`. */
export async function simulate(cmd: Command, options: SimOptions): Promise<void> {
  const seed = options.seed === undefined ? undefined : parseInteger(options.seed, '--seed', { min: 0, max: 0xffffffff });
  const scenario = resolveScenario(options, options.duration ? durationOption(options.duration, '--duration') : 3_600_000);
  const durationMs = options.duration ? durationOption(options.duration, '--duration') : scenario.durationMs;
  const pollMs = options.poll ? durationOption(options.poll, '--poll') : scenario.pollMs;
  const started = performance.now();
  const result = await runScenario(scenario, { durationMs, ...(pollMs === undefined ? {} : { pollMs }), ...(seed === undefined ? {} : { seed }) });
  const wallMs = Math.round((performance.now() - started) * 10) / 10;
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
      `  Ran ${formatDuration(durationMs)} of virtual time in ${formatDuration(wallMs)} (${Math.round(durationMs / Math.max(wallMs, 0.001)).toLocaleString('en')}x real time)`,
      '',
      ...expectationLines(result),
    ];
    printLines(cmd, lines);
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
    .option('--duration <TIME>', 'virtual time to run, e.g. 90s, 10m, 24h (default: the scenario\'s, else 1h)')
    .option('--seed <N>', 'seed of every random stream (default: the scenario\'s, else 1)')
    .option('--poll <TIME>', 'the host reads every board\'s status every TIME over the bus')
    .option('--quiet', 'no timeline, only the summary and verdicts');
  withJson(cmd).action(async function (this: Command, options: SimOptions) {
    await simulate(this, options);
  });
}
