/**
 * Property `fault-recovery`: under any fault schedule (Pi crashes and hangs, brownouts, flash
 * corruption, torn writes, a duplicate DIP, MCU resets, line noise) on a three-board stack with
 * a host polling and switching Pis, the simulator never throws, a board only ever sends well-formed replies and
 * only in answer to something it heard, and once the faults are undone every board answers and
 * every Pi, power-cycled over the bus, heartbeats again.
 */
import * as fc from 'fast-check';
import { crc8 } from '../../bus-protocol/crc8.ts';
import { MASTER_ADDRESS } from '../../bus-protocol/frame.ts';
import { faultSchedule } from '../arbitraries/faultSchedules.ts';
import { FuzzSim } from '../harness/FuzzSim.ts';
import { defineTarget } from '../target.ts';

const BOARDS = [0, 1, 2].map((dip) => ({ dip, pis: ['pi3b+', 'pi3b+'] }));
const SCHEDULE_MS = 300_000;
const POLL_MS = 5000;

/** What the host does every POLL_MS: mostly read a Pi's power, sometimes switch one on or off (cycling Pis included). */
const hostOps = fc.array(fc.constantFrom('read' as const, 'read' as const, 'on' as const, 'off' as const), { minLength: 1, maxLength: 20 });

/** The `fault-recovery` target. */
export const faultRecoveryTarget = defineTarget(
  { name: 'fault-recovery', summary: 'any fault schedule: no exception, only well-formed prompted replies, full recovery once the faults are undone', ciRuns: 30, simOnly: true },
  (options) =>
    fc.asyncProperty(faultSchedule({ boards: BOARDS.length, durationMs: SCHEDULE_MS, maxFaults: 10 }), fc.integer({ min: 1, max: 1000 }), hostOps, async (schedule, seed, ops) => {
      const profile = options.profile;
      const fs = await FuzzSim.start({ profile, boards: BOARDS, seed, inspect: options.inspect, log: options.log });
      const ignore = (): undefined => undefined;
      try {
        for (const [i] of BOARDS.entries()) for (const pi of [0, 1] as const) await fs.do(fs.client.piOn(i, pi));
        const origin = fs.now;
        let next = 0;
        let poll = 0;
        for (let t = origin; t < origin + SCHEDULE_MS; t += POLL_MS) {
          while (next < schedule.length && origin + schedule[next]!.at < t + POLL_MS) {
            await fs.sim.runUntil(Math.max(fs.now, origin + schedule[next]!.at));
            fs.fault(schedule[next]!);
            next++;
          }
          await fs.sim.runUntil(Math.max(fs.now, t + POLL_MS));
          const id = poll % BOARDS.length;
          const pi = ((poll >> 1) & 1) as 0 | 1;
          const op = ops[poll++ % ops.length]!;
          const work = op === 'on' ? fs.client.piOn(id, pi) : op === 'off' ? fs.client.piOff(id, pi) : fs.client.getPiPowered(id, pi);
          await fs.do((work as Promise<unknown>).catch(ignore));
        }
        // Undo everything the schedule may have left behind.
        const c = fs.sim.control;
        const volts = fs.sim.options.stack.supplyVolts;
        const undo = (): void => {
          fs.log.fault('noise', { rate: 0 }, fs.now);
          c.setBusNoise(0);
          fs.log.fault('supply-volts', { value: volts }, fs.now);
          c.setSupplyVolts(volts);
        };
        undo();
        await fs.sim.runFor(6000); // brownout and noise timers of the schedule end
        undo();
        BOARDS.forEach((b, i) => {
          for (const pi of [0, 1] as const) {
            if (!fs.sim.boards[i]!.pis[pi]) {
              fs.log.fault('pi-insert', { board: i, pi }, fs.now);
              fs.sim.boards[i]!.insertPi(pi, { model: 'pi3b+', daemon: true });
            }
            fs.log.fault('clear-fault', { board: i, pi }, fs.now);
            c.clearFaults(i, pi);
          }
          fs.log.fault('duplicate-dip', { board: i, dip: b.dip }, fs.now);
          c.setDip(i, b.dip, true);
        });
        await fs.sim.runFor(2000);
        for (const t of fs.transmissions) {
          if (t.from === 'host') continue;
          const b = t.bytes;
          if (crc8(b) !== 0 || b[1] !== MASTER_ADDRESS || b[2]! + 1 !== b.length || b[0]! > 1) throw new Error(`${t.from} sent a malformed reply at ${t.start.toFixed(3)} ms: ${[...b].join(' ')}`);
          const gapMs = profile.bus.interByteGapByteTimes * fs.byteMs;
          const latest = profile.bus.replyDelayMs + profile.bus.replyJitterMs + gapMs + 1e-6;
          const prompted = fs.transmissions.some((o) => o.from !== t.from && o.start < t.start && t.start - o.end <= latest);
          if (!prompted) throw new Error(`${t.from} transmitted at ${t.start.toFixed(3)} ms with nothing on the bus to answer`);
        }
        for (const [i] of BOARDS.entries()) {
          const version = await fs.do(fs.client.getSwVersion(i).catch((e: Error) => e));
          if (version !== profile.firmwareVersion) throw new Error(`board ${i} does not answer after recovery: ${version instanceof Error ? version.message : version}`);
          for (const pi of [0, 1] as const) {
            await fs.do(fs.client.piForceOff(i, pi));
            await fs.do(fs.client.piOn(i, pi));
          }
        }
        await fs.sim.runFor(40_000);
        for (const [i] of BOARDS.entries()) {
          for (const pi of [0, 1] as const) {
            if (!(await fs.do(fs.client.getPiHbt(i, pi)))) throw new Error(`board ${i} Pi ${pi}: no heartbeat 40 s after a power cycle once the faults were undone`);
          }
        }
      } finally {
        fs.stop();
      }
    }),
);
