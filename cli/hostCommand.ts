/**
 * Shared plumbing of the host commands (scan, status, pi-on, get, set, errors, replay...): the
 * common options (`--port`, `--record`, `--reply-timeout`, and `--stack`/`--profile`/`--seed`
 * for `sim:`), opening the port, recording the session, turning the client's typed errors into
 * one-line messages with exit code 1, and Ctrl-C. A recording always ends with a trailer: `closed`
 * when the command finished, `error` with the message when it failed, `disconnected` when the link
 * went away, `interrupted` on SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { BoardError, CrcError, DisconnectedError, MalformedReplyError, NoReplyError, ArgumentError } from '../bus-protocol/errors.ts';
import { StackClient } from '../bus-protocol/StackClient.ts';
import type { ByteTransport } from '../bus-protocol/transport.ts';
import { PORT_FORMS, SerialOpenError, openPort, parsePortSpec, type HostPort, type OpenPortOptions, type PortSpec } from '../hil/ports.ts';
import { SessionRecorder, recordTransport } from '../hil/session/SessionRecorder.ts';
import { TcpConnectError, serverRefusal } from '../hil/TcpTransport.ts';
import { CommandNotInFirmwareError } from '../bus-protocol/firmwareRelease.ts';
import { CliError, parseInteger } from './output.ts';
import { withOverwrite } from './outputPaths.ts';
import { loadProfile, loadStack } from './simFiles.ts';
import type { SessionContext } from '../hil/session/sessionFormat.ts';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import type { FirmwareProfile } from '../board-model/profileSchema.ts';
import { DEFAULT_STACK, boardId } from '../board-model/stack.ts';

/** Options every host command takes (commander fills them from the command line). */
export interface HostOptions {
  port?: string;
  record?: string;
  replyTimeout?: string;
  stack?: string;
  profile?: string;
  seed?: string;
  json?: boolean;
  /** `--overwrite`: the --record file may replace an existing file. */
  overwrite?: boolean;
  /** `--id` of the commands that address one board: recorded in the session header. */
  id?: string;
}

/** What a host command's work gets: the client and the open port (the work runs under port.run, in virtual time on `sim:`). */
export interface HostContext {
  /** The typed client on the (possibly recorded) link. */
  readonly client: StackClient;
  /** The open port (its `sim` is the simulated stack on `sim:`). */
  readonly port: HostPort;
  /** The `--port` value as typed. */
  readonly spec: string;
  /** Time on the port's clock, ms (virtual on `sim:`). */
  now(): number;
}

/** Exit code after SIGINT (128 + 2) and SIGTERM (128 + 15), as shells report them. */
export const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Add the options shared by every host command to `cmd`; `overwrites` names what --overwrite may replace. */
export function withHostOptions(cmd: Command, overwrites = 'the --record file'): Command {
  return withOverwrite(cmd, overwrites)
    .option('--port <PORT>', 'the bus: a serial device (/dev/ttyUSB0), tcp://HOST:PORT, rfc2217://HOST:PORT, or sim: (built-in simulator)')
    .option('--record <FILE>', 'record the session (every byte both ways, with times) to FILE (JSON Lines, docs/session-format.md); must not exist (see --overwrite)')
    .option('--reply-timeout <MS>', 'fixed reply allowance after the wire time, ms (default: adaptive, learned from measured round trips, starting at 40)')
    .option('--stack <FILE>', 'sim: only: stack description (JSON) or builtin name: default, single')
    .option('--profile <FILE>', 'sim: only: firmware profile (JSON) or builtin name: v4-reference, v3')
    .option('--seed <N>', 'sim: only: seed of the simulation');
}

/** The `--port` value, parsed; a missing or bad one is a CliError naming "--port". */
export function portOption(options: HostOptions): { spec: string; parsed: PortSpec } {
  if (options.port === undefined) throw new CliError(`missing "--port": give ${PORT_FORMS}`);
  try {
    return { spec: options.port, parsed: parsePortSpec(options.port) };
  } catch (e) {
    if (e instanceof ArgumentError) throw new CliError(e.message);
    throw e;
  }
}

