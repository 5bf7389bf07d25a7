/** `pistack pi-on --port P --id N --pi 0|1`: switch a Pi on (PI_ON). */
import type { Command } from 'commander';
import { registerPiAction } from '../piAction.ts';

/** Register `pi-on` on the program. */
export function register(program: Command): void {
  registerPiAction(program, {
    name: 'pi-on', command: 'PI_ON', description: 'switch a Pi on (PI_ON); the heartbeat grace period HBT_DELAY starts',
    after: 'the Pi is powered (a pending graceful off is cancelled)',
  });
}
