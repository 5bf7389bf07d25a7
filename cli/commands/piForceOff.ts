/** `pistack pi-force-off --port P --id N --pi 0|1`: remove a Pi's power now (PI_FORCE_OFF). */
import type { Command } from 'commander';
import { registerPiAction } from '../piAction.ts';

/** Register `pi-force-off` on the program. */
export function register(program: Command): void {
  registerPiAction(program, {
    name: 'pi-force-off', command: 'PI_FORCE_OFF', description: 'remove a Pi\'s power now (PI_FORCE_OFF; risks its SD card)',
    after: 'power is off',
  });
}