/** The board ID from `--id`: required, 0..254. */
export function idOption(text: string | undefined): number {
  if (text === undefined) throw new CliError('missing "--id": give the board ID (0..254), e.g. --id 3');
  return parseInteger(text, '--id', { min: 0, max: 0xfe, hint: '0xFF is the master address, never a board' });
}

/** The Pi from `--pi`: 0 or 1. */
export function piOption(text: string, option = '--pi'): 0 | 1 {
  return parseInteger(text, option, { min: 0, max: 1, hint: 'each board has Pi 0 and Pi 1' }) as 0 | 1;
}

/** openPort options from the sim-only flags; they are an error with a real port. */
export function simOptions(options: HostOptions, parsed: PortSpec): OpenPortOptions {
  const given = (['stack', 'profile', 'seed'] as const).filter((k) => options[k] !== undefined);
  if (parsed.kind !== 'sim') {
    if (given.length) throw new CliError(`"--${given[0]}" applies only to --port sim: (a real bus has its own boards)`);
    return {};
  }
  const profile = options.profile === undefined ? undefined : loadProfile(options.profile);
  return {
    ...(profile ? { profile } : {}),
    ...(options.stack === undefined ? {} : { stack: loadStack(options.stack, profile) }),
    ...(options.seed === undefined ? {} : { seed: parseInteger(options.seed, '--seed', { min: 0, max: 0xffffffff }) }),
  };
}

/**
 * What a recording's header can say before the first byte (docs/session-format.md, "Context"):
 * the board addressed (`--id`) and, on `sim:`, the profile, its versions and the stack's boards
 * with their Pis. A real board's versions are not known yet: conform reads them from the replies.
 */
export function recordedContext(options: HostOptions, open: OpenPortOptions, parsed: PortSpec): SessionContext {
  const id = options.id === undefined ? undefined : Number(options.id);
  const ids = id !== undefined && Number.isInteger(id) && id >= 0 && id <= 0xfe ? [id] : undefined;
  if (parsed.kind !== 'sim') return ids ? { ids } : {};
  const profile = typeof open.profile === 'object' ? open.profile : V4_REFERENCE;
  const stack = typeof open.stack === 'object' ? open.stack : DEFAULT_STACK;
  return {
    ...(ids ? { ids } : {}), profile: profile.name, firmwareVersion: profile.firmwareVersion, hardwareVersion: profile.hardwareVersion,
    stack: { supplyVolts: stack.supplyVolts, boards: stack.boards.map((b) => ({ id: boardId(b.prefix, b.dip), pis: [b.pis[0]?.model ?? null, b.pis[1]?.model ?? null] as [string | null, string | null] })) },
  };
}

/** The longest reply delay of a firmware profile after a whole request, ms: reply delay plus jitter (the floor of the client's adaptive allowance). */
export function longestReplyDelayMs(profile: FirmwareProfile): number {
  return profile.bus.replyDelayMs + profile.bus.replyJitterMs;
}

/** On `sim:`, the floor of the adaptive allowance from the simulated profile (ms); elsewhere the client's default. */
export function simReplyDelay(port: HostPort): { longestReplyDelayMs?: number } {
  return port.sim === undefined ? {} : { longestReplyDelayMs: longestReplyDelayMs(port.sim.options.profile ?? V4_REFERENCE) };
}

/** The message and exit code for an error thrown by host work; undefined for errors that are bugs. */
export function hostErrorMessage(error: unknown, port: string): string | undefined {
  if (error instanceof DisconnectedError) {
    const serial = !/^(tcp:\/\/|rfc2217:\/\/|sim)/i.test(port);
    return `lost the link to ${port}: ${error.detail}${serial ? ' (was the adapter unplugged?)' : ''}`;
  }
  if (error instanceof BoardError || error instanceof NoReplyError || error instanceof CrcError || error instanceof MalformedReplyError) return error.message;
  if (error instanceof ArgumentError || error instanceof SerialOpenError || error instanceof TcpConnectError || error instanceof CliError) return error.message;
  if (error instanceof CommandNotInFirmwareError) return error.message;
  return undefined;
}

