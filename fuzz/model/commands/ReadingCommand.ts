/** An analog reading (GET_VIN ... GET_PI_POWER): an OK reply of the right size (values are not modelled). */
import { COMMANDS } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { requestData } from './requestData.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** An analog reading (GET_VIN ... GET_PI_POWER): an OK reply of the right size (values are not modelled). */
export class ReadingCommand implements ModelCommand {
  constructor(readonly command: 'GET_VIN' | 'GET_CIN' | 'GET_5V' | 'GET_PI_V' | 'GET_PI_C' | 'GET_POWER' | 'GET_5V_POWER' | 'GET_PI_POWER', readonly pi: 0 | 1) {}

  /** Whether the command may run on this model. */
  check(): boolean {
    return true;
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await exchange(m, r, buildFrame(COMMANDS[this.command].code, m.board.id, requestData(this.command, this.pi)), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `Reading(${this.command}, ${this.pi})`;
  }
}
