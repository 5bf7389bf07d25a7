/**
 * A `sim:` HostPort with the fuzzer's choices: the XState inspection hook (model coverage) and
 * the stack, profile and seed of each run (hil/ports.ts's openPort takes builtin names only).
 */
import type { InspectionHook } from '../../board-model/Board.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import type { SimStack } from '../../board-model/SimStack.ts';
import type { Stack } from '../../board-model/stack.ts';
import { simPort, type HostPort } from '../../hil/ports.ts';

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
export function openSimPort(options: SimPortOptions): Promise<HostPort & { readonly sim: SimStack }> {
  const { stack, profile, seed, inspect } = options;
  return simPort({ stack, profile, seed, ...(inspect ? { inspect } : {}) }, options.bootMs ?? 100);
}
