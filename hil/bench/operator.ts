/**
 * Who does the manual steps of a bench plan (attach a load, fit a jumper, power-cycle the
 * board): a person at the terminal, nobody (`--no-prompt`: the steps are skipped), or, on `sim:`,
 * the simulator itself through its control surface (a load is a Pi plugged in).
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { SimStack } from '../../board-model/SimStack.ts';
import { boardId, type PortSpec } from '../../board-model/stack.ts';
import type { MANUAL_ACTIONS } from './planSchema.ts';

/** What a manual step asks for. */
export interface ManualRequest {
  /** The plan step's name. */
  readonly step: string;
  /** What is to be done. */
  readonly action: (typeof MANUAL_ACTIONS)[number];
  /** The port concerned, if any. */
  readonly pi?: 0 | 1;
  /** The instruction shown to a person. */
  readonly instruction: string;
}

/** How a manual step ended: done, or skipped with the reason. */
export type ManualOutcome = { readonly done: true; readonly by: string } | { readonly done: false; readonly reason: string };

/** Performs manual steps. */
export interface Operator {
  /** Short description for reports: "person at the terminal", "nobody (--no-prompt)", "simulator". */
  readonly description: string;
  /** Do (or have done) what the request says; rejects if `signal` fires while waiting. */
  perform(request: ManualRequest, signal?: AbortSignal): Promise<ManualOutcome>;
}

/** `--no-prompt`: nobody is there; every manual step is skipped. */
export const noPromptOperator: Operator = {
  description: 'nobody (--no-prompt: manual steps skipped)',
  perform: async () => ({ done: false, reason: 'needs a person (--no-prompt)' }),
};

/**
 * A person at a terminal: the instruction goes to `output`, Enter confirms, "s" + Enter skips.
 * When `input` ends (no terminal), the step is skipped.
 */
export function promptOperator(input: Readable, output: Writable): Operator {
  return {
    description: 'person at the terminal',
    perform: (request, signal) =>
      new Promise<ManualOutcome>((resolve, reject) => {
        if (input.readableEnded || input.destroyed) {
          resolve({ done: false, reason: 'no terminal input (stdin closed)' });
          return;
        }
        const rl = createInterface({ input, terminal: false });
        let settled = false;
        const finish = (outcome: ManualOutcome | Error): void => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          rl.close();
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        };
        const onAbort = (): void => finish(new Error('interrupted at a prompt'));
        signal?.addEventListener('abort', onAbort, { once: true });
        rl.once('line', (line) => finish(line.trim().toLowerCase() === 's' ? { done: false, reason: 'skipped by the operator' } : { done: true, by: 'operator' }));
        rl.once('close', () => finish({ done: false, reason: 'no terminal input (stdin closed)' }));
        output.write(`\n>>> ${request.instruction}\n    Press Enter when done (s + Enter to skip): `);
      }),
  };
}

/**
 * The simulated bench fixture: `setup` empties both ports (a new board has nothing plugged in),
 * `attach-load` plugs in the Pi the stack gives that port (a Pi 3B+ when it gives none), whose
 * current is the load; `remove-load` unplugs it; `power-cycle-board` cuts the board's input for
 * 500 ms; `fit-jumper` and `other` have nothing to simulate and count as done.
 */
export function simOperator(sim: SimStack, id: number): Operator {
  const index = sim.options.stack.boards.findIndex((b) => boardId(b.prefix, b.dip) === id);
  const spec = sim.options.stack.boards[index];
  return {
    description: 'simulator (control surface)',
    perform: async (request) => {
      if (spec === undefined) return { done: false, reason: `no simulated board is labelled ID ${id}` };
      const board = sim.control.board(index);
      const ports: Array<0 | 1> = request.pi === undefined ? [0, 1] : [request.pi];
      switch (request.action) {
        case 'setup':
          for (const pi of [0, 1] as const) board.removePi(pi);
          break;
        case 'attach-load':
          for (const pi of ports) board.insertPi(pi, loadFor(spec.pis[pi]));
          break;
        case 'remove-load':
          for (const pi of ports) board.removePi(pi);
          break;
        case 'power-cycle-board':
          board.powerOutage(500);
          break;
        default:
          break;
      }
      return { done: true, by: 'simulator' };
    },
  };
}

function loadFor(port: PortSpec): NonNullable<PortSpec> {
  return port ?? { model: 'pi3b+', daemon: true };
}
