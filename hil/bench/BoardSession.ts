/**
 * One host's session with one board under test, shared by `pistack bench` and `pistack
 * characterize`: the client on the HostPort, waits on the port's clock (virtual on `sim:`, wall
 * time on real links), polling of the power state for timing measurements, an abort signal
 * honoured between bus operations, and a ledger of every setting changed so that it can be put
 * back, however the run ends.
 */
import { CrcError, DisconnectedError, MalformedReplyError, NoReplyError } from '../../bus-protocol/errors.ts';
import { StackClient, type PiIndex } from '../../bus-protocol/StackClient.ts';
import type { StackClientOptions } from '../../bus-protocol/BusClient.ts';
import type { HostPort } from '../ports.ts';
import { SETTING_ACCESS, type SettingName } from './settings.ts';

/** Thrown by session operations once the run's AbortSignal has fired. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  readonly kind = 'interrupted' as const;
  constructor(readonly reason: string) {
    super(`interrupted: ${reason}`);
  }
}

/** How to talk to the board. */
export interface BoardSessionOptions {
  /** The board's ID (0..254). */
  id: number;
  /** Stop between bus operations and inside waits when this fires (SIGINT). */
  signal?: AbortSignal;
  /** Client reply allowance, ms (default the client's 40). */
  replyTimeoutMs?: number;
  /** Interval of power-state polling, ms; default 50. */
  pollMs?: number;
  /** Passed to the client (reply timing). */
  onTraffic?: StackClientOptions['onTraffic'];
}

/** One sample-bounded edge of GET_PI_POWERED: when it changed, to within `resolutionMs`. */
export interface PowerEdge {
  /** Midpoint between the last sample before and the first after the change, ms on the port clock. */
  readonly at: number;
  /** Time between those two samples, ms: the edge is `at` +- half of this. */
  readonly resolutionMs: number;
  /** Samples taken while waiting. */
  readonly polls: number;
}

/** A setting the session changed, with the value it had before. */
export interface LedgerEntry {
  readonly setting: SettingName;
  readonly pi: PiIndex;
  readonly original: number;
}

/** What putting the settings back did. */
export interface RestoreOutcome {
  readonly setting: SettingName;
  readonly pi: PiIndex;
  readonly value: number;
  /** True when the value read back equals the original. */
  readonly ok: boolean;
  readonly error?: string;
}

/** The session: a client plus the clock, abort and ledger rules above. */
export class BoardSession {
  /** The board's ID. */
  readonly id: number;
  /** Power-state polling interval, ms. */
  readonly pollMs: number;
  /** True once any request to the board got a reply (OK or error status). */
  answered = false;
  private portValue: HostPort;
  private clientValue: StackClient;
  private readonly ledger = new Map<string, LedgerEntry>();
  private readonly options: BoardSessionOptions;
  private lostReason: string | undefined;
  private offClose: () => void;
  private abortable = true;

  constructor(port: HostPort, options: BoardSessionOptions) {
    this.id = options.id;
    this.options = options;
    this.pollMs = options.pollMs ?? 50;
    this.portValue = port;
    this.clientValue = this.makeClient(port);
    this.offClose = port.transport.onClose((reason) => (this.lostReason ??= reason));
  }

  /** The port in use (replaced after a reconnect). */
  get port(): HostPort {
    return this.portValue;
  }

  /** The client in use. */
  get client(): StackClient {
    return this.clientValue;
  }

  /** Why the link went away, if it did (the adapter was unplugged, the socket closed). */
  get lost(): string | undefined {
    return this.lostReason;
  }

  /** Time on the port's clock, ms. */
  now(): number {
    return this.portValue.clock.now();
  }

  /** Switch to a reopened link after the adapter came back; the ledger is kept. */
  reconnect(port: HostPort): void {
    this.offClose();
    this.portValue = port;
    this.clientValue = this.makeClient(port);
    this.lostReason = undefined;
    this.offClose = port.transport.onClose((reason) => (this.lostReason ??= reason));
  }

  /** From now on ignore the abort signal (the clean-up after an interruption must run to its end). */
  ignoreAbort(): void {
    this.abortable = false;
  }

  /** Throw InterruptedError when the signal has fired, DisconnectedError when the link is gone. */
  checkpoint(): void {
    if (this.abortable && this.options.signal?.aborted) throw new InterruptedError(abortReason(this.options.signal));
    if (this.lostReason !== undefined) throw new DisconnectedError(this.lostReason);
  }

  /** Run one piece of client work through the port (virtual time on `sim:`). */
  async do<T>(work: (client: StackClient) => Promise<T>): Promise<T> {
    this.checkpoint();
    const replies = this.clientValue.stats.replies;
    try {
      return await this.portValue.run(work(this.clientValue));
    } finally {
      if (this.clientValue.stats.replies > replies) this.answered = true;
    }
  }

