/** LEDS_ON, LEDS_OFF or DEBUG_LED: an OK reply (the LEDs are not observable on the bus). */
import { COMMANDS } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** LEDS_ON, LEDS_OFF or DEBUG_LED: an OK reply (the LEDs are not observable on the bus). */
export class LedsCommand implements ModelCommand {
  constructor(readonly command: 'LEDS_ON' | 'LEDS_OFF' | 'DEBUG_LED', readonly rgb: readonly [number, number, number]) {}

  /** Whether the command may run on this model. */
  check(): boolean {
    return true;
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    const data = this.command === 'DEBUG_LED' ? [...this.rgb] : [];
    await exchange(m, r, buildFrame(COMMANDS[this.command].code, m.board.id, data), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `Leds(${this.command}${this.command === 'DEBUG_LED' ? ` ${this.rgb.join(',')}` : ''})`;
  }
}
