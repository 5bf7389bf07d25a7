/**
 * The port opener behind every `--port` option: a serial device path, `tcp://HOST:PORT`
 * (ser2net raw, `pistack serve --tcp`), `rfc2217://HOST:PORT` (ser2net telnet(rfc2217), labgrid
 * exporters, `pistack serve --rfc2217`) or `sim:` (an in-process simulated stack). Whatever the link, the
 * caller gets a ByteTransport, the Clock to run the client on, and run() to await work with:
 * the identity on real links (wall time), the simulator's settle() on `sim:` (virtual time).
 */
import type { Clock } from '../bus-protocol/clock.ts';
import { ArgumentError } from '../bus-protocol/errors.ts';
import type { ByteTransport } from '../bus-protocol/transport.ts';
import { BUILTIN_PROFILES, V4_REFERENCE } from '../board-model/profiles.ts';
import type { FirmwareProfile } from '../board-model/profileSchema.ts';
import { SimStack, type SimStackOptions } from '../board-model/SimStack.ts';
import { BUILTIN_STACKS, DEFAULT_STACK, type Stack } from '../board-model/stack.ts';
import { realClock } from './realClock.ts';
import { PortBusyError, lockPort } from './portLock.ts';
import type { SerialBinding } from './SerialTransport.ts';
import { openTcpTransport, tcpUrl } from './TcpTransport.ts';
import { openRfc2217Transport, rfc2217Url } from './rfc2217/Rfc2217Transport.ts';

/** A parsed `--port` value. */
export type PortSpec =
  | { readonly kind: 'serial'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'rfc2217'; readonly host: string; readonly port: number }
  | { readonly kind: 'sim' };

/** An open link to a bus, with the time base its client must use. */
export interface HostPort {
  /** Where this goes: `/dev/ttyUSB0 @ 9600 baud`, `tcp://host:port`, `rfc2217://host:port`, `sim: (default stack, ...)`. */
  readonly description: string;
  /** The bytes to and from the bus. */
  readonly transport: ByteTransport;
  /** The clock for the client: the wall clock on real links, the simulator's host clock on `sim:`. */
  readonly clock: Clock;
  /** Await host work: the identity on real links; on `sim:` it runs virtual time until `work` settles. */
  run<T>(work: Promise<T>): Promise<T>;
  /** Release the link (and stop the simulator); idempotent. */
  close(): Promise<void>;
  /** The simulated stack behind a `sim:` port (its control surface for fault injection). */
  readonly sim?: SimStack;
}

/** Options of openPort; each applies to one kind of port and is ignored by the others. */
export interface OpenPortOptions {
  /** Serial: baud rate, bit/s; default 9600 (PROTOCOL.md section 1). */
  baudRate?: number;
  /** Serial: node-serialport binding; default the platform's (tests pass SerialPortMock.binding). */
  binding?: SerialBinding;
  /** TCP and RFC 2217: give up connecting after this many ms (default 3000). */
  connectTimeoutMs?: number;
  /** RFC 2217: give up on the server's negotiation answers after this many ms (default 3000). */
  negotiationTimeoutMs?: number;
  /** sim: a stack description or a builtin name (`default`, `single`); default `default`. */
  stack?: Stack | string;
  /** sim: a firmware profile or a builtin name (`v4-reference`, `v3`); default `v4-reference`. */
  profile?: FirmwareProfile | string;
  /** sim: seed of the simulation's random streams (default the stack's seed, else 1). */
  seed?: number;
  /** sim: virtual ms to run after power-up so the MCUs have booted before the first request; default 100. */
  bootMs?: number;
}

/** What `--port` accepts, for error messages and help text. */
export const PORT_FORMS = 'a serial device path (/dev/ttyUSB0, COM3), tcp://HOST:PORT (raw TCP: ser2net, pistack serve --tcp), rfc2217://HOST:PORT (RFC 2217: ser2net, labgrid, pistack serve --rfc2217) or sim: (the built-in simulator)';

function badPort(spec: string, why: string): ArgumentError {
  return new ArgumentError('--port', `${JSON.stringify(spec)} ${why}; use ${PORT_FORMS}`);
}

