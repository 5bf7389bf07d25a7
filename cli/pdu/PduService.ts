/**
 * The bus owner behind `pistack pdu`: every bus job (one power switch, one poll, one board's
 * status or metrics) runs in one queue, so concurrent HTTP requests wait their turn and never
 * interleave frames. Power requests to one Pi are serialised too (a PUT waits for the previous
 * PUT to that Pi). A graceful off sends PI_OFF, then polls GET_PI_POWERED until it reads 0 or
 * the timeout passes; the polls are separate jobs, so other requests go on meanwhile.
 */
import { CrcError, DisconnectedError, MalformedReplyError, NoReplyError } from '../../bus-protocol/errors.ts';
import type { StackClient } from '../../bus-protocol/StackClient.ts';
import type { FoundBoard } from '../../bus-protocol/scan.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import type { HostPort } from '../../hil/ports.ts';
import { readStatus, type StatusReport } from '../statusReport.ts';
import { readBoardMetrics } from './boardMetrics.ts';
import type { MetricsSnapshot } from './prometheusText.ts';

/** Most times a switch command is sent when its reply is lost (see PduService #send). */
export const SWITCH_SENDS = 3;

/** A request the service refuses; `status` is the HTTP status it maps to, the message is one line. */
export class PduError extends Error {
  override name = 'PduError';
  constructor(readonly status: 404 | 503 | 504, message: string) {
    super(message);
  }
}

/** Settings of a PduService; port, client, boards and profile are required. */
export interface PduServiceOptions {
  /** The open bus (its run() advances virtual time on `sim:`). */
  readonly port: HostPort;
  /** The client on port.transport (with checkFirmware, as every host command). */
  readonly client: StackClient;
  /** The boards switched and exported: those the start-up scan found. */
  readonly boards: readonly FoundBoard[];
  /** Firmware profile whose graceful-off delay and units set the default off timeout. */
  readonly profile: FirmwareProfile;
  /** Graceful off gives up after this many ms; default: the Pi's off delay read from the board, in the profile's units, plus offMarginMs. */
  readonly offTimeoutMs?: number;
  /** Added to the board's off delay for the default timeout, ms; default 5000. */
  readonly offMarginMs?: number;
  /** Interval of the GET_PI_POWERED polls during a graceful off, ms; default 100. */
  readonly pollMs?: number;
  /** A /metrics snapshot younger than this is served again without reading the bus, ms; default 1000. */
  readonly metricsMaxAgeMs?: number;
  /** Time for the snapshot's age and the reopen interval, ms; default performance.now (wall time, also on `sim:`). */
  readonly now?: () => number;
  /** Open the bus again after it was lost (an adapter unplugged and plugged back); without it a lost bus stays lost. */
  readonly reopen?: () => Promise<BusLink>;
  /** Least time between two reopen attempts, ms; default 2000. */
  readonly reopenIntervalMs?: number;
}

/** An open bus and its client. */
export interface BusLink {
  readonly port: HostPort;
  readonly client: StackClient;
}

/** Outcome of a power switch: the state GET_PI_POWERED read afterwards, and how long the request took (ms on the port's clock). */
export interface SwitchResult {
  readonly powered: boolean;
  readonly tookMs: number;
}

/** The Pi Stack as a power switch: power, status and metrics over one serialised bus. */
export class PduService {
  readonly #o: PduServiceOptions;
  readonly #hw = new Map<number, 2 | 3>();
  #tail: Promise<unknown> = Promise.resolve();
  readonly #outlets = new Map<string, Promise<unknown>>();
  #lost: string | undefined;
  #link: BusLink;
  #lastReopen = Number.NEGATIVE_INFINITY;
  #closing = false;
  #snapshot: { at: number; value: MetricsSnapshot } | undefined;
  #reading: Promise<MetricsSnapshot> | undefined;
  #generation = 0;
  readonly #now: () => number;
  /** Called when the bus goes away (not on close()). */
  onLost: (reason: string) => void = () => undefined;
  /** Called when a lost bus has been opened again; `description` names the new link. */
  onReopened: (description: string) => void = () => undefined;

