/**
 * `pistack tap` as a library: a recording man-in-the-middle between a host program and a real
 * bus. socat makes a PTY pair with one end linked at PATH for the host (hil/serve/ptyPair.ts);
 * the other end is bridged to the real adapter (or a tcp:// serial server), and every chunk in
 * both directions goes into a session file as it passes (host = bytes the host wrote to the PTY,
 * bus = bytes from the adapter), each line on disk at once. However the tap ends, the file gets
 * a trailer saying why: `interrupted` (stop(), Ctrl-C), `disconnected` (the adapter or server went
 * away), `error` (socat died, a write failed); then socat is killed by its PID and the link removed.
 */
import { ArgumentError } from '../bus-protocol/errors.ts';
import { openPort, parsePortSpec, type HostPort } from './ports.ts';
import { realClock } from './realClock.ts';
import { openPtyPair, type PtyPair } from './serve/ptyPair.ts';
import { openSerialTransport, type SerialTransport } from './SerialTransport.ts';
import { SessionRecorder, recordTransport } from './session/SessionRecorder.ts';
import type { SessionEndKind } from './session/sessionFormat.ts';

/** What to tap and where to record. */
export interface TapOptions {
  /** The real bus, as `--port` names it: a serial device path, tcp://HOST:PORT or rfc2217://HOST:PORT (not sim:). */
  device: string;
  /** Where to link the host's PTY (must not exist). */
  pty: string;
  /** Session file to create. */
  out: string;
  /** Replace an existing session file; default false. */
  overwrite?: boolean;
  /** socat executable; default 'socat'. */
  socat?: string;
}

/** Bytes and chunks that went each way so far. */
export interface TapStats {
  hostBytes: number;
  busBytes: number;
  hostChunks: number;
  busChunks: number;
}

/** How a tap ended: the trailer's kind and reason. */
export interface TapOutcome {
  readonly end: SessionEndKind;
  readonly reason: string;
}

/** A running tap. */
export interface TapHandle {
  /** The host's end: the PTY link (absolute path). */
  readonly path: string;
  /** The real link, e.g. `/dev/ttyUSB0 @ 9600 baud`. */
  readonly device: string;
  /** The session file. */
  readonly out: string;
  /** socat's process ID. */
  readonly socatPid: number;
  /** Traffic so far (live). */
  readonly stats: Readonly<TapStats>;
  /** Resolves once the tap has ended and everything is released. */
  readonly done: Promise<TapOutcome>;
  /** End the tap (trailer `interrupted` by default, with `reason`); idempotent, the first ending wins. */
  stop(kind?: SessionEndKind, reason?: string): Promise<TapOutcome>;
}

/** A problem starting the tap that the user can fix (file exists, device missing, socat missing...). */
export class TapError extends Error {
  override name = 'TapError';
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Start tapping; resolves once the PTY link exists and the device is open. */
export async function startTap(options: TapOptions): Promise<TapHandle> {
  let kind: string;
  try {
    kind = parsePortSpec(options.device).kind;
  } catch (e) {
    throw new TapError(message(e));
  }
  if (kind === 'sim') throw new TapError('"--port": tap needs a real link (a serial device, tcp:// or rfc2217://); to tap the simulator, run `pistack serve --tcp :5000` and tap tcp://127.0.0.1:5000');
  let recorder: SessionRecorder;
  try {
    recorder = SessionRecorder.create({ path: options.out, port: options.device, clock: 'wall', context: { command: 'tap' }, ...(options.overwrite ? { overwrite: true } : {}) });
  } catch (e) {
    throw new TapError(`"--out": ${message(e)}`);
  }
  const startMs = realClock.now();
  const elapsed = () => realClock.now() - startMs;
  const releases: Array<() => Promise<void>> = [];
  const release = async () => {
    for (const r of releases.splice(0).reverse()) await r().catch(() => undefined);
  };
  const failStart = async (e: unknown): Promise<never> => {
    recorder.end('error', message(e), elapsed());
    await release();
    throw e instanceof ArgumentError ? new TapError(e.message) : new TapError(message(e));
  };

  let adapter: HostPort;
  let lostEarly: string | undefined;
  let pair: PtyPair;
  let ptyEnd: SerialTransport;
  try {
    adapter = await openPort(options.device);
    releases.push(() => adapter.close());
    // The link may go away while socat starts: remember it, the bridge below ends the tap then.
    adapter.transport.onClose((reason) => (lostEarly ??= reason));
    pair = await openPtyPair(options.pty, { command: 'tap', ...(options.socat === undefined ? {} : { socat: options.socat }) });
    releases.push(() => pair.stop());
    ptyEnd = await openSerialTransport({ path: pair.privatePath, baudRate: 9600 });
    releases.push(() => ptyEnd.close());
  } catch (e) {
    return failStart(e);
  }

  // Trailers are written here, so that each way of ending gets its own kind.
  const bus = recordTransport(adapter.transport, recorder, realClock, { startMs, endOnClose: false });
  const stats: TapStats = { hostBytes: 0, busBytes: 0, hostChunks: 0, busChunks: 0 };
  let ending: Promise<TapOutcome> | undefined;
  let finish!: (outcome: TapOutcome) => void;
  const done = new Promise<TapOutcome>((resolve) => (finish = resolve));
  const end = (kind: SessionEndKind, reason: string): Promise<TapOutcome> =>
    (ending ??= (async () => {
      const outcome = { end: kind, reason };
      try {
        recorder.end(kind, reason, elapsed());
      } catch {
        // the events already written stay valid; parseSession reports the missing trailer
      }
      await bus.close().catch(() => undefined);
      await release();
      finish(outcome);
      return outcome;
    })());

  ptyEnd.onData((bytes) => {
    stats.hostBytes += bytes.length;
    stats.hostChunks++;
    bus.write(bytes).catch((e: unknown) => void end('error', `writing to ${adapter.description} failed: ${message(e)}`));
  });
  bus.onData((bytes) => {
    stats.busBytes += bytes.length;
    stats.busChunks++;
    ptyEnd.write(bytes).catch((e: unknown) => void end('error', `writing to the PTY failed: ${message(e)}`));
  });
  bus.onClose((reason) => void end('disconnected', reason));
  pair.onExit((reason) => void end('error', reason));
  ptyEnd.onClose((reason) => void end('error', `our end of the PTY closed: ${reason}`));
  if (lostEarly !== undefined) void end('disconnected', lostEarly);

  return {
    path: pair.path, device: adapter.description, out: options.out, socatPid: pair.pid, stats, done,
    stop: (kind = 'interrupted', reason = 'stopped') => end(kind, reason),
  };
}
