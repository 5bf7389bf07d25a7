/**
 * Property `shutdown`: PI_OFF never causes an unsafe power loss when the Pi's shutdown takes
 * less than the delay the board waits (OFF_DELAY, or SIG_OFF_DELAY per the profile), and
 * PI_FORCE_OFF on a Pi that is running (or booting, or still shutting down) always counts
 * exactly one unsafe power loss, on any other Pi none (FIRMWARE.md sections 4 and 6).
 */
import * as fc from 'fast-check';
import { COMMANDS } from '../../bus-protocol/commands.ts';
import { buildFrame } from '../../bus-protocol/frame.ts';
import { portStateName } from '../../board-model/powerPortMachine.ts';
import { piStateName } from '../../board-model/raspberryPiMachine.ts';
import { FuzzSim } from '../harness/FuzzSim.ts';
import { defineTarget } from '../target.ts';

/** One host command after a wait (virtual ms). */
interface Step {
  waitMs: number;
  pi: 0 | 1;
  command: 'PI_ON' | 'PI_OFF' | 'PI_FORCE_OFF' | 'SEND_SIG';
}

/** Per-Pi settings: delays in the profile's units, and how long its shutdown takes (ms). */
interface PiSetup {
  offDelay: number;
  sigOffDelay: number;
  sigWidth: number;
  shutdownMs: number;
}

const setup: fc.Arbitrary<PiSetup> = fc.record({
  offDelay: fc.integer({ min: 0, max: 60 }),
  sigOffDelay: fc.integer({ min: 0, max: 60 }),
  sigWidth: fc.integer({ min: 0, max: 30 }),
  shutdownMs: fc.oneof(fc.constant(8000), fc.integer({ min: 1000, max: 60_000 })),
});

const step: fc.Arbitrary<Step> = fc.record({
  waitMs: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 3000, max: 45_000 })),
  pi: fc.constantFrom(0 as const, 1 as const),
  command: fc.constantFrom('PI_ON' as const, 'PI_OFF' as const, 'PI_OFF' as const, 'PI_FORCE_OFF' as const, 'SEND_SIG' as const),
});

const UNSAFE_STATES = new Set(['running', 'booting', 'shuttingDown']);

/** The `shutdown` target. */
export const shutdownTarget = defineTarget(
  { name: 'shutdown', summary: 'PI_OFF is safe when the shutdown is shorter than the off delay; PI_FORCE_OFF on a running Pi counts exactly one unsafe loss', ciRuns: 40, simOnly: true },
  (options) =>
    fc.asyncProperty(fc.tuple(setup, setup), fc.array(step, { minLength: 1, maxLength: 14 }), async (setups, steps) => {
      const profile = options.profile;
      const fs = await FuzzSim.start({ profile, inspect: options.inspect, log: options.log });
      try {
        const board = fs.sim.boards[0]!;
        const unsafe = (pi: 0 | 1) => board.account()[pi].unsafePowerLosses;
        const safeOffs: Array<{ pi: 0 | 1; at: number; shutdownMs: number }> = [];
        for (const pi of [0, 1] as const) {
          const s = setups[pi];
          await fs.do(fs.client.setOffDelay(0, pi, s.offDelay));
          await fs.do(fs.client.setSigOffDelay(0, pi, s.sigOffDelay));
          await fs.do(fs.client.setSigWidth(0, pi, s.sigWidth));
          fs.log.fault('slow-shutdown', { board: 0, pi, value: s.shutdownMs }, fs.now);
          fs.sim.control.slowShutdown(0, pi, s.shutdownMs);
          await fs.do(fs.client.piOn(0, pi));
        }
        for (const s of steps) {
          await fs.sim.runFor(s.waitMs);
          const end = fs.send(buildFrame(COMMANDS[s.command].code, 0, [s.pi]));
          await fs.sim.runUntil(end - 1e-6);
          const actor = board.pis[s.pi]!;
          const piState = piStateName(actor.getSnapshot());
          const port = portStateName(board.ports[s.pi].getSnapshot());
          const before = unsafe(s.pi);
          await fs.sim.runUntil(end + 1e-6);
          const counted = unsafe(s.pi) - before;
          const what = `${s.command} on Pi ${s.pi} (${piState}, port ${port}) at ${(end / 1000).toFixed(3)} s`;
          if (s.command === 'PI_FORCE_OFF') {
            const want = port !== 'off' && UNSAFE_STATES.has(piState) ? 1 : 0;
            if (counted !== want) throw new Error(`${what}: ${counted} unsafe power losses counted, expected ${want}`);
          }
          const st = setups[s.pi];
          // The slow-shutdown fault only lengthens a shutdown: it takes the model's time at least.
          const shutdownMs = Math.max(st.shutdownMs, board.models[s.pi]!.model.shutdownTimeMs);
          const delayMs = profile.gracefulOffDelay === 'off-delay' ? st.offDelay * profile.settingUnitMs.offDelay : st.sigOffDelay * profile.settingUnitMs.sigOffDelay;
          if (s.command === 'PI_OFF' && port.startsWith('on.') && piState === 'running' && shutdownMs < delayMs - 1) safeOffs.push({ pi: s.pi, at: end + delayMs, shutdownMs });
          await fs.sim.runFor(60); // the reply
        }
        await fs.sim.runFor(120_000);
        for (const off of safeOffs) {
          const graceful = fs.sim.events.filter('power-off', board.id, off.pi).find((e) => e.cause === 'graceful' && Math.abs(e.t - off.at) < 1e-3);
          if (!graceful) continue; // cancelled (PI_ON), forced off first, or cut short by a reset
          const lost = fs.sim.events.filter('unsafe-power-loss', board.id, off.pi).find((e) => Math.abs(e.t - off.at) < 1e-3);
          if (lost) throw new Error(`Pi ${off.pi}: PI_OFF with a ${off.shutdownMs} ms shutdown and a longer off delay lost power unsafely at ${(off.at / 1000).toFixed(3)} s (from ${String(lost.from)})`);
        }
      } finally {
        fs.stop();
      }
    }),
);
