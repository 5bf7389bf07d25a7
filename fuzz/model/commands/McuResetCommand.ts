/** Fault: external reset of the board MCU; ports off, boot (boot count + 1, 0x0F logged), then PI_ON_STARTUP (F3). */
import { atNow, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** Reset the MCU (`bounces` times in a row, as a bouncing reset line: again while booting); the board is deaf while it boots (10 ms). */
export class McuResetCommand implements ModelCommand {
  constructor(readonly bounces: 1 | 2 = 1) {}

  /** Only on the simulator. */
  check(m: Readonly<FuzzModel>): boolean {
    return m.sim;
  }

  /** Reset now. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    for (let i = 0; i < this.bounces; i++) {
      r.fault('mcu-reset', { board: 0 });
      r.simulator.control.resetMcu(0);
      m.board.reset(atNow(m, r, undefined, this.toString()));
    }
  }

  /** As in a counterexample. */
  toString(): string {
    return this.bounces === 1 ? 'McuReset' : `McuReset(x${this.bounces})`;
  }
}
