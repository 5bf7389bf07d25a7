/**
 * Rewind and undo: keeps the starting point (scenario, seed, lesson or free play) and the log of
 * the student's inputs; records each input at a clean time (inputs.ts), and goes back to any
 * earlier moment by building a new Session from the same start and replaying the log up to it.
 * Inputs after that moment stay scheduled, so running on replays them, until a new input starts
 * a new branch. Browser-safe (the page gives it a host that builds and shows sessions).
 */
import { encodeRequest } from '../../bus-protocol/frame.ts';
import { COMMANDS } from '../../bus-protocol/commands.ts';
import type { ArgsParam } from '../../bus-protocol/types.ts';
import type { TimerHandle } from '../../bus-protocol/clock.ts';
import type { Scenario } from '../../board-model/scenario.ts';
import type { HostExchange, Session } from '../Session.ts';
import { freeInputTime, normalInput, type Input, type PendingInput } from './inputs.ts';
import { applyInput, replayTo } from './replay.ts';

/** A guided lesson's part (fixtures/lessons): the lesson's own run with its pauses, or its exercise. */
export interface GuidedStart {
  /** The lesson file's name, e.g. "02-heartbeat-watchdog.json". */
  readonly file: string;
  readonly exercise: boolean;
  /** The student's prediction to start with (a link carries it); a rebuild keeps the one made. */
  readonly prediction?: string | undefined;
}

/** Where a session starts: a scenario (its stack, profile and seed), run as a lesson or as free play. */
export interface Start {
  readonly scenario: Scenario;
  readonly lesson: boolean;
  /** The scenario file's name (for links and the export), undefined for the page's start stack and an exercise. */
  readonly lessonFile?: string | undefined;
  /** The guided lesson this start runs, if any (its guide is attached to every session built from it). */
  readonly guided?: GuidedStart | undefined;
}

/** What the page gives the rewinder. */
export interface RewindHost {
  /** A new session from a start (not shown yet), about to be replayed to `t` (ms). */
  build(start: Start, t: number): Session;
  /** Show `session` in place of the current one (dispose the old one, bind every panel to it). */
  adopt(session: Session): void;
  /** Draw every panel now. */
  redraw(): void;
  /** The session shown now. */
  current(): Session;
  /** Run `fn` when nothing else moves virtual time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** A rebuilt session has been replayed to `t` (ms): a guided lesson's pauses before t are passed. */
  replayed?(session: Session, t: number): void;
}

/** The input log of the current start, and rewind/undo over it. */
export class Rewinder {
  private log: Input[] = [];
  private future = new Map<Input, TimerHandle>();
  private reached = 0;
  private startValue: Start;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly host: RewindHost, start: Start) {
    this.startValue = start;
  }

  /** The start the log replays from. */
  get start(): Start {
    return this.startValue;
  }

  /** Every recorded input, in time order (some may lie after the current time, after a rewind). */
  get inputs(): readonly Input[] {
    return this.log;
  }

  /** Latest virtual time this start has reached (ms): the scrubber's end. */
  get horizon(): number {
    this.reached = Math.max(this.reached, this.host.current().now);
    return this.reached;
  }

  /** Be told when the log or the start changes; returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A new start (a lesson loaded, back to the start stack): the log begins empty. */
  started(start: Start): void {
    this.startValue = start;
    this.log = [];
    this.future = new Map();
    this.reached = 0;
    this.changed();
  }

  /**
   * Record an input and apply it to the current session at the next clean time (inputs.ts);
   * inputs recorded after that time (after a rewind) are dropped. A host command that cannot be
   * encoded throws and is not recorded. Resolves with the host exchange once it is answered.
   */
  record(pending: PendingInput): Promise<HostExchange | undefined> {
    if (pending.kind === 'host') {
      const fields = (COMMANDS[pending.command].request.length === 0 ? [] : [pending.args]) as ArgsParam<typeof pending.command>;
      encodeRequest(pending.command, pending.id, ...fields); // throws on bad arguments, before anything is recorded
    }
    const session = this.host.current();
    let applied: Promise<HostExchange> | undefined;
    const ready = this.host.exclusive(async () => {
      const at = await freeInputTime(session.sim);
      const input = normalInput({ ...pending, at } as Input);
      applied = applyInput(session, input); // a fault the control surface refuses throws here, unrecorded
      for (const handle of this.future.values()) session.sim.hostClock.clearTimeout(handle);
      this.future = new Map();
      this.log = [...this.log.filter((i) => i.at <= at), input];
      this.changed();
    });
    return ready.then(() => applied);
  }

  /** Go back (or forward, within the log) to virtual time `t` (ms): a new session replayed from the start to t. */
  rewindTo(t: number): Promise<void> {
    return this.rebuild(this.log, Math.max(0, t));
  }

  /** Drop the last input at or before now and rebuild the session to now. */
  undoLast(): Promise<void> {
    const now = this.host.current().now;
    const index = this.log.findLastIndex((i) => i.at <= now);
    return index < 0 ? Promise.resolve() : this.remove(index);
  }

  /** Drop input `index` of the log and rebuild the session to now. */
  remove(index: number): Promise<void> {
    const now = this.host.current().now;
    return this.rebuild(this.log.filter((_, i) => i !== index), now);
  }

  /** Replace start and log (a permalink) and replay to `t` (ms). */
  restore(start: Start, inputs: readonly Input[], t: number): Promise<void> {
    this.startValue = start;
    this.reached = 0;
    return this.rebuild([...inputs].sort((a, b) => a.at - b.at), Math.max(0, t));
  }

  private rebuild(log: Input[], t: number): Promise<void> {
    return this.host.exclusive(async () => {
      this.reached = Math.max(this.reached, this.host.current().now);
      const session = this.host.build(this.startValue, t);
      this.log = log;
      // Panels bind before the replay, so what listens to the bus or the events (the bus monitor) sees the replayed moment too.
      this.host.adopt(session);
      this.future = await replayTo(session, log, t);
      this.host.replayed?.(session, t);
      this.changed();
      this.host.redraw();
    });
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
