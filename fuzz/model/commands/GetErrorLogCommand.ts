/** GET_ERROR_BUFFER and GET_ERROR_POINTER: the whole ring and the pointer the model expects (F2). */
import { COMMANDS } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** GET_ERROR_BUFFER and GET_ERROR_POINTER: the whole ring and the pointer the model expects (F2). */
export class GetErrorLogCommand implements ModelCommand {

  /** Whether the command may run on this model. */
  check(): boolean {
    return true;
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await exchange(m, r, buildFrame(COMMANDS.GET_ERROR_BUFFER.code, m.board.id), 'GetErrorLog: GET_ERROR_BUFFER');
    await exchange(m, r, buildFrame(COMMANDS.GET_ERROR_POINTER.code, m.board.id), 'GetErrorLog: GET_ERROR_POINTER');
  }

  /** As in a counterexample. */
  toString(): string {
    return `GetErrorLog`;
  }
}
