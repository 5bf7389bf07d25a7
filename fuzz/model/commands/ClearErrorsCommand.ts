/** CLEAR_ERROR_BUFFER (slots and pointer) or CLEAR_ERROR_COUNT (error and boot counts), F2. */
import { COMMANDS } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** CLEAR_ERROR_BUFFER (slots and pointer) or CLEAR_ERROR_COUNT (error and boot counts), F2. */
export class ClearErrorsCommand implements ModelCommand {
  constructor(readonly which: 'buffer' | 'count') {}

  /** Whether the command may run on this model. */
  check(): boolean {
    return true;
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    const name = this.which === 'buffer' ? 'CLEAR_ERROR_BUFFER' : 'CLEAR_ERROR_COUNT';
    await exchange(m, r, buildFrame(COMMANDS[name].code, m.board.id), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `ClearErrors(${this.which})`;
  }
}
