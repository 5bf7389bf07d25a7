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
  // A host write answers what the host had heard by then: it waits for the bus chunks recorded
  // before it (times are rounded to the microsecond, so a reply may end a fraction after them).
  type Item = { t: number; order: number; after: number; act: () => void };
  let busSoFar = 0;
  const writes: Item[] = [];
  session.events.forEach((e, i) => {
    if (e.dir === 'bus') busSoFar++;
    else writes.push({ t: e.t, order: 1e6 + i, after: busSoFar, act: () => void sim.host.write(e.bytes) });
  });
  const items: Item[] = [...r.faults.map((f, i): Item => ({ t: f.t, order: i, after: 0, act: () => applyLoggedFault(sim, f.fault, f.params) })), ...writes]
    .sort((a, b) => a.t - b.t || a.order - b.order);
  for (const item of items) {
    await sim.runUntil(origin + item.t);
    while (heard.length < item.after && sim.clock.runNextUntil(origin + item.t + 1)) { /* one timer at a time until that chunk is in */ }
    item.act();
  }
  await sim.runUntil(origin + (session.end?.t ?? items[items.length - 1]?.t ?? 0) + 0.001); // + the rounding of recorded times
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
