/**
 * Recording a session (docs/session-format.md), Node only. Every line goes to the file with
 * fs.writeSync on a descriptor opened for append, as soon as it is known, so a crash, a kill or
 * an unplugged adapter loses nothing already seen: the file is then valid up to its last event
 * and merely lacks the end trailer. recordTransport() puts a recorder between a client and any
 * ByteTransport.
 */
import { closeSync, constants, fsyncSync, openSync, writeSync } from 'node:fs';
import pkg from '../../package.json' with { type: 'json' };
import type { Clock } from '../../bus-protocol/clock.ts';
import { commandByCode, type CommandName } from '../../bus-protocol/commands.ts';
import { rawToUnits, type Reading } from '../../bus-protocol/conversions.ts';
import { describeErrorCode } from '../../bus-protocol/errorCodes.ts';
import { decodeRequest, decodeResponse } from '../../bus-protocol/frame.ts';
import { toHex } from '../../bus-protocol/hex.ts';
import type { ByteTransport } from '../../bus-protocol/transport.ts';
import { CLOSED_BY_HOST } from '../SerialTransport.ts';
import {
  formatEndLine, formatEventLine, formatHeaderLine, makeSessionHeader,
  type SessionContext, type SessionDirection, type SessionEnd, type SessionEndKind, type SessionHeader,
} from './sessionFormat.ts';

/** Where to record and what to put in the header. */
export interface SessionRecorderOptions {
  /** File to create. */
  path: string;
  /** The link recorded, as the user named it (`/dev/ttyUSB0`, `tcp://...`, `sim:`). */
  port: string;
  /** Whether event times are wall-clock or simulator (virtual) ms. */
  clock: 'wall' | 'virtual';
  /** Line rate, bit/s; default 9600. */
  baud?: number;
  /** Start time for the header; default now. */
  startedAt?: Date;
  /** Replace an existing file; default false (an existing file is an error, never silently lost). */
  overwrite?: boolean;
  /** What the recorder knows of the situation (optional header fields: command, IDs, versions, stack, tolerance). */
  context?: SessionContext;
}

/** Writes one session file, line by line, each line on disk (in the OS) before record() returns. */
export class SessionRecorder {
  /** The header written on line 1. */
  readonly header: SessionHeader;
  private fd: number | undefined;
  private count = 0;
  private last = 0;
  private trailer: SessionEnd | undefined;

  private constructor(readonly path: string, fd: number, header: SessionHeader) {
    this.fd = fd;
    this.header = header;
  }

  /** Create the file and write the header; throws when the file exists (unless `overwrite`) or cannot be created. */
  static create(options: SessionRecorderOptions): SessionRecorder {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | (options.overwrite ? constants.O_TRUNC : constants.O_EXCL);
    let fd: number;
    try {
      fd = openSync(options.path, flags, 0o644);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EEXIST' ? 'the file already exists; pass --overwrite to replace it' : (error as Error).message;
      throw new Error(`cannot record to ${options.path}: ${why}`, { cause: error });
    }
    const header = makeSessionHeader({
      port: options.port, clock: options.clock, toolVersion: pkg.version,
      ...(options.baud === undefined ? {} : { baud: options.baud }), ...(options.startedAt ? { startedAt: options.startedAt } : {}),
      ...(options.context ? { context: options.context } : {}),
    });
    try {
      writeSync(fd, formatHeaderLine(header));
    } catch (error) {
      closeSync(fd);
      throw new Error(`cannot record to ${options.path}: ${(error as Error).message}`, { cause: error });
    }
    return new SessionRecorder(options.path, fd, header);
  }

  /** Events written so far. */
  get events(): number {
    return this.count;
  }

  /** Time of the latest event, ms since the start. */
  get lastT(): number {
    return this.last;
  }

  /** The trailer once end() has run. */
  get ended(): SessionEnd | undefined {
    return this.trailer;
  }

  /**
   * Append one chunk at `t` ms since the start (a time before the previous event is written as
   * that event's time, so the file stays ordered). Ignored after end(); throws on a write error.
   */
  record(dir: SessionDirection, bytes: Uint8Array, t: number, note?: string): void {
    if (this.trailer !== undefined || bytes.length === 0) return;
    this.last = Math.max(this.last, t);
    this.write(formatEventLine({ t: this.last, dir, bytes, note }));
    this.count++;
  }

  /** Write the trailer (at `t`, default the last event's time) and close the file. Only the first call counts. */
  end(kind: SessionEndKind, reason?: string, t?: number): void {
    if (this.trailer !== undefined) return;
    this.trailer = { end: kind, t: Math.max(this.last, t ?? this.last), ...(reason === undefined ? {} : { reason }) };
    try {
      this.write(formatEndLine(this.trailer));
      fsyncSync(this.fd!);
    } finally {
      closeSync(this.fd!);
      this.fd = undefined;
    }
  }

  private write(line: string): void {
    if (this.fd === undefined) throw new Error(`${this.path}: recording already ended`);
    writeSync(this.fd, line);
  }
}

