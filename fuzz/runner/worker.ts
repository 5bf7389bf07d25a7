/** Entry point of a fuzz worker thread: runs workerLoop on the plan in workerData and posts its messages. */
import { parentPort, workerData } from 'node:worker_threads';
import { workerLoop, type WorkerPlan } from './workerLoop.ts';

const { plan, worker } = workerData as { plan: WorkerPlan; worker: number };
const port = parentPort!;
workerLoop(plan, worker, (m) => port.postMessage(m)).catch((error: unknown) => {
  port.postMessage({ type: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) });
});
