/**
 * `pistack serve (--pty PATH | --tcp HOST:PORT | --rfc2217 HOST:PORT)`: run a stack in real time
 * and expose its bus, so any host program can talk to the virtual stack as to a USB adapter or a
 * network serial port (hil/serve/serve.ts).
 * Runs until Ctrl-C or SIGTERM, which stop socat (removing the link), close the server and
 * flush --state.
 */
import type { Command } from 'commander';
import { formatDuration } from '../../board-model/duration.ts';
import type { SimEvent } from '../../board-model/events.ts';
import { StateError } from '../../hil/serve/StateStore.ts';
import { ServeError, serve, type ServeEndpoint, type ServeHandle } from '../../hil/serve/serve.ts';
import { DEFAULT_FIFO_BYTES } from '../../hil/PacedLink.ts';
import { LOOPBACK_HOST, connectableHosts, isWildcardHost, parseListenAddress, urlOf, wildcardWarning, type ListenAddress } from '../listenAddress.ts';
import { CliError, ioOf, parseInteger, printLines } from '../output.ts';
import { resolveScenario, type SimFileOptions } from '../simFiles.ts';
import { timelineLines } from '../timeline.ts';

interface ServeCliOptions extends SimFileOptions {
  pty?: string;
  tcp?: string;
  rfc2217?: string;
  state?: string;
  seed?: string;
  speed?: string;
  events?: boolean;
  fifo?: string;
}

/** Default TCP host: loopback only, so the stack is not exposed to the network by accident. */
export const DEFAULT_TCP_HOST = LOOPBACK_HOST;

/** Parse `--tcp` text: HOST:PORT, [IPv6]:PORT, :PORT or PORT (host 127.0.0.1); port 0..65535 (0 = any free port). */
export function parseTcpAddress(text: string): ListenAddress {
  return parseListenAddress(text, '--tcp', 5000);
}

/** Largest `--fifo` (bytes): far beyond any adapter, still a bounded buffer. */
export const MAX_FIFO_BYTES = 65536;

/** Parse `--rfc2217` text: the same forms as --tcp (HOST:PORT, [IPv6]:PORT, :PORT or PORT; host 127.0.0.1). */
export function parseRfc2217Address(text: string): ListenAddress {
  return parseListenAddress(text, '--rfc2217', 2217);
}

/** The endpoint from --pty / --tcp / --rfc2217: exactly one of them. */
export function endpointOf(options: ServeCliOptions): ServeEndpoint {
  const given = (['pty', 'tcp', 'rfc2217'] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) throw new CliError(`give only one of "--pty PATH", "--tcp HOST:PORT" and "--rfc2217 HOST:PORT" (got ${given.map((k) => `--${k}`).join(' and ')})`);
  if (options.pty !== undefined) {
    if (options.pty.trim() === '') throw new CliError('"--pty" needs a path, e.g. /tmp/pistack');
    return { kind: 'pty', path: options.pty };
  }
  if (options.tcp !== undefined) return { kind: 'tcp', ...parseTcpAddress(options.tcp) };
  if (options.rfc2217 !== undefined) return { kind: 'rfc2217', ...parseRfc2217Address(options.rfc2217) };
  throw new CliError('say where to serve: "--pty PATH" (a PTY for serial programs), "--tcp HOST:PORT" (raw TCP) or "--rfc2217 HOST:PORT" (RFC 2217: pyserial, labgrid)');
}

function parseSpeed(text: string | undefined): number {
  if (text === undefined) return 1;
  const speed = Number(text);
  if (!(speed > 0) || !Number.isFinite(speed)) throw new CliError(`"--speed" must be a positive number (1 = real time), got "${text}"`);
  return speed;
}

/** Resolves with the signal name on the first SIGINT or SIGTERM; `off` removes the handlers. */
function signals(): { received: Promise<string>; off: () => void } {
  let handler!: (signal: NodeJS.Signals) => void;
  const received = new Promise<string>((resolve) => (handler = (signal) => resolve(signal)));
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return { received, off: () => (process.off('SIGINT', handler), process.off('SIGTERM', handler)) };
}

