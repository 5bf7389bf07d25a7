/**
 * The body of a fuzz worker, the same in a worker thread and in-process: run this worker's
 * batches (a finite plan, or round-robin until a deadline), report each batch's result and the
 * model coverage so far, and stop running a target once it has failed here.
 */
import { ModelCoverage, type CoverageKeys } from '../coverage/ModelCoverage.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { endlessBatches, planBatches, runBatch, type Batch, type BatchResult } from './campaign.ts';

/** A campaign as workers receive it (plain data: it crosses threads). */
export interface WorkerPlan {
  targets: Array<{ name: string; runs: number }>;
  seed: number;
  workers: number;
  /** Wall-clock deadline (ms since the epoch) of a timed campaign; undefined: run the plan's runs. */
  deadline?: number | undefined;
  profile: FirmwareProfile;
  variants: boolean;
  shrink: boolean;
  coverage: boolean;
}

/** Messages from a worker. */
export type WorkerMessage =
  | { type: 'batch'; result: BatchResult; coverage: CoverageKeys | undefined }
  | { type: 'done' }
  | { type: 'error'; message: string };

/** Run worker `worker`'s share of the plan, posting a message per batch and 'done' at the end. */
export async function workerLoop(plan: WorkerPlan, worker: number, post: (m: WorkerMessage) => void): Promise<void> {
  const coverage = plan.coverage ? new ModelCoverage() : undefined;
  const failed = new Set<string>();
  const batches: Iterable<Batch> = plan.deadline === undefined ? planBatches(plan.targets, plan.seed, worker, plan.workers) : endlessBatches(plan.targets.map((t) => t.name), plan.seed, worker, plan.workers);
  for (const batch of batches) {
    if (plan.deadline !== undefined && Date.now() >= plan.deadline) break;
    if (failed.has(batch.target)) {
      if (plan.deadline !== undefined && failed.size >= plan.targets.length) break;
      continue;
    }
    const result = await runBatch(batch, { profile: plan.profile, variants: plan.variants, coverage, shrink: plan.shrink }).catch(
      (error: unknown): BatchResult => ({ batch, runs: 0, failed: true, ms: 0, report: `internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}` }),
    );
    if (result.failed) failed.add(batch.target);
    post({ type: 'batch', result, coverage: coverage?.keys() });
  }
  post({ type: 'done' });
}
