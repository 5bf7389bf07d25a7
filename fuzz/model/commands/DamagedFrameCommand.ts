/** A valid request damaged (bit flip, cut, extra bytes, wrong LEN or CRC): whatever F7 says for the result. */
import { COMMANDS, type CommandName } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { applyDamage, describeDamage, type Damage } from '../../arbitraries/damagedFrames.ts';
import { expectedReaction } from '../../oracle.ts';
import { requestData } from './requestData.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** A valid request damaged (bit flip, cut, extra bytes, wrong LEN or CRC): whatever F7 says for the result. */
export class DamagedFrameCommand implements ModelCommand {
  constructor(readonly command: CommandName, readonly damage: Damage) {}

  private bytes(m: Readonly<FuzzModel>): Uint8Array {
    return applyDamage(buildFrame(COMMANDS[this.command].code, m.board.id, requestData(this.command)), this.damage);
  }

  /** Whether the command may run on this model. */
  check(m: Readonly<FuzzModel>): boolean {
    const reaction = expectedReaction(this.bytes(m), m.board.id, m.board.profile);
    if (reaction.kind === 'complex') return false; // one frame per burst: the model follows no resync
    return m.sim || !(reaction.kind === 'execute' && reaction.command === 'SET_ID_PREFIX'); // never move a real board
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await exchange(m, r, this.bytes(m), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `DamagedFrame(${this.command}, ${describeDamage(this.damage)})`;
  }
}
