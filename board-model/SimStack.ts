/**
 * A whole simulated stack: boards on one RS-485 bus with a host adapter, one virtual clock,
 * one event log, and the control surface. Hours of stack time run in seconds, and every run
 * with the same seed is identical.
 */
import type { Clock, TimerHandle } from '../bus-protocol/clock.ts';
import { hexByte } from '../bus-protocol/hex.ts';
import { Board, type InspectionHook, type PiAccount } from './Board.ts';
import { EventLog } from './events.ts';
import type { FlashImage } from './firmware/Flash.ts';
import { HostAdapter } from './HostAdapter.ts';
import { NoReplyTracer, type NoReplyExplanation } from './noReplyCause.ts';
import { PulseTrains } from './pulseTrains.ts';
import { ReceiverFanout } from './ReceiverFanout.ts';
import { BUILTIN_PROFILES, V4_REFERENCE } from './profiles.ts';
import type { FirmwareProfile } from './profileSchema.ts';
import { createRandom } from './random.ts';
import { Rs485Bus } from './Rs485Bus.ts';
import { formatDuration } from './duration.ts';
import { boardIdOf } from './firmware/dispatch.ts';
import { boardId, MASTER_ADDRESS, stackWarnings, type Stack } from './stack.ts';
import { StackControl } from './StackControl.ts';
import { VirtualClock } from './VirtualClock.ts';
import { DEFAULT_BUDGET, runawayError, type Overrun } from './sim/runawayGuard.ts';

/** How to build a simulated stack. */
export interface SimStackOptions {
  stack: Stack;
  /** Profile of boards that name none (default v4-reference). */
  profile?: FirmwareProfile;
  /** Profiles boards may name (default the built-in ones). */
  profiles?: Readonly<Record<string, FirmwareProfile>>;
  /** Seed of every random stream (default: the stack's seed, else 1). */
  seed?: number;
  /** Start time of the virtual clock (ms). */
  startMs?: number;
  /** Flash images per board index (serve --state). */
  flash?: (index: number) => FlashImage | undefined;
  /** Keep at most this many events in memory (counts stay exact). */
  eventLimit?: number;
  /** XState inspection callback for every actor of every board (model coverage, live charts). */
  inspect?: InspectionHook;
  /** USB adapter latency of the simulated host adapter (ms). */
  hostLatencyMs?: number;
  /**
   * Lets the embedding runtime breathe during a long settle() (a replay of hours): awaited every
   * YIELD_TIMERS timers, e.g. `() => new Promise((r) => setImmediate(r))` in Node, so signals
   * (Ctrl-C) are handled. Default: never yields.
   */
  yieldToHost?: () => Promise<void>;
  /** Runaway guard: most timers fired and events logged in one virtual second before the run stops (defaults: sim/runawayGuard.ts). */
  budget?: { timersPerS?: number; eventsPerS?: number };
}

/** settle() yields to the host runtime (SimStackOptions.yieldToHost) after this many timers. */
const YIELD_TIMERS = 20_000;

/** Most lazy heartbeat trains and watchdog chains settle() steps through; more, and heartbeats run on timers from then on. */
const SETTLE_LAZY_MAX = 16;

/** settle() without a limit gives up once host code has had no timer pending for this long (ms of virtual time). */
export const HOST_IDLE_LIMIT_MS = 3_600_000;

/** Per-Pi, per-board and bus figures of a run (`pistack sim` summary). */
export interface StackSummary {
  /** Every port that held a Pi during the run (`plugged`: still at the end); `model` is the last one plugged. */
  pis: Array<{ id: number; pi: 0 | 1; board: number; model: string; plugged: boolean; powerCycles: number; unsafePowerLosses: number; uptimeS: number; energyWh: number }>;
  /** MCU boots and errors logged (counted codes) during the run, from the MCU's events. */
  boards: Array<{ id: number; board: number; boots: number; errorsLogged: number }>;
  bus: { frames: number; replies: number; crcErrors: number; collisions: number; timeouts: number };
}

