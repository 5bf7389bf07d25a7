/** SET_HBT_TIME, SET_HBT_DELAY, SET_OFF_DELAY, SET_SIG_OFF_DELAY, SET_SIG_WIDTH or SET_PI_ON_STARTUP for one Pi (config block written, F2). */
import { COMMANDS } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import type { SettingName } from '../BoardModel.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** SET_HBT_TIME, SET_HBT_DELAY, SET_OFF_DELAY, SET_SIG_OFF_DELAY, SET_SIG_WIDTH or SET_PI_ON_STARTUP for one Pi (config block written, F2). */
export class SetSettingCommand implements ModelCommand {
  constructor(readonly pi: 0 | 1, readonly setting: SettingName, readonly value: number) {}

  /** Whether the command may run on this model. */
  check(): boolean {
    return true;
  }

  /** Send it and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await exchange(m, r, buildFrame(COMMANDS[`SET_${this.setting}`].code, m.board.id, [this.pi, this.value]), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `SetSetting(${this.pi}, ${this.setting}, ${this.value})`;
  }
}
