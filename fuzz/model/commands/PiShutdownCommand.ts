/** The Pi asks for power-down itself: its signal pulse makes the board cut power SIG_OFF_DELAY later (F4). */
import { atNow, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** The Pi asks for power-down itself: its signal pulse makes the board cut power SIG_OFF_DELAY later (F4). */
export class PiShutdownCommand implements ModelCommand {
  constructor(readonly pi: 0 | 1) {}

  /** Only on the simulator (its control surface), with a Pi in the port. */
  check(m: Readonly<FuzzModel>): boolean {
    return m.sim;
  }

  /** Apply the fault to the board and tell the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    r.fault('pi-shutdown', { board: 0, pi: this.pi });
    r.simulator.control.requestShutdown(0, this.pi);
    atNow(m, r, this.pi, this.toString());
    m.board.ports[this.pi].requestShutdown();
  }

  /** As in a counterexample. */
  toString(): string {
    return `PiShutdown(${this.pi})`;
  }
}
