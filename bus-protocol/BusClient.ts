/**
 * The host side of the bus (PROTOCOL.md sections 2, 5, 8): one request on the bus at a time,
 * typed errors, retries for reads. Browser-safe; time comes only from the injected Clock, so it
 * runs unchanged against a simulator in virtual time. StackClient adds the per-command methods.
 */
import type { Clock } from './clock.ts';
import { COMMANDS, commandByCode, responseLen, type CommandName } from './commands.ts';
import { ArgumentError, BoardError, CrcError, DisconnectedError, MalformedReplyError, NoReplyError } from './errors.ts';
import { ERROR } from './errorCodes.ts';
import { decodeResponse, encodeRequest } from './frame.ts';
import { BYTE_TIME_9600_MS } from './FrameParser.ts';
import { ReplyWaiter, type WaitResult } from './ReplyWaiter.ts';
import { DEFAULT_LONGEST_REPLY_DELAY_MS, MAX_REPLY_ALLOWANCE_MS, ReplyTimer } from './ReplyTimer.ts';
import type { ByteTransport } from './transport.ts';
import type { ArgsParam, ResponseFrame, ResponsePayload } from './types.ts';
import type { HardwareVersion } from './conversions.ts';

/**
 * Reply allowance after the wire time of the request and of the expected reply, in ms, until a
 * first reply has been measured (then the allowance adapts, see ReplyTimer): the board starts
 * answering ~2-3 ms after the last request byte (FIRMWARE.md section 7), a USB adapter may sit
 * on received bytes for 16 ms, and the rest is margin for host scheduling. Well under the
 * original library's 0.3 s, so a scan of 16 absent IDs takes under a second.
 */
export const DEFAULT_REPLY_TIMEOUT_MS = 40;

/**
 * Floor margin of the adaptive allowance for host-side jitter, ms. Through `pistack serve --pty`
 * on a 2-core machine the GET_VIN round trip's median was 13.2 ms and its p99 29.7 ms: with the
 * allowance floored at the reply delay alone (3 ms), about one request in a hundred was given up
 * while its reply was on the way, and the next request collided with it (the board answered
 * RX_OVERFLOW or FRAME_TOO_SHORT). Still well under the fixed 40 ms, so a scan keeps its pace.
 */
export const HOST_JITTER_MARGIN_MS = 10;

/** Error-log slots assumed for the GET_ERROR_BUFFER reply length (FIRMWARE.md section 2, ASSUMED 32). */
export const DEFAULT_ERROR_LOG_SIZE = 32;

/** Bytes of an error reply frame: status 0x01, 0xFF, LEN 4, code, CRC (PROTOCOL.md section 6). */
const ERROR_REPLY_BYTES = 5;

/**
 * A raw frame may be cut short: the board then knows it ended only after an inter-byte gap of
 * 3.5 byte-times (FIRMWARE.md section 7), which the adaptive allowance (learned from whole
 * frames) does not include. Raw requests that are not whole frames get it on top.
 */
const RAW_GAP_BYTE_TIMES = 3.5;

/**
 * Error replies that say the board did not receive the request whole (PROTOCOL.md section 6):
 * FRAME_TOO_SHORT, CRC_FAILED, RX_OVERFLOW, FRAME_SHORTER_THAN_LEN. The command was not run, so a
 * read is asked again (within its retries); a write is not (its reply is the caller's to judge).
 */
export const RECEPTION_ERRORS: ReadonlySet<number> = new Set([ERROR.FRAME_TOO_SHORT, ERROR.CRC_FAILED, ERROR.RX_OVERFLOW, ERROR.FRAME_SHORTER_THAN_LEN]);

/** Default number of re-sends of a read command after a timeout, CRC error, malformed reply or reception error reply. */
export const DEFAULT_RETRIES = 2;

/** Bytes seen by the client: 'host' = written by us, 'bus' = received; `at` in ms on the client's clock. */
export interface TrafficEvent {
  readonly direction: 'host' | 'bus';
  readonly bytes: Uint8Array;
  readonly at: number;
}

