/**
 * The student's inputs as a log in virtual time: host commands and faults (supply voltage and
 * DIP changes are faults too), each at the time it acted. Replaying the log on a new stack built
 * from the same scenario and seed reproduces the session exactly (rewind, undo, permalinks).
 * Browser-safe: no DOM, no wall clock.
 */
import type { CommandName } from '../../bus-protocol/commands.ts';
import { FAULTS, type FaultName } from '../../board-model/faults.ts';
import type { FaultTarget } from '../../board-model/StackControl.ts';
import type { SimStack } from '../../board-model/SimStack.ts';

/** Input times lie on a grid of 1/TIME_GRID ms (about 1 µs): binary fractions, so `now + (at - now)` is exact wherever a timer is armed. */
export const TIME_GRID = 1024;

/** A host command sent from the page. */
export interface HostInput {
  readonly kind: 'host';
  /** Virtual time it was sent (ms, on the grid). */
  readonly at: number;
  readonly command: CommandName;
  readonly id: number;
  /** pi and the command's other request fields. */
  readonly args: Readonly<Record<string, number>>;
}

/** A fault injected from the page (supply-volts and duplicate-dip carry their value). */
export interface FaultInput {
  readonly kind: 'fault';
  /** Virtual time it acted (ms, on the grid). */
  readonly at: number;
  readonly fault: FaultName;
  readonly board: number;
  readonly pi: 0 | 1;
  readonly value?: number;
}

/** One recorded input. */
export type Input = HostInput | FaultInput;

/** An input before it has a time. */
export type PendingInput = Omit<HostInput, 'at'> | Omit<FaultInput, 'at'>;

/** The first grid time strictly after `ms` (ms). */
export function nextGridTime(ms: number): number {
  return (Math.floor(ms * TIME_GRID) + 1) / TIME_GRID;
}

/**
 * Move virtual time to the next grid time at which no timer is due, firing every timer before
 * it, and return that time (ms). An input applied there happens after everything due before it
 * and before anything due after it, whether it is applied live, by a replay's timer, or by
 * `pistack sim`'s step runner: the order of same-time timers never matters.
 */
export async function freeInputTime(sim: SimStack): Promise<number> {
  for (;;) {
    const t = nextGridTime(sim.clock.now());
    const next = sim.clock.next();
    if (next !== undefined && next <= t) {
      await sim.runUntil(next);
      continue;
    }
    await sim.runUntil(t);
    return t;
  }
}

/**
 * An input as the scenario format states it: a stack-wide fault (the supply) names no board or
 * Pi, and a board fault no Pi, so they are board 0 and Pi 0 here, as a scenario step gives them
 * (and as the fault event logs them), whatever was selected on the page.
 */
export function normalInput<T extends PendingInput | Input>(input: T): T {
  if (input.kind !== 'fault') return input;
  const target = FAULTS[input.fault].target;
  if (target === 'pi') return input;
  return { ...input, board: target === 'stack' ? 0 : input.board, pi: 0 };
}

/** Where a fault input acts, as the control surface takes it. */
export function faultTarget(input: FaultInput): FaultTarget {
  return { board: input.board, pi: input.pi, ...(input.value === undefined ? {} : { value: input.value }) };
}

/** Insert `input` into a time-ordered log, dropping every input after its time (a new branch of the timeline). */
export function appendInput(log: readonly Input[], input: Input): Input[] {
  return [...log.filter((i) => i.at <= input.at), input];
}

/** The inputs at or before `t` (ms). */
export function inputsUntil(log: readonly Input[], t: number): Input[] {
  return log.filter((i) => i.at <= t);
}

/** One line describing an input: "12.000 s: PI_ON to ID 0 Pi 1", "30.000 s: crash on board #0 Pi 0", "31.000 s: supply-volts 10.5 on the stack". */
export function describeInput(input: Input): string {
  const at = `${(input.at / 1000).toFixed(3)} s`;
  if (input.kind === 'host') {
    const rest = Object.entries(input.args).filter(([k]) => k !== 'pi').map(([k, v]) => `${k}=${v}`);
    const pi = input.args['pi'];
    return `${at}: ${input.command} to ID ${input.id}${pi === undefined ? '' : ` Pi ${pi}`}${rest.length ? ` ${rest.join(' ')}` : ''}`;
  }
  const target = FAULTS[input.fault].target;
  const where = target === 'stack' ? 'the stack' : target === 'board' ? `board #${input.board}` : `board #${input.board} Pi ${input.pi}`;
  return `${at}: ${input.fault}${input.value === undefined ? '' : ` ${input.value}`} on ${where}`;
}