async function start(cmd: Command, options: ServeCliOptions): Promise<void> {
  const endpoint = endpointOf(options);
  const speed = parseSpeed(options.speed);
  const seed = options.seed === undefined ? undefined : parseInteger(options.seed, '--seed', { min: 0, max: 0xffffffff });
  const fifoBytes = options.fifo === undefined ? DEFAULT_FIFO_BYTES : parseInteger(options.fifo, '--fifo', { min: 1, max: MAX_FIFO_BYTES, hint: 'bytes' });
  const resolved = resolveScenario(options, 0);
  const scenario = seed === undefined ? resolved : { ...resolved, seed };
  const io = ioOf(cmd);
  const say = (line: string) => io.out(`${line}\n`);
  const sig = signals();
  // Events of the power-up come before the start-up lines are printed: hold them until then.
  let early: SimEvent[] | undefined = [];
  const onEvent = (e: SimEvent) => (early ? early.push(e) : timelineLines([e]).forEach(say));
  let handle: ServeHandle;
  try {
    handle = await serve({
      endpoint, scenario, speed, fifoBytes, log: say,
      ...(options.state === undefined ? {} : { stateDir: options.state }),
      ...(options.events ? { onEvent } : {}),
    });
  } catch (e) {
    sig.off();
    if (e instanceof ServeError || e instanceof StateError) throw new CliError(e.message);
    throw e;
  }
  const boards = scenario.stack.boards.length;
  const scheme = endpoint.kind === 'pty' ? undefined : endpoint.kind;
  const reach = endpoint.kind === 'pty' ? undefined : connectableHosts(endpoint.host);
  if (endpoint.kind !== 'pty' && isWildcardHost(endpoint.host)) io.err(`warning: ${wildcardWarning(`--${endpoint.kind}`, endpoint.host, 'drive the simulated stack')}\n`);
  const what = scheme === 'rfc2217' ? 'RFC 2217 (telnet COM-PORT-OPTION, 9600 8N1)' : 'raw bytes';
  const how = reach === undefined || scheme === undefined ? `${handle.address}: open it at 9600 8N1` : `${urlOf(scheme, reach.local, handle.port!)}: ${what}, one client at a time`;
  const faults = scenario.steps.filter((s) => s.kind === 'fault').length;
  printLines(cmd, [
    `serving ${boards} board${boards === 1 ? '' : 's'} (stack "${scenario.stack.name}", profile ${scenario.profile.name}, seed ${scenario.seed}${speed === 1 ? '' : `, ${speed}x real time`}) on ${how}`,
    ...(reach && scheme && reach.others.length > 0 ? [`from other machines: ${reach.others.map((h) => urlOf(scheme, h, handle.port!)).join(', ')}`] : []),
    `transmit FIFO: ${fifoBytes} bytes (a host writing faster than 9600 baud is held back; a host that leaves has its unsent bytes discarded)`,
    ...(options.scenario ? [`scenario "${scenario.name}": ${faults} fault step(s) over ${formatDuration(Math.max(0, ...scenario.steps.map((s) => s.atMs)))}`] : []),
    ...(handle.state ? [`state: ${handle.state.dir} (${handle.state.restored} of ${boards} boards restored, saved on every change)`] : []),
    ...handle.sim.warnings.map((w) => `warning: ${w}`),
    'Ctrl-C or SIGTERM stops',
    ...timelineLines(early),
  ]);
  early = undefined;
  const outcome = await Promise.race([sig.received.then((signal) => handle.stop(signal)), handle.done]);
  sig.off();
  say(`stopped (${outcome.reason})${handle.state ? `; state saved in ${handle.state.dir}` : ''}`);
  if (outcome.failed) throw new CliError(`serving failed: ${outcome.reason}`);
}

/** Register `serve` on the program. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('run a stack in real time and expose its bus on a PTY (serial programs, 9600 8N1), a TCP port or an RFC 2217 port')
    .option('--pty <PATH>', 'create a PTY linked at PATH (via socat) and serve the bus on it')
    .option('--tcp <HOST:PORT>', `serve raw bytes on TCP (HOST defaults to ${DEFAULT_TCP_HOST}; port 0 picks a free one)`)
    .option('--rfc2217 <HOST:PORT>', `serve RFC 2217 (telnet serial port: pyserial rfc2217://, labgrid NetworkSerialPort) on TCP (HOST defaults to ${DEFAULT_TCP_HOST}; port 0 picks a free one)`)
    .option('--stack <FILE>', 'stack description (JSON) or builtin name: default, single')
    .option('--profile <FILE>', 'firmware profile (JSON) or builtin name: v4-reference, v3')
    .option('--scenario <FILE>', 'scenario whose fault steps run in real time (host steps are skipped)')
    .option('--state <DIR>', 'keep each board\'s flash (settings, error log) in DIR across restarts')
    .option('--seed <N>', 'seed of every random stream (default: the scenario\'s, else 1)')
    .option('--speed <X>', 'virtual time per wall time (default 1: real time)')
    .option('--fifo <BYTES>', `transmit FIFO between the host and the wire, like an adapter's (default ${DEFAULT_FIFO_BYTES}; 1..${MAX_FIFO_BYTES}); while full, the host is held back`)
    .option('--events', 'print every simulator event as it happens')
    .action(async function (this: Command, options: ServeCliOptions) {
      await start(this, options);
    });
}
