/**
 * A fuzz campaign: targets run in batches (a batch = one fast-check check of `numRuns` runs at
 * one seed). Batch k of a target has the seed hash(seed, target, k), so results do not depend on
 * how many workers share the batches (worker w takes batches w, w + K, w + 2K ... of each
 * target: its own seed stream). A failing batch is shrunk, replayed once more with a session
 * log attached, and turned into a regression file.
 */
import { hashLabel } from '../../board-model/random.ts';
import { DisconnectedError } from '../../bus-protocol/errors.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import type { HostPort } from '../../hil/ports.ts';
import * as fc from 'fast-check';
import type { ModelCoverage } from '../coverage/ModelCoverage.ts';
import { SessionLog } from '../harness/SessionLog.ts';
import { regressionOf, type Regression } from '../regressions/regressionFile.ts';
import { failureReport, replayPathOf } from '../target.ts';
import { targetByName } from '../targets.ts';

/** One unit of work. */
export interface Batch {
  readonly target: string;
  /** Index of this batch among the target's batches. */
  readonly index: number;
  readonly seed: number;
  readonly numRuns: number;
}

/** What a batch found. */
export interface BatchResult {
  readonly batch: Batch;
  /** Runs executed (up to and including a failing one). */
  readonly runs: number;
  readonly failed: boolean;
  readonly ms: number;
  /** On failure: fast-check's report and the regression file to save. */
  readonly report?: string;
  readonly regression?: Regression;
}

/** How batches run. */
export interface RunOptions {
  profile: FirmwareProfile;
  variants: boolean;
  coverage?: ModelCoverage | undefined;
  /** Shrink a failure before saving it (default true). */
  shrink?: boolean;
  openPort?: (() => Promise<HostPort>) | undefined;
  boardId?: number | undefined;
}

/** Runs per batch: small enough for smooth progress, big enough to amortise fast-check's setup. */
export const BATCH_RUNS = 10;

/** The seed of batch `index` of `target` in a campaign seeded `seed` (u32). */
export function batchSeed(seed: number, target: string, index: number): number {
  return hashLabel(`${seed >>> 0}/${target}/${index}`) & 0x7fffffff;
}

/** The batches of worker `worker` of `workers` for `runs` runs of each target (a finite plan). */
export function planBatches(targets: readonly { name: string; runs: number }[], seed: number, worker: number, workers: number): Batch[] {
  const out: Batch[] = [];
  for (const t of targets) {
    const count = Math.ceil(t.runs / BATCH_RUNS);
    for (let k = worker; k < count; k += workers) {
      out.push({ target: t.name, index: k, seed: batchSeed(seed, t.name, k), numRuns: Math.min(BATCH_RUNS, t.runs - k * BATCH_RUNS) });
    }
  }
  return out;
}

/** Endless batches of worker `worker`, round-robin over the targets (a timed campaign). */
export function* endlessBatches(targets: readonly string[], seed: number, worker: number, workers: number): Generator<Batch> {
  for (let round = 0; ; round++) {
    const index = round * workers + worker;
    for (const target of targets) yield { target, index, seed: batchSeed(seed, target, index), numRuns: BATCH_RUNS };
  }
}

/** Run one batch; a failure comes back shrunk, with its regression file (replay command to fill in). A lost link throws its DisconnectedError. */
export async function runBatch(batch: Batch, options: RunOptions): Promise<BatchResult> {
  const target = targetByName(batch.target);
  if (!target) throw new Error(`unknown fuzz target "${batch.target}"`);
  const started = performance.now();
  const base = { profile: options.profile, variants: options.variants, inspect: options.coverage?.hook, openPort: options.openPort, boardId: options.boardId };
  const details = await target.check(base, { seed: batch.seed, numRuns: batch.numRuns, endOnFailure: options.shrink === false });
  // A link that went away is not a finding about the board: no shrinking on a dead port, no regression file.
  if (details.failed && details.errorInstance instanceof DisconnectedError) throw details.errorInstance;
  if (!details.failed || details.counterexamplePath === null) {
    return { batch, runs: details.numRuns, failed: details.failed, ms: performance.now() - started, ...(details.failed ? { report: failureReport(details) ?? '' } : {}) };
  }
  // Once more, the counterexample only, with a session log attached.
  const replayPath = replayPathOf(details.counterexample);
  const log = new SessionLog(options.openPort ? 'hardware' : 'sim:', options.openPort ? 'wall' : 'virtual');
  if (options.openPort && options.boardId !== undefined) log.context = { ...log.context, ids: [options.boardId] };
  await target.check({ ...base, inspect: undefined, log, replayPath }, { seed: batch.seed, path: details.counterexamplePath, numRuns: batch.numRuns, endOnFailure: true });
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const regression = regressionOf({
    target: batch.target, seed: batch.seed, path: details.counterexamplePath, numRuns: batch.numRuns, replayPath, profile: options.profile, variants: options.variants,
    error, counterexample: details.counterexample === null ? '' : fc.stringify(details.counterexample), replay: '', log,
  });
  return { batch, runs: details.numRuns, failed: true, ms: performance.now() - started, report: failureReport(details) ?? error, regression };
}
