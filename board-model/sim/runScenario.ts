/**
 * Run a scenario on a simulated stack in virtual time (`pistack sim`): steps at their times
 * (host commands as real frames over the simulated bus, faults through the control surface),
 * optional status polling by the simulated host, then the expectations checked.
 *
 * Memory is bounded by the stack, not by the scenario or the run's length: one timer for the
 * next step, one for the next poll, host steps sent one at a time in order (a step that is due
 * while the host is still busy waits its turn, and one still waiting at the end is reported as
 * unsent, never dropped silently), expectations checked as events happen, and at most
 * `eventLimit` events kept for the result.
 */
import { COMMANDS } from '../../bus-protocol/commands.ts';
import { BoardError, CrcError, NoReplyError } from '../../bus-protocol/errors.ts';
import { StackClient } from '../../bus-protocol/StackClient.ts';
import type { ArgsParam } from '../../bus-protocol/types.ts';
import type { SimEvent } from '../events.ts';
import type { Scenario } from '../scenario.ts';
import type { HostStep, ScenarioStep } from '../scenarioSteps.ts';
import { SimStack, type StackSummary } from '../SimStack.ts';
import type { FlashImage } from '../firmware/Flash.ts';
import { ExpectationTracker, type ExpectationResult } from './expectations.ts';
import { BOARD_POLL, PI_POLL, pollIds, pollProblem } from './pollCycle.ts';

/** Events a result keeps unless told otherwise (`pistack sim --json`); later ones are only counted. */
export const DEFAULT_EVENT_LIMIT = 100_000;

/** Options of one run; anything given overrides the scenario's own value. */
export interface RunOptions {
  durationMs?: number;
  /** Poll interval (ms): 0 is no polling; otherwise at least one poll cycle (pollCycle.ts). */
  pollMs?: number;
  seed?: number;
  /** Keep at most this many events in the result, the first ones (counts stay exact); default DEFAULT_EVENT_LIMIT. */
  eventLimit?: number;
  /** Called for each event as it happens. */
  onEvent?: (event: SimEvent) => void;
  /** Flash images per board index (persisted state). */
  flash?: (index: number) => FlashImage | undefined;
  /** Called once the stack is built and started, before virtual time runs (probes, benchmarks). */
  onStart?: (sim: SimStack) => void;
  /** Run virtual time in slices of this many ms (> 0), calling onSlice after each (progress, memory sampling). */
  sliceMs?: number;
  /** Also end a slice after this many timers (> 0), so a caller can yield to its event loop during a long run. */
  sliceTimers?: number;
  /** Called after each slice with the virtual time reached (ms); a returned promise is awaited. */
  onSlice?: (sim: SimStack, virtualMs: number) => void | Promise<void>;
  /** Stop at the end of the current slice (Ctrl-C): the result holds the run so far, `interrupted` set. */
  signal?: { readonly aborted: boolean };
}

/** A scenario step in a report: its index in `steps`, time (ms) and what it does. */
export interface StepRef {
  index: number;
  atMs: number;
  step: string;
}

/** Steps the run could not carry out: host steps still waiting for the bus at the end, steps after the end. */
export interface UnsentSteps {
  count: number;
  first?: StepRef;
  last?: StepRef;
}

/** The outcome of a run (`pistack sim --json`, less the wall time the CLI adds). */
export interface RunResult {
  name: string;
  seed: number;
  /** Virtual time run (ms): the duration, or less when interrupted. */
  virtualMs: number;
  /** The first eventLimit events. */
  events: SimEvent[];
  /** Events not kept in `events` (counted in the summary all the same). */
  eventsTruncated: number;
  summary: StackSummary;
  expectations: ExpectationResult[];
  passed: boolean;
  warnings: string[];
  /** Scenario steps never sent or injected, never silently dropped. */
  unsent: UnsentSteps;
  /** Poll ticks skipped because the previous poll was still running (boards not answering). */
  pollsSkipped: number;
  /** The run was stopped by `signal` before its end; expectations were not checked. */
  interrupted: boolean;
}

function describeStep(step: ScenarioStep): string {
  if (step.kind === 'fault') return `fault ${step.fault}${step.id === undefined ? '' : ` id ${step.id}`}${step.pi === undefined ? '' : ` pi ${step.pi}`}`;
  return `${step.command} id ${step.id}${step.args['pi'] === undefined ? '' : ` pi ${step.args['pi']}`}`;
}

