/** A Pi command with pi 2..255: error 0x14 (F7 check 7), nothing done to either port. */
import { COMMANDS, requestLen, type CommandName } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** A Pi command with pi 2..255: error 0x14 (F7 check 7), nothing done to either port. */
export class BadPiCommand implements ModelCommand {
  constructor(readonly command: CommandName, readonly pi: number) {}

  /** Whether the command may run on this model. */
  check(): boolean {
    return true;
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    const data = requestLen(this.command) === 5 ? [this.pi, 1] : [this.pi];
    await exchange(m, r, buildFrame(COMMANDS[this.command].code, m.board.id, data), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `BadPi(${this.command}, ${this.pi})`;
  }
}