/** Client settings; only `clock` is required. */
export interface StackClientOptions {
  /** Source of time and timers (virtual in tests and the simulator, wall time on hardware). */
  clock: Clock;
  /**
   * Fixed reply allowance after the request's and the expected reply's wire time, ms. Given, it
   * wins (no adaptation); omitted, the allowance adapts to measured round trips (ReplyTimer),
   * starting from DEFAULT_REPLY_TIMEOUT_MS.
   */
  replyTimeoutMs?: number;
  /** Boards' longest reply delay (profile replyDelayMs + replyJitterMs), ms: floor of the adaptive allowance; default 3. */
  longestReplyDelayMs?: number;
  /**
   * Margin added to that floor for the host's own timing jitter (OS scheduling, PTY and socat
   * hops, a USB adapter's latency timer), ms; default HOST_JITTER_MARGIN_MS. A reply given up
   * too soon still comes, and the next request then collides with it on the bus.
   */
  hostJitterMarginMs?: number;
  /** Slots in the boards' error log, which sets the expected GET_ERROR_BUFFER reply length; default 32 (FIRMWARE.md section 2). */
  errorLogSize?: number;
  /** Re-sends of read commands after a failed attempt; default 2. Write commands are never re-sent. */
  retries?: number;
  /** Wire time of one byte, ms; default 9600 baud 8N1 (1.0417 ms). */
  byteTimeMs?: number;
  /** Hardware revision used to convert Pi voltage readings; default 3. */
  hardwareVersion?: HardwareVersion;
  /** Called for every chunk written or received (for recorders and monitors). */
  onTraffic?: (event: TrafficEvent) => void;
}

/** Counters since the client was made; one attempt is one request frame written. */
export interface ClientStats {
  requests: number;
  replies: number;
  timeouts: number;
  crcErrors: number;
  malformed: number;
  boardErrors: number;
  retries: number;
}

/** Errors an attempt can end with other than a reply. */
export type ExchangeError = NoReplyError | CrcError | MalformedReplyError | DisconnectedError;

/** What requestRaw() resolves to: the decoded reply frame (OK or error status), or why there is none. */
export type RawOutcome<N extends CommandName = CommandName> =
  | { readonly kind: 'reply'; readonly frame: ResponseFrame<N>; /** arrival of the last byte, ms */ readonly at: number }
  | { readonly kind: 'failed'; readonly error: ExchangeError };

interface Job {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Request/response over a ByteTransport, one request on the bus at a time. */
export class BusClient {
  /** Counters; read freely, never reset. */
  readonly stats: ClientStats = { requests: 0, replies: 0, timeouts: 0, crcErrors: 0, malformed: 0, boardErrors: 0, retries: 0 };
  /** Hardware revision for conversions (from the options). */
  readonly hardwareVersion: HardwareVersion;
  protected readonly retries: number;
  private readonly clock: Clock;
  /** The adaptive allowance; undefined when `replyTimeoutMs` fixed it. */
  readonly replyTimer: ReplyTimer | undefined;
  /**
   * Requests given up as silent whose reply then came, recognised because it completed sooner
   * after the next write than that request's own reply could (adaptive allowance only). Oldest
   * first; read and cleared by whoever acts on them (scan() probes those IDs again).
   */
  readonly lateReplies: Uint8Array[] = [];
  /** The last request that ended silent, while its reply may still come late. */
  private lastSilent: { frame: Uint8Array; startAt: number } | undefined;
  private readonly fixedTimeoutMs: number | undefined;
  private readonly errorLogSize: number;
  private readonly byteTimeMs: number;
  private readonly onTraffic: ((event: TrafficEvent) => void) | undefined;
  private readonly queue: Job[] = [];
  private busy = false;
  private waiter: ReplyWaiter | undefined;
  private closedReason: string | undefined;
  private wake: (() => void) | undefined;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly transport: ByteTransport, options: StackClientOptions) {
    this.clock = options.clock;
    this.fixedTimeoutMs = options.replyTimeoutMs === undefined ? undefined : nonNegative('replyTimeoutMs', options.replyTimeoutMs);
    const floorMs = nonNegative('longestReplyDelayMs', options.longestReplyDelayMs ?? DEFAULT_LONGEST_REPLY_DELAY_MS)
      + nonNegative('hostJitterMarginMs', options.hostJitterMarginMs ?? HOST_JITTER_MARGIN_MS);
    this.replyTimer = this.fixedTimeoutMs === undefined ? new ReplyTimer({ initialMs: DEFAULT_REPLY_TIMEOUT_MS, floorMs }) : undefined;
    this.errorLogSize = nonNegative('errorLogSize', options.errorLogSize ?? DEFAULT_ERROR_LOG_SIZE);
    this.retries = nonNegative('retries', options.retries ?? DEFAULT_RETRIES);
    this.byteTimeMs = nonNegative('byteTimeMs', options.byteTimeMs ?? BYTE_TIME_9600_MS);
    this.hardwareVersion = options.hardwareVersion ?? 3;
    this.onTraffic = options.onTraffic;
    this.unsubscribe.push(
      transport.onData((bytes) => {
        const at = this.clock.now();
        this.onTraffic?.({ direction: 'bus', bytes: bytes.slice(), at });
        this.waiter?.feed(bytes, at);
      }),
    );
    this.unsubscribe.push(transport.onClose((reason) => this.shutDown(reason)));
  }

