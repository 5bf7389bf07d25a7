/**
 * The adaptive reply allowance of the host client: how long to wait, after the wire time of a
 * request and its reply, before calling an ID silent. RFC 6298 applied to a request/reply bus:
 * the smoothed excess (measured round trip minus wire time) plus four mean deviations
 * (alpha 1/8, beta 1/4), never below the board's longest reply delay, so a 9600-baud PTY
 * scans at the pace of the wire while a link that holds bytes (a USB adapter's 16 ms latency
 * timer, an RFC 2217 hop) gets the time it needs without a `--reply-timeout`.
 *
 * Replies carry no board ID, so a reply that comes after its wait ended would be taken for the
 * next request's. Until a first reply has been measured the link is unknown: a silence then
 * leaves the request "owed" (its reply may still come). A reply that arrives while a request
 * is owed is ambiguous (Karn's rule: no sample from it); it proves the link is at most that
 * slow, so the allowance is raised to that bound and the client drains the line and asks again.
 * Pure arithmetic over times the client passes in: no clock of its own.
 */

/** Initial allowance until a first reply has been measured, ms: the client's fixed default (see BusClient). */
export const INITIAL_REPLY_ALLOWANCE_MS = 40;

/**
 * The longest reply delay of a board, ms: the v4-reference profile's replyDelayMs (2) plus its
 * replyJitterMs (1) after the last byte of a whole request (FIRMWARE.md section 7). The allowance
 * never drops below it. (A frame cut short ends only after an inter-byte gap: BusClient adds
 * that for raw requests.)
 */
export const DEFAULT_LONGEST_REPLY_DELAY_MS = 3;

/**
 * Longest allowance the client ever uses, and how long a silent request stays owed, ms: the
 * original host library's 0.3 s sleep plus its 0.1 s of silence, rounded up (PROTOCOL.md section 8).
 */
export const MAX_REPLY_ALLOWANCE_MS = 1000;

/** Settings of a ReplyTimer; all in ms. */
export interface ReplyTimerOptions {
  /** Allowance before the first measured reply; default INITIAL_REPLY_ALLOWANCE_MS. */
  readonly initialMs?: number;
  /** Floor of the allowance: the boards' longest reply delay; default DEFAULT_LONGEST_REPLY_DELAY_MS. */
  readonly floorMs?: number;
  /** Ceiling of the allowance and of owed requests' age; default MAX_REPLY_ALLOWANCE_MS. */
  readonly maxMs?: number;
}

/** Round-trip estimator: feed it every reply and silence, read `allowanceMs` before each request. */
export class ReplyTimer {
  /** Smoothed excess of the round trip over the wire time, ms (undefined before a first sample). */
  srttMs: number | undefined;
  /** Mean deviation of that excess, ms. */
  rttvarMs = 0;
  /** Clean samples taken. */
  samples = 0;
  /** Ambiguous replies seen (a reply while an earlier request was owed). */
  ambiguous = 0;
  private readonly initialMs: number;
  private readonly floorMs: number;
  private readonly maxMs: number;
  /** Lowest allowance proven necessary by an ambiguous reply, ms. */
  private boundMs = 0;
  /** Write times of requests that got no reply while the link was unmeasured, oldest first, ms. */
  private owed: number[] = [];

  constructor(options: ReplyTimerOptions = {}) {
    this.initialMs = options.initialMs ?? INITIAL_REPLY_ALLOWANCE_MS;
    this.floorMs = options.floorMs ?? DEFAULT_LONGEST_REPLY_DELAY_MS;
    this.maxMs = options.maxMs ?? MAX_REPLY_ALLOWANCE_MS;
  }

  /** True once a reply has been measured cleanly: from then on the allowance follows the estimate. */
  get measured(): boolean {
    return this.srttMs !== undefined;
  }

  /** Allowance for the next request after its wire time, ms. */
  get allowanceMs(): number {
    if (this.srttMs === undefined) return Math.min(this.maxMs, Math.max(this.initialMs, this.boundMs));
    return Math.min(this.maxMs, Math.max(this.floorMs, this.srttMs + 4 * this.rttvarMs));
  }

  /** True while a silent request's reply may still come in. */
  owes(now: number): boolean {
    this.owed = this.owed.filter((at) => now - at <= this.maxMs);
    return this.owed.length > 0;
  }

  /** A request written at `startAt` got no byte back before its deadline. */
  silence(startAt: number): void {
    if (!this.measured) this.owed.push(startAt);
  }

  /**
   * A reply to the request written at `startAt` ended at `at`, `wireMs` being the wire time of
   * request and reply. Returns 'clean' (a sample was taken) or 'ambiguous' (it may answer an
   * owed request: the caller must drain the line and ask again).
   */
  reply(startAt: number, at: number, wireMs: number): 'clean' | 'ambiguous' {
    if (this.owes(at)) {
      this.ambiguous++;
      // Whichever owed request it answers was written at or after the oldest one; half again
      // as margin, as the first RFC 6298 sample gets its deviation.
      this.boundMs = Math.max(this.boundMs, 1.5 * (at - this.owed[0]! - wireMs));
      return 'ambiguous';
    }
    this.sample(Math.max(0, at - startAt - wireMs));
    return 'clean';
  }

  /** The line has been quiet long enough for every owed reply to have arrived: nothing is owed. */
  drained(): void {
    this.owed = [];
  }

  /** RFC 6298 section 2: the first sample sets SRTT = R, RTTVAR = R/2; later ones smooth with 1/8 and 1/4. */
  private sample(excessMs: number): void {
    this.samples++;
    if (this.srttMs === undefined) {
      this.srttMs = excessMs;
      this.rttvarMs = excessMs / 2;
      return;
    }
    this.rttvarMs = 0.75 * this.rttvarMs + 0.25 * Math.abs(this.srttMs - excessMs);
    this.srttMs = 0.875 * this.srttMs + 0.125 * excessMs;
  }
}
