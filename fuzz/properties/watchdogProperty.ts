/**
 * Property `watchdog`: a Pi that stops heartbeating is declared failed (and, with the default
 * watchdogAction, power-cycled) exactly when FIRMWARE.md section 4 says: HBT_TIME after its last
 * heartbeat, or HBT_DELAY after power-on when none came; a healthy Pi never is. The expected
 * times are computed from the heartbeat edges the board saw on its wire, in the spec's units
 * (F2: HBT_TIME and HBT_DELAY are seconds), so a watchdog that runs late fails here.
 */
import * as fc from 'fast-check';
import type { SimEvent } from '../../board-model/events.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { FuzzSim } from '../harness/FuzzSim.ts';
import { defineTarget } from '../target.ts';

/** ms per unit of HBT_TIME and HBT_DELAY in the spec (F2: seconds). */
export const SPEC_SECOND_MS = 1000;

/** How one Pi is set up and what goes wrong with it. */
export interface WatchdogCase {
  hbtTime: number;
  hbtDelay: number;
  onAtMs: number;
  fault: 'none' | 'crash' | 'hang-boot' | 'no-daemon' | 'send-sig';
  /** When a crash or SEND_SIG happens, ms after power-on. */
  faultAfterMs: number;
}

/** Run length in virtual ms. */
const RUN_MS = 240_000;

// HBT_TIME 26 s is five heartbeat periods (5.2 s) and HBT_DELAY 25 s the boot time: a beat would
// land exactly on the deadline, where the order of two simultaneous timers decides. Left out.
const piCase: fc.Arbitrary<WatchdogCase> = fc.record({
  hbtTime: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })).filter((t) => t !== 26),
  hbtDelay: fc.integer({ min: 1, max: 120 }).filter((d) => d !== 25),
  onAtMs: fc.integer({ min: 0, max: 5000 }),
  fault: fc.constantFrom('none' as const, 'none' as const, 'crash' as const, 'hang-boot' as const, 'no-daemon' as const, 'send-sig' as const),
  faultAfterMs: fc.integer({ min: 0, max: 120_000 }),
});

/** Watchdog expiries the spec implies for the heartbeat rises `beats` seen during on-periods. */
export function expectedExpiries(c: WatchdogCase, profile: FirmwareProfile, onTimes: number[], offTimes: number[], beats: number[], endMs: number): { expiries: number[]; ambiguous: boolean } {
  const zeroDisables = profile.hbtTimeZeroDisablesWatchdog;
  const timeMs = c.hbtTime === 0 && zeroDisables ? 0 : Math.max(1, c.hbtTime) * SPEC_SECOND_MS;
  const delayMs = c.hbtDelay * SPEC_SECOND_MS;
  const expiries: number[] = [];
  let ambiguous = false;
  for (const p of onTimes) {
    const q = offTimes.find((t) => t >= p) ?? endMs;
    let deadline = timeMs > 0 ? p + delayMs : Number.POSITIVE_INFINITY;
    let cycled = false;
    // A beat after the deadline means the watchdog expired first; with report-only that beat then
    // brings the port back to alive (on.missing -> on.alive) and a new deadline.
    for (const b of beats.filter((t) => t > p && t < q)) {
      if (Math.abs(b - deadline) < 0.5) ambiguous = true;
      if (deadline <= b) {
        expiries.push(deadline);
        if (profile.watchdogAction === 'power-cycle') {
          cycled = true;
          break;
        }
      }
      if (timeMs > 0) deadline = b + timeMs;
    }
    if (!cycled && deadline <= Math.min(q, endMs)) expiries.push(deadline);
  }
  return { expiries, ambiguous };
}

/** The `watchdog` target. */
export const watchdogTarget = defineTarget(
  { name: 'watchdog', summary: 'a Pi that stops heartbeating is cycled at last beat + HBT_TIME or power-on + HBT_DELAY (seconds); a healthy Pi never is', ciRuns: 40, simOnly: true },
  (options) =>
    fc.asyncProperty(fc.tuple(piCase, piCase), async (cases) => {
      const fs = await FuzzSim.start({ profile: options.profile, inspect: options.inspect, log: options.log });
      try {
        const board = fs.sim.boards[0]!;
        const beats: [number[], number[]] = [[], []];
        const actions: Array<{ at: number; act: () => void | Promise<void> }> = [];
        for (const pi of [0, 1] as const) {
          const c = cases[pi];
          board.heartbeat[pi].onRise(() => beats[pi].push(fs.now));
          await fs.do(fs.client.setHbtTime(0, pi, c.hbtTime));
          await fs.do(fs.client.setHbtDelay(0, pi, c.hbtDelay));
          const fault = (kind: 'crash' | 'hang-boot' | 'no-daemon'): void => {
            fs.log.fault(kind, { board: 0, pi }, fs.now);
            fs.sim.control.inject(kind, { board: 0, pi });
          };
          if (c.fault === 'hang-boot' || c.fault === 'no-daemon') fault(c.fault);
          const origin = fs.now;
          actions.push({ at: origin + c.onAtMs, act: () => fs.do(fs.client.piOn(0, pi)) });
          if (c.fault === 'crash') actions.push({ at: origin + c.onAtMs + c.faultAfterMs, act: () => fault('crash') });
          if (c.fault === 'send-sig') actions.push({ at: origin + c.onAtMs + c.faultAfterMs, act: () => fs.do(fs.client.sendSig(0, pi)) });
        }
        const start = fs.now;
        for (const a of actions.sort((x, y) => x.at - y.at)) {
          await fs.sim.runUntil(Math.max(a.at, fs.now));
          await a.act();
        }
        const end = start + RUN_MS;
        await fs.sim.runUntil(end);
        for (const pi of [0, 1] as const) {
          const c = cases[pi];
          const of = (type: SimEvent['type']) => fs.sim.events.filter(type, board.id, pi).map((e) => e.t);
          const { expiries, ambiguous } = expectedExpiries(c, options.profile, of('power-on'), of('power-off'), beats[pi], end);
          if (ambiguous) continue;
          const got = of('watchdog-expired');
          const show = (ts: number[]) => `[${ts.map((t) => (t / 1000).toFixed(3)).join(', ')}] s`;
          const what = `Pi ${pi} (HBT_TIME ${c.hbtTime}, HBT_DELAY ${c.hbtDelay}, ${c.fault})`;
          if (got.length !== expiries.length || got.some((t, i) => Math.abs(t - expiries[i]!) > 1e-3)) {
            throw new Error(`${what}: watchdog expired at ${show(got)}, the heartbeats imply ${show(expiries)}`);
          }
          if (options.profile.watchdogAction === 'power-cycle') {
            const cycles = of('power-cycle');
            if (cycles.length !== got.length || cycles.some((t, i) => Math.abs(t - got[i]!) > 1e-3)) throw new Error(`${what}: power cycles at ${show(cycles)}, expiries at ${show(got)}`);
          }
          if (c.fault === 'none' && c.hbtTime * SPEC_SECOND_MS > 5200 && c.hbtDelay > 25 && got.length > 0) throw new Error(`${what}: a healthy Pi was declared failed at ${show(got)}`);
        }
      } finally {
        fs.stop();
      }
    }),
);
