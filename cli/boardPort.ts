/**
 * Opening the one board `pistack bench` and `pistack characterize` work on: `--port`, `--id`,
 * `--reply-timeout`, and for `sim:` the stack, profile and seed (default: a bench with one board
 * at the given ID and nothing plugged into its ports). SIGINT and SIGTERM become an AbortSignal
 * so the command can put the board back before exiting (see withInterrupt for a second one).
 */
import type { Command } from 'commander';
import { ArgumentError } from '../bus-protocol/errors.ts';
import { parseStack, type Stack } from '../board-model/stack.ts';
import type { FirmwareProfile } from '../board-model/profileSchema.ts';
import { PORT_FORMS, SerialOpenError, openPort, parsePortSpec, type HostPort, type OpenPortOptions, type PortSpec } from '../hil/ports.ts';
import { TcpConnectError } from '../hil/TcpTransport.ts';
import { SIGNAL_EXIT } from './hostCommand.ts';
import { CliError, parseInteger } from './output.ts';
import { loadProfile, loadStack } from './simFiles.ts';

/** The options these commands share (commander fills them in). */
export interface BoardPortOptions {
  port?: string;
  id?: string;
  replyTimeout?: string;
  stack?: string;
  profile?: string;
  seed?: string;
}

/** Add --port, --id, --reply-timeout and the sim-only --stack, --profile, --seed to `cmd`. */
export function withBoardPortOptions(cmd: Command): Command {
  return cmd
    .option('--port <PORT>', 'the bus: a serial device (/dev/ttyUSB0), tcp://HOST:PORT, rfc2217://HOST:PORT, or sim: (built-in simulator)')
    .option('--id <N>', 'ID of the board under test (0..254)')
    .option('--reply-timeout <MS>', 'fixed reply allowance after the wire time, ms (default: adaptive, learned from measured round trips, starting at 40)')
    .option('--stack <FILE>', 'sim: only: stack description (JSON, may give boards "defects") or builtin name; default one board at --id, ports empty')
    .option('--profile <FILE>', 'sim: only: firmware profile (JSON) or builtin name: v4-reference, v3')
    .option('--seed <N>', 'sim: only: seed of the simulation');
}

/** A bench stack: one board labelled `id`, nothing in its ports, 12 V. */
export function benchStack(id: number, profile?: FirmwareProfile): Stack {
  return parseStack({ name: 'bench', supplyVolts: profile?.supply.nominalV ?? 12, boards: [{ dip: id & 0x0f, prefix: id & 0xf0, pis: [null, null] }] }, 'bench', profile ? { defaultProfile: profile } : {});
}

/** What was opened. */
export interface OpenedBoard {
  readonly spec: string;
  readonly parsed: PortSpec;
  readonly id: number;
  readonly port: HostPort;
  readonly openOptions: OpenPortOptions;
  readonly replyTimeoutMs: number | undefined;
}

/** Validate the options and open the port; errors name the option. */
export async function openBoardPort(options: BoardPortOptions): Promise<OpenedBoard> {
  if (options.port === undefined) throw new CliError(`missing "--port": give ${PORT_FORMS}`);
  if (options.id === undefined) throw new CliError('missing "--id": give the ID of the board under test (0..254), e.g. --id 3');
  const id = parseInteger(options.id, '--id', { min: 0, max: 0xfe, hint: '0xFF is the master address, never a board' });
  let parsed: PortSpec;
  try {
    parsed = parsePortSpec(options.port);
  } catch (e) {
    throw e instanceof ArgumentError ? new CliError(e.message) : e;
  }
  const replyTimeoutMs = options.replyTimeout === undefined ? undefined : parseInteger(options.replyTimeout, '--reply-timeout', { min: 1, max: 60_000 });
  const given = (['stack', 'profile', 'seed'] as const).filter((k) => options[k] !== undefined);
  let openOptions: OpenPortOptions = {};
  if (parsed.kind !== 'sim' && given.length > 0) throw new CliError(`"--${given[0]}" applies only to --port sim: (a real bus has its own boards)`);
  if (parsed.kind === 'sim') {
    const profile = options.profile === undefined ? undefined : loadProfile(options.profile);
    openOptions = {
      ...(profile ? { profile } : {}),
      stack: options.stack === undefined ? benchStack(id, profile) : loadStack(options.stack, profile),
      ...(options.seed === undefined ? {} : { seed: parseInteger(options.seed, '--seed', { min: 0, max: 0xffffffff }) }),
    };
  }
  try {
    const port = await openPort(options.port, openOptions);
    return { spec: options.port, parsed, id, port, openOptions, replyTimeoutMs };
  } catch (e) {
    if (e instanceof ArgumentError || e instanceof SerialOpenError || e instanceof TcpConnectError) throw new CliError(e.message);
    throw e;
  }
}

/**
 * While `work` runs, the first SIGINT or SIGTERM aborts `signal` with the signal's name (the
 * command cleans up and reports "interrupted"). A second one exits at once with 130 (SIGINT) or
 * 143 (SIGTERM), or, with `secondQuits`, aborts `quit` so the command can write what it has and
 * say what it left undone; a third one then exits at once.
 */
export async function withInterrupt<T>(say: (line: string) => void, work: (signal: AbortSignal, quit: AbortSignal) => Promise<T>, options: { secondQuits?: boolean } = {}): Promise<T> {
  const controller = new AbortController();
  const quitter = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted && (!options.secondQuits || quitter.signal.aborted)) process.exit(SIGNAL_EXIT[signal] ?? 130);
    if (controller.signal.aborted) {
      say(`${signal} again: quitting without finishing the clean-up; the partial report lists what was left changed (again to exit at once)`);
      quitter.abort(signal);
      return;
    }
    say(`${signal}: stopping; powering the board off and restoring its settings (again to quit at once)`);
    controller.abort(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    return await work(controller.signal, quitter.signal);
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}

/** The exit code for a run stopped by `signal` (aborted with a signal name): 130 for SIGINT, 143 for SIGTERM. */
export function interruptExitCode(signal: AbortSignal): number {
  return (typeof signal.reason === 'string' ? SIGNAL_EXIT[signal.reason] : undefined) ?? 130;
}
