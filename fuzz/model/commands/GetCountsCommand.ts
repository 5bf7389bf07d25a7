/** GET_ERROR_COUNT and GET_BOOT_COUNT: the counters the model expects (F2, F3). */
import { COMMANDS } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** GET_ERROR_COUNT and GET_BOOT_COUNT: the counters the model expects (F2, F3). */
export class GetCountsCommand implements ModelCommand {

  /** Whether the command may run on this model. */
  check(): boolean {
    return true;
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await exchange(m, r, buildFrame(COMMANDS.GET_ERROR_COUNT.code, m.board.id), 'GetCounts: GET_ERROR_COUNT');
    await exchange(m, r, buildFrame(COMMANDS.GET_BOOT_COUNT.code, m.board.id), 'GetCounts: GET_BOOT_COUNT');
  }

  /** As in a counterexample. */
  toString(): string {
    return `GetCounts`;
  }
}
