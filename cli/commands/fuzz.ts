/**
 * `pistack fuzz`: property-based bus fuzzing and model-based testing (fuzz/), on the simulator
 * (worker threads, each with its own seed stream) or on a real board (`--port`, model-based
 * test only). Prints the seed first; saves each failure, shrunk, as a regression file with the
 * command that replays it; exit code 1 on any failure. `--replay FILE` replays a saved one.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import { coverageTable } from '../../fuzz/coverage/report.ts';
import { saveFuzzCoverage } from '../../fuzz/coverage/coverageFile.ts';
import { profileFromPatch, regressionSession } from '../../fuzz/regressions/regressionFile.ts';
import { replayCase, replaySession } from '../../fuzz/regressions/replay.ts';
import { loadRegression, saveRegression } from '../../fuzz/regressions/saveRegression.ts';
import type { ModelCoverage, CoverageReport } from '../../fuzz/coverage/ModelCoverage.ts';
import { batchSeed, runBatch, type BatchResult } from '../../fuzz/runner/campaign.ts';
import { runCampaign } from '../../fuzz/runner/parallel.ts';
import type { WorkerPlan } from '../../fuzz/runner/workerLoop.ts';
import { failureReport } from '../../fuzz/target.ts';
import { TARGETS, targetByName } from '../../fuzz/targets.ts';
import { ArgumentError, DisconnectedError, safeExcerpt } from '../../bus-protocol/index.ts';
import { SerialOpenError, openPort, parsePortSpec, type HostPort } from '../../hil/ports.ts';
import { TcpConnectError } from '../../hil/TcpTransport.ts';
import { fuzzProgress } from '../fuzzProgress.ts';
import { CliError, ioOf, parseInteger, printJson } from '../output.ts';
import { checkOutputDir } from '../outputPaths.ts';
import { loadProfile, loading, readText } from '../simFiles.ts';

interface FuzzOptions {
  runs?: string;
  minutes?: string;
  seed?: string;
  port?: string;
  id?: string;
  workers?: string;
  target?: string;
  profile?: string;
  out?: string;
  shrink?: boolean;
  replay?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Where failures go unless --out says otherwise. */
export const DEFAULT_REGRESSION_DIR = 'fixtures/regressions';

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! & 0x7fffffff;
}

/** `--replay FILE`: the case on its recorded board and on v4-reference, and its session played back. */
async function replay(cmd: Command, file: string): Promise<void> {
  const io = ioOf(cmd);
  if (!existsSync(file)) throw new CliError(`"--replay": no regression file ${file}`);
  if (statSync(file).isDirectory()) throw new CliError(`"--replay": ${file} is a directory; give one regression file (a .json file in it)`);
  readText(file, '--replay'); // an unreadable file is named with the option
  const r = loading(() => loadRegression(file));
  regressionSession(r, file);
  const recorded = await replayCase(r, profileFromPatch(r.profile, `${file} (profile)`));
  const reference = await replayCase(r, V4_REFERENCE);
  const differences = await replaySession(r, file);
  const verdict = (d: { failed: boolean }) => (d.failed ? 'fails' : 'passes');
  io.out(`${file}: ${r.target}, seed ${r.seed}, path ${r.path}${r.example ? ' (example: a deliberately broken board)' : ''}\n`);
  io.out(`  on the recorded board: ${verdict(recorded)}\n`);
  if (recorded.failed) io.out(`${(failureReport(recorded) ?? '').split('\n').map((l) => `    ${l}`).join('\n')}\n`);
  io.out(`  on v4-reference: ${verdict(reference)}\n`);
  io.out(`  session: ${differences === undefined ? 'nothing simulated to play back' : differences.length === 0 ? 'played back identically' : `differs:\n${differences.map((d) => `    ${d}`).join('\n')}`}\n`);
  const expected = (r.example ? recorded.failed : !recorded.failed) && !reference.failed && (differences?.length ?? 0) === 0;
  if (!expected) throw new CliError(r.example ? `${file}: the example no longer behaves as recorded` : `${file}: the failure still happens`);
}

/** The names of `--target`; an empty list is a usage error (exit 2): a run of nothing must not pass. */
export function targetNames(text: string): string[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new CliError(`"--target" names no target (got "${safeExcerpt(text)}"); give one or more of ${TARGETS.map((x) => x.name).join(', ')}`, 2);
  return names;
}

