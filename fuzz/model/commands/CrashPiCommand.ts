/** Fault: the Pi crashes; heartbeats stop, so the watchdog power-cycles it (F4, F6). */
import { atNow, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** Fault: the Pi crashes; heartbeats stop, so the watchdog power-cycles it (F4, F6). */
export class CrashPiCommand implements ModelCommand {
  constructor(readonly pi: 0 | 1) {}

  /** Only on the simulator (its control surface), with a Pi in the port. */
  check(m: Readonly<FuzzModel>): boolean {
    return m.sim;
  }

  /** Apply the fault to the board and tell the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    r.fault('crash', { board: 0, pi: this.pi });
    r.simulator.control.crashPi(0, this.pi);
    atNow(m, r, this.pi, this.toString());
    m.board.ports[this.pi].crash();
  }

  /** As in a counterexample. */
  toString(): string {
    return `CrashPi(${this.pi})`;
  }
}
