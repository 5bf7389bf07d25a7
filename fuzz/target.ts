/**
 * What every fuzz target (a property or the model-based test) offers: a fast-check property
 * built for a board profile, with optional coverage and session hooks, so the same target runs
 * in `npm test` (fixed seed), in `pistack fuzz` (any seed, workers), in the broken-board proof
 * and in regression replays.
 */
import * as fc from 'fast-check';
import type { InspectionHook } from '../board-model/Board.ts';
import type { FirmwareProfile } from '../board-model/profileSchema.ts';
import type { HostPort } from '../hil/ports.ts';
import type { SessionLog } from './harness/SessionLog.ts';

/** How to build a target's property. */
export interface TargetOptions {
  /** The firmware profile of the simulated board(s) under test. */
  profile: FirmwareProfile;
  /** Vary the profile's ASSUMED behaviour knobs per run (model-based test on the simulator only). */
  variants?: boolean;
  /** XState inspection hook for every simulated actor (model coverage). */
  inspect?: InspectionHook | undefined;
  /** Receives the traffic and faults of each run (the last run's stays: the counterexample's on a replay). */
  log?: SessionLog | undefined;
  /** Model-based test only: open the port to test (default a fresh simulator per run). */
  openPort?: (() => Promise<HostPort>) | undefined;
  /** Model-based test on `openPort`: the ID of the board under test (default 0). */
  boardId?: number | undefined;
  /** Model-based test: fast-check's commands `replayPath` of a counterexample (with `{ seed, path }` it replays it). */
  replayPath?: string | undefined;
}

/** Name, purpose and budget of a target. */
export interface TargetInfo {
  /** Short name (`parser`, `replies`, `model`, ...). */
  readonly name: string;
  /** One line: what it checks. */
  readonly summary: string;
  /** Runs per `npm test` (the fixed-seed CI budget). */
  readonly ciRuns: number;
  /** True when it needs the simulator (its control surface or its insides), false when any port will do. */
  readonly simOnly: boolean;
}

/** A named fuzz target: check() runs its property with fast-check and never throws on a failure. */
export interface FuzzTarget extends TargetInfo {
  /** fast-check's run details: `failed`, `seed`, `counterexamplePath`, the error... */
  check(options: TargetOptions, params: fc.Parameters<unknown>): Promise<fc.RunDetails<unknown>>;
}

/** Make a target from its property builder (the value type stays inside). */
export function defineTarget<V>(info: TargetInfo, property: (options: TargetOptions) => fc.IAsyncProperty<V>): FuzzTarget {
  return {
    ...info,
    async check(options, params) {
      const details = await fc.check(property(options), params as fc.Parameters<V>);
      return details as unknown as fc.RunDetails<unknown>;
    },
  };
}

/** fast-check's report of a failed run (seed, path, counterexample, error), or undefined when it passed. */
export function failureReport(details: fc.RunDetails<unknown>): string | undefined {
  if (!details.failed) return undefined;
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const report = fc.defaultReportMessage(details) ?? '';
  return report.includes(error) ? report : `${report}\nGot error: ${error}`;
}

/** The commands `replayPath` in a counterexample (fc.commands records which commands ran), if any. */
export function replayPathOf(counterexample: unknown): string | undefined {
  const values = Array.isArray(counterexample) ? counterexample : [counterexample];
  for (const v of values) {
    const meta = (v as { metadataForReplay?: () => string } | null)?.metadataForReplay?.();
    const m = meta === undefined ? null : /replayPath=(".*")/.exec(meta);
    if (m) return JSON.parse(m[1]!) as string;
  }
  return undefined;
}

/** Check a target and throw fast-check's report if it fails (uvu tests). */
export async function assertTarget(target: FuzzTarget, options: TargetOptions, params: fc.Parameters<unknown>): Promise<fc.RunDetails<unknown>> {
  const details = await target.check(options, params);
  const report = failureReport(details);
  if (report !== undefined) throw new Error(`${target.name}: ${report}`);
  return details;
}