/** Host-side counters the stack cannot see itself (filled by whoever drives the host). */
export interface HostCounters {
  frames: number;
  replies: number;
  crcErrors: number;
  timeouts: number;
}

const SETTLED = Promise.resolve();

/**
 * Drain pending promise continuations: host code awaiting a reply runs before time moves on.
 * 64 microtask turns, as a chain of reactions: the same turns as 64 awaits, at half the cost.
 */
function drainMicrotasks(): Promise<void> {
  return chain(64);
}

/** A chain of `turns` promise reactions on a settled promise: awaiting it lets that many microtask turns pass. */
function chain(turns: number): Promise<void> {
  let p = SETTLED;
  for (let i = 0; i < turns; i++) p = p.then();
  return p;
}

/** Turns drainHost gives host code between checks whether it has parked (set a timer). */
const PARK_CHECK_TURNS = 8;
/** Turns drainHost still gives once host code has parked: its other continuations finish. */
const AFTER_PARK_TURNS = 16;

/** A simulated stack of Pi Stack boards in virtual time. */
export class SimStack {
  readonly clock: VirtualClock;
  readonly bus: Rs485Bus;
  readonly host: HostAdapter;
  readonly boards: Board[];
  readonly events: EventLog;
  readonly control: StackControl;
  readonly warnings: string[];
  readonly seed: number;
  /** A clock for host-side code (the client): its timers wake host code in runUntil. */
  readonly hostClock: Clock;
  readonly hostCounters: HostCounters = { frames: 0, replies: 0, crcErrors: 0, timeouts: 0 };
  private hostWoken = false;
  /** Host timers set so far (host code that sets one has parked: it waits for time to pass). */
  private hostTimersSet = 0;
  /** Host timers set and neither fired nor cleared: host code is waiting on something. */
  private hostTimersPending = 0;
  /** Host timers set for +Infinity and not cleared: they never fire, but host code waits on them too. */
  private readonly hostTimersNever = new Set<TimerHandle>();
  private readonly budget: { timersPerS: number; eventsPerS: number };
  private timerSecond = Number.NaN;
  private timersLeft = 0;
  private eventSecond = Number.NaN;
  private eventsLeft = 0;
  private overrun: Overrun | undefined;
  private stopped = false;
  private supplyVolts: number;
  private lastTarget: number | undefined;
  private readonly tracer: NoReplyTracer;

