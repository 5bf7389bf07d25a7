/**
 * `pistack serve (--pty PATH | --tcp HOST:PORT)`: run a stack in real time and expose its bus,
 * so any host program can talk to the virtual stack as to a USB adapter (hil/serve/serve.ts).
 * Runs until Ctrl-C or SIGTERM, which stop socat (removing the link), close the server and
 * flush --state.
 */
import type { Command } from 'commander';
import { formatDuration } from '../../board-model/duration.ts';
import type { SimEvent } from '../../board-model/events.ts';
import { StateError } from '../../hil/serve/StateStore.ts';
import { ServeError, serve, type ServeEndpoint, type ServeHandle } from '../../hil/serve/serve.ts';
import { CliError, ioOf, parseInteger, printLines } from '../output.ts';
import { resolveScenario, type SimFileOptions } from '../simFiles.ts';
import { timelineLines } from '../timeline.ts';

interface ServeCliOptions extends SimFileOptions {
  pty?: string;
  tcp?: string;
  state?: string;
  seed?: string;
  speed?: string;
  events?: boolean;
}

/** Default TCP host: loopback only, so the stack is not exposed to the network by accident. */
export const DEFAULT_TCP_HOST = '127.0.0.1';

/** Parse `--tcp` text: HOST:PORT, [IPv6]:PORT, :PORT or PORT (host 127.0.0.1); port 0..65535 (0 = any free port). */
export function parseTcpAddress(text: string): { host: string; port: number } {
  const bad = (why: string) => new CliError(`"--tcp" ${why}; expected HOST:PORT such as 127.0.0.1:5000 (or :5000 for ${DEFAULT_TCP_HOST}), got "${text}"`);
  const t = text.trim();
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(t);
  if (!m && !/^\d+$/.test(t)) throw bad('has no port');
  const host = m ? m[1] || m[2] || DEFAULT_TCP_HOST : DEFAULT_TCP_HOST;
  if (!/^[\w.:-]+$/.test(host)) throw bad('has an invalid host');
  const port = Number(m ? m[3] : t);
  if (!Number.isInteger(port) || port > 65535) throw bad('port must be 0..65535');
  return { host, port };
}

/** The endpoint from --pty / --tcp: exactly one of them. */
export function endpointOf(options: ServeCliOptions): ServeEndpoint {
  if (options.pty !== undefined && options.tcp !== undefined) throw new CliError('give either "--pty PATH" or "--tcp HOST:PORT", not both');
  if (options.pty !== undefined) {
    if (options.pty.trim() === '') throw new CliError('"--pty" needs a path, e.g. /tmp/pistack');
    return { kind: 'pty', path: options.pty };
  }
  if (options.tcp !== undefined) return { kind: 'tcp', ...parseTcpAddress(options.tcp) };
  throw new CliError('say where to serve: "--pty PATH" (a PTY for serial programs) or "--tcp HOST:PORT"');
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
      endpoint, scenario, speed, log: say,
      ...(options.state === undefined ? {} : { stateDir: options.state }),
      ...(options.events ? { onEvent } : {}),
    });
  } catch (e) {
    sig.off();
    if (e instanceof ServeError || e instanceof StateError) throw new CliError(e.message);
    throw e;
  }
  const boards = scenario.stack.boards.length;
  const how = endpoint.kind === 'pty' ? `${handle.address}: open it at 9600 8N1` : `${handle.address}: raw bytes, one client at a time`;
  const faults = scenario.steps.filter((s) => s.kind === 'fault').length;
  printLines(cmd, [
    `serving ${boards} board${boards === 1 ? '' : 's'} (stack "${scenario.stack.name}", profile ${scenario.profile.name}, seed ${scenario.seed}${speed === 1 ? '' : `, ${speed}x real time`}) on ${how}`,
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
    .description('run a stack in real time and expose its bus on a PTY (serial programs, 9600 8N1) or a TCP port')
    .option('--pty <PATH>', 'create a PTY linked at PATH (via socat) and serve the bus on it')
    .option('--tcp <HOST:PORT>', `serve raw bytes on TCP (HOST defaults to ${DEFAULT_TCP_HOST}; port 0 picks a free one)`)
    .option('--stack <FILE>', 'stack description (JSON) or builtin name: default, single')
    .option('--profile <FILE>', 'firmware profile (JSON) or builtin name: v4-reference, v3')
    .option('--scenario <FILE>', 'scenario whose fault steps run in real time (host steps are skipped)')
    .option('--state <DIR>', 'keep each board\'s flash (settings, error log) in DIR across restarts')
    .option('--seed <N>', 'seed of every random stream (default: the scenario\'s, else 1)')
    .option('--speed <X>', 'virtual time per wall time (default 1: real time)')
    .option('--events', 'print every simulator event as it happens')
    .action(async function (this: Command, options: ServeCliOptions) {
      await start(this, options);
    });
}
