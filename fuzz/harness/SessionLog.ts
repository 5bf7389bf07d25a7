/**
 * An in-memory session recording (docs/session-format.md) of one fuzz run: the host frames it
 * sent and the bus bytes it received, with their times, plus the faults it injected (which a
 * session file cannot hold: they go beside it in a regression file). Times are ms since begin().
 */
import pkg from '../../package.json' with { type: 'json' };
import { commandByCode, type CommandName } from '../../bus-protocol/commands.ts';
import type { Clock } from '../../bus-protocol/clock.ts';
import type { ByteTransport } from '../../bus-protocol/transport.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { describeChunk } from '../../hil/session/SessionRecorder.ts';
import { makeSessionHeader, type SessionContext, type SessionEnd, type SessionHeader, type RecordedEvent } from '../../hil/session/sessionFormat.ts';

/** A fault applied during a run: when (ms since begin) and what, in a replayable form. */
export interface LoggedFault {
  readonly t: number;
  /** Name of the fault (a ScheduledFault kind or a model command's fault). */
  readonly fault: string;
  /** Its parameters (board, pi, volts, durationMs, block, dip, rate...). */
  readonly params: Readonly<Record<string, number | string>>;
}

/** The simulated stack a run used, so its session can be replayed on an identical one. */
export interface LoggedSetup {
  /** Boards as in a stack file. */
  readonly boards: unknown[];
  /** Seed of the SimStack. */
  readonly seed: number;
  /** The firmware profile the boards ran. */
  readonly profile: FirmwareProfile;
}

/** Collects one run's traffic and faults; begin() starts a new run and forgets the last. */
export class SessionLog {
  events: RecordedEvent[] = [];
  faults: LoggedFault[] = [];
  /** The simulated stack of the run (none for runs without one, or on hardware). */
  setup: LoggedSetup | undefined;
  /** The model-based commands the run executed, in order (as in a counterexample). */
  steps: string[] = [];
  private origin = 0;
  private lastT = 0;
  private answering: CommandName | undefined;

  constructor(private readonly port = 'sim:', private readonly clockKind: 'wall' | 'virtual' = 'virtual') {}

  /** Start recording a new run whose time zero is `origin` (ms on the run's clock). */
  begin(origin: number): void {
    this.events = [];
    this.faults = [];
    this.setup = undefined;
    this.steps = [];
    this.origin = origin;
    this.lastT = 0;
    this.answering = undefined;
  }

  /** Record the simulated stack the run uses. */
  simulated(setup: LoggedSetup): void {
    this.setup = setup;
  }

  /** Clock time (ms) of the run's time zero. */
  get originMs(): number {
    return this.origin;
  }

  /** Record a model-based command about to run. */
  step(command: string): void {
    this.steps.push(command);
  }

  /** Record a chunk at clock time `at` (ms). */
  chunk(dir: 'host' | 'bus', bytes: Uint8Array, at: number): void {
    if (dir === 'host') this.answering = commandByCode(bytes[0] ?? -1);
    const t = Math.max(this.lastT, Math.round((at - this.origin) * 1000) / 1000);
    this.lastT = t;
    const note = describeChunk(dir, bytes, dir === 'bus' ? this.answering : undefined);
    this.events.push({ line: this.events.length + 2, t, dir, bytes: bytes.slice(), ...(note === undefined ? {} : { note }) });
  }

  /** Record a fault applied at clock time `at` (ms). */
  fault(fault: string, params: Record<string, number | string>, at: number): void {
    this.faults.push({ t: Math.round((at - this.origin) * 1000) / 1000, fault, params: { ...params } });
  }

  /** What the header says beyond the port (e.g. the board ID on hardware); the simulated setup adds its profile. */
  context: SessionContext = { command: 'fuzz' };

  /** The run as a session: header, events, a `closed` trailer at its last event or fault (or `endAt`, clock ms, if later). */
  session(endAt?: number): { header: SessionHeader; events: RecordedEvent[]; end: SessionEnd } {
    const p = this.setup?.profile;
    const simulated: SessionContext = p === undefined ? {} : { profile: p.name, firmwareVersion: p.firmwareVersion, hardwareVersion: p.hardwareVersion };
    const header = makeSessionHeader({ port: this.port, clock: this.clockKind, toolVersion: pkg.version, context: { ...this.context, ...simulated } });
    const lastFault = this.faults.reduce((t, f) => Math.max(t, f.t), 0);
    const t = Math.max(this.lastT, lastFault, endAt === undefined ? 0 : Math.round((endAt - this.origin) * 1000) / 1000);
    return { header, events: this.events, end: { end: 'closed', t } };
  }
}

/** A transport that records what passes through it into a SessionLog (timed by `clock`). */
export function loggedTransport(inner: ByteTransport, log: SessionLog, clock: Clock): ByteTransport {
  inner.onData((bytes) => log.chunk('bus', bytes, clock.now()));
  return {
    description: inner.description,
    write: (bytes) => {
      log.chunk('host', bytes, clock.now());
      return inner.write(bytes);
    },
    onData: (listener) => inner.onData(listener),
    onClose: (listener) => inner.onClose(listener),
    close: () => inner.close(),
  };
}
