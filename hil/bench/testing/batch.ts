/**
 * Test and bench helper (hil/bench/testing only, never shipped): a production batch of simulated
 * boards with manufacturing spread and a few defects, run through the real bench (runBench on
 * `sim:`, virtual time) to produce one JSON report per run, as a test station would.
 *
 * Each board is drawn from a seeded stream: its own simulation seed (so the ADC's seeded gain
 * tolerance, +-1 % per channel in v4-reference, differs per board), a regulator output around
 * 5.1 V (normal, sd `regulatorSdV`), a bench supply around 12 V, and with probability
 * `defectRate` one defect: a dead load switch (stuck off), a wrong DIP bit, a dead current
 * sensor or a wrong divider. A failed board is reworked and tested again with probability
 * `retestRate`; the rework removes its defect with probability 1/2.
 */
import { mkdirSync } from 'node:fs';
import type { Defect } from '../../../board-model/defects.ts';
import { V4_REFERENCE } from '../../../board-model/profiles.ts';
import type { FirmwareProfile } from '../../../board-model/profileSchema.ts';
import { createRandom, type Random } from '../../../board-model/random.ts';
import { parseStack } from '../../../board-model/stack.ts';
import { openPort } from '../../ports.ts';
import { simOperator } from '../operator.ts';
import type { Plan } from '../planSchema.ts';
import { writeReports } from '../reports.ts';
import { runBench, type BenchResult } from '../runBench.ts';

/** One generated board: what it is built with. */
export interface BatchBoard {
  readonly serial: string;
  /** The ID it is labelled and tested at. */
  readonly id: number;
  /** Simulation seed (ADC gain tolerance, noise, reply jitter). */
  readonly seed: number;
  /** Regulator output with no load, V. */
  readonly regulatorV: number;
  /** Bench supply, V. */
  readonly supplyV: number;
  readonly defects: Defect[];
}

/** How to draw a batch. */
export interface BatchOptions {
  readonly boards: number;
  readonly seed: number;
  /** Probability that a board has a defect; default 0.1. */
  readonly defectRate?: number;
  /** Regulator output spread (standard deviation), V; default 0.02. */
  readonly regulatorSdV?: number;
  /** Probability that a failed board is reworked and retested; default 0.5. */
  readonly retestRate?: number;
}

/**
 * A production plan that runs in a tenth of the default's virtual time: the default plan without
 * its timing steps (watchdog, graceful-off) and setting round trips, named `<name>-quick`.
 */
export function quickPlan(plan: Plan): Plan {
  return { ...plan, name: `${plan.name}-quick`, steps: plan.steps.filter((s) => s.do !== 'watchdog' && s.do !== 'graceful-off' && s.do !== 'setting-roundtrip') };
}

/** A normal draw (Box-Muller) from a seeded stream. */
function normal(random: Random, mean: number, sd: number): number {
  const u = Math.max(random.next(), 1e-12);
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

function drawDefect(random: Random): Defect {
  const pi = random.int(0, 1) as 0 | 1;
  switch (random.int(0, 3)) {
    case 0: return { kind: 'switch-stuck', pi, state: 'off' };
    case 1: return { kind: 'dip-stuck', bit: random.int(0, 3), value: 1 };
    case 2: return { kind: 'dead-sensor', reading: 'piC', pi };
    default: return { kind: 'wrong-scale', reading: 'rail5v', factor: 1.08 };
  }
}

/** Draw `options.boards` boards (serials SN0001...), IDs 0..15 in turn; the same seed gives the same batch. */
export function drawBatch(options: BatchOptions): BatchBoard[] {
  const random = createRandom(options.seed);
  return Array.from({ length: options.boards }, (_, i): BatchBoard => {
    const r = random.fork(`board ${i}`);
    // A stuck DIP bit that is already 1 in the label changes nothing: label such boards 0.
    const defects = r.chance(options.defectRate ?? 0.1) ? [drawDefect(r)] : [];
    const id = defects[0]?.kind === 'dip-stuck' ? 0 : i % 16;
    return {
      serial: `SN${String(i + 1).padStart(4, '0')}`, id, seed: r.int(1, 0xffff_fff0),
      regulatorV: normal(r, V4_REFERENCE.regulator.nominalV, options.regulatorSdV ?? 0.02),
      supplyV: normal(r, 12, 0.05), defects,
    };
  });
}

/** The profile and stack of one board for `sim:`. */
function simOf(board: BatchBoard): { profile: FirmwareProfile; stack: ReturnType<typeof parseStack> } {
  const profile: FirmwareProfile = { ...V4_REFERENCE, regulator: { ...V4_REFERENCE.regulator, nominalV: board.regulatorV } };
  const stack = parseStack(
    { name: board.serial, supplyVolts: board.supplyV, boards: [{ dip: board.id & 0x0f, prefix: board.id & 0xf0, pis: ['pi3b+', 'pi3b+'], defects: board.defects }] },
    board.serial,
    { defaultProfile: profile },
  );
  return { profile, stack };
}

/** Run the plan against one board in virtual time; `date` is the report's start time. */
export async function benchBoard(board: BatchBoard, plan: Plan, date: Date): Promise<BenchResult> {
  const { profile, stack } = simOf(board);
  const port = await openPort('sim:', { stack, profile, seed: board.seed });
  try {
    return await runBench({
      port, id: board.id, plan, planSource: `builtin ${plan.name}`, operator: simOperator(port.sim!, board.id), serial: board.serial,
      operatorName: 'batch', date: () => date, wallNow: () => 0,
    });
  } finally {
    await port.close();
  }
}

/**
 * Test every board once (reports 5 minutes apart from 2026-01-05 08:00 UTC), then rework and
 * retest some failed ones; write each run's reports into `dir`. Returns the results in test order.
 */
export async function runBatch(boards: readonly BatchBoard[], plan: Plan, dir: string, options: BatchOptions): Promise<BenchResult[]> {
  mkdirSync(dir, { recursive: true });
  const random = createRandom(options.seed).fork('rework');
  let minute = 0;
  const at = () => new Date(Date.UTC(2026, 0, 5, 8, 0) + 5 * 60_000 * minute++);
  const results: BenchResult[] = [];
  for (const board of boards) {
    const result = await benchBoard(board, plan, at());
    writeReports(result, dir);
    results.push(result);
  }
  for (const [i, board] of boards.entries()) {
    if (results[i]!.verdict === 'PASS' || !random.chance(options.retestRate ?? 0.5)) continue;
    const reworked = { ...board, defects: random.chance(0.5) ? [] : board.defects };
    const result = await benchBoard(reworked, plan, at());
    writeReports(result, dir);
    results.push(result);
  }
  return results;
}