/** Open a real `--port`; a missing device, a non-serial file or a closed TCP port is a CliError naming the option. */
async function openFuzzPort(spec: string): Promise<HostPort> {
  try {
    return await openPort(spec);
  } catch (e) {
    if (e instanceof SerialOpenError || e instanceof TcpConnectError || e instanceof ArgumentError) throw new CliError(`"--port": ${e.message}`);
    throw e;
  }
}

/** Run a campaign and report. */
async function fuzz(cmd: Command, options: FuzzOptions): Promise<void> {
  if (options.replay !== undefined) return replay(cmd, options.replay);
  const io = ioOf(cmd);
  if (options.runs !== undefined && options.minutes !== undefined) throw new CliError('give either "--runs N" or "--minutes M", not both');
  const runs = options.runs === undefined ? undefined : parseInteger(options.runs, '--runs', { min: 1, max: 1_000_000 });
  const minutes = options.minutes === undefined ? undefined : Number(options.minutes);
  if (minutes !== undefined && !(minutes > 0 && Number.isFinite(minutes))) throw new CliError(`"--minutes" must be a positive number, got "${options.minutes}"`);
  const seed = options.seed === undefined ? randomSeed() : parseInteger(options.seed, '--seed', { min: 0, max: 0xffffffff });
  const portSpec = options.port ?? 'sim:';
  const onSim = parsePortSpec(portSpec).kind === 'sim';
  const names = options.target === undefined ? (onSim ? TARGETS.map((t) => t.name) : ['model']) : targetNames(options.target);
  for (const name of names) {
    const t = targetByName(name);
    if (!t) throw new CliError(`"--target": unknown target "${name}" (known: ${TARGETS.map((x) => x.name).join(', ')})`);
    if (!onSim && t.simOnly) throw new CliError(`"--target": ${name} needs the simulator; on a real board only "model" runs`);
  }
  const profile = options.profile ? loadProfile(options.profile) : V4_REFERENCE;
  const variants = options.profile === undefined && onSim;
  const workers = onSim ? (options.workers === undefined ? Math.min(4, availableParallelism()) : parseInteger(options.workers, '--workers', { min: 1, max: 64 })) : 1;
  const id = options.id === undefined ? 0 : parseInteger(options.id, '--id', { min: 0, max: 254 });
  const out = options.out ?? DEFAULT_REGRESSION_DIR;
  checkOutputDir(out, '--out'); // before fuzzing: a shrunk counterexample must have somewhere to go
  const targets = names.map((name) => ({ name, runs: runs ?? targetByName(name)!.ciRuns }));
  const total = minutes === undefined ? targets.reduce((n, t) => n + t.runs, 0) : undefined;
  const port = onSim ? undefined : await openFuzzPort(portSpec);
  if (!options.quiet) io.err(`pistack fuzz: seed ${seed}, ${onSim ? `simulator, ${workers} worker${workers === 1 ? '' : 's'}` : `board ${id} at ${portSpec}`}, profile ${profile.name}${variants ? ' (+ behaviour variants)' : ''}, targets ${names.join(', ')}\n`);
  const progress = fuzzProgress(io, { ...(minutes === undefined ? { total: total! } : { totalMs: minutes * 60_000 }), quiet: options.quiet === true });
  const figures = { runs: 0, failures: 0, coverage: '' };
  const saved = new Map<string, string>();
  const failed: BatchResult[] = [];
  const onBatch = (result: BatchResult, coverage: ModelCoverage | undefined): void => {
    figures.runs += result.runs;
    if (coverage) {
      const c = coverage.report().transitions;
      figures.coverage = `${c.visited}/${c.total} (${c.percent} %)`;
    }
    if (result.failed) {
      figures.failures++;
      failed.push(result);
      if (result.regression && !saved.has(result.batch.target)) {
        const file = saveRegression(out, result.regression, (f) => `pistack fuzz --replay ${f}`);
        saved.set(result.batch.target, file);
        progress.note(`FAIL ${result.batch.target} (seed ${result.batch.seed}, path ${result.regression.path}): ${result.regression.error.split('\n')[0]}\n  saved ${file}\n  replay: pistack fuzz --replay ${file}\n  fast-check: { seed: ${result.batch.seed}, path: "${result.regression.path}" }${result.regression.replayPath ? `, commands replayPath "${result.regression.replayPath}"` : ''} on target ${result.batch.target}\n`);
      } else if (!result.regression) progress.note(`FAIL ${result.batch.target} (seed ${result.batch.seed}): ${(result.report ?? '').split('\n')[0]}\n`);
    }
    progress.update(figures);
  };
  let coverageReport: CoverageReport | undefined;
  let coverageFile: string | undefined;
  if (onSim) {
    const plan: WorkerPlan = { targets, seed, workers, deadline: minutes === undefined ? undefined : Date.now() + minutes * 60_000, profile, variants, shrink: options.shrink !== false, coverage: true };
    const outcome = await runCampaign(plan, { onBatch });
    coverageReport = outcome.coverage?.report();
    // A run folder named with --out keeps the run's coverage for `pistack coverage --fuzz DIR`.
    if (options.out !== undefined && outcome.coverage) {
      coverageFile = saveFuzzCoverage(out, { seed, runs: figures.runs, targets: names, profile: profile.name, ...outcome.coverage.keys() });
    }
  } else if (port) {
    const shared = { ...port, close: async () => undefined };
    try {
      const deadline = minutes === undefined ? undefined : Date.now() + minutes * 60_000;
      const plan = targets[0]!;
      for (let k = 0; deadline === undefined ? k * 10 < plan.runs : Date.now() < deadline; k++) {
        const numRuns = deadline === undefined ? Math.min(10, plan.runs - k * 10) : 10;
        const result = await runBatch({ target: 'model', index: k, seed: batchSeed(seed, 'model', k), numRuns }, { profile, variants: false, openPort: async () => shared, boardId: id, shrink: options.shrink !== false });
        onBatch(result, undefined);
        if (result.failed) break;
      }
    } catch (e) {
      progress.stop(figures);
      if (e instanceof DisconnectedError) throw new CliError(`lost the link to ${portSpec}: ${e.message} (was the adapter unplugged?); ${figures.runs} runs done, nothing saved`);
      throw e;
    } finally {
      await port.close();
    }
  }
  progress.stop(figures);
  if (options.json) {
    printJson(cmd, { seed, runs: figures.runs, failures: failed.map((f) => ({ target: f.batch.target, seed: f.batch.seed, path: f.regression?.path, error: f.regression?.error ?? f.report, file: saved.get(f.batch.target) })), coverage: coverageReport, coverageFile });
  } else {
    io.out(`${figures.runs} runs, seed ${seed}: ${failed.length === 0 ? 'no failures' : `${failed.length} failing batch${failed.length === 1 ? '' : 'es'} in ${new Set(failed.map((f) => f.batch.target)).size} target(s)`}\n`);
    if (coverageReport) io.out(`model coverage\n${coverageTable(coverageReport).map((l) => `  ${l}`).join('\n')}\n`);
    if (coverageFile) io.out(`coverage saved in ${coverageFile} (pistack coverage --fuzz ${out})\n`);
  }
  if (failed.length > 0) throw new CliError(`fuzzing found ${failed.length} failure${failed.length === 1 ? '' : 's'} (saved under ${out})`);
}