/** Resolves with the signal name on the first SIGINT or SIGTERM while a command runs; `off` removes the handlers. */
export function onInterrupt(): { received: Promise<string>; off: () => void } {
  let handler!: (signal: NodeJS.Signals) => void;
  const received = new Promise<string>((resolve) => (handler = (signal) => resolve(signal)));
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return { received, off: () => (process.off('SIGINT', handler), process.off('SIGTERM', handler)) };
}

/**
 * Open the port, optionally record, run `work` with a client, and close everything. Errors from
 * the bus become CliErrors (exit 1) with the client's message; Ctrl-C becomes exit 130.
 */
export async function runHost<T>(options: HostOptions, work: (ctx: HostContext) => Promise<T>, context: SessionContext = {}): Promise<T> {
  const { spec, parsed } = portOption(options);
  const openOptions = simOptions(options, parsed);
  const replyTimeoutMs = options.replyTimeout === undefined ? undefined : parseInteger(options.replyTimeout, '--reply-timeout', { min: 1, max: 60_000 });
  let recorder: SessionRecorder | undefined;
  if (options.record !== undefined) {
    try {
      const known = { ...recordedContext(options, openOptions, parsed), ...context };
      recorder = SessionRecorder.create({ path: options.record, port: spec, clock: parsed.kind === 'sim' ? 'virtual' : 'wall', overwrite: options.overwrite === true, context: known });
    } catch (e) {
      throw new CliError(`"--record": ${(e as Error).message}`);
    }
  }
  let elapsed = () => 0; // ms since the recording started, on the port's clock
  const fail = (e: unknown): never => {
    const message = hostErrorMessage(e, spec);
    // The link going away is 'disconnected' whichever notices first: this handler or the recorder's close listener.
    recorder?.end(e instanceof DisconnectedError ? 'disconnected' : 'error', message ?? (e instanceof Error ? e.message : String(e)), elapsed());
    if (message === undefined) throw e;
    throw e instanceof CliError ? e : new CliError(message);
  };
  let port: HostPort;
  try {
    port = await openPort(spec, openOptions);
  } catch (e) {
    return fail(e);
  }
  const startMs = port.clock.now();
  elapsed = () => port.clock.now() - startMs;
  const transport: ByteTransport = recorder ? recordTransport(port.transport, recorder, port.clock, { startMs }) : port.transport;
  // checkFirmware: never send a board a command its firmware lacks (it would log 0x12).
  const client = new StackClient(transport, {
    clock: port.clock, checkFirmware: true, ...(replyTimeoutMs === undefined ? {} : { replyTimeoutMs }), ...simReplyDelay(port),
  });
  const ctx: HostContext = { client, port, spec, now: () => port.clock.now() };
  const interrupt = onInterrupt();
  try {
    const running = port.run(work(ctx));
    running.catch(() => undefined); // still awaited below, unless a signal wins the race
    const outcome = await Promise.race([running.then((value) => ({ value })), interrupt.received.then((signal) => ({ signal }))]);
    if ('signal' in outcome) {
      recorder?.end('interrupted', outcome.signal, elapsed());
      throw new CliError(`interrupted by ${outcome.signal}`, SIGNAL_EXIT[outcome.signal] ?? 1);
    }
    return outcome.value;
  } catch (e) {
    // A TCP server that kept us waiting may be about to refuse us: its verdict beats "no reply".
    return fail(e instanceof CliError ? e : ((await serverRefusal(port.transport)) ?? e));
  } finally {
    interrupt.off();
    await client.close().catch(() => undefined);
    await port.close().catch(() => undefined);
    recorder?.end('closed');
  }
}