  constructor(options: PduServiceOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => performance.now());
    for (const b of options.boards) this.#hw.set(b.id, b.hardwareVersion === 2 ? 2 : 3);
    this.#link = { port: options.port, client: options.client };
    this.#watch(this.#link);
  }

  #watch(link: BusLink): void {
    link.port.transport.onClose((reason) => {
      if (this.#closing || this.#lost !== undefined || link !== this.#link) return;
      this.#lost = reason;
      this.#snapshot = undefined; // readings from before the loss are not served as current
      this.onLost(reason);
    });
  }

  /** Inside a job, with the bus lost: open it again (at most once per reopenIntervalMs), or refuse with 503. */
  async #reopen(): Promise<void> {
    const { reopen, reopenIntervalMs = 2000 } = this.#o;
    const lost = `the bus is lost: ${this.#lost}`;
    if (reopen === undefined) throw new PduError(503, lost);
    if (this.#now() - this.#lastReopen < reopenIntervalMs) throw new PduError(503, `${lost} (reopening at most every ${reopenIntervalMs / 1000} s)`);
    this.#lastReopen = this.#now();
    let link: BusLink;
    try {
      link = await reopen();
    } catch (e) {
      throw new PduError(503, `${lost}; reopening failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.#link = link;
    this.#lost = undefined;
    this.#watch(link);
    this.onReopened(link.port.description);
  }

  /** The boards found at start, in ID order. */
  get boards(): readonly FoundBoard[] {
    return this.#o.boards;
  }

  /** Why the bus is gone, or undefined while it is there. */
  get lost(): string | undefined {
    return this.#lost;
  }

  /** GET_PI_POWERED of one Pi (read-only). */
  getPower(id: number, pi: 0 | 1): Promise<boolean> {
    this.#board(id);
    return this.#job((client) => client.getPiPowered(id, pi));
  }

  /** Switch one Pi: on (PI_ON), off gracefully (PI_OFF, then wait for power to go) or by force (PI_FORCE_OFF). */
  setPower(id: number, pi: 0 | 1, on: boolean, mode: 'graceful' | 'force' = 'graceful'): Promise<SwitchResult> {
    this.#board(id);
    const key = `${id}/${pi}`;
    const previous = this.#outlets.get(key) ?? Promise.resolve();
    const result = previous.then(() => this.#switch(id, pi, on, mode), () => this.#switch(id, pi, on, mode));
    const settled = result.catch(() => undefined);
    this.#outlets.set(key, settled);
    void settled.then(() => this.#outlets.get(key) === settled && this.#outlets.delete(key));
    return result;
  }

  /** Everything `pistack status` reads from one board (read-only). */
  status(id: number): Promise<StatusReport> {
    this.#board(id);
    return this.#job((client) => readStatus(client, id));
  }

  /**
   * The /metrics readings. A snapshot younger than metricsMaxAgeMs is served as it is; an older
   * one is served too while a fresh bus read runs in the background (a scrape never waits for
   * 16 boards when it can have readings one read old; their age is in the snapshot). Without a
   * snapshot (at start, after a switch) the caller waits for the read, shared by all callers.
   */
  async metrics(): Promise<MetricsSnapshot> {
    const last = this.#snapshot;
    const aged = (s: NonNullable<typeof last>): MetricsSnapshot => ({ ...s.value, ageSeconds: Math.max(0, this.#now() - s.at) / 1000 });
    if (last !== undefined && this.#now() - last.at <= (this.#o.metricsMaxAgeMs ?? 1000)) return aged(last);
    let reading = this.#reading;
    if (reading === undefined) {
      const started: Promise<MetricsSnapshot> = this.#readMetrics().finally(() => this.#reading === started && (this.#reading = undefined));
      this.#reading = reading = started;
    }
    if (last === undefined) return reading;
    reading.catch(() => undefined); // a failed background read leaves the last snapshot; the next scrape tries again
    return aged(last);
  }

  async #readMetrics(): Promise<MetricsSnapshot> {
    const started = this.#now();
    const generation = this.#generation;
    const boards = [];
    const failed = [];
    for (const { id } of this.#o.boards) {
      try {
        boards.push(await this.#job((client) => readBoardMetrics(client, id, this.#hw.get(id)!)));
      } catch (e) {
        if (e instanceof PduError || e instanceof DisconnectedError) throw e;
        failed.push({ id, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    const stale = generation !== this.#generation; // a switch happened during the read
    const value = { boards, failed, readSeconds: (this.#now() - started) / 1000, ageSeconds: 0 };
    if (!stale) this.#snapshot = { at: this.#now(), value };
    return value;
  }

  async #switch(id: number, pi: 0 | 1, on: boolean, mode: 'graceful' | 'force'): Promise<SwitchResult> {
    const clock = () => this.#link.port.clock.now();
    const start = clock();
    this.#snapshot = undefined; // a switch makes the cached readings stale, and a read running now too
    this.#generation++;
    this.#reading = undefined; // the next scrape starts a read of its own
    const done = async (): Promise<SwitchResult> => ({ powered: await this.#job((client) => client.getPiPowered(id, pi)), tookMs: clock() - start });
    if (on || mode === 'force') {
      await this.#send(on ? 'PI_ON' : 'PI_FORCE_OFF', id, pi);
      return done();
    }
    const timeoutMs = this.#o.offTimeoutMs ?? (await this.#job((client) => this.#offDelayMs(client, id, pi))) + (this.#o.offMarginMs ?? 5000);
    await this.#send('PI_OFF', id, pi);
    for (;;) {
      const result = await done();
      if (!result.powered) return result;
      if (result.tookMs >= timeoutMs) {
        throw new PduError(504, `board ${id} Pi ${pi} is still powered ${(result.tookMs / 1000).toFixed(1)} s after PI_OFF (graceful off timeout ${(timeoutMs / 1000).toFixed(1)} s); PUT 0 with ?mode=force switches it off at once`);
      }
      await this.#pause(Math.min(this.#o.pollMs ?? 100, timeoutMs - result.tookMs));
    }
  }

  /**
   * Send a switch command; re-sent (at most SWITCH_SENDS times in all) when its reply is lost or
   * garbled. The client never re-sends a write, as a lost reply does not mean the board did not
   * act; here acting twice is harmless: PI_ON on a Pi already on and PI_FORCE_OFF on one already
   * off change nothing, and a second PI_OFF at worst restarts the off delay, within the timeout's
   * margin. A PDU that gave up after one lost reply would leave labgrid (which ignores the
   * status of a PUT) with a Pi in the wrong state.
   */
  async #send(command: 'PI_ON' | 'PI_OFF' | 'PI_FORCE_OFF', id: number, pi: 0 | 1): Promise<void> {
    for (let sent = 1; ; sent++) {
      try {
        await this.#job((client) => client.request(command, id, { pi }));
        return;
      } catch (e) {
        const lost = e instanceof NoReplyError || e instanceof CrcError || e instanceof MalformedReplyError;
        if (!lost || sent >= SWITCH_SENDS) throw e;
      }
    }
  }

  /** The Pi's graceful-off delay as the board has it set (OFF_DELAY or SIG_OFF_DELAY, as the profile says), ms. */
  async #offDelayMs(client: StackClient, id: number, pi: 0 | 1): Promise<number> {
    const { profile } = this.#o;
    if (profile.gracefulOffDelay === 'sig-off-delay') return (await client.getSigOffDelay(id, pi)) * profile.settingUnitMs.sigOffDelay;
    return (await client.getOffDelay(id, pi)) * profile.settingUnitMs.offDelay;
  }

  /** Wait on the port's clock: a bus job on `sim:` (virtual time runs only inside jobs), else outside the queue. */
  #pause(ms: number): Promise<void> {
    const { clock, sim } = this.#link.port;
    const wait = () => new Promise<void>((resolve) => void clock.setTimeout(resolve, ms));
    return sim === undefined ? wait() : this.#job(wait);
  }

  #board(id: number): void {
    if (this.#hw.has(id)) return;
    const ids = this.#o.boards.map((b) => b.id).join(', ');
    throw new PduError(404, `no board ${id}: the boards found at start are ${ids || 'none'} (restart pistack pdu after adding boards)`);
  }

  /** Run `work` alone on the bus, after every job queued before it (reopening a lost bus first, when it can). */
  #job<T>(work: (client: StackClient) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#lost !== undefined) await this.#reopen();
      const { port, client } = this.#link;
      return port.run(work(client));
    };
    const result = this.#tail.then(run, run);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Wait for the queued jobs, then close the client and the port. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#tail;
    await this.#link.client.close().catch(() => undefined);
    await this.#link.port.close().catch(() => undefined);
  }
}
