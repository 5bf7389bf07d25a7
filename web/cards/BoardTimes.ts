/**
 * Remembers, for one board, when each machine entered its current state and when the
 * heartbeats rose (virtual ms), by listening to the actors and wires; the countdowns are
 * derived from these. Reads nothing from the bus and changes nothing. Browser-safe.
 */
import type { Board } from '../../board-model/Board.ts';
import { portStateName } from '../../board-model/powerPortMachine.ts';
import type { PortTiming } from './countdowns.ts';

interface PortMarks {
  power: string;
  powerSince: number;
  signal: string;
  signalSince: number;
  lastBeat: number | undefined;
  previousBeat: number | undefined;
}

/** State-entry times and heartbeat edges of one board. */
export class BoardTimes {
  private readonly marks: [PortMarks, PortMarks];
  private regulatorState: string;
  private regulatorSinceMs: number;
  private mcuSinceMs: number;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(board: Board, private readonly now: () => number) {
    const t = now();
    this.marks = [0, 1].map((i) => {
      const snap = board.ports[i as 0 | 1].getSnapshot();
      return { power: portStateName(snap), powerSince: t, signal: signalOf(snap.value), signalSince: t, lastBeat: undefined, previousBeat: undefined };
    }) as [PortMarks, PortMarks];
    this.regulatorState = String(board.regulator.getSnapshot().value);
    this.regulatorSinceMs = t;
    this.mcuSinceMs = t;
    board.ports.forEach((port, i) => {
      const m = this.marks[i as 0 | 1];
      this.keep(port.subscribe((snap) => {
        const power = portStateName(snap);
        const signal = signalOf(snap.value);
        if (power !== m.power) Object.assign(m, { power, powerSince: this.now() });
        if (signal !== m.signal) Object.assign(m, { signal, signalSince: this.now() });
      }));
      this.unsubscribe.push(board.heartbeat[i as 0 | 1].onRise(() => {
        m.previousBeat = m.lastBeat;
        m.lastBeat = this.now();
      }));
    });
    this.keep(board.regulator.subscribe((snap) => {
      const state = String(snap.value);
      if (state !== this.regulatorState) {
        this.regulatorState = state;
        this.regulatorSinceMs = this.now();
      }
    }));
    // A collapse re-entered (hiccup retry that fails again) restarts the retry: the brownout event says so.
    this.keep(board.regulator.on('brownout', () => void (this.regulatorSinceMs = this.now())));
    this.keep(board.mcu.on('mcu-boot', () => void (this.mcuSinceMs = this.now())));
  }

  private keep(subscription: { unsubscribe(): void }): void {
    this.unsubscribe.push(() => subscription.unsubscribe());
  }

  /** A port's states, their entry times and the last beat (ms). */
  port(pi: 0 | 1): PortTiming {
    return this.marks[pi];
  }

  /** The last two heartbeat edges of a port (ms). */
  beats(pi: 0 | 1): { previous: number | undefined; last: number | undefined } {
    const m = this.marks[pi];
    return { previous: m.previousBeat, last: m.lastBeat };
  }

  /** When the regulator entered its state, or last collapsed (ms). */
  get regulatorSince(): number {
    return this.regulatorSinceMs;
  }

  /** When the MCU last started booting (ms). */
  get mcuSince(): number {
    return this.mcuSinceMs;
  }

  /** Stop listening. */
  dispose(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }
}

function signalOf(value: unknown): string {
  const signal = (value as { signal?: unknown }).signal;
  return typeof signal === 'string' ? signal : 'released';
}
