/** Fault: a bit of a stored block flips; its CRC fails at the next boot, which restores defaults and logs 0x40 or 0x41 (F2). */
import { atNow, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** Corrupt the config or error block in flash. */
export class CorruptFlashCommand implements ModelCommand {
  constructor(readonly block: 'config' | 'errors') {}

  /** Only on the simulator, and not twice (a second flip could undo the first). */
  check(m: Readonly<FuzzModel>): boolean {
    return m.sim && m.board.flash[this.block] !== 'corrupt';
  }

  /** Flip a bit now. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    r.fault(`corrupt-${this.block}`, { board: 0 });
    r.simulator.control.corruptFlash(0, this.block);
    atNow(m, r, undefined, this.toString());
    m.board.corrupt(this.block);
  }

  /** As in a counterexample. */
  toString(): string {
    return `CorruptFlash(${this.block})`;
  }
}
