/** `pistack send-sig --port P --id N --pi 0|1`: pulse the shutdown signal only (SEND_SIG, a test). */
import type { Command } from 'commander';
import { registerPiAction } from '../piAction.ts';

/** Register `send-sig` on the program. */
export function register(program: Command): void {
  registerPiAction(program, {
    name: 'send-sig', command: 'SEND_SIG', description: 'test: pulse a Pi\'s shutdown signal only (SEND_SIG); power stays on',
    after: 'the shutdown signal is pulsed, power stays on',
  });
}
