/** A valid request to an ID nobody answers to: silence, nothing logged (F7 check 1). */
import { COMMANDS, type CommandName } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { requestData } from './requestData.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** A valid request to an ID nobody answers to: silence, nothing logged (F7 check 1). */
export class OtherIdCommand implements ModelCommand {
  constructor(readonly command: CommandName, readonly pick: number) {}

  /** Whether the command may run on this model. */
  check(m: Readonly<FuzzModel>): boolean {
    return m.silentIds.length > 0;
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    const id = m.silentIds[this.pick % m.silentIds.length]!;
    await exchange(m, r, buildFrame(COMMANDS[this.command].code, id, requestData(this.command)), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `OtherId(${this.command}, #${this.pick})`;
  }
}
