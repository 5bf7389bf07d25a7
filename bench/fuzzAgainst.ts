/**
 * Model-based runs of this checkout against another checkout of the project (e.g. a `git
 * worktree` of the commit before a change), in one process: 20-run batches of the same seeds
 * alternate between the two, so a machine shared with other work slows both sides alike. Used by
 * `bench/fuzz.ts --against DIR`. Figures only.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FirmwareProfile } from '../board-model/profileSchema.ts';
import type { InspectionHook } from '../board-model/Board.ts';
import type { FuzzTarget } from '../fuzz/target.ts';
import { ModelCoverage } from '../fuzz/coverage/ModelCoverage.ts';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { modelTarget } from '../fuzz/model/modelTarget.ts';

/** One side of the comparison: its model target, profile and coverage collector. */
interface Side {
  readonly label: string;
  readonly target: FuzzTarget;
  readonly profile: FirmwareProfile;
  readonly coverage: { hook: InspectionHook; report(): { transitions: { visited: number } } } | undefined;
  cpuMs: number;
  wallMs: number;
  runs: number;
}

/** Figures of one side: runs per second of wall and of CPU time (user + system, all threads), transitions covered. */
export interface SideFigures {
  label: string;
  runs: number;
  runsPerS: number;
  runsPerCpuS: number;
  transitions: number | undefined;
}

const BATCH = 20;

async function otherSide(dir: string, coverage: boolean): Promise<Side> {
  const url = (path: string) => pathToFileURL(resolve(dir, path)).href;
  const { modelTarget: target } = (await import(url('fuzz/model/modelTarget.ts'))) as { modelTarget: FuzzTarget };
  const { V4_REFERENCE: profile } = (await import(url('board-model/profiles.ts'))) as { V4_REFERENCE: FirmwareProfile };
  const { ModelCoverage: Coverage } = (await import(url('fuzz/coverage/ModelCoverage.ts'))) as { ModelCoverage: typeof ModelCoverage };
  return { label: dir, target, profile, coverage: coverage ? new Coverage() : undefined, cpuMs: 0, wallMs: 0, runs: 0 };
}

async function batch(side: Side, seed: number, record: boolean): Promise<void> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const d = await side.target.check({ profile: side.profile, variants: true, inspect: side.coverage?.hook }, { seed, numRuns: BATCH });
  if (d.failed) throw new Error(`${side.label}: the model-based run failed at seed ${seed}`);
  if (!record) return;
  const used = process.cpuUsage(cpu);
  side.cpuMs += (used.user + used.system) / 1000;
  side.wallMs += performance.now() - start;
  side.runs += BATCH;
}

/** Alternate batches of this checkout and the one in `dir` for about `ms` (after a warm-up of a quarter of it); this checkout first. */
export async function compareModelRuns(dir: string, ms: number, coverage: boolean): Promise<[SideFigures, SideFigures]> {
  const here: Side = { label: 'this checkout', target: modelTarget, profile: V4_REFERENCE, coverage: coverage ? new ModelCoverage() : undefined, cpuMs: 0, wallMs: 0, runs: 0 };
  const there = await otherSide(dir, coverage);
  const warm = performance.now() + ms / 4;
  for (let seed = 100_000; performance.now() < warm; seed++) for (const side of [here, there]) await batch(side, seed, false);
  const end = performance.now() + ms;
  for (let seed = 1; performance.now() < end; seed++) {
    for (const side of seed % 2 ? [here, there] : [there, here]) await batch(side, seed, true);
  }
  const figures = (s: Side): SideFigures => ({
    label: s.label, runs: s.runs, runsPerS: (s.runs * 1000) / s.wallMs, runsPerCpuS: (s.runs * 1000) / s.cpuMs,
    transitions: s.coverage?.report().transitions.visited,
  });
  return [figures(here), figures(there)];
}
