/** Fault: the Pi's shutdowns take `totalMs` (at least its normal time), F6. */
import { atNow, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** Fault: the Pi's shutdowns take `totalMs` (at least its normal time), F6. */
export class SlowShutdownCommand implements ModelCommand {
  constructor(readonly pi: 0 | 1, readonly totalMs: number) {}

  /** Only on the simulator (its control surface), with a Pi in the port. */
  check(m: Readonly<FuzzModel>): boolean {
    return m.sim;
  }

  /** Apply the fault to the board and tell the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    r.fault('slow-shutdown', { board: 0, pi: this.pi, value: this.totalMs });
    r.simulator.control.slowShutdown(0, this.pi, this.totalMs);
    atNow(m, r, this.pi, this.toString());
    m.board.ports[this.pi].slowShutdown(this.totalMs);
  }

  /** As in a counterexample. */
  toString(): string {
    return `SlowShutdown(${this.pi}, ${this.totalMs} ms)`;
  }
}
