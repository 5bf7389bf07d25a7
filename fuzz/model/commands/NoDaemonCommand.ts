/** Fault: the heartbeat daemon is removed; a running Pi stops heartbeating (F6). */
import { atNow, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** Fault: the heartbeat daemon is removed; a running Pi stops heartbeating (F6). */
export class NoDaemonCommand implements ModelCommand {
  constructor(readonly pi: 0 | 1) {}

  /** Only on the simulator (its control surface), with a Pi in the port. */
  check(m: Readonly<FuzzModel>): boolean {
    return m.sim;
  }

  /** Apply the fault to the board and tell the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    r.fault('no-daemon', { board: 0, pi: this.pi });
    r.simulator.control.setDaemon(0, this.pi, false);
    atNow(m, r, this.pi, this.toString());
    m.board.ports[this.pi].noDaemon();
  }

  /** As in a counterexample. */
  toString(): string {
    return `NoDaemon(${this.pi})`;
  }
}
