/**
 * `pistack pdu --port P [--listen HOST:PORT] [--allow-remote]`: the Pi Stack as a power switch
 * for board farms. Owns the bus (like every host command: the port is held, commands the
 * firmware lacks are never sent), finds the boards with a scan, and serves labgrid's
 * NetworkPowerPort `rest` model, the `status` data as JSON and Prometheus metrics over HTTP
 * (cli/pdu/). Loopback only unless --allow-remote. Runs until Ctrl-C or SIGTERM (exit 0).
 */
import type { Command } from 'commander';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import type { ScanResult } from '../../bus-protocol/scan.ts';
import { StackClient } from '../../bus-protocol/StackClient.ts';
import { openPort, type HostPort } from '../../hil/ports.ts';
import { ListenError } from '../../web/node/server.ts';
import { hostErrorMessage, onInterrupt, portOption, simOptions, type HostOptions } from '../hostCommand.ts';
import { LOOPBACK_HOST, isWildcardHost, parseListenAddress, urlOf } from '../listenAddress.ts';
import { CliError, ioOf, parseInteger } from '../output.ts';
import { PduService, type BusLink } from '../pdu/PduService.ts';
import { servePdu } from '../pdu/httpApi.ts';
import { parseRange } from './scan.ts';

interface PduOptions extends HostOptions {
  listen: string;
  allowRemote?: boolean;
  range: string;
  offTimeout?: string;
  metricsMaxAge?: string;
}

/** Default listen address: loopback, the port labgrid environment files name. */
export const DEFAULT_PDU_LISTEN = `${LOOPBACK_HOST}:8080`;

/** True for a host only this machine reaches: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1' || host.toLowerCase() === 'localhost';
}

/**
 * Scan `from`..`to`, then ask every silent ID once more: a probe has no retry, and one reply
 * missed at start (a loaded host, a server still warming up) would leave a board unswitchable
 * until restart.
 */
export async function findBoards(client: StackClient, from: number, to: number): Promise<ScanResult> {
  const first = await client.scan({ from, to });
  const found = [...first.found];
  const absent: number[] = [];
  for (const id of first.absent) {
    const again = await client.scan({ from: id, to: id });
    found.push(...again.found);
    absent.push(...again.absent);
  }
  return { found: found.sort((a, b) => a.id - b.id), corrupt: first.corrupt, absent };
}