/** Build the stack, run the scenario to its end, and check its expectations. */
export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const seed = options.seed ?? scenario.seed;
  const durationMs = options.durationMs ?? scenario.durationMs;
  const pollMs = options.pollMs ?? scenario.pollMs ?? 0;
  const problem = pollProblem(pollMs, scenario.stack, scenario.profile);
  if (problem !== undefined) throw new RangeError(`poll: ${problem}`);
  // The stack keeps no events: this run keeps the first eventLimit itself and checks expectations as they come.
  const sim = new SimStack({ stack: scenario.stack, profile: scenario.profile, seed, eventLimit: 0, ...(options.flash ? { flash: options.flash } : {}) });
  const limit = options.eventLimit ?? DEFAULT_EVENT_LIMIT;
  const events: SimEvent[] = [];
  let eventsTruncated = 0;
  const tracker = new ExpectationTracker(scenario.expect);
  const record = (event: SimEvent): void => {
    if (events.length < limit) events.push(event);
    else eventsTruncated++;
    tracker.observe(event);
    options.onEvent?.(event);
  };
  // The stack logged its load-time warnings while it was built, before anyone could listen.
  for (const message of sim.warnings) record({ t: sim.clock.now(), type: 'warning', message });
  const unsubscribe = sim.events.subscribe(record);
  // The simulated host behaves like the original host library: no retries (PROTOCOL.md section 8).
  const client = new StackClient(sim.host, { clock: sim.hostClock, retries: 0, hardwareVersion: scenario.profile.hardwareVersion });
  sim.start();
  const host = new StepRunner(sim, client, scenario.steps);
  const polls = pollMs > 0 ? new Poller(sim, client, pollMs, durationMs) : undefined;
  options.onStart?.(sim);

  const slice = options.sliceMs !== undefined && options.sliceMs > 0 ? options.sliceMs : durationMs;
  const sliceTimers = options.sliceTimers !== undefined && options.sliceTimers > 0 ? options.sliceTimers : Number.POSITIVE_INFINITY;
  let interrupted = false;
  for (let t = Math.min(slice, durationMs); ; ) {
    const reached = await sim.runSlice(t, sliceTimers);
    await options.onSlice?.(sim, reached ? t : sim.clock.now());
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    if (!reached) continue;
    if (t >= durationMs) break;
    t = Math.min(t + slice, durationMs);
  }
  // Nothing runs after the summary: no more steps or polls, then the stack and the host stop.
  host.stop();
  polls?.stop();
  const s = client.stats;
  Object.assign(sim.hostCounters, { frames: s.requests, replies: s.replies, crcErrors: s.crcErrors, timeouts: s.timeouts });
  const summary = sim.summary();
  const expectations = interrupted ? [] : tracker.results();
  unsubscribe();
  sim.stop();
  return {
    name: scenario.name, seed, virtualMs: sim.clock.now(), events, eventsTruncated, summary, expectations,
    passed: !interrupted && expectations.every((e) => e.passed), warnings: [...(scenario.warnings ?? []), ...sim.warnings],
    unsent: host.unsent(), pollsSkipped: polls?.skipped ?? 0, interrupted,
  };
}

/**
 * The scenario's steps in order with one timer at a time: faults injected at their time, host
 * steps queued at their time and sent one after another (a real host sends one request at a time).
 */
class StepRunner {
  private next = 0; // first step not yet due
  private sending = 0; // first host step not yet sent (steps before it that are faults are skipped)
  private busy = false;
  private stopped = false;

  constructor(private readonly sim: SimStack, private readonly client: StackClient, private readonly steps: readonly ScenarioStep[]) {
    this.arm();
  }

  stop(): void {
    this.stopped = true;
  }

  /** Steps not carried out: host steps not sent yet, and every step not yet due. */
  unsent(): UnsentSteps {
    const refs: number[] = [];
    let count = 0;
    for (let i = this.sending; i < this.steps.length; i++) {
      if (i < this.next && this.steps[i]!.kind === 'fault') continue;
      if (count++ === 0) refs.push(i);
      else refs[1] = i;
    }
    const ref = (i: number | undefined): StepRef | undefined => {
      if (i === undefined) return undefined;
      const step = this.steps[i]!;
      return { index: i, atMs: step.atMs, step: describeStep(step) };
    };
    const first = ref(refs[0]);
    const last = ref(refs[1] ?? refs[0]);
    return { count, ...(first ? { first } : {}), ...(last ? { last } : {}) };
  }

  private arm(): void {
    const step = this.steps[this.next];
    if (step === undefined) return;
    this.sim.hostClock.setTimeout(() => this.due(), Math.max(0, step.atMs - this.sim.clock.now()));
  }

  private due(): void {
    if (this.stopped) return;
    const now = this.sim.clock.now();
    // In file order: a host step starts its request (or queues behind the one on the bus) before a later fault acts.
    for (let step = this.steps[this.next]; step !== undefined && step.atMs <= now; step = this.steps[this.next]) {
      this.next++;
      if (step.kind === 'host') void this.send();
      else this.sim.control.inject(step.fault, { ...(step.board === undefined ? {} : { board: step.board }), ...(step.pi === undefined ? {} : { pi: step.pi }), ...(step.value === undefined ? {} : { value: step.value }) });
    }
    this.arm();
  }

  private async send(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    while (!this.stopped) {
      while (this.sending < this.next && this.steps[this.sending]!.kind === 'fault') this.sending++;
      if (this.sending >= this.next) break;
      const step = this.steps[this.sending++] as HostStep;
      await hostStep(this.sim, this.client, step);
    }
    this.busy = false;
  }
}

/** The host's status poll every pollMs (ms), one poll at a time: a tick that finds the last poll still running is skipped. */
class Poller {
  skipped = 0;
  private running = false;
  private stopped = false;
  private readonly ids: number[];

  constructor(private readonly sim: SimStack, private readonly client: StackClient, private readonly pollMs: number, private readonly durationMs: number) {
    this.ids = pollIds(sim.options.stack);
    this.arm(pollMs);
  }

  stop(): void {
    this.stopped = true;
  }

  private arm(at: number): void {
    if (at >= this.durationMs) return;
    this.sim.hostClock.setTimeout(() => {
      if (this.stopped) return;
      this.arm(at + this.pollMs);
      if (this.running) this.skipped++;
      else void this.poll();
    }, at - this.sim.clock.now());
  }

  private async poll(): Promise<void> {
    this.running = true;
    for (const id of this.ids) {
      for (const command of BOARD_POLL) if (!this.stopped) await pollOne(this.sim, this.client, command, id);
      for (const pi of [0, 1] as const) for (const command of PI_POLL) if (!this.stopped) await pollOne(this.sim, this.client, command, id, pi);
    }
    this.running = false;
  }
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

