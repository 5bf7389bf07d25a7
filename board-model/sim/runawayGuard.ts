/**
 * The simulator's runaway guard (issue 10): a budget of timers fired per virtual second. A
 * stack that exceeds it is looping (a timer re-arming itself with a near-zero delay), and the
 * run stops with an error naming the machine and the event that looped, instead of spinning
 * for minutes while its event log eats memory.
 */
import type { AnyActorRef } from 'xstate';
import type { Board } from '../Board.ts';
import type { SimEvent } from '../events.ts';
import { formatDuration } from '../duration.ts';
import { hexByte } from '../../bus-protocol/hex.ts';

/**
 * Default budgets per virtual second, measured against the busiest legitimate stack: the full
 * bus (255 boards, 510 Pis heartbeating, the bus saturated by polling) peaks at about 1,000
 * timers and 270 logged events in one virtual second. The budgets are 50 and 20 times that.
 */
export const DEFAULT_BUDGET = {
  /** Timers fired (every machine, the bus, the host) per virtual second. */
  timersPerS: 50_000,
  /** Events logged (power-on, host-reply, ...) per virtual second. */
  eventsPerS: 5_000,
} as const;

/** The run stopped because the stack fired more timers in one virtual second than its budget allows. */
export class RunawayError extends Error {
  readonly code = 'runaway';
  constructor(message: string, readonly atMs: number) {
    super(message);
    this.name = 'RunawayError';
  }
}

interface Scheduled {
  source: AnyActorRef;
  event: { type: string };
  delay: number;
}

/** The scheduled (delayed) events of an actor's system: XState keeps them in its system snapshot. */
function scheduledOf(actor: AnyActorRef | undefined): Scheduled[] {
  const system = actor?.system as { _snapshot?: { _scheduledEvents?: Record<string, Scheduled> } } | undefined;
  return Object.values(system?._snapshot?._scheduledEvents ?? {});
}

/** "board 3 (ID 0x03) power port of Pi 0 (machine powerPort)" for the actor that armed a timer. */
function machineName(board: Board, actor: AnyActorRef): string {
  const at = `board ${board.index} (ID ${hexByte(board.id)})`;
  const logicId = (actor as { logic?: { id?: string } }).logic?.id ?? 'machine';
  const pi = board.ports.indexOf(actor as never) >= 0 ? board.ports.indexOf(actor as never) : board.pis.indexOf(actor as never);
  const role = actor === board.mcu ? 'MCU' : actor === board.regulator ? 'regulator' : board.ports.includes(actor as never) ? `power port of Pi ${pi}` : `Pi ${pi}`;
  return `${at} ${role} (machine ${logicId})`;
}

/** A machine's delayed event shorter than this (ms) is faster than any bounded profile time: the suspect. */
const FAST_MS = 1;

/** What went over budget: the timers, or the logged events (with the one that crossed it). */
export type Overrun = { kind: 'timers'; budget: number } | { kind: 'events'; budget: number; event: SimEvent };

/**
 * The error for a stack over budget. The machine whose pending delayed event has the shortest
 * delay (under 1 ms) is the one re-arming itself; without one, the loop is in a plain timer.
 */
export function runawayError(boards: readonly Board[], over: Overrun, nowMs: number): RunawayError {
  let found: { board: Board; s: Scheduled } | undefined;
  for (const board of boards) {
    for (const actor of [board.mcu, board.regulator, ...board.ports, ...board.pis]) {
      for (const s of scheduledOf(actor)) if (s.delay < FAST_MS && (found === undefined || s.delay < found.s.delay)) found = { board, s };
    }
  }
  const what = over.kind === 'timers' ? 'timers fired' : 'events logged';
  let head = `simulation runaway at ${formatDuration(nowMs)}: more than ${over.budget.toLocaleString('en')} ${what} in one virtual second`;
  if (over.kind === 'events') {
    const e = over.event;
    head += `, the last "${e.type}"${e.id === undefined ? '' : ` of board ID ${hexByte(e.id)}${e.pi === undefined ? '' : ` Pi ${e.pi}`}`}`;
  }
  const where = found
    ? `; ${machineName(found.board, found.s.source)} keeps re-arming "${found.s.event.type}" after ${formatDuration(found.s.delay)}`
    : `; no machine has a delayed event under ${FAST_MS} ms pending (a plain timer loops)`;
  return new RunawayError(`${head}${where}. Check the profile's timings; the run was stopped`, nowMs);
}
