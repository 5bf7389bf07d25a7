/** GET_HBT_TIME ... GET_PI_ON_STARTUP for one Pi: the stored value the model expects. */
import { COMMANDS } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import type { SettingName } from '../BoardModel.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** GET_HBT_TIME ... GET_PI_ON_STARTUP for one Pi: the stored value the model expects. */
export class GetSettingCommand implements ModelCommand {
  constructor(readonly pi: 0 | 1, readonly setting: SettingName) {}

  /** Whether the command may run on this model. */
  check(): boolean {
    return true;
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await exchange(m, r, buildFrame(COMMANDS[`GET_${this.setting}`].code, m.board.id, [this.pi]), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `GetSetting(${this.pi}, ${this.setting})`;
  }
}