  /**
   * Send a command and resolve with its decoded OK payload. Rejects with BoardError (status 0x01),
   * NoReplyError, CrcError, MalformedReplyError, DisconnectedError or ArgumentError. Read commands
   * are re-sent up to `retries` times; write commands never are, because a lost reply does not
   * mean the board did not act (a repeated PI_OFF or SEND_SIG would act twice).
   */
  request<N extends CommandName>(name: N, id: number, ...args: ArgsParam<N>): Promise<ResponsePayload<N>> {
    return this.exchange(name, id, args, this.retries);
  }

  /**
   * Send arbitrary bytes (e.g. a deliberately damaged frame) once and report what came back.
   * `expect` decodes an OK payload as that command's; without it the payload is left undecoded.
   */
  requestRaw<N extends CommandName>(bytes: Uint8Array, expect?: N): Promise<RawOutcome<N>> {
    if (bytes.length === 0) return Promise.reject(new ArgumentError('bytes', 'requestRaw needs at least one byte'));
    const frame = bytes.slice();
    const label = expect ?? commandByCode(frame[0]!) ?? 'raw frame';
    // Unknown reply: the shortest frame, or (adaptive allowance, which leaves no slack for a long
    // reply) the reply of the command the frame names.
    const named = this.replyTimer === undefined ? undefined : commandByCode(frame[0]!);
    const expected = expect !== undefined ? this.replyBytes(expect) : named !== undefined ? this.replyBytes(named) : 4;
    // Only a frame whose LEN does not match its length can be cut short and end at the gap; a whole
    // frame (LEN + 1 bytes, even with a bad CRC) ends with its last byte, as request()'s do.
    const whole = frame.length >= 3 && frame[2]! + 1 === frame.length;
    const gap = whole ? 0 : RAW_GAP_BYTE_TIMES * this.byteTimeMs;
    return this.enqueue(async () => this.interpret(await this.attempt(frame, expected, false, gap), expect, label, frame[1] ?? 0, frame));
  }

  /** Stop: reject pending and queued requests with DisconnectedError, then close the transport. */
  async close(): Promise<void> {
    this.shutDown('client closed');
    await this.transport.close();
  }

