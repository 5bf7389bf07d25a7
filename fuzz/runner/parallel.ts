/**
 * Run a campaign on K worker threads (node:worker_threads), or in-process for K = 1, merging
 * batch results and model coverage as they arrive. From the source tree, workers load the
 * TypeScript sources through tsx's loader, registered in each thread (so this works under
 * `node --import tsx` and bin/pistack.js alike); the built CLI starts dist/fuzzWorker.js.
 */
import { Worker } from 'node:worker_threads';
import { ModelCoverage } from '../coverage/ModelCoverage.ts';
import type { BatchResult } from './campaign.ts';
import { workerLoop, type WorkerMessage, type WorkerPlan } from './workerLoop.ts';

/** What the caller hears while a campaign runs. */
export interface CampaignListener {
  /** A batch finished (results arrive in completion order across workers). */
  onBatch(result: BatchResult, coverage: ModelCoverage | undefined): void;
}

/** The merged outcome. */
export interface CampaignOutcome {
  results: BatchResult[];
  coverage: ModelCoverage | undefined;
}

const WORKER_URL = new URL('./worker.ts', import.meta.url).href;

/** The built worker (scripts/build.ts), which the built CLI (PISTACK_BUILT defined) runs without tsx. */
const BUILT_WORKER_URL = new URL('../../dist/fuzzWorker.js', import.meta.url).href;

function bootstrap(): string {
  const start = process.env.PISTACK_BUILT === '1'
    ? `import(${JSON.stringify(BUILT_WORKER_URL)})`
    : `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); })`;
  return `${start}.catch((e) => { require('node:worker_threads').parentPort.postMessage({ type: 'error', message: String(e && e.stack || e) }); });`;
}

/** Run the plan on `plan.workers` threads (in-process when 1). */
export async function runCampaign(plan: WorkerPlan, listener: CampaignListener): Promise<CampaignOutcome> {
  const coverage = plan.coverage ? new ModelCoverage() : undefined;
  const results: BatchResult[] = [];
  const handle = (m: WorkerMessage): void => {
    if (m.type !== 'batch') return;
    results.push(m.result);
    if (m.coverage) coverage?.merge(m.coverage);
    listener.onBatch(m.result, coverage);
  };
  if (plan.workers <= 1) {
    await workerLoop({ ...plan, workers: 1 }, 0, handle);
    return { results, coverage };
  }
  const runs = Array.from({ length: plan.workers }, (_, worker) => new Promise<void>((resolve, reject) => {
    const w = new Worker(bootstrap(), { eval: true, workerData: { plan, worker } });
    w.on('message', (m: WorkerMessage) => {
      if (m.type === 'error') {
        reject(new Error(`fuzz worker ${worker}: ${m.message}`));
        void w.terminate();
      } else if (m.type === 'done') {
        resolve();
        void w.terminate();
      } else handle(m);
    });
    w.on('error', (e) => reject(e));
  }));
  await Promise.all(runs);
  return { results, coverage };
}