  /** Wait `ms` on the port's clock; rejects with InterruptedError when the signal fires first. */
  sleep(ms: number): Promise<void> {
    this.checkpoint();
    const clock = this.portValue.clock;
    const signal = this.abortable ? this.options.signal : undefined;
    const wait = new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clock.clearTimeout(timer);
        reject(new InterruptedError(abortReason(signal!)));
      };
      const timer = clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    return this.portValue.run(wait);
  }

  /** GET_PI_POWERED of one Pi. */
  powered(pi: PiIndex): Promise<boolean> {
    return this.do((c) => c.getPiPowered(this.id, pi));
  }

  /**
   * Poll GET_PI_POWERED every pollMs until it reads `want`; the edge is placed between the last
   * sample with the other value and the first with `want`. Resolves undefined after `timeoutMs`.
   */
  async waitForPowered(pi: PiIndex, want: boolean, timeoutMs: number, onPoll?: (elapsedMs: number) => void): Promise<PowerEdge | undefined> {
    const start = this.now();
    let previous = start;
    let polls = 0;
    let misses = 0;
    for (let next = start; ; next += this.pollMs) {
      const now = this.now();
      if (next > now) await this.sleep(next - now);
      else next = now;
      const sentAt = this.now();
      let value: boolean;
      try {
        value = await this.powered(pi);
        misses = 0;
      } catch (error) {
        // A sample lost to noise or a slow link only widens the resolution; three in a row end the wait.
        if (!(error instanceof NoReplyError || error instanceof CrcError || error instanceof MalformedReplyError) || ++misses >= 3) throw error;
        continue;
      }
      const sampleAt = (sentAt + this.now()) / 2; // the board answers from its state at the request's end
      polls++;
      onPoll?.(sampleAt - start);
      if (value === want) return { at: (previous + sampleAt) / 2, resolutionMs: sampleAt - previous, polls };
      previous = sampleAt;
      if (this.now() - start >= timeoutMs) return undefined;
    }
  }

  /** Read a setting of one Pi. */
  readSetting(setting: SettingName, pi: PiIndex): Promise<number> {
    return this.do((c) => SETTING_ACCESS[setting].get(c, this.id, pi));
  }

  /** Write a setting, first recording its current value in the ledger (once per setting and Pi). */
  async writeSetting(setting: SettingName, pi: PiIndex, value: number): Promise<void> {
    const key = `${setting}:${pi}`;
    if (!this.ledger.has(key)) {
      const original = await this.readSetting(setting, pi);
      this.ledger.set(key, { setting, pi, original });
    }
    await this.do((c) => SETTING_ACCESS[setting].set(c, this.id, pi, value));
  }

  /** Settings changed and not yet restored. */
  get changed(): LedgerEntry[] {
    return [...this.ledger.values()];
  }

  /** Put back settings from the ledger (all, or those given), reading each back; restored ones leave the ledger. */
  async restore(only?: ReadonlyArray<{ setting: SettingName; pi: PiIndex }>): Promise<RestoreOutcome[]> {
    const out: RestoreOutcome[] = [];
    for (const entry of [...this.ledger.values()]) {
      if (only && !only.some((o) => o.setting === entry.setting && o.pi === entry.pi)) continue;
      const { setting, pi, original } = entry;
      let lastError: unknown;
      let ok = false;
      // A write is never retried by the client (a lost reply does not mean the board did not
      // act): read back, and write again only when the value is not there yet.
      for (let attempt = 0; attempt < 3 && !ok; attempt++) {
        try {
          await this.do((c) => SETTING_ACCESS[setting].set(c, this.id, pi, original));
        } catch (error) {
          if (error instanceof InterruptedError || error instanceof DisconnectedError) throw error;
          lastError = error;
        }
        try {
          ok = (await this.readSetting(setting, pi)) === original;
        } catch (error) {
          if (error instanceof InterruptedError || error instanceof DisconnectedError) throw error;
          lastError = error;
        }
      }
      if (ok) this.ledger.delete(`${setting}:${pi}`);
      out.push({ setting, pi, value: original, ok, ...(ok || lastError === undefined ? {} : { error: lastError instanceof Error ? lastError.message : String(lastError) }) });
    }
    return out;
  }

  /** Stop listening to the link. */
  dispose(): void {
    this.offClose();
  }

  private makeClient(port: HostPort): StackClient {
    const { replyTimeoutMs, onTraffic } = this.options;
    return new StackClient(port.transport, {
      clock: port.clock,
      ...(replyTimeoutMs === undefined ? {} : { replyTimeoutMs }),
      ...(onTraffic === undefined ? {} : { onTraffic }),
    });
  }
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return 'aborted';
}
