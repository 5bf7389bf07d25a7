/** Fault: the Pi hangs while booting (now if booting, else at its next boot), F6. */
import { atNow, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** Fault: the Pi hangs while booting (now if booting, else at its next boot), F6. */
export class HangBootCommand implements ModelCommand {
  constructor(readonly pi: 0 | 1) {}

  /** Only on the simulator (its control surface), with a Pi in the port. */
  check(m: Readonly<FuzzModel>): boolean {
    return m.sim;
  }

  /** Apply the fault to the board and tell the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    r.fault('hang-boot', { board: 0, pi: this.pi });
    r.simulator.control.hangBoot(0, this.pi, true);
    atNow(m, r, this.pi, this.toString());
    m.board.ports[this.pi].hangBoot();
  }

  /** As in a counterexample. */
  toString(): string {
    return `HangBoot(${this.pi})`;
  }
}
