/** Fault: the board's next write of a block (or of any block) is torn by a power loss (F2). */
import { atNow, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** Arm a torn write. */
export class TornWriteCommand implements ModelCommand {
  constructor(readonly block: 'config' | 'errors' | 'any') {}

  /** Only on the simulator. */
  check(m: Readonly<FuzzModel>): boolean {
    return m.sim;
  }

  /** Arm it now. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    r.fault('torn-write', { board: 0, block: this.block });
    r.simulator.control.armTornWrite(0, this.block);
    atNow(m, r, undefined, this.toString());
    m.board.armTornWrite(this.block);
  }

  /** As in a counterexample. */
  toString(): string {
    return `TornWrite(${this.block})`;
  }
}
