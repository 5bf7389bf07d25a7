/**
 * Run a scenario on a simulated stack in virtual time (`pistack sim`): steps at their times
 * (host commands as real frames over the simulated bus, faults through the control surface),
 * optional status polling by the simulated host, then the expectations checked.
 */
import { COMMANDS } from '../../bus-protocol/commands.ts';
import { BoardError, CrcError, NoReplyError } from '../../bus-protocol/errors.ts';
import { StackClient } from '../../bus-protocol/StackClient.ts';
import type { ArgsParam } from '../../bus-protocol/types.ts';
import type { SimEvent } from '../events.ts';
import { boardId } from '../stack.ts';
import type { Scenario } from '../scenario.ts';
import type { HostStep } from '../scenarioSteps.ts';
import { SimStack, type StackSummary } from '../SimStack.ts';
import type { FlashImage } from '../firmware/Flash.ts';
import { checkExpectations, type ExpectationResult } from './expectations.ts';

/** Options of one run; anything given overrides the scenario's own value. */
export interface RunOptions {
  durationMs?: number;
  pollMs?: number;
  seed?: number;
  /** Keep at most this many events in the result (counts stay exact); default unlimited. */
  eventLimit?: number;
  /** Called for each event as it happens. */
  onEvent?: (event: SimEvent) => void;
  /** Flash images per board index (persisted state). */
  flash?: (index: number) => FlashImage | undefined;
  /** Called once the stack is built and started, before virtual time runs (probes, benchmarks). */
  onStart?: (sim: SimStack) => void;
  /** Run virtual time in slices of this many ms (> 0), calling onSlice after each (progress, memory sampling). */
  sliceMs?: number;
  /** Called after each slice of sliceMs with the virtual time reached (ms). */
  onSlice?: (sim: SimStack, virtualMs: number) => void;
}

/** The outcome of a run (`pistack sim --json`, less the wall time the CLI adds). */
export interface RunResult {
  name: string;
  seed: number;
  virtualMs: number;
  events: SimEvent[];
  summary: StackSummary;
  expectations: ExpectationResult[];
  passed: boolean;
  warnings: string[];
}

/** Reads of the host's status poll (FIRMWARE.md-independent, what the original host software polls). */
const BOARD_POLL = ['GET_VIN', 'GET_CIN'] as const;
const PI_POLL = ['GET_PI_POWERED', 'GET_PI_HBT', 'GET_PI_C'] as const;

/** Build the stack, run the scenario to its end, and check its expectations. */
export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const seed = options.seed ?? scenario.seed;
  const durationMs = options.durationMs ?? scenario.durationMs;
  const pollMs = options.pollMs ?? scenario.pollMs;
  const sim = new SimStack({
    stack: scenario.stack, profile: scenario.profile, seed,
    ...(options.eventLimit === undefined ? {} : { eventLimit: options.eventLimit }),
    ...(options.flash ? { flash: options.flash } : {}),
  });
  if (options.onEvent) sim.events.subscribe(options.onEvent);
  // The simulated host behaves like the original host library: no retries (PROTOCOL.md section 8).
  const client = new StackClient(sim.host, { clock: sim.hostClock, retries: 0, hardwareVersion: scenario.profile.hardwareVersion });
  sim.start();

  for (const step of scenario.steps) {
    sim.hostClock.setTimeout(() => {
      if (step.kind === 'host') void hostStep(sim, client, step);
      else sim.control.inject(step.fault, { ...(step.board === undefined ? {} : { board: step.board }), ...(step.pi === undefined ? {} : { pi: step.pi }), ...(step.value === undefined ? {} : { value: step.value }) });
    }, step.atMs);
  }
  if (pollMs !== undefined && pollMs > 0) schedulePolls(sim, client, pollMs, durationMs);
  options.onStart?.(sim);

  const slice = options.sliceMs !== undefined && options.sliceMs > 0 ? options.sliceMs : durationMs;
  for (let t = Math.min(slice, durationMs); ; t = Math.min(t + slice, durationMs)) {
    await sim.runUntil(t);
    options.onSlice?.(sim, t);
    if (t >= durationMs) break;
  }
  const s = client.stats;
  Object.assign(sim.hostCounters, { frames: s.requests, replies: s.replies, crcErrors: s.crcErrors, timeouts: s.timeouts });
  const summary = sim.summary();
  const expectations = checkExpectations(scenario.expect, sim.events.events);
  sim.stop();
  return {
    name: scenario.name, seed, virtualMs: durationMs, events: sim.events.events, summary, expectations,
    passed: expectations.every((e) => e.passed), warnings: [...(scenario.warnings ?? []), ...sim.warnings],
  };
}

async function hostStep(sim: SimStack, client: StackClient, step: HostStep): Promise<void> {
  const t = () => sim.clock.now();
  try {
    const args = (COMMANDS[step.command].request.length === 0 ? [] : [step.args]) as ArgsParam<typeof step.command>;
    const payload = await client.request(step.command, step.id, ...args);
    sim.events.add({ t: t(), type: 'host-reply', id: step.id, ...piOf(step), command: step.command, payload: plain(payload) });
  } catch (e) {
    recordFailure(sim, step.id, step.command, e, piOf(step));
  }
}

function schedulePolls(sim: SimStack, client: StackClient, pollMs: number, durationMs: number): void {
  const ids = [...new Set(sim.options.stack.boards.map((b) => boardId(b.prefix, b.dip)))];
  const poll = async (): Promise<void> => {
    for (const id of ids) {
      for (const command of BOARD_POLL) await pollOne(sim, client, command, id);
      for (const pi of [0, 1] as const) for (const command of PI_POLL) await pollOne(sim, client, command, id, pi);
    }
  };
  for (let at = pollMs; at < durationMs; at += pollMs) sim.hostClock.setTimeout(() => void poll(), at);
}

async function pollOne(sim: SimStack, client: StackClient, command: (typeof BOARD_POLL)[number] | (typeof PI_POLL)[number], id: number, pi?: 0 | 1): Promise<void> {
  try {
    if (pi === undefined) await client.request(command as (typeof BOARD_POLL)[number], id);
    else await client.request(command as (typeof PI_POLL)[number], id, { pi });
  } catch (e) {
    recordFailure(sim, id, command, e, pi === undefined ? {} : { pi });
  }
}

function recordFailure(sim: SimStack, id: number, command: string, error: unknown, pi: { pi?: 0 | 1 }): void {
  const t = sim.clock.now();
  if (error instanceof NoReplyError) sim.events.add({ t, type: 'host-timeout', id, ...pi, command, ...sim.explainNoReply(id) });
  else if (error instanceof BoardError) sim.events.add({ t, type: 'host-error', id, ...pi, command, code: error.code, message: error.message });
  else if (error instanceof CrcError) sim.events.add({ t, type: 'host-error', id, ...pi, command, reason: 'crc', message: error.message });
  else sim.events.add({ t, type: 'host-error', id, ...pi, command, message: error instanceof Error ? error.message : String(error) });
}

function piOf(step: HostStep): { pi?: 0 | 1 } {
  const pi = step.args['pi'];
  return pi === 0 || pi === 1 ? { pi } : {};
}

function plain(payload: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload)) out[k] = v instanceof Uint8Array ? Array.from(v) : v;
  return out;
}

