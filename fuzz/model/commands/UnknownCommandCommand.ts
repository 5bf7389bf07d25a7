/** A frame with a code no firmware defines: error 0x12 (F7 check 5). */
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** A frame with a code no firmware defines: error 0x12 (F7 check 5). */
export class UnknownCommandCommand implements ModelCommand {
  constructor(readonly code: number) {}

  /** Whether the command may run on this model. */
  check(): boolean {
    return true;
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await exchange(m, r, buildFrame(this.code, m.board.id), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `UnknownCommand(0x${this.code.toString(16)})`;
  }
}
