/** Time itself as a command (STYLE.md rule 10): let `ms` pass; virtual on the simulator, real on hardware. */
import type { FuzzModel, ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** Let time pass with the bus idle; the model catches up at the next command. */
export class AdvanceTimeCommand implements ModelCommand {
  constructor(readonly ms: number) {}

  /** Always possible. */
  check(): boolean {
    return true;
  }

  /** Wait. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await r.advance(this.ms);
    m.board.advanceTo(r.now);
  }

  /** As in a counterexample. */
  toString(): string {
    return `AdvanceTime(${this.ms} ms)`;
  }
}
