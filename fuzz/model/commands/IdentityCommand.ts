/** GET_SW_VERSION, GET_HW_VERSION, GET_ID or GET_ID_PREFIX: the values the model expects. */
import { COMMANDS } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** GET_SW_VERSION, GET_HW_VERSION, GET_ID or GET_ID_PREFIX: the values the model expects. */
export class IdentityCommand implements ModelCommand {
  constructor(readonly command: 'GET_SW_VERSION' | 'GET_HW_VERSION' | 'GET_ID' | 'GET_ID_PREFIX') {}

  /** Whether the command may run on this model. */
  check(): boolean {
    return true;
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await exchange(m, r, buildFrame(COMMANDS[this.command].code, m.board.id), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `Identity(${this.command})`;
  }
}