/** Parse a `--port` value; throws ArgumentError naming "--port" and the accepted forms. */
export function parsePortSpec(spec: string): PortSpec {
  if (typeof spec !== 'string' || spec.trim() === '') throw new ArgumentError('--port', `is empty; use ${PORT_FORMS}`);
  if (spec !== spec.trim()) throw badPort(spec, 'has leading or trailing spaces');
  const lower = spec.toLowerCase();
  if (lower === 'sim:' || lower === 'sim') return { kind: 'sim' };
  if (lower.startsWith('sim:')) throw badPort(spec, 'is not a port: sim: takes no suffix (choose the stack, profile and seed with their own options)');
  if (lower.startsWith('tcp://')) return parseTcp(spec, 'tcp', spec.slice('tcp://'.length));
  if (lower.startsWith('rfc2217://')) return parseTcp(spec, 'rfc2217', spec.slice('rfc2217://'.length));
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(spec);
  if (scheme) throw badPort(spec, `uses the unsupported scheme "${scheme[1]}://"`);
  if (/^COM\d+$/i.test(spec) || /^\\\\\.\\COM\d+$/i.test(spec)) return { kind: 'serial', path: spec };
  if (spec.includes('/') || spec.includes('\\')) return { kind: 'serial', path: spec };
  if (/^[^:]+:\d+$/.test(spec)) throw badPort(spec, `is not a port (did you mean tcp://${spec}?)`);
  throw badPort(spec, `is not a port (did you mean /dev/${spec}?)`);
}

