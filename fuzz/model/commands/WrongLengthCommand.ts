/** A known command with the wrong number of data bytes (LEN and CRC consistent): error 0x13 (F7 check 6). */
import { COMMANDS, requestLen, type CommandName } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** A known command with the wrong number of data bytes (LEN and CRC consistent): error 0x13 (F7 check 6). */
export class WrongLengthCommand implements ModelCommand {
  constructor(readonly command: CommandName, readonly bytes: number) {}

  /** Whether the command may run on this model. */
  check(): boolean {
    return 3 + this.bytes !== requestLen(this.command);
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await exchange(m, r, buildFrame(COMMANDS[this.command].code, m.board.id, new Array<number>(this.bytes).fill(0)), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `WrongLength(${this.command}, ${this.bytes} data bytes)`;
  }
}
