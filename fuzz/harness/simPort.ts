/**
 * A `sim:` HostPort built here rather than by hil/ports.ts's openPort, so the fuzzer can attach
 * the XState inspection hook (model coverage) and pick the stack, profile and seed per run.
 */
import type { InspectionHook } from '../../board-model/Board.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { SimStack } from '../../board-model/SimStack.ts';
import type { Stack } from '../../board-model/stack.ts';
import type { HostPort } from '../../hil/ports.ts';

/** What to simulate behind the port. */
export interface SimPortOptions {
  stack: Stack;
  profile: FirmwareProfile;
  seed: number;
  inspect?: InspectionHook | undefined;
  /** Virtual ms to run after power-up (MCU boot); default 100. */
  bootMs?: number;
}

/** Start a simulated stack and give it a HostPort face (virtual time). */
export async function openSimPort(options: SimPortOptions): Promise<HostPort & { readonly sim: SimStack }> {
  const sim = new SimStack({ stack: options.stack, profile: options.profile, seed: options.seed, ...(options.inspect ? { inspect: options.inspect } : {}) }).start();
  await sim.runFor(options.bootMs ?? 100);
  let closed = false;
  return {
    description: `sim: (stack ${options.stack.name}, profile ${options.profile.name}, seed ${options.seed})`,
    transport: sim.host,
    clock: sim.hostClock,
    run: (work) => sim.settle(work),
    close: async () => {
      if (closed) return;
      closed = true;
      sim.stop();
    },
    sim,
  };
}
