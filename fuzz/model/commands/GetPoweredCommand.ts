/** GET_PI_POWERED: the load switch as the model predicts it (skipped near a change). */
import { COMMANDS } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** GET_PI_POWERED: the load switch as the model predicts it (skipped near a change). */
export class GetPoweredCommand implements ModelCommand {
  constructor(readonly pi: 0 | 1) {}

  /** Always possible. */
  check(): boolean {
    return true;
  }

  /** Send GET_PI_POWERED for the Pi and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await exchange(m, r, buildFrame(COMMANDS.GET_PI_POWERED.code, m.board.id, [this.pi]), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `GetPowered(${this.pi})`;
  }
}
