/** SEND_SIG: pulse the shutdown signal only (F4); the Pi halts and the watchdog reacts. */
import { COMMANDS } from '../../../bus-protocol/commands.ts';
import { buildFrame } from '../../../bus-protocol/frame.ts';
import { exchange, type FuzzModel, type ModelCommand } from '../ModelCommand.ts';
import type { FuzzReal } from '../FuzzReal.ts';

/** SEND_SIG: pulse the shutdown signal only (F4); the Pi halts and the watchdog reacts. */
export class SendSigCommand implements ModelCommand {
  constructor(readonly pi: 0 | 1) {}

  /** Always possible. */
  check(): boolean {
    return true;
  }

  /** Send SEND_SIG for the Pi and check the reply against the model. */
  async run(m: FuzzModel, r: FuzzReal): Promise<void> {
    await exchange(m, r, buildFrame(COMMANDS.SEND_SIG.code, m.board.id, [this.pi]), this.toString());
  }

  /** As in a counterexample. */
  toString(): string {
    return `SendSig(${this.pi})`;
  }
}
