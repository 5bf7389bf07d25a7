/**
 * Replaying a saved fuzz failure two ways: fast-check replays the counterexample from its seed
 * and path (the property's verdict), and the recorded session is played back on an identical
 * simulated stack (the host frames at their times, the faults at theirs), which must give the
 * same bus bytes at the same times, showing the recording is faithful and the simulator
 * deterministic.
 */
import type * as fc from 'fast-check';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { SimStack } from '../../board-model/SimStack.ts';
import { parseStack } from '../../board-model/stack.ts';
import { toHex } from '../../bus-protocol/hex.ts';
import { applyFault, type ScheduledFault } from '../arbitraries/faultSchedules.ts';
import { targetByName } from '../targets.ts';
import { profileFromPatch, regressionSession, type Regression } from './regressionFile.ts';

/** Replay the counterexample on a board with `profile`: fast-check's run details. */
export async function replayCase(r: Regression, profile: FirmwareProfile): Promise<fc.RunDetails<unknown>> {
  const target = targetByName(r.target);
  if (!target) throw new Error(`unknown fuzz target "${r.target}"`);
  return target.check({ profile, variants: r.variants, replayPath: r.replayPath }, { seed: r.seed, path: r.path, numRuns: r.numRuns, endOnFailure: true });
}

/** Apply one logged fault to a simulator (the names the fuzz targets log). */
export function applyLoggedFault(sim: SimStack, fault: string, p: Readonly<Record<string, number | string>>): void {
  const n = (k: string): number => Number(p[k] ?? 0);
  const board = n('board');
  const pi = (n('pi') & 1) as 0 | 1;
  const c = sim.control;
  switch (fault) {
    case 'brownout': return applyFault(sim, { at: 0, kind: 'brownout', volts: n('volts'), durationMs: n('durationMs') });
    case 'noise': return p['durationMs'] === undefined ? c.setBusNoise(n('rate')) : applyFault(sim, { at: 0, kind: 'noise', rate: n('rate'), durationMs: n('durationMs') });
    case 'supply-volts': return c.setSupplyVolts(n('value'));
    case 'corrupt-flash': return c.corruptFlash(board, p['block'] === 'errors' ? 'errors' : 'config');
    case 'corrupt-config': return c.corruptFlash(board, 'config');
    case 'corrupt-errors': return c.corruptFlash(board, 'errors');
    case 'torn-write': return c.armTornWrite(board, (p['block'] as 'config' | 'errors' | 'any' | undefined) ?? 'any');
    case 'duplicate-dip': return c.setDip(board, n('dip'), true);
    case 'mcu-reset': return c.resetMcu(board);
    case 'slow-shutdown': return c.slowShutdown(board, pi, n('value'));
    case 'pi-load': return c.setPiLoad(board, pi, n('value'));
    case 'pi-remove': case 'pi-insert': case 'crash': case 'hang-boot': case 'no-daemon': case 'clear-fault': case 'pi-shutdown': case 'short-circuit':
      return applyFault(sim, { at: 0, kind: fault, board, pi } as ScheduledFault);
    default: throw new Error(`cannot replay fault "${fault}"`);
  }
}

/**
 * Play the recorded session back on the recorded stack; returns the differences between the
 * bus bytes recorded and those seen now (empty when identical), or undefined when the file has
 * no simulated stack to replay on (a parser case, or a run on hardware).
 */
export async function replaySession(r: Regression, source: string): Promise<string[] | undefined> {
  if (!r.sim) return undefined;
  const session = regressionSession(r, source);
  const profile = profileFromPatch(r.sim.profile, `${source} (sim profile)`);
  const stack = parseStack({ boards: r.sim.boards }, `${source} (sim stack)`, { defaultProfile: profile });
  const sim = new SimStack({ stack, profile, seed: r.sim.seed });
  const origin = r.sim.originMs;
  const heard: Array<{ t: number; hex: string }> = [];
  sim.host.onData((bytes) => heard.push({ t: sim.clock.now() - origin, hex: toHex(bytes) }));
  sim.start();
  type Item = { t: number; order: number; act: () => void };
  const items: Item[] = [
    ...r.faults.map((f, i): Item => ({ t: f.t, order: i, act: () => applyLoggedFault(sim, f.fault, f.params) })),
    ...session.events.filter((e) => e.dir === 'host').map((e, i): Item => ({ t: e.t, order: 1e6 + i, act: () => void sim.host.write(e.bytes) })),
  ].sort((a, b) => a.t - b.t || a.order - b.order);
  for (const item of items) {
    await sim.runUntil(origin + item.t);
    item.act();
  }
  await sim.runUntil(origin + (session.end?.t ?? items[items.length - 1]?.t ?? 0));
  sim.stop();
  const recorded = session.events.filter((e) => e.dir === 'bus').map((e) => ({ t: e.t, hex: toHex(e.bytes) }));
  const differences: string[] = [];
  const n = Math.max(recorded.length, heard.length);
  for (let i = 0; i < n && differences.length < 5; i++) {
    const a = recorded[i];
    const b = heard[i];
    if (!a || !b || a.hex !== b.hex || Math.abs(a.t - b.t) > 0.002) {
      differences.push(`bus chunk ${i + 1}: recorded ${a ? `${a.hex} at ${a.t} ms` : 'nothing'}, replayed ${b ? `${b.hex} at ${b.t.toFixed(3)} ms` : 'nothing'}`);
    }
  }
  return differences;
}