function parseTcp(spec: string, kind: 'tcp' | 'rfc2217', rest: string): PortSpec {
  const match = /^(?:\[([^\]]+)\]|([^:/[\]]+)):(\d+)\/?$/.exec(rest);
  if (!match) throw badPort(spec, `is not ${kind}://HOST:PORT (for example ${kind}://127.0.0.1:5000; IPv6 as ${kind}://[::1]:5000)`);
  const host = (match[1] ?? match[2])!;
  const port = Number(match[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw badPort(spec, `has TCP port ${match[3]}, outside 1..65535`);
  return { kind, host, port };
}

/** Error opening a serial device; `code` is the OS condition (ENOENT, EACCES, EBUSY, ENOTTY, EISDIR, or EIO for anything else). */
export class SerialOpenError extends Error {
  override name = 'SerialOpenError';
  readonly kind = 'serial-open' as const;
  constructor(readonly code: string, readonly path: string, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** node-serialport reports open failures as text without an errno: recognise the common ones. */
function serialOpenError(path: string, error: unknown): SerialOpenError {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const text = cause instanceof Error ? cause.message : String(cause);
  const options = { cause: error };
  if (/No such file or directory|ENOENT/i.test(text)) {
    return new SerialOpenError('ENOENT', path, `no serial device at ${path} (is the adapter plugged in? see \`pistack ports\`)`, options);
  }
  if (/Permission denied|EACCES/i.test(text)) {
    return new SerialOpenError('EACCES', path, `permission denied opening ${path} (add your user to the "dialout" group and log in again)`, options);
  }
  if (/Resource temporarily unavailable|busy|EBUSY|lock/i.test(text)) {
    return new SerialOpenError('EBUSY', path, `${path} is in use by another program (close it, or find it with \`fuser ${path}\`)`, options);
  }
  if (/Inappropriate ioctl|ENOTTY/i.test(text)) {
    return new SerialOpenError('ENOTTY', path, `${path} is not a serial device`, options);
  }
  if (/Is a directory|EISDIR/i.test(text)) return new SerialOpenError('EISDIR', path, `${path} is a directory, not a serial device`, options);
  return new SerialOpenError('EIO', path, `cannot open ${path}: ${text}`, options);
}

function lookup<T>(value: T | string | undefined, table: Readonly<Record<string, T>>, fallback: T, option: string): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') return value;
  const found = table[value];
  if (found === undefined) throw new ArgumentError(option, `unknown builtin ${JSON.stringify(value)} (builtin: ${Object.keys(table).join(', ')}; load files with the CLI's loaders)`);
  return found;
}

/** Start an in-process simulated stack and let its MCUs boot; the port runs in virtual time. */
async function openSim(options: OpenPortOptions): Promise<HostPort> {
  const profile = lookup(options.profile, BUILTIN_PROFILES, V4_REFERENCE, 'profile');
  const stack = lookup(options.stack, BUILTIN_STACKS, DEFAULT_STACK, 'stack');
  const bootMs = options.bootMs ?? 100;
  if (!Number.isFinite(bootMs) || bootMs < 0) throw new ArgumentError('bootMs', `must be a number of ms >= 0, got ${String(bootMs)}`);
  // Yielding now and then lets a long run (a replay of hours) notice Ctrl-C.
  const yieldToHost = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  return simPort({ stack, profile, yieldToHost, ...(options.seed === undefined ? {} : { seed: options.seed }) }, bootMs);
}

/** Start a simulated stack (any SimStack options, e.g. an inspection hook), let its MCUs boot for bootMs of virtual time, and give it a HostPort face. */
export async function simPort(options: SimStackOptions, bootMs = 100): Promise<HostPort & { readonly sim: SimStack }> {
  const sim = new SimStack(options).start();
  await sim.runFor(bootMs);
  let closed = false;
  return {
    description: `sim: (stack ${options.stack.name}, profile ${(options.profile ?? V4_REFERENCE).name}, seed ${sim.seed})`,
    transport: sim.host,
    clock: sim.hostClock,
    run: (work) => sim.settle(work),
    close: async () => {
      if (closed) return;
      closed = true;
      sim.stop();
    },
    sim,
  };
}

/** A real link: wall-clock time, and run() is the identity. */
function realPort(transport: ByteTransport): HostPort {
  return {
    description: transport.description,
    transport,
    clock: realClock,
    run: (work) => work,
    close: () => transport.close(),
  };
}

/**
 * Open the link a `--port` value names. Rejects with ArgumentError for a bad spec or option,
 * SerialOpenError for a device that cannot be opened (ENOENT: "no serial device at ..."),
 * TcpConnectError when nothing answers at a tcp:// or rfc2217:// address, and Rfc2217Error (a
 * TcpConnectError) when an rfc2217:// server does not negotiate RFC 2217 at 9600 8N1.
 */
export async function openPort(spec: string, options: OpenPortOptions = {}): Promise<HostPort> {
  const parsed = parsePortSpec(spec);
  switch (parsed.kind) {
    case 'sim':
      return openSim(options);
    case 'tcp': {
      const connectTimeoutMs = options.connectTimeoutMs;
      return realPort(await openTcpTransport({ host: parsed.host, port: parsed.port, ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }) }));
    }
    case 'rfc2217': {
      const { connectTimeoutMs, negotiationTimeoutMs } = options;
      return realPort(await openRfc2217Transport({
        host: parsed.host, port: parsed.port,
        ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }), ...(negotiationTimeoutMs === undefined ? {} : { negotiationTimeoutMs }),
      }));
    }
    case 'serial': {
      const { baudRate = 9600, binding } = options;
      if (!Number.isInteger(baudRate) || baudRate <= 0) throw new ArgumentError('baudRate', `must be a positive integer, got ${String(baudRate)}`);
      // serialport (a native addon) is loaded only when a serial device is opened
      const { openSerialTransport } = await import('./SerialTransport.ts');
      // The platform's devices get a lock file naming this process (mock bindings have no device).
      let release = () => undefined as void;
      if (binding === undefined) {
        try {
          release = lockPort(parsed.path);
        } catch (error) {
          if (error instanceof PortBusyError) throw new SerialOpenError('EBUSY', parsed.path, error.message, { cause: error });
          throw new SerialOpenError('EIO', parsed.path, `cannot open ${parsed.path}: ${(error as Error).message}`, { cause: error });
        }
      }
      try {
        const transport = await openSerialTransport({ path: parsed.path, baudRate, ...(binding ? { binding } : {}) });
        transport.onClose(release);
        return realPort(transport);
      } catch (error) {
        release();
        throw serialOpenError(parsed.path, error);
      }
    }
  }
}

/** A parsed spec back in `--port` form. */
export function formatPortSpec(spec: PortSpec): string {
  if (spec.kind === 'sim') return 'sim:';
  if (spec.kind === 'tcp') return tcpUrl(spec.host, spec.port);
  if (spec.kind === 'rfc2217') return rfc2217Url(spec.host, spec.port);
  return spec.path;
}
