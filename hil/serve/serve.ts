/**
 * `pistack serve` as a library: run a simulated stack in real time (its virtual clock locked
 * to the wall clock) and expose its bus on a socat PTY, a TCP port or an RFC 2217 port, paced
 * like a 9600 8N1 wire, so an unmodified host program talks to it exactly as to a USB adapter.
 *
 * - PTY: socat links PATH to a PTY whose other end we open with the real serialport bindings.
 *   A PTY has no carrier, so host programs opening and closing PATH are not seen.
 * - Transmit FIFO: bytes from the host wait in a bounded FIFO (`fifoBytes`, like a USB adapter's)
 *   before the wire; while it is full the PTY or socket is not read, so the host's writes block.
 *   A TCP client that leaves, or a host that closes the PTY, has its unsent bytes discarded at
 *   once (SocketLink, heldPty.ts): a flood delays the next host by the FIFO's wire time at most.
 * - TCP: raw bytes, one client at a time (OneClientServer). A client connecting while another
 *   is served waits up to 1 s for it to leave (a host reconnecting at once is not turned away),
 *   then gets one line of text saying the server is busy and is closed. A client leaving leaves
 *   the server running.
 * - RFC 2217: the same server and busy rule as TCP, with telnet and COM-PORT-OPTION spoken on
 *   each connection (Rfc2217ServerLink): pyserial's rfc2217:// and labgrid's NetworkSerialPort
 *   use the virtual stack as a remote board.
 * - Start: the stack's power-up (MCU boot, a few ms of virtual time) runs instantly, then the
 *   virtual clock is locked to the wall clock, so the boards listen as soon as serving is announced.
 * - Scenario: its fault steps run at their virtual times from power-up. Host
 *   steps and polling are skipped with a warning (the host is whoever connects); the duration
 *   and expectations do not apply (serving runs until stopped).
 * - State: each board's flash persists in a directory (StateStore), saved on every change.
 * Nothing on the wire (garbage, floods, partial frames, disconnects) can throw out of here.
 */
import type { SimEvent } from '../../board-model/events.ts';
import { formatDuration } from '../../board-model/duration.ts';
import type { Scenario } from '../../board-model/scenario.ts';
import { SimStack } from '../../board-model/SimStack.ts';
import { readlink } from 'node:fs/promises';
import { DEFAULT_FIFO_BYTES, PacedLink } from '../PacedLink.ts';
import { openSerialTransport, type SerialTransport } from '../SerialTransport.ts';
import { watchHeldPty } from './heldPty.ts';
import { openPtyPair, type PtyPair } from './ptyPair.ts';
import { RealTimeDriver } from './RealTimeDriver.ts';
import { OneClientServer, type OneClientServerOptions } from './OneClientServer.ts';
import type { SocketLink } from './SocketLink.ts';
import { Rfc2217ServerLink } from './Rfc2217ServerLink.ts';
import { StateStore } from './StateStore.ts';

/** Where the bus is exposed: a PTY link at `path`, or a raw TCP or RFC 2217 port on `host` (port 0 = any free port). */
export type ServeEndpoint =
  | { readonly kind: 'pty'; readonly path: string }
  | { readonly kind: 'tcp' | 'rfc2217'; readonly host: string; readonly port: number };

/** What to serve and how. */
export interface ServeOptions {
  /** PTY path or TCP address. */
  endpoint: ServeEndpoint;
  /** Stack, profile, seed and fault steps (a plain stack is a scenario with no steps). */
  scenario: Scenario;
  /** Persist each board's flash in this directory (created if needed). */
  stateDir?: string;
  /** Virtual ms per wall ms; default 1 (real time, what timing-sensitive hosts need). */
  speed?: number;
  /** Runtime messages: clients coming and going, faults, warnings, errors (one line each, no newline). */
  log?: (line: string) => void;
  /** Every simulator event as it happens. */
  onEvent?: (event: SimEvent) => void;
  /** socat executable (PTY mode); default 'socat'. */
  socat?: string;
  /** Transmit FIFO between the host and the wire (bytes); default DEFAULT_FIFO_BYTES (256). */
  fifoBytes?: number;
}

/** Bytes from the host through the transmit FIFO, over every link so far. */
export interface ServeInputStats {
  /** FIFO size (bytes). */
  readonly fifoBytes: number;
  /** Bytes in the FIFO of the current link now. */
  readonly buffered: number;
  /** Most bytes any FIFO held. */
  readonly peakBuffered: number;
  /** Bytes put on the simulated wire. */
  readonly toBus: number;
  /** Bytes discarded from FIFOs because their host had gone. */
  readonly discarded: number;
}

/** How serving ended: the reason, and whether it was a failure (socat or the PTY died) rather than stop(). */
export interface ServeOutcome {
  readonly reason: string;
  readonly failed: boolean;
}

