/** How loaded a running Pi is (0..1): only its current changes, which the model does not follow. */
import { atNow, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** How loaded a running Pi is (0..1): only its current changes, which the model does not follow. */
export class PiLoadCommand implements ModelCommand {
  constructor(readonly pi: 0 | 1, readonly fraction: number) {}

  /** Only on the simulator (its control surface), with a Pi in the port. */
  check(m: Readonly<FuzzModel>): boolean {
    return m.sim;
  }

  /** Apply the fault to the board and tell the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    r.fault('pi-load', { board: 0, pi: this.pi, value: this.fraction });
    r.simulator.control.setPiLoad(0, this.pi, this.fraction);
    atNow(m, r, undefined, this.toString()); // the load changes only currents, which the model does not follow
  }

  /** As in a counterexample. */
  toString(): string {
    return `PiLoad(${this.pi}, ${this.fraction})`;
  }
}
