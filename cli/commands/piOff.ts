/** `pistack pi-off --port P --id N --pi 0|1`: graceful off (PI_OFF). */
import type { Command } from 'commander';
import { registerPiAction } from '../piAction.ts';

/** Register `pi-off` on the program. */
export function register(program: Command): void {
  registerPiAction(program, {
    name: 'pi-off', command: 'PI_OFF', description: 'graceful off (PI_OFF): signal the Pi to shut down, remove power after OFF_DELAY',
    after: 'the shutdown signal is pulsed and power is removed after OFF_DELAY',
  });
}