async function start(cmd: Command, options: PduOptions): Promise<void> {
  const io = ioOf(cmd);
  const listen = parseListenAddress(options.listen, '--listen', 8080);
  const remote = !isLoopbackHost(listen.host);
  if (remote && !options.allowRemote) {
    throw new CliError(`"--listen" ${listen.host} is not a loopback address: anyone who can reach it could switch the Pis off; add --allow-remote if that is what you want`);
  }
  const { from, to } = parseRange(options.range);
  const offTimeoutMs = options.offTimeout === undefined ? undefined : parseInteger(options.offTimeout, '--off-timeout', { min: 1, max: 3_600_000, hint: 'ms' });
  const metricsMaxAgeMs = parseInteger(options.metricsMaxAge ?? '1000', '--metrics-max-age', { min: 0, max: 3_600_000, hint: 'ms' });
  const replyTimeoutMs = options.replyTimeout === undefined ? undefined : parseInteger(options.replyTimeout, '--reply-timeout', { min: 1, max: 60_000 });
  const { spec, parsed } = portOption(options);
  const openOptions = simOptions(options, parsed);
  const profile = typeof openOptions.profile === 'object' ? openOptions.profile : V4_REFERENCE;
  const failed = (e: unknown): never => {
    const message = hostErrorMessage(e, spec);
    if (message === undefined) throw e;
    throw new CliError(message);
  };
  let port: HostPort;
  try {
    port = await openPort(spec, openOptions);
  } catch (e) {
    return failed(e);
  }
  // checkFirmware: never send a board a command its firmware lacks (it would log 0x12).
  const connect = (p: HostPort): BusLink => ({ port: p, client: new StackClient(p.transport, { clock: p.clock, checkFirmware: true, ...(replyTimeoutMs === undefined ? {} : { replyTimeoutMs }) }) });
  const { client } = connect(port);
  let service: PduService | undefined;
  const interrupt = onInterrupt();
  try {
    const scan = await port.run(findBoards(client, from, to)).catch(failed);
    if (scan.found.length === 0) throw new CliError(`no boards found on IDs ${from}-${to} of ${spec} (is the bus powered and wired, "--range" right?)`);
    service = new PduService({
      port, client, boards: scan.found, profile, metricsMaxAgeMs,
      ...(offTimeoutMs === undefined ? {} : { offTimeoutMs }),
      // a real adapter may come back (plugged in again, a server restarted); a simulated bus is never lost
      ...(parsed.kind === 'sim' ? {} : { reopen: async () => connect(await openPort(spec, openOptions)) }),
    });
    service.onLost = (reason) => io.err(`error: lost the bus ${spec}: ${reason}; answering 503, and trying to reopen it on requests (at most every 2 s)\n`);
    service.onReopened = (description) => io.out(`reopened the bus: ${description}\n`);
    const server = await servePdu(service, { host: listen.host, port: listen.port, portSpec: spec, log: (line) => io.out(`${line}\n`) }).catch((e: unknown) => {
      throw e instanceof ListenError ? new CliError(e.message) : e;
    });
    if (remote) io.err(`warning: "--listen" ${listen.host}: anyone who can reach this machine on port ${server.port} can switch the Pis (--allow-remote)\n`);
    const shown = isWildcardHost(listen.host) ? urlOf('http', LOOPBACK_HOST, server.port, '/') : server.url;
    const ids = scan.found.map((b) => b.id);
    io.out(`pistack pdu: ${shown} switching ${ids.length} board${ids.length === 1 ? '' : 's'} (ID ${ids.join(', ')}) on ${port.description}\n`);
    io.out(`labgrid NetworkPowerPort (model rest) host: ${shown}boards/${ids[0]}/pis/{index}/power\n`);
    io.out('Ctrl-C or SIGTERM stops\n');
    const signal = await interrupt.received;
    await server.close();
    io.out(`stopped (${signal})\n`);
  } finally {
    interrupt.off();
    if (service) await service.close();
    else {
      await client.close().catch(() => undefined);
      await port.close().catch(() => undefined);
    }
  }
}

/** Register `pdu` on the program. */
export function register(program: Command): void {
  program
    .command('pdu')
    .description('serve the Pi Stack as a power switch over HTTP: labgrid NetworkPowerPort (model rest), status JSON, Prometheus /metrics')
    .option('--port <PORT>', 'the bus: a serial device (/dev/ttyUSB0), tcp://HOST:PORT, or sim: (built-in simulator; its time runs only while a request is served)')
    .option('--listen <HOST:PORT>', 'where to serve HTTP (port 0 picks a free one)', DEFAULT_PDU_LISTEN)
    .option('--allow-remote', 'allow a --listen address other than loopback (anyone who reaches it can switch the Pis)')
    .option('--range <FROM-TO>', 'board IDs to look for at start (0-15 is one stack)', '0-15')
    .option('--off-timeout <MS>', "graceful off gives up after this long (default: the Pi's OFF_DELAY as set on the board, plus 5 s)")
    .option('--metrics-max-age <MS>', '/metrics readings younger than this are served again without reading the bus (default 1000)')
    .option('--reply-timeout <MS>', 'reply allowance after the wire time, ms (default 40; more for slow network links)')
    .option('--stack <FILE>', 'sim: only: stack description (JSON) or builtin name: default, single')
    .option('--profile <FILE>', 'sim: only: firmware profile (JSON) or builtin name: v4-reference, v3')
    .option('--seed <N>', 'sim: only: seed of the simulation')
    .addHelpText('after', '\nExamples:\n  pistack pdu --port /dev/ttyUSB0 --listen 127.0.0.1:8080\n  curl -X PUT --data 1 http://127.0.0.1:8080/boards/0/pis/1/power')
    .action(async function (this: Command, options: PduOptions) {
      await start(this, options);
    });
}
