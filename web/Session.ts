/**
 * One run of a stack on the page: the simulated stack, its host client, and, for a lesson,
 * the scenario's steps and (once its duration has run) its expectations' verdicts. Loading a
 * lesson or resetting builds a new Session; the old one is disposed. Browser-safe.
 */
import { COMMANDS, type CommandName } from '../bus-protocol/commands.ts';
import { encodeRequest } from '../bus-protocol/frame.ts';
import { StackClient } from '../bus-protocol/StackClient.ts';
import type { ArgsParam } from '../bus-protocol/types.ts';
import type { RawOutcome } from '../bus-protocol/BusClient.ts';
import type { InspectionHook } from '../board-model/Board.ts';
import type { Scenario } from '../board-model/scenario.ts';
import { checkExpectations, type ExpectationResult } from '../board-model/sim/expectations.ts';
import { SimStack } from '../board-model/SimStack.ts';
import { plainPayload, recordHostFailure, scheduleScenario } from './lessonSteps.ts';
import type { Input, PendingInput } from './rewind/inputs.ts';
import { applyInput } from './rewind/replay.ts';

/** One host command sent from the page: what went out and what came back. */
export interface HostExchange {
  readonly command: CommandName;
  readonly id: number;
  /** The request frame as sent (bytes). */
  readonly request: Uint8Array;
  /** Virtual time the request was sent (ms). */
  readonly sentAt: number;
  readonly outcome: RawOutcome<CommandName>;
}

/** How to build a session. */
export interface SessionOptions {
  readonly scenario: Scenario;
  /** Run the scenario's steps and check its expectations at its end. */
  readonly lesson: boolean;
  /** XState inspection hook for every actor (live charts). */
  readonly inspect?: InspectionHook;
}

/** What may stop virtual time at an event (a guided lesson's pauses: web/lessons/LessonRunner.ts). */
export interface TimeGuard {
  /** True while a pause may still come: time then moves from one timer to the next, never past an event. */
  readonly watching: boolean;
  /** True while a pause waits (time must not move). */
  readonly halted: boolean;
}

/** Events kept in memory per session: plenty for any lesson's expectations. */
const EVENT_LIMIT = 100_000;

/** A live stack on the page. */
export class Session {
  readonly sim: SimStack;
  readonly client: StackClient;
  readonly scenario: Scenario;
  readonly lesson: boolean;
  /** Expectation verdicts, once a lesson's duration has run. */
  verdicts: ExpectationResult[] | undefined;
  private readonly verdictListeners = new Set<(verdicts: ExpectationResult[]) => void>();
  /** A guided lesson's pauses, if any (set by the page after building the session). */
  guide: TimeGuard | undefined;
  /** Where the student's inputs go to be recorded (web/rewind/Rewinder.ts); without one they act at once, unrecorded. */
  inputSink: ((input: PendingInput) => Promise<HostExchange | undefined>) | undefined;

  constructor(options: SessionOptions) {
    const { scenario } = options;
    this.scenario = scenario;
    this.lesson = options.lesson;
    this.sim = new SimStack({
      stack: scenario.stack, profile: scenario.profile, seed: scenario.seed, eventLimit: EVENT_LIMIT,
      ...(options.inspect ? { inspect: options.inspect } : {}),
    });
    // Like the original host library and `pistack sim`: no retries, so what the bus does is what the page shows.
    this.client = new StackClient(this.sim.host, {
      clock: this.sim.hostClock, retries: 0, hardwareVersion: scenario.profile.hardwareVersion, errorLogSize: scenario.profile.errorLog.size,
    });
    this.sim.start();
    if (this.lesson) scheduleScenario(this.sim, this.client, scenario);
  }

  /** Virtual time now (ms). */
  get now(): number {
    return this.sim.clock.now();
  }

  /** Where virtual time should stop by itself: a lesson's end until its verdicts are in (ms). */
  get stopAt(): number | undefined {
    return this.lesson && this.verdicts === undefined ? this.scenario.durationMs : undefined;
  }

  /**
   * Run virtual time to `t` (ms), but with a guide watching, timer by timer, stopping at the
   * exact time of the first event it pauses on (all timers of that instant have run, none
   * later). Returns true when it stopped for a pause (now < t possible), false at `t`.
   */
  async runTo(t: number): Promise<boolean> {
    const guide = this.guide;
    if (guide?.halted) return true;
    if (!guide?.watching) {
      await this.sim.runUntil(t);
      return false;
    }
    for (;;) {
      const next = this.sim.clock.next();
      const to = next === undefined || next > t ? t : Math.max(next, this.now);
      await this.sim.runUntil(to);
      if (guide.halted) return true;
      if (to >= t) return false;
      if (!guide.watching) {
        await this.sim.runUntil(t);
        return false;
      }
    }
  }

  /** Call after time advanced: checks a lesson's expectations once its duration has run. */
  afterAdvance(): void {
    if (!this.lesson || this.verdicts !== undefined || this.now < this.scenario.durationMs) return;
    const verdicts = checkExpectations(this.scenario.expect, this.sim.events.events);
    this.verdicts = verdicts;
    for (const listener of this.verdictListeners) listener(verdicts);
  }

  /** Be told when a lesson's verdicts are in; returns an unsubscribe function. */
  onVerdicts(listener: (verdicts: ExpectationResult[]) => void): () => void {
    this.verdictListeners.add(listener);
    return () => this.verdictListeners.delete(listener);
  }

  /**
   * Send one command as a real frame (no retries) and report the exchange; the outcome also goes
   * to the event log as host-reply, host-error or host-timeout. Resolves as virtual time runs.
   */
  async send<N extends CommandName>(command: N, id: number, args: Record<string, number>): Promise<HostExchange> {
    const fields = (COMMANDS[command].request.length === 0 ? [] : [args]) as ArgsParam<N>;
    const request = encodeRequest(command, id, ...fields);
    const sentAt = this.now;
    const outcome = await this.client.requestRaw(request, command);
    const pi = args['pi'] === 0 || args['pi'] === 1 ? args['pi'] : undefined;
    if (outcome.kind === 'failed') recordHostFailure(this.sim, id, command, outcome.error, pi);
    else if (outcome.frame.status === 'error') {
      this.sim.events.add({ t: this.now, type: 'host-error', id, ...(pi === undefined ? {} : { pi }), command, code: outcome.frame.code });
    } else {
      this.sim.events.add({ t: this.now, type: 'host-reply', id, ...(pi === undefined ? {} : { pi }), command, payload: plainPayload(outcome.frame.payload) });
    }
    return { command, id, request, sentAt, outcome: outcome as RawOutcome<CommandName> };
  }

  /**
   * A student's input from the page (host panel, fault panel): recorded in the input log (rewind,
   * undo, links, export) and applied; resolves with the host exchange for a host command.
   */
  input(input: PendingInput): Promise<HostExchange | undefined> {
    if (this.inputSink) return this.inputSink(input);
    return Promise.resolve(applyInput(this, { ...input, at: this.now } as Input));
  }

  /** Stop every machine; the session is not used afterwards. */
  dispose(): void {
    this.verdictListeners.clear();
    this.sim.stop();
  }
}
