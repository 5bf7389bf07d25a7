/**
 * Fault: the stack's supply drops to `volts` for `ms`, then returns to nominal: below the
 * regulator's UVLO (6 V) the Pis lose power, below the MCU brown-out (4 V) the board resets (F1, F3).
 */
import { atNow, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** A brownout of `ms` at `volts`. */
export class SupplyDipCommand implements ModelCommand {
  constructor(readonly volts: number, readonly ms: number) {}

  /** Only on the simulator. */
  check(m: Readonly<FuzzModel>): boolean {
    return m.sim;
  }

  /** Dip, wait, restore. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    const sim = r.simulator;
    const nominal = sim.options.stack.supplyVolts;
    r.fault('supply-volts', { value: this.volts });
    sim.control.setSupplyVolts(this.volts);
    m.board.setSupply(atNow(m, r, undefined, this.toString()), this.volts);
    await r.advance(this.ms);
    r.fault('supply-volts', { value: nominal });
    sim.control.setSupplyVolts(nominal);
    m.board.setSupply(atNow(m, r, undefined, this.toString()), nominal);
  }

  /** As in a counterexample. */
  toString(): string {
    return `SupplyDip(${this.volts} V, ${this.ms} ms)`;
  }
}
