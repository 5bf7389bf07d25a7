/**
 * The simulator as the fuzz properties use it: a SimStack built from plain board specs and a
 * profile, a host client (no retries) whose traffic goes into a SessionLog, every bus
 * transmission kept for timing checks, and the inspection hook for model coverage.
 */
import type { TransmissionRecord } from '../../board-model/Rs485Bus.ts';
import type { InspectionHook } from '../../board-model/Board.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { SimStack } from '../../board-model/SimStack.ts';
import { parseStack } from '../../board-model/stack.ts';
import type { ByteTransport } from '../../bus-protocol/transport.ts';
import { StackClient } from '../../bus-protocol/StackClient.ts';
import { applyFault, type ScheduledFault } from '../arbitraries/faultSchedules.ts';
import { loggedTransport, SessionLog } from './SessionLog.ts';

/** What to simulate: boards as in a stack file (default one board, DIP 0, two Pi 3B+). */
export interface FuzzSimOptions {
  profile: FirmwareProfile;
  boards?: unknown[];
  seed?: number;
  inspect?: InspectionHook | undefined;
  /** Where the run's traffic goes (default: a private log). */
  log?: SessionLog | undefined;
  /** Virtual ms to run after power-up (MCU boot); default 100. */
  bootMs?: number;
}

/** A started simulated stack with a logging host client. */
export class FuzzSim {
  readonly sim: SimStack;
  readonly client: StackClient;
  readonly log: SessionLog;
  /** Every transmission on the bus so far (host and boards), in delivery order. */
  readonly transmissions: TransmissionRecord[] = [];
  /** The host side of the bus, logged: write raw bytes here. */
  readonly host: ByteTransport;

  private constructor(readonly profile: FirmwareProfile, options: FuzzSimOptions) {
    const boards = options.boards ?? [{ dip: 0, pis: ['pi3b+', 'pi3b+'] }];
    const stack = parseStack({ boards }, 'fuzz stack', { defaultProfile: profile });
    this.sim = new SimStack({ stack, profile, seed: options.seed ?? 1, ...(options.inspect ? { inspect: options.inspect } : {}) });
    this.log = options.log ?? new SessionLog();
    this.log.begin(this.sim.clock.now());
    this.log.simulated({ boards, seed: options.seed ?? 1, profile });
    this.host = loggedTransport(this.sim.host, this.log, this.sim.clock);
    this.client = new StackClient(this.host, { clock: this.sim.hostClock, retries: 0, errorLogSize: profile.errorLog.size, hardwareVersion: profile.hardwareVersion });
    this.sim.bus.onTransmission((t) => this.transmissions.push(t));
  }

  /** Build, start and let the MCUs boot. */
  static async start(options: FuzzSimOptions): Promise<FuzzSim> {
    const fuzz = new FuzzSim(options.profile, options);
    fuzz.sim.start();
    await fuzz.sim.runFor(options.bootMs ?? 100);
    return fuzz;
  }

  /** Virtual time now (ms). */
  get now(): number {
    return this.sim.clock.now();
  }

  /** Wire time of one byte (ms). */
  get byteMs(): number {
    return this.sim.bus.byteTimeMs;
  }

  /** Run virtual time until the host promise settles. */
  do<T>(promise: Promise<T>): Promise<T> {
    return this.sim.settle(promise);
  }

  /** Put raw bytes on the bus now (no reply awaited); returns the time its last byte is on the wire (ms). */
  send(bytes: Uint8Array): number {
    const start = Math.max(this.now, this.sim.bus.busyUntil);
    void this.host.write(bytes);
    return start + bytes.length * this.byteMs;
  }

  /** Apply a scheduled fault now, and log it. */
  fault(f: ScheduledFault): void {
    const { at: _at, kind, ...params } = f;
    this.log.fault(kind, params as Record<string, number | string>, this.now);
    applyFault(this.sim, f);
  }

  /** Board transmissions (as sent) that started in [from, to) ms. */
  boardTransmissions(from: number, to = Number.POSITIVE_INFINITY): TransmissionRecord[] {
    return this.transmissions.filter((t) => t.from !== 'host' && t.start >= from && t.start < to);
  }

  /** Stop every machine. */
  stop(): void {
    this.sim.stop();
  }
}