/** A running server. */
export interface ServeHandle {
  /** Where to connect: the PTY path, or tcp://host:port or rfc2217://host:port with the real port. */
  readonly address: string;
  /** The TCP port actually bound (TCP and RFC 2217 modes), else undefined. */
  readonly port: number | undefined;
  /** The running stack (its control surface can inject faults). */
  readonly sim: SimStack;
  /** The state store when --state is used. */
  readonly state: StateStore | undefined;
  /** The wall-clock driver of the stack's virtual clock. */
  readonly driver: RealTimeDriver;
  /** Host steps of the scenario that were skipped. */
  readonly skippedHostSteps: number;
  /** PID of the socat process (PTY mode), else undefined. */
  readonly socatPid: number | undefined;
  /** Transmit FIFO figures (live). */
  input(): ServeInputStats;
  /** Virtual time (ms) until which bytes already received from the host, or a board's reply, occupy the simulated wire; now() when idle. */
  wireBusyUntil(): number;
  /** Resolves once serving has stopped (stop() or a failure) and everything is released. */
  readonly done: Promise<ServeOutcome>;
  /** Stop: socat killed (links removed) or server closed, state flushed, clock stopped. Idempotent. */
  stop(reason?: string): Promise<ServeOutcome>;
}

/** A problem starting the server that the user can fix (path exists, socat missing, port in use...). */
export class ServeError extends Error {
  override name = 'ServeError';
}

/** Events kept in memory while serving (a long run must not grow without bound). */
const EVENT_LIMIT = 1000;

/** The one line a TCP client that cannot be served gets before it is disconnected. */
export { BUSY_MESSAGE } from './OneClientServer.ts';

