/**
 * How long a bench test of one board takes: the default plan against `pistack serve --pty`
 * (hil/serve/serve.ts: the simulated board in real time behind a socat PTY, paced like a 9600
 * 8N1 wire, opened with openPort like a USB adapter), with the manual steps done by the served
 * stack's control surface, so no person is needed; and the same plan on `sim:` (virtual time)
 * for comparison. Prints the wall time and the steps that dominate it.
 *
 * Run: `npx tsx bench/bench-plan.ts [--json] [--top N] [--reply-timeout MS]` (PTY reply allowance, default 200 ms). Needs socat. Figures
 * only: the real-time run takes about as long as the plan's own waits (watchdog, off delay).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import type { Scenario } from '../board-model/scenario.ts';
import { parseStack } from '../board-model/stack.ts';
import { loadPlan } from '../hil/bench/loadPlan.ts';
import { simOperator } from '../hil/bench/operator.ts';
import { runBench, type BenchResult } from '../hil/bench/runBench.ts';
import { openPort } from '../hil/ports.ts';
import { serve } from '../hil/serve/serve.ts';

const ID = 0;

/** Figures of one run (ms). */
export interface PlanFigures {
  readonly target: string;
  readonly verdict: string;
  readonly wallMs: number;
  readonly boardMs: number;
  readonly requests: number;
  /** Steps by duration, longest first. */
  readonly steps: ReadonlyArray<{ name: string; do: string; ms: number }>;
  /** Time per step kind. */
  readonly byKind: Readonly<Record<string, number>>;
  /** Checks that did not pass, with why. */
  readonly problems: readonly string[];
}

function figures(target: string, result: BenchResult, requests: number): PlanFigures {
  const steps = result.steps.map((s) => ({ name: s.name, do: s.do, ms: s.durationMs })).sort((a, b) => b.ms - a.ms);
  const byKind: Record<string, number> = {};
  for (const s of result.steps) byKind[s.do] = (byKind[s.do] ?? 0) + s.durationMs;
  const problems = result.steps.filter((s) => s.status !== 'passed').map((s) => `${s.name}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`);
  return { target, verdict: result.verdict, wallMs: result.wallMs, boardMs: result.boardMs, requests, steps, byKind, problems };
}

const { plan, source } = loadPlan('default');
const stack = parseStack({ name: 'bench', boards: [{ dip: ID, pis: [null, null] }] }, 'bench');

/** The default plan on `sim:`, in virtual time. */
async function onSim(): Promise<PlanFigures> {
  const port = await openPort('sim:', { stack });
  const result = await runBench({ port, id: ID, plan, planSource: source, operator: simOperator(port.sim!, ID) });
  const requests = port.sim!.bus.stats.transmissions;
  await port.close();
  return figures('sim: (virtual time)', result, requests);
}

/** The default plan through a socat PTY onto `pistack serve`, in real time. */
async function onPty(replyTimeoutMs: number | undefined): Promise<PlanFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'pistack-bench-plan-'));
  const scenario: Scenario = { name: 'bench', description: '', stack, profile: V4_REFERENCE, seed: 1, durationMs: 0, steps: [], expect: [] };
  const server = await serve({ endpoint: { kind: 'pty', path: join(dir, 'ttyBENCH') }, scenario });
  try {
    const port = await openPort(server.address);
    try {
      const result = await runBench({
        port, id: ID, plan, planSource: source, operator: simOperator(server.sim, ID),
        ...(replyTimeoutMs === undefined ? {} : { replyTimeoutMs }),
      });
      return figures('PTY -> pistack serve (real time, paced 9600 baud)', result, server.sim.bus.stats.transmissions);
    } finally {
      await port.close();
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function print(f: PlanFigures, top: number): void {
  console.log(`${f.target}: ${f.verdict}, wall ${(f.wallMs / 1000).toFixed(2)} s, board clock ${(f.boardMs / 1000).toFixed(2)} s, ${f.requests} bus transmissions`);
  for (const p of f.problems) console.log(`  NOT PASSED ${p}`);
  console.log(`  longest steps:`);
  for (const s of f.steps.slice(0, top)) console.log(`    ${s.name.padEnd(28)} ${s.do.padEnd(18)} ${(s.ms / 1000).toFixed(2).padStart(7)} s`);
  const rest = f.steps.slice(top).reduce((a, s) => a + s.ms, 0);
  console.log(`    ${`the other ${Math.max(0, f.steps.length - top)} steps`.padEnd(47)} ${(rest / 1000).toFixed(2).padStart(7)} s`);
  console.log(`  by kind: ${Object.entries(f.byKind).sort((a, b) => b[1] - a[1]).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(2)} s`).join(', ')}`);
}

const args = parseArgs({ options: { json: { type: 'boolean' }, top: { type: 'string' }, 'reply-timeout': { type: 'string' } } }).values;
const top = args.top === undefined ? 8 : Number(args.top);
const sim = await onSim();
// 200 ms as the PTY contract suite: a real-time bridge on a busy machine answers later than a board.
const pty = await onPty(args['reply-timeout'] === undefined ? 200 : Number(args['reply-timeout']));
if (args.json) console.log(JSON.stringify({ sim, pty }, null, 2));
else {
  print(pty, top);
  print(sim, top);
}