  constructor(readonly options: SimStackOptions) {
    const { stack } = options;
    const profiles = options.profiles ?? BUILTIN_PROFILES;
    const defaultProfile = options.profile ?? V4_REFERENCE;
    this.seed = options.seed ?? stack.seed ?? 1;
    const random = createRandom(this.seed);
    this.clock = new VirtualClock(options.startMs ?? 0);
    this.budget = { ...DEFAULT_BUDGET, ...options.budget };
    this.events = new EventLog(options.eventLimit);
    this.events.subscribe((event) => {
      if (--this.eventsLeft >= 0) return;
      const second = Math.floor(event.t / 1000);
      if (second === this.eventSecond) this.overrun ??= { kind: 'events', budget: this.budget.eventsPerS, event };
      this.eventSecond = second;
      this.eventsLeft = this.budget.eventsPerS - 1;
    });
    this.supplyVolts = stack.supplyVolts;
    const busProfile = defaultProfile.bus;
    this.bus = new Rs485Bus({ clock: this.clock, baud: busProfile.baud, bitsPerByte: busProfile.bitsPerByte, random: random.fork('bus') });
    this.host = new HostAdapter({ bus: this.bus, latencyMs: options.hostLatencyMs ?? 0, echo: busProfile.echo });
    this.host.onData(() => {
      this.hostWoken = true;
    });
    // The boards hear the bus through one fan-out (after the host, as they were attached):
    // a frame costs the boards it concerns, not all of them.
    const fanout = new ReceiverFanout();
    this.bus.attach('board receivers', (delivery) => fanout.deliver(delivery));
    this.boards = stack.boards.map(
      (spec, index) =>
        new Board({
          index, spec, profile: spec.profile ? profiles[spec.profile] ?? defaultProfile : defaultProfile,
          clock: this.clock, bus: this.bus, random: random.fork(`board ${index}`), events: this.events,
          supplyVolts: this.supplyVolts, fanout, ...(options.flash?.(index) ? { flash: options.flash(index)! } : {}),
          ...(options.inspect ? { inspect: options.inspect } : {}),
        }),
    );
    this.control = new StackControl(this.boards, this.bus, this.clock, this.events, (v) => this.setSupply(v));
    this.warnings = stackWarnings(stack);
    for (const warning of this.warnings) this.events.add({ t: this.clock.now(), type: 'warning', message: warning });
    this.tracer = new NoReplyTracer(this.boards, 'host');
    for (const board of this.boards) this.watchBoard(board, boardId(stack.boards[board.index]!.prefix, stack.boards[board.index]!.dip));
    this.hostClock = {
      now: () => this.clock.now(),
      setTimeout: (fn, ms) => {
        this.hostTimersSet++;
        const handle = this.clock.setTimeout(() => {
          this.hostTimersPending--;
          this.hostWoken = true;
          fn();
        }, ms);
        // A timer that never fires (+Infinity) is not pending on the clock: it is kept apart.
        if (this.clock.isPending(handle)) this.hostTimersPending++;
        else this.hostTimersNever.add(handle);
        return handle;
      },
      clearTimeout: (h: TimerHandle) => {
        if (this.clock.isPending(h)) this.hostTimersPending--;
        else this.hostTimersNever.delete(h);
        this.clock.clearTimeout(h);
      },
    };
    this.bus.onTransmission((t) => {
      this.tracer.transmission(t);
      if (t.from === 'host') {
        this.lastTarget = t.bytes[1];
        return;
      }
      if (t.collided) this.events.add({ t: t.end, type: 'collision', ...(this.lastTarget === undefined ? {} : { id: this.lastTarget }) });
    });
  }

  /** Start every board (MCUs boot from the supply). */
  start(): this {
    for (const board of this.boards) board.start();
    return this;
  }

  /** Stop every machine; a settle() still running gives up. */
  stop(): void {
    this.stopped = true;
    for (const board of this.boards) board.stop();
    void this.host.close();
  }

  /** The shared input supply (V). */
  get supply(): number {
    return this.supplyVolts;
  }

  /** Boards currently answering to an ID (two or more: a duplicate DIP setting). */
  boardsWithId(id: number): Board[] {
    return this.boards.filter((b) => b.id === id);
  }

  /** Host code has a timer pending (a reply deadline, a sleep): it is waiting for virtual time to pass. */
  get hostWaiting(): boolean {
    return this.hostTimersPending > 0 || this.hostTimersNever.size > 0;
  }

  /**
   * Fire the next timer due at or before t (ms), under the runaway guard: more timers fired or
   * events logged in one virtual second than the budget throws a RunawayError naming the machine.
   */
  step(t: number): boolean {
    if (!this.clock.runNextUntil(t)) return false;
    this.countTimer();
    return true;
  }

  /** The runaway guard's count of one timer fired now (or of a lazy heartbeat event, which a timer would have been). */
  private countTimer(): void {
    if (--this.timersLeft < 0) {
      const second = Math.floor(this.clock.now() / 1000);
      if (second === this.timerSecond) this.overrun ??= { kind: 'timers', budget: this.budget.timersPerS };
      this.timerSecond = second;
      this.timersLeft = this.budget.timersPerS - 1;
    }
    if (this.overrun) throw runawayError(this.boards, this.overrun, this.clock.now());
  }

  /**
   * settle()'s step: as step(t), but a lazy heartbeat event (an edge, a watchdog re-arm:
   * pulseTrains.ts) due before the next timer is a step of its own, as its timer would be:
   * settle's give-up rules count time between steps. Nothing fires for it.
   */
  private settleStep(t: number, trains: PulseTrains | undefined): boolean {
    const lazy = trains?.nextEvent();
    const real = this.clock.next();
    // At the same time, a timer that exists comes first (pulseTrains.ts, exactness).
    if (lazy === undefined || lazy.at > t || (real !== undefined && real <= lazy.at)) return this.step(t);
    this.clock.advanceTo(lazy.at);
    for (let i = 0; i < lazy.count; i++) this.countTimer();
    return true;
  }

