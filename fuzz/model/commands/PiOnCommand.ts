/** PI_ON: switch a Pi on (F4); the model starts its grace period. */
import { COMMANDS } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** PI_ON: switch a Pi on (F4); the model starts its grace period. */
export class PiOnCommand implements ModelCommand {
  constructor(readonly pi: 0 | 1) {}

  /** Always possible. */
  check(): boolean {
    return true;
  }

  /** Send PI_ON for the Pi and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await exchange(m, r, buildFrame(COMMANDS.PI_ON.code, m.board.id, [this.pi]), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `PiOn(${this.pi})`;
  }
}