/** Start serving; resolves once the endpoint is up and the stack is running in real time. */
export async function serve(options: ServeOptions): Promise<ServeHandle> {
  const log = options.log ?? (() => undefined);
  const { scenario, endpoint } = options;
  const skippedHostSteps = scenario.steps.filter((s) => s.kind === 'host').length;
  if (skippedHostSteps > 0) log(`warning: scenario "${scenario.name}": ${skippedHostSteps} host step(s) skipped: when serving, the host is whoever connects (fault steps still run)`);
  if (scenario.pollMs !== undefined) log(`warning: scenario "${scenario.name}": "poll" ignored when serving`);

  const state = options.stateDir === undefined ? undefined : await StateStore.open(options.stateDir, scenario.stack, { errorLogSize: scenario.profile.errorLog.size, onError: (e) => log(`error: ${e.message}`) });
  let sim: SimStack;
  try {
    sim = new SimStack({
      stack: scenario.stack, profile: scenario.profile, seed: scenario.seed, eventLimit: EVENT_LIMIT,
      ...(state ? { flash: (index: number) => state.image(index) } : {}),
    });
  } catch (e) {
    await state?.close();
    throw e;
  }
  if (state) {
    for (const board of sim.boards) {
      state.track({ index: board.index, image: () => board.flash.image() });
      const previous = board.flash.onChange;
      board.flash.onChange = () => {
        previous?.();
        state.changed(board.index);
      };
    }
  }
  if (options.onEvent) sim.events.subscribe(options.onEvent);
  // What the stack finds wrong at run time (a board taking ID 0xFF) reaches the console, events shown or not.
  sim.events.subscribe((e) => e.type === 'warning' && log(`warning: at ${formatDuration(e.t)}: ${String(e.message)}`));
  const driver = new RealTimeDriver({ clock: sim.clock, speed: options.speed ?? 1, onError: (e) => log(`error: simulator: ${message(e)}`) });

  let finish!: (outcome: ServeOutcome) => void;
  const done = new Promise<ServeOutcome>((resolve) => (finish = resolve));
  let stopping: Promise<ServeOutcome> | undefined;
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = (reason = 'stopped', failed = false): Promise<ServeOutcome> =>
    (stopping ??= (async () => {
      driver.stop();
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (e) {
          log(`error: while stopping: ${message(e)}`);
        }
      }
      sim.stop();
      await state?.close();
      const outcome = { reason, failed };
      finish(outcome);
      return outcome;
    })());

  const linkError = (what: string) => (e: unknown) => {
    if (!stopping) log(`warning: ${what}: ${message(e)}`);
  };
  const fifoBytes = options.fifoBytes ?? DEFAULT_FIFO_BYTES;
  const bridges = new Set<PacedLink>();
  const past = { peakBuffered: 0, toBus: 0, discarded: 0 };
  const paced = (link: SerialTransport | SocketLink | Rfc2217ServerLink): PacedLink => {
    const bridge = new PacedLink({ link, bus: sim.host, clock: sim.clock, byteTimeMs: sim.bus.byteTimeMs, fifoBytes, sync: () => driver.sync(), onError: linkError(link.description) });
    bridges.add(bridge);
    link.onClose(() => {
      if (!bridges.delete(bridge)) return;
      past.peakBuffered = Math.max(past.peakBuffered, bridge.stats.peakBuffered);
      past.toBus += bridge.stats.toBus;
      past.discarded += bridge.stats.discarded;
    });
    return bridge;
  };
  const input = (): ServeInputStats => {
    const live = [...bridges];
    return {
      fifoBytes,
      buffered: live.reduce((n, b) => n + b.buffered, 0),
      peakBuffered: Math.max(past.peakBuffered, ...live.map((b) => b.stats.peakBuffered)),
      toBus: live.reduce((n, b) => n + b.stats.toBus, past.toBus),
      discarded: live.reduce((n, b) => n + b.stats.discarded, past.discarded),
    };
  };
  const wireBusyUntil = (): number => Math.max(sim.bus.busyUntil, sim.clock.now(), ...[...bridges].map((b) => b.wireFreeAt));

  let address: string;
  let port: number | undefined;
  let socatPid: number | undefined;
  try {
    if (endpoint.kind === 'pty') {
      const pair = await startPty(endpoint.path, options.socat);
      cleanups.push(() => pair.stop());
      socatPid = pair.pid;
      let transport: SerialTransport;
      try {
        transport = await openSerialTransport({ path: pair.privatePath, baudRate: 9600, highWaterMark: fifoBytes });
      } catch (e) {
        throw new ServeError(`cannot open our end of the PTY pair: ${message(e)}`);
      }
      const bridge = paced(transport);
      const tty = await readlink(pair.path).catch(() => undefined);
      const unwatch = tty === undefined ? () => undefined : watchHeldPty({ bridge, transport, tty, except: new Set([pair.pid]), log });
      cleanups.push(() => transport.close(), () => bridge.close(), unwatch);
      pair.onExit((reason) => void stop(reason, true));
      transport.onClose((reason) => {
        if (!stopping) void stop(`our end of the PTY closed: ${reason}`, true);
      });
      address = pair.path;
    } else {
      const rfc2217 = endpoint.kind === 'rfc2217';
      const server = await listenTcp(endpoint.host, endpoint.port, `--${endpoint.kind}`, {
        onClient: (socket) => {
          const link = rfc2217 ? new Rfc2217ServerLink(socket) : socket;
          const bridge = paced(link);
          if (link instanceof Rfc2217ServerLink) link.onPurgeTransmit = (dropped) => bridge.discard(dropped);
          link.onClose(() => bridge.close());
        },
        log,
      });
      cleanups.push(() => server.close());
      port = server.port;
      address = rfc2217 ? server.address.replace(/^tcp:/, 'rfc2217:') : server.address;
    }
  } catch (e) {
    await stop('failed to start', true);
    throw e;
  }

  sim.start();
  for (const step of scenario.steps) {
    if (step.kind !== 'fault') continue;
    sim.clock.setTimeout(() => {
      const target = `${step.board === undefined ? '' : ` board ${step.board}`}${step.pi === undefined ? '' : ` Pi ${step.pi}`}${step.value === undefined ? '' : ` value ${step.value}`}`;
      try {
        sim.control.inject(step.fault, { ...(step.board === undefined ? {} : { board: step.board }), ...(step.pi === undefined ? {} : { pi: step.pi }), ...(step.value === undefined ? {} : { value: step.value }) });
        log(`${formatDuration(step.atMs)}: fault ${step.fault}${target}`);
      } catch (e) {
        log(`error: ${formatDuration(step.atMs)}: fault ${step.fault}${target}: ${message(e)}`);
      }
    }, step.atMs);
  }
  powerUp(sim);
  driver.start();
  return { address, port, sim, state, driver, skippedHostSteps, socatPid, input, wireBusyUntil, done, stop: (reason?: string) => stop(reason) };
}

/** Longest virtual power-up (ms) run ahead of serving: MCU boot is 10 ms in the reference profile. */
const POWER_UP_LIMIT_MS = 1000;

/**
 * Run the stack's power-up instantly, so a host that connects the moment serving is announced
 * finds every board listening; the wall-clock lock starts from there (the stack was switched on
 * just before serving). Boards that cannot boot (supply too low) only bound the wait.
 */
function powerUp(sim: SimStack): void {
  for (;;) {
    if (sim.boards.every((b) => b.listening)) return;
    const next = sim.clock.next();
    if (next === undefined || next > POWER_UP_LIMIT_MS) return;
    sim.clock.runNext();
  }
}

async function startPty(path: string, socat: string | undefined): Promise<PtyPair> {
  try {
    return await openPtyPair(path, socat === undefined ? {} : { socat });
  } catch (e) {
    throw new ServeError(message(e));
  }
}

/** Listen on host:port; rejects with a ServeError saying why not (in use, not a local address...). */
async function listenTcp(host: string, port: number, option: string, options: Pick<OneClientServerOptions, 'onClient' | 'log'>): Promise<OneClientServer> {
  try {
    return await OneClientServer.listen({ host, port, option, ...options });
  } catch (e) {
    throw new ServeError(message(e));
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
