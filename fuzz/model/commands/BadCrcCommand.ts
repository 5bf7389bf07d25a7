/** A valid request with its CRC byte changed: error 0x11 and the code logged (F7 check 4). */
import { COMMANDS, type CommandName } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { requestData } from './requestData.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** A valid request with its CRC byte changed: error 0x11 and the code logged (F7 check 4). */
export class BadCrcCommand implements ModelCommand {
  constructor(readonly command: CommandName, readonly xor: number) {}

  /** Whether the command may run on this model. */
  check(): boolean {
    return true;
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    const frame = buildFrame(COMMANDS[this.command].code, m.board.id, requestData(this.command));
    frame[frame.length - 1] = frame[frame.length - 1]! ^ this.xor;
    await exchange(m, r, frame, this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `BadCrc(${this.command}, xor 0x${this.xor.toString(16)})`;
  }
}