  /** Send a command with an explicit retry budget (scan() probes with none). */
  protected exchange<N extends CommandName>(name: N, id: number, args: ArgsParam<N>, retries: number): Promise<ResponsePayload<N>> {
    let frame: Uint8Array;
    try {
      frame = encodeRequest(name, id, ...args);
    } catch (error) {
      return Promise.reject(error);
    }
    const budget = COMMANDS[name].effect === 'read' ? retries : 0;
    return this.enqueue(async () => {
      try {
        for (let attempt = 0; ; attempt++) {
          const outcome = this.interpret(await this.attempt(frame, this.replyBytes(name), COMMANDS[name].effect === 'read'), name, name, id, frame);
          if (outcome.kind === 'reply') {
            if (outcome.frame.status !== 'error') return outcome.frame.payload;
            // The board says it did not receive the request whole (a collision, bytes split by a stalled host): a read may ask again.
            if (!(RECEPTION_ERRORS.has(outcome.frame.code) && attempt < budget)) throw new BoardError(outcome.frame.code, name, id);
            this.stats.retries++;
            continue;
          }
          if (outcome.error instanceof DisconnectedError || attempt >= budget) throw outcome.error;
          this.stats.retries++;
          // RFC 6298 section 5.5: a silence doubles the adaptive allowance of the re-send.
          if (outcome.error instanceof NoReplyError) this.backoff++;
        }
      } finally {
        this.backoff = 0;
      }
    });
  }

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    if (this.closedReason !== undefined) return Promise.reject(new DisconnectedError(this.closedReason));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy) return;
    const job = this.queue.shift();
    if (!job) return;
    this.busy = true;
    // One reaction per job (not then + finally): the simulator runs this for every request.
    // No named closure per job either (a loader keeping function names wraps each one made).
    void job.run().then(
      (value) => (job.resolve(value), this.jobDone()),
      (error: unknown) => (job.reject(error), this.jobDone()),
    );
  }

  /** The job on the bus has ended: the next one may start. */
  private jobDone(): void {
    this.busy = false;
    this.pump();
  }

  /** Bytes of a command's OK reply frame; GET_ERROR_BUFFER carries the whole error log. */
  private replyBytes(name: CommandName): number {
    return responseLen(name) + 1 + (name === 'GET_ERROR_BUFFER' ? this.errorLogSize : 0);
  }

  /** Reply allowance the next request gets after its wire time, ms (fixed, or the adaptive estimate). */
  get replyAllowanceMs(): number {
    if (this.fixedTimeoutMs !== undefined) return this.fixedTimeoutMs;
    const allowance = Math.max(this.replyTimer!.allowanceMs, this.patienceMs);
    return this.backoff === 0 ? allowance : Math.min(MAX_REPLY_ALLOWANCE_MS, allowance * 2 ** this.backoff);
  }

  /**
   * Silences in a row of the read being re-sent: each doubles its adaptive allowance (a host
   * stalled by its OS, a link that held bytes longer than it has so far), up to
   * MAX_REPLY_ALLOWANCE_MS. A fixed `replyTimeoutMs` is never backed off.
   */
  private backoff = 0;

  /** Lowest adaptive allowance while set (a re-check that must not be cut short), ms. */
  protected patienceMs = 0;

  /**
   * One request on the bus and its reply, fed to the reply timer. A reply that may answer an
   * earlier silent request (ReplyTimer) is not trusted: the line is drained for the raised
   * allowance, then a read (`resend`) is asked again; a write is never sent twice, so its
   * reply is kept.
   */
  private async attempt(frame: Uint8Array, expectedBytes: number, resend: boolean, rawSlackMs = 0): Promise<WaitResult> {
    for (;;) {
      const startAt = this.clock.now();
      const result = await this.attemptOnce(frame, expectedBytes, startAt, rawSlackMs);
      const timer = this.replyTimer;
      if (timer === undefined) return result;
      if (result.kind === 'timeout' && result.partial.length === 0) {
        timer.silence(startAt);
        this.lastSilent = { frame, startAt };
      }
      if (result.kind !== 'frame') return result;
      if (timer.reply(startAt, result.at, (frame.length + result.bytes.length) * this.byteTimeMs) === 'clean') return result;
      const quietUntil = startAt + (frame.length + Math.max(expectedBytes, result.bytes.length)) * this.byteTimeMs + timer.allowanceMs;
      await this.sleep(quietUntil - this.clock.now());
      timer.drained();
      if (this.closedReason !== undefined) return { kind: 'closed', reason: this.closedReason };
      if (!resend) return result;
    }
  }

  /** A late reply to `silent` arrived at `at`: remember the request, and let it teach the timer that the link is slower. */
  private late(silent: { frame: Uint8Array; startAt: number }, bytes: Uint8Array, at: number): void {
    if (this.lastSilent === silent) this.lastSilent = undefined;
    this.lateReplies.push(silent.frame);
    this.replyTimer?.reply(silent.startAt, at, (silent.frame.length + bytes.length) * this.byteTimeMs);
    this.waiter?.extend(this.replyAllowanceMs);
  }

  /** Wait `ms` on the client's clock with nobody listening (received bytes are dropped); a shutdown ends it early. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const handle = this.clock.setTimeout(() => (this.wake = undefined, resolve()), Math.max(0, ms));
      this.wake = () => (this.clock.clearTimeout(handle), resolve());
    });
  }

  /** One request frame on the bus and the wait for its reply. */
  private async attemptOnce(frame: Uint8Array, expectedBytes: number, startAt: number, rawSlackMs: number): Promise<WaitResult> {
    if (this.closedReason !== undefined) return { kind: 'closed', reason: this.closedReason };
    // The adaptive allowance is tight: leave room for an error reply (5 bytes) where the OK one is shorter.
    const replyBytes = this.replyTimer === undefined ? expectedBytes : Math.max(expectedBytes, ERROR_REPLY_BYTES);
    const silent = this.replyTimer === undefined ? undefined : this.lastSilent;
    const waiter = new ReplyWaiter(this.clock, {
      startAt, requestBytes: frame.length, expectedBytes: replyBytes, byteTimeMs: this.byteTimeMs,
      replyTimeoutMs: this.replyTimer === undefined ? this.replyAllowanceMs : this.replyAllowanceMs + rawSlackMs,
      // No reply completes before this request and the shortest reply (4 bytes) have crossed the wire.
      // (Plain properties, undefined when unused: no object spread per request.)
      staleBefore: silent === undefined ? undefined : startAt + (frame.length + 4) * this.byteTimeMs,
      onStale: silent === undefined ? undefined : (bytes: Uint8Array, at: number) => this.late(silent, bytes, at),
    });
    this.waiter = waiter;
    this.stats.requests++;
    this.onTraffic?.({ direction: 'host', bytes: frame.slice(), at: startAt });
    // Not awaited on its own: the deadline also covers a write that never completes, and a
    // reply may arrive before the transport reports the write done.
    let written: Promise<void>;
    try {
      written = this.transport.write(frame);
    } catch (error) {
      written = Promise.reject(error); // a transport that throws instead of rejecting
    }
    written.catch((error: unknown) => waiter.abort(`write failed: ${error instanceof Error ? error.message : String(error)}`));
    const result = await waiter.result;
    if (this.waiter === waiter) this.waiter = undefined;
    return result;
  }

  /** Turn a wait result into a decoded reply or a typed error, counting it. */
  private interpret<N extends CommandName>(result: WaitResult, expect: N | undefined, label: string, id: number, request: Uint8Array): RawOutcome<N> {
    if (result.kind === 'closed') return { kind: 'failed', error: new DisconnectedError(result.reason) };
    if (result.kind === 'timeout') {
      if (result.garbled === 'crc') {
        this.stats.crcErrors++;
        return { kind: 'failed', error: new CrcError(label, id, result.partial) };
      }
      if (result.garbled === 'rejected') {
        this.stats.malformed++;
        return { kind: 'failed', error: new MalformedReplyError(label, id, result.partial, 'a CRC-valid frame arrived that is not a reply (byte 1 not 0xFF or status not 0x00/0x01)') };
      }
      this.stats.timeouts++;
      return { kind: 'failed', error: new NoReplyError(label, id, request, result.waitedMs, result.partial) };
    }
    const decoded = decodeResponse(result.bytes, expect);
    if (decoded.kind !== 'frame') {
      this.stats.malformed++;
      const reason = decoded.kind === 'invalid' ? decoded.message : 'incomplete frame';
      return { kind: 'failed', error: new MalformedReplyError(label, id, result.bytes, reason) };
    }
    this.stats.replies++;
    if (decoded.frame.status === 'error') this.stats.boardErrors++;
    return { kind: 'reply', frame: decoded.frame, at: result.at };
  }

  private shutDown(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const off of this.unsubscribe) off();
    for (const job of this.queue.splice(0)) job.reject(new DisconnectedError(reason));
    this.waiter?.abort(reason);
    this.wake?.();
  }
}

function nonNegative(option: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new ArgumentError(option, `must be a finite number >= 0, got ${String(value)}`);
  return value;
}
