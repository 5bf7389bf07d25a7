/** Undo the Pi's faults: daemon back (a running Pi heartbeats at once), no hang, normal shutdowns. */
import { atNow, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** Undo the Pi's faults: daemon back (a running Pi heartbeats at once), no hang, normal shutdowns. */
export class ClearFaultsCommand implements ModelCommand {
  constructor(readonly pi: 0 | 1) {}

  /** Only on the simulator (its control surface), with a Pi in the port. */
  check(m: Readonly<FuzzModel>): boolean {
    return m.sim;
  }

  /** Apply the fault to the board and tell the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    r.fault('clear-fault', { board: 0, pi: this.pi });
    r.simulator.control.clearFaults(0, this.pi);
    atNow(m, r, this.pi, this.toString());
    m.board.ports[this.pi].clearFaults();
  }

  /** As in a counterexample. */
  toString(): string {
    return `ClearFaults(${this.pi})`;
  }
}
