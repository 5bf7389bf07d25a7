/**
 * A scenario's timed steps on a live stack, as `pistack sim` runs them (board-model/sim/
 * runScenario.ts): host commands as real frames through the host client, faults through the
 * control surface, the host's status polling; outcomes go to the event log the same way.
 * Browser-safe.
 */
import { COMMANDS, type CommandName } from '../bus-protocol/commands.ts';
import { BoardError, CrcError, NoReplyError } from '../bus-protocol/errors.ts';
import type { StackClient } from '../bus-protocol/StackClient.ts';
import type { ArgsParam } from '../bus-protocol/types.ts';
import type { Scenario } from '../board-model/scenario.ts';
import type { HostStep } from '../board-model/scenarioSteps.ts';
import type { SimStack } from '../board-model/SimStack.ts';
import { boardId } from '../board-model/stack.ts';

const BOARD_POLL = ['GET_VIN', 'GET_CIN'] as const;
const PI_POLL = ['GET_PI_POWERED', 'GET_PI_HBT', 'GET_PI_C'] as const;

/** Record a failed host exchange in the event log (host-timeout or host-error), as `pistack sim` does. */
export function recordHostFailure(sim: SimStack, id: number, command: string, error: unknown, pi?: 0 | 1): void {
  const t = sim.clock.now();
  const where = pi === undefined ? {} : { pi };
  if (error instanceof NoReplyError) sim.events.add({ t, type: 'host-timeout', id, ...where, command, ...sim.explainNoReply(id) });
  else if (error instanceof BoardError) sim.events.add({ t, type: 'host-error', id, ...where, command, code: error.code, message: error.message });
  else if (error instanceof CrcError) sim.events.add({ t, type: 'host-error', id, ...where, command, reason: 'crc', message: error.message });
  else sim.events.add({ t, type: 'host-error', id, ...where, command, message: error instanceof Error ? error.message : String(error) });
}

/** A decoded payload as plain JSON-able values (bytes as number arrays). */
export function plainPayload(payload: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload)) out[k] = v instanceof Uint8Array ? Array.from(v) : v;
  return out;
}

function piOf(args: Readonly<Record<string, number>>): 0 | 1 | undefined {
  const pi = args['pi'];
  return pi === 0 || pi === 1 ? pi : undefined;
}

async function hostStep(sim: SimStack, client: StackClient, step: HostStep): Promise<void> {
  const pi = piOf(step.args);
  try {
    const args = (COMMANDS[step.command].request.length === 0 ? [] : [step.args]) as ArgsParam<typeof step.command>;
    const payload = await client.request(step.command, step.id, ...args);
    sim.events.add({ t: sim.clock.now(), type: 'host-reply', id: step.id, ...(pi === undefined ? {} : { pi }), command: step.command, payload: plainPayload(payload) });
  } catch (e) {
    recordHostFailure(sim, step.id, step.command, e, pi);
  }
}

async function pollOne(sim: SimStack, client: StackClient, command: CommandName, id: number, pi?: 0 | 1): Promise<void> {
  try {
    const args = (pi === undefined ? [] : [{ pi }]) as ArgsParam<CommandName>;
    await client.request(command, id, ...args);
  } catch (e) {
    recordHostFailure(sim, id, command, e, pi);
  }
}

/** Schedule every step (and the polling, if any) of a scenario on a started stack, from its time 0. */
export function scheduleScenario(sim: SimStack, client: StackClient, scenario: Scenario): void {
  for (const step of scenario.steps) {
    sim.hostClock.setTimeout(() => {
      if (step.kind === 'host') void hostStep(sim, client, step);
      else {
        const target = { ...(step.board === undefined ? {} : { board: step.board }), ...(step.pi === undefined ? {} : { pi: step.pi }), ...(step.value === undefined ? {} : { value: step.value }) };
        sim.control.inject(step.fault, target);
      }
    }, step.atMs);
  }
  const pollMs = scenario.pollMs;
  if (pollMs === undefined || pollMs <= 0) return;
  const ids = [...new Set(scenario.stack.boards.map((b) => boardId(b.prefix, b.dip)))];
  const poll = async (): Promise<void> => {
    for (const id of ids) {
      for (const command of BOARD_POLL) await pollOne(sim, client, command, id);
      for (const pi of [0, 1] as const) for (const command of PI_POLL) await pollOne(sim, client, command, id, pi);
    }
  };
  for (let at = pollMs; at < scenario.durationMs; at += pollMs) sim.hostClock.setTimeout(() => void poll(), at);
}
