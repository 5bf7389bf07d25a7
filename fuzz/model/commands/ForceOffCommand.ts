/** PI_FORCE_OFF: power off now from any state (F4); resynchronises the model's port. */
import { COMMANDS } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** PI_FORCE_OFF: power off now from any state (F4); resynchronises the model's port. */
export class ForceOffCommand implements ModelCommand {
  constructor(readonly pi: 0 | 1) {}

  /** Always possible. */
  check(): boolean {
    return true;
  }

  /** Send PI_FORCE_OFF for the Pi and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await exchange(m, r, buildFrame(COMMANDS.PI_FORCE_OFF.code, m.board.id, [this.pi]), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `ForceOff(${this.pi})`;
  }
}
