/** SET_ID_PREFIX (simulator only: it moves the board to another ID): the model addresses the new ID from then on. */
import { COMMANDS } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** SET_ID_PREFIX (simulator only: it moves the board to another ID): the model addresses the new ID from then on. */
export class SetPrefixCommand implements ModelCommand {
  constructor(readonly prefix: number) {}

  /** Whether the command may run on this model. */
  check(m: Readonly<FuzzModel>): boolean {
    return m.sim && ((this.prefix & 0xf0) | (m.board.dip & 0x0f)) !== 0xff; // never the master address
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await exchange(m, r, buildFrame(COMMANDS.SET_ID_PREFIX.code, m.board.id, [this.prefix]), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `SetPrefix(0x${this.prefix.toString(16)})`;
  }
}