/** Readings whose value does not depend on the hardware version (PROTOCOL.md section 7). */
const UNIT_READINGS: Partial<Record<CommandName, { reading: Reading; unit: string }>> = {
  GET_VIN: { reading: 'vin', unit: 'V' },
  GET_CIN: { reading: 'cin', unit: 'A' },
  GET_5V: { reading: 'rail5v', unit: 'V' },
  GET_PI_C: { reading: 'piC', unit: 'A' },
};

function fields(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v instanceof Uint8Array ? (v.length > 8 ? `<${v.length} bytes>` : toHex(v)) : String(v)}`)
    .join(' ');
}

/**
 * A short decoded summary of a chunk that is exactly one frame ("GET_VIN to 3", "OK raw=41234
 * (11.91 V)", "error 0x12 UNKNOWN_COMMAND: ...", "bad frame: CRC byte ..."), else undefined.
 * `answering` names the command a reply answers (the last request seen).
 */
export function describeChunk(dir: SessionDirection, bytes: Uint8Array, answering?: CommandName): string | undefined {
  const len = bytes[2];
  if (bytes.length < 4 || len === undefined || len + 1 !== bytes.length) return undefined;
  if (dir === 'host') {
    const decoded = decodeRequest(bytes);
    if (decoded.kind === 'invalid') return `bad request: ${decoded.message}`;
    if (decoded.kind !== 'frame') return undefined;
    const args = fields(decoded.frame.args as Record<string, unknown>);
    return `${decoded.frame.command} to ${decoded.frame.id}${args ? ` ${args}` : ''}`;
  }
  const decoded = decodeResponse(bytes, answering);
  if (decoded.kind === 'invalid') {
    // A reply shorter than its command's OK length still decodes as a frame without the command.
    const plain = answering === undefined ? decoded : decodeResponse(bytes);
    if (plain.kind !== 'frame') return `bad reply: ${decoded.message}`;
    return `bad reply to ${answering}: ${decoded.message}`;
  }
  if (decoded.kind !== 'frame') return undefined;
  const frame = decoded.frame;
  if (frame.status === 'error') return `error ${describeErrorCode(frame.code)}`;
  if (frame.command === undefined) return frame.data.length ? `OK data ${toHex(frame.data)}` : 'OK';
  const payload = frame.payload as Record<string, unknown>;
  const text = fields(payload);
  const unit = UNIT_READINGS[frame.command];
  const raw = payload['raw'];
  const value = unit && typeof raw === 'number' ? ` (${rawToUnits(unit.reading, raw).toFixed(3)} ${unit.unit})` : '';
  return text ? `OK ${text}${value}` : 'OK';
}

/** Options of recordTransport. */
export interface RecordTransportOptions {
  /** Clock time (ms) that is t = 0 in the file; default clock.now() when wrapping. */
  startMs?: number;
  /** Write the trailer when the link closes ('closed' by the host, else 'disconnected'); default true. */
  endOnClose?: boolean;
}

/**
 * A ByteTransport that records every chunk written and received through `transport` (times from
 * `clock`, decoded notes on whole frames) and is otherwise the same link. Closing it, or the link
 * going away, ends the recording unless `endOnClose` is false; on a crash the file simply has no
 * trailer. If the file cannot be written, the wrapper closes with that reason.
 */
export function recordTransport(transport: ByteTransport, recorder: SessionRecorder, clock: Clock, options: RecordTransportOptions = {}): ByteTransport {
  const startMs = options.startMs ?? clock.now();
  const endOnClose = options.endOnClose ?? true;
  const dataListeners = new Set<(bytes: Uint8Array) => void>();
  const closeListeners = new Set<(reason: string) => void>();
  const at = () => clock.now() - startMs;
  let answering: CommandName | undefined;
  let closedReason: string | undefined;
  let hostClosing = false;

  const gone = (reason: string) => {
    if (closedReason !== undefined) return;
    closedReason = reason;
    offData();
    offClose();
    if (endOnClose) {
      try {
        if (hostClosing) recorder.end('closed', undefined, at());
        else recorder.end('disconnected', reason, at());
      } catch {
        // The file keeps every event already written; only the trailer is missing, which parseSession reports.
      }
    }
    for (const listener of [...closeListeners]) listener(reason);
  };
  const offData = transport.onData((bytes) => {
    try {
      recorder.record('bus', bytes, at(), describeChunk('bus', bytes, answering));
    } catch (error) {
      const reason = `cannot record to ${recorder.path}: ${(error as Error).message}`;
      gone(reason);
      void transport.close();
      return;
    }
    for (const listener of [...dataListeners]) listener(bytes);
  });
  const offClose = transport.onClose(gone);

  return {
    description: transport.description,
    async write(bytes: Uint8Array): Promise<void> {
      if (closedReason !== undefined) throw new Error(`${transport.description} is closed: ${closedReason}`);
      const note = describeChunk('host', bytes);
      answering = bytes.length >= 4 && bytes[2]! + 1 === bytes.length ? commandByCode(bytes[0]!) : answering;
      recorder.record('host', bytes, at(), note);
      return transport.write(bytes);
    },
    onData(listener) {
      dataListeners.add(listener);
      return () => dataListeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    async close(): Promise<void> {
      hostClosing ||= closedReason === undefined;
      await transport.close();
      gone(CLOSED_BY_HOST);
    },
  };
}