  /**
   * Advance virtual time to `t` (ms), firing timers in order and letting host code that was
   * woken (a reply arrived, a host timer fired) run before time moves on.
   */
  async runUntil(t: number): Promise<void> {
    await this.runSlice(t);
  }

  /**
   * As runUntil(t), but stops early after `maxTimers` timers (a slice of a long run, so the
   * caller can yield to its event loop) and returns false; true once time reached t (ms).
   */
  async runSlice(t: number, maxTimers = Number.POSITIVE_INFINITY): Promise<boolean> {
    await drainMicrotasks();
    let left = maxTimers;
    for (;;) {
      left -= this.stepUntilWake(t, left);
      if (!this.stepWoke) break;
      // Host code woke (the last timer fired woke it):
      this.hostWoken = false;
      await this.drainHost();
      if (left <= 0 && this.clock.next() !== undefined && (this.clock.next() as number) <= t) return false;
    }
    if (left <= 0 && this.clock.next() !== undefined && (this.clock.next() as number) <= t) return false;
    this.clock.advanceTo(Math.max(t, this.clock.now()));
    await drainMicrotasks();
    return true;
  }

  /**
   * runSlice's inner loop, kept out of the async function: fire timers due by t until one wakes
   * host code (stepWoke is then true) or none is left, or `left` timers have fired. Returns the
   * number of timers fired (no result object per wake-up: the simulator wakes the host for
   * every reply).
   */
  private stepUntilWake(t: number, left: number): number {
    this.stepWoke = false;
    let count = 0;
    while (count < left && this.step(t)) {
      count++;
      if (this.hostWoken) {
        this.stepWoke = true;
        return count;
      }
    }
    return count;
  }

  /** The last stepUntilWake() ended because host code woke. */
  private stepWoke = false;

  /** Advance virtual time by `ms`. */
  async runFor(ms: number): Promise<void> {
    await this.runUntil(this.clock.now() + ms);
  }

  /**
   * Run virtual time until `promise` settles (host code waiting on the simulated bus) and
   * return its value or rethrow its error. Virtual time has no ceiling: a replay of any length
   * runs. Given `limitMs`, gives up after that much virtual time; without it, gives up only when
   * the promise can no longer settle: nothing is pending at all, or host code has had no timer
   * pending for HOST_IDLE_LIMIT_MS (it waits for bytes that never come). Lazy heartbeat events
   * count as steps, as the timers they stand for would (settleStep).
   */
  async settle<T>(promise: Promise<T>, limitMs?: number): Promise<T> {
    const trains = PulseTrains.of(this.clock);
    let done = false;
    promise.then(() => (done = true), () => (done = true));
    const end = limitMs === undefined ? Number.POSITIVE_INFINITY : this.clock.now() + limitMs;
    let idleSince = this.clock.now();
    let untilYield = YIELD_TIMERS;
    await drainMicrotasks();
    while (!done) {
      if (this.stopped) throw new Error('simulation: stopped while host work was running');
      if (--untilYield <= 0 && this.options.yieldToHost) {
        untilYield = YIELD_TIMERS;
        await this.options.yieldToHost();
        continue;
      }
      if (this.hostWaiting) idleSince = this.clock.now();
      const idleEnd = this.hostWaiting ? Number.POSITIVE_INFINITY : idleSince + HOST_IDLE_LIMIT_MS;
      // Finding the next lazy event looks at every lazy train: for a big stack, timers are cheaper.
      if (trains !== undefined && trains.size > SETTLE_LAZY_MAX) trains.setEager(true);
      if (!this.settleStep(Math.min(end, idleEnd), trains)) {
        const real = this.clock.next();
        const lazy = trains?.nextEvent()?.at;
        const next = real === undefined ? lazy : lazy === undefined ? real : Math.min(real, lazy);
        if (next !== undefined && next > end) throw new Error(`simulation: nothing settled within ${limitMs} ms of virtual time`);
        const why = next === undefined ? 'nothing is left to happen' : `the host had no timer pending for ${formatDuration(HOST_IDLE_LIMIT_MS)} of virtual time`;
        throw new Error(`simulation: the host is waiting for something that cannot come (${why})`);
      }
      if (this.hostWoken) {
        this.hostWoken = false;
        await this.drainHost(() => done);
      }
    }
    return promise;
  }