/** Register `fuzz` on the program. */
export function register(program: Command): void {
  program
    .command('fuzz')
    .description('property-based bus fuzzing and model-based testing, on the simulator or a real board')
    .option('--runs <N>', 'runs per target (default: each target\'s CI budget)')
    .option('--minutes <M>', 'run until M minutes are up instead')
    .option('--seed <S>', 'base seed (default: random; printed at the start)')
    .option('--port <P>', 'sim: (default), a serial device, tcp://HOST:PORT or rfc2217://HOST:PORT (model-based test only)')
    .option('--id <N>', 'ID of the board under test on a real port (default 0)')
    .option('--workers <K>', 'worker threads on the simulator (default: min(4, cores))')
    .option('--target <NAMES>', `comma-separated targets (${TARGETS.map((t) => t.name).join(', ')})`)
    .option('--profile <FILE>', 'firmware profile of the simulated boards (JSON or builtin name); no behaviour variants then')
    .option('--out <DIR>', `the run folder: failures are saved there (default ${DEFAULT_REGRESSION_DIR}), and, when given, the run's model coverage in DIR/coverage/ (for pistack coverage --fuzz DIR)`)
    .option('--no-shrink', 'save failures without shrinking them')
    .option('--replay <FILE>', 'replay a saved regression file and say whether it still fails')
    .option('--json', 'print a JSON summary')
    .option('--quiet', 'no progress on stderr (failures are still reported); the seed is in the summary')
    .action(async function (this: Command, options: FuzzOptions) {
      await fuzz(this, options);
    });
}