  /**
   * Let host code just woken (a reply arrived, a host timer fired) run: as drainMicrotasks, 64
   * turns, but host code usually parks again within a few (the next request sets its reply
   * deadline): once it has set a timer, AFTER_PARK_TURNS more turns and time moves on.
   * `finished` (settle's promise has settled) ends the drain at once: time does not move
   * before the next settle() or runUntil(), which give host code still working its turns first.
   */
  private async drainHost(finished?: () => boolean): Promise<void> {
    const mark = this.hostTimersSet;
    for (let turns = 0; turns < 64; turns += PARK_CHECK_TURNS) {
      await chain(PARK_CHECK_TURNS - 1);
      if (finished?.()) return;
      if (this.hostTimersSet !== mark) return chain(AFTER_PARK_TURNS - 1);
    }
  }

  /** Summary figures of the run so far. */
  summary(): StackSummary {
    const pis: StackSummary['pis'] = [];
    const boards: StackSummary['boards'] = [];
    for (const board of this.boards) {
      const accounts: [PiAccount, PiAccount] = board.account();
      ([0, 1] as const).forEach((pi) => {
        // A port emptied during the run still counts: its unsafe losses are the safety figure.
        const model = board.lastModels[pi];
        if (model === undefined) return;
        const a = accounts[pi];
        pis.push({
          id: board.id, pi, board: board.index, model, plugged: board.models[pi] !== undefined, powerCycles: a.powerCycles,
          unsafePowerLosses: a.unsafePowerLosses, uptimeS: Math.round(a.uptimeMs) / 1000, energyWh: Math.round(a.energyWh * 1e4) / 1e4,
        });
      });
      boards.push({ id: board.id, board: board.index, boots: board.seen.boots, errorsLogged: board.seen.errorsLogged });
    }
    const h = this.hostCounters;
    return { pis, boards, bus: { frames: h.frames, replies: h.replies, crcErrors: h.crcErrors, collisions: this.events.counts.get('collision') ?? 0, timeouts: h.timeouts } };
  }

  /**
   * Why the host's last request to `id` got no reply, from what the simulator saw: the
   * `cause` and `why` of a host-timeout event (noReplyCause.ts).
   */
  explainNoReply(id: number): NoReplyExplanation {
    return this.tracer.explain(id);
  }

  /**
   * Follow a board's MCU: its states for explainNoReply, and a warning when it takes ID 0xFF at
   * run time (SET_ID_PREFIX, or a DIP setting read at boot), as stackWarnings does for a stack
   * that starts so: an event, and a line of `warnings`.
   */
  private watchBoard(board: Board, startId: number): void {
    let known = startId;
    board.mcu.subscribe((snapshot) => {
      this.tracer.mcuState(board.index, this.clock.now(), snapshot.value);
      const ram = snapshot.context.ram;
      if (ram === undefined) return;
      const id = boardIdOf(ram.config, ram.dip);
      if (id === known) return;
      known = id;
      if (id !== MASTER_ADDRESS) return;
      const t = this.clock.now();
      const message = `boards[${board.index}] now has ID 0xFF (prefix ${hexByte(ram.config.prefix & 0xf0)}, DIP ${ram.dip}), the master address: it would read other boards' replies as requests`;
      this.warnings.push(`at ${formatDuration(t)}: ${message}`);
      this.events.add({ t, type: 'warning', id, board: board.index, message });
    });
  }

  private setSupply(volts: number): void {
    this.supplyVolts = volts;
    for (const board of this.boards) board.setSupply(volts);
  }
}
