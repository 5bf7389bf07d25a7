/**
 * Black-box rig for the FIRMWARE.md section tests (board-model/spec/*.test.ts): a simulated
 * stack driven only through bus bytes (StackClient over `sim.host`) and the control surface
 * (`sim.control`), observed through replies, virtual time (`sim.clock`) and the event log.
 *
 * The spec's numbers are restated in SPEC rather than read from the profile, so a default
 * profile that drifts from FIRMWARE.md fails these tests instead of following it.
 */
import * as assert from 'uvu/assert';
import type { RawOutcome } from '../../../bus-protocol/BusClient.ts';
import { StackClient } from '../../../bus-protocol/StackClient.ts';
import type { SimEvent, SimEventType } from '../../events.ts';
import { parseProfile, V4_REFERENCE } from '../../profiles.ts';
import type { FirmwareProfile } from '../../profileSchema.ts';
import { SimStack } from '../../SimStack.ts';
import { parseStack } from '../../stack.ts';

/** Wire time of one byte at 9600 baud 8N1 (ms, PROTOCOL.md section 1). */
export const BYTE_MS = 10_000 / 9600;

/** Numbers of FIRMWARE.md (ms, V, A), restated: the tests check the default profile against these. */
export const SPEC = {
  // Section 2 defaults (the u8 settings as stored, and in ms).
  defaults: { hbtTime: 15, hbtDelay: 90, offDelay: 30, sigOffDelay: 30, sigWidth: 2, piOnStartup: false, prefix: 0x00 },
  hbtTimeMs: 15_000,
  hbtDelayMs: 90_000,
  offDelayMs: 30_000,
  sigOffDelayMs: 30_000,
  sigWidthMs: 200,
  errorLogSize: 32,
  // Section 4.
  cycleOffMs: 5_000,
  // Section 1 and 5.
  supplyV: 12,
  vinFullScaleV: 30.8,
  railV: 5.1,
  railOhm: 0.03,
  limitA: 5.0,
  efficiency: 0.88,
  uvloV: 6.0,
  mcuBrownoutV: 4.0,
  boardDrawA: 0.02,
  tolerance: 0.01,
  // Section 6 (Pi 3B+).
  piBootMs: 25_000,
  piBootA: 0.45,
  piIdleA: 0.4,
  piLoadA: 0.95,
  piHaltedA: 0.1,
  heartbeatPeriodMs: 5_200,
  heartbeatHighMs: 200,
  shutdownMs: 8_000,
  selfPulseMs: 200,
  undervoltageV: 4.63,
  piResetV: 4.2,
  // Section 7.
  replyDelayMs: 2,
  replyJitterMs: 1,
  gapByteTimes: 3.5,
  rxBufferBytes: 64,
} as const;

/** A profile whose ADC has no noise and no tolerance: readings are exactly the formulas, quantised. */
export const CLEAN_ADC = { adc: { noiseCounts: 0, tolerance: 0 } } as const;

/** What to build: boards as in a stack file (default: one board, DIP 0, two Pi 3B+), a profile or a partial one over v4-reference. */
export interface RigOptions {
  boards?: unknown[];
  supplyVolts?: number;
  profile?: FirmwareProfile | Record<string, unknown>;
  seed?: number;
  /** Client reply allowance (ms); default the client's own. */
  replyTimeoutMs?: number;
}

function isFullProfile(p: FirmwareProfile | Record<string, unknown>): p is FirmwareProfile {
  return (p as { format?: unknown }).format === V4_REFERENCE.format && 'piModels' in p;
}

/** A started stack and a host client on its bus. */
export class Rig {
  readonly sim: SimStack;
  readonly client: StackClient;
  readonly profile: FirmwareProfile;

  constructor(options: RigOptions = {}) {
    const p = options.profile ?? V4_REFERENCE;
    this.profile = isFullProfile(p) ? p : parseProfile(p, 'spec test profile');
    const boards = options.boards ?? [{ dip: 0, pis: ['pi3b+', 'pi3b+'] }];
    const stack = parseStack({ boards, ...(options.supplyVolts === undefined ? {} : { supplyVolts: options.supplyVolts }) }, 'spec test stack', {
      defaultProfile: this.profile,
    });
    this.sim = new SimStack({ stack, profile: this.profile, seed: options.seed ?? 1 });
    this.client = new StackClient(this.sim.host, {
      clock: this.sim.hostClock, retries: 0, ...(options.replyTimeoutMs === undefined ? {} : { replyTimeoutMs: options.replyTimeoutMs }), hardwareVersion: this.profile.hardwareVersion,
    });
  }

  /** Build, start, and let the MCUs boot (100 ms). */
  static async start(options: RigOptions = {}): Promise<Rig> {
    const rig = new Rig(options);
    rig.sim.start();
    await rig.sim.runFor(100);
    return rig;
  }

  /** Virtual time now (ms). */
  get now(): number {
    return this.sim.clock.now();
  }

  /** Run virtual time until the host promise settles; its value, or its error rethrown. */
  do<T>(promise: Promise<T>): Promise<T> {
    return this.sim.settle(promise);
  }

  /** Run virtual time until the promise settles and return the error it rejected with (fails if it resolved). */
  async fails(promise: Promise<unknown>): Promise<Error> {
    try {
      await this.sim.settle(promise);
    } catch (error) {
      return error as Error;
    }
    return assert.unreachable('expected the request to fail, it succeeded') as never;
  }

  /** Advance virtual time by ms. */
  runFor(ms: number): Promise<void> {
    return this.sim.runFor(ms);
  }

  /** Advance virtual time to t (ms). */
  runUntil(t: number): Promise<void> {
    return this.sim.runUntil(t);
  }

  /** Send raw bytes once (a hand-built, maybe damaged frame) and report what came back. */
  raw(bytes: ArrayLike<number>): Promise<RawOutcome> {
    return this.do(this.client.requestRaw(Uint8Array.from(bytes)));
  }

  /** Error code of a raw request's error reply; fails on anything else. */
  async rawError(bytes: ArrayLike<number>): Promise<number> {
    const outcome = await this.raw(bytes);
    if (outcome.kind !== 'reply') return assert.unreachable(`expected an error reply, got ${outcome.error.message}`) as never;
    if (outcome.frame.status !== 'error') return assert.unreachable('expected an error reply, got OK') as never;
    return outcome.frame.code;
  }

  /** Events of a type (for Pi `pi` when given), optionally only at or after `since` (ms). */
  events(type: SimEventType, pi?: 0 | 1, since = Number.NEGATIVE_INFINITY): SimEvent[] {
    return this.sim.events.events.filter((e) => e.type === type && (pi === undefined || e.pi === pi) && e.t >= since);
  }

  /** Times (ms) of the events of a type (for Pi `pi`), optionally at or after `since`. */
  times(type: SimEventType, pi?: 0 | 1, since?: number): number[] {
    return this.events(type, pi, since).map((e) => e.t);
  }

  /** Time of the only event of a type at or after `since`; fails unless there is exactly one. */
  once(type: SimEventType, pi?: 0 | 1, since?: number): number {
    const times = this.times(type, pi, since);
    assert.is(times.length, 1, `${type}${pi === undefined ? '' : ` Pi ${pi}`}: expected exactly one event, got ${times.length} (${times.join(', ')})`);
    return times[0]!;
  }

  /** Unsafe power losses so far (summary figure, FIRMWARE.md section 6). */
  unsafe(pi: 0 | 1, board = 0): number {
    return this.sim.summary().pis.find((p) => p.board === board && p.pi === pi)?.unsafePowerLosses ?? 0;
  }
}

/** Assert |actual - expected| <= tolerance. */
export function near(actual: number, expected: number, tolerance: number, what = 'value'): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} +- ${tolerance}, got ${actual}`);
}

/** t - origin (ms) rounded to 1 ns, so sums of byte-times compare exactly in deep-equal assertions. */
export function rel(t: number, origin = 0): number {
  return Math.round((t - origin) * 1e6) / 1e6;
}

/** Assert a time (ms) equals the expected one up to float rounding of the byte-time sums. */
export function at(actual: number, expected: number, what = 'time'): void {
  near(actual, expected, 1e-6, what);
}

/**
 * A probe on board 0's shutdown-signal line for one Pi (what a logic analyser on the header
 * would show: the wire, not the firmware). Records falls with who pulled, and rises.
 */
export function probeSignal(rig: Rig, pi: 0 | 1, board = 0): Array<[number, 'low' | 'high', string?]> {
  const edges: Array<[number, 'low' | 'high', string?]> = [];
  const line = rig.sim.boards[board]!.signal[pi];
  line.onFall((by) => edges.push([rig.now, 'low', by]));
  line.onRise(() => edges.push([rig.now, 'high']));
  return edges;
}

/** A probe on board 0's heartbeat line for one Pi: times (ms) of its rising edges. */
export function probeHeartbeat(rig: Rig, pi: 0 | 1, board = 0): number[] {
  const rises: number[] = [];
  rig.sim.boards[board]!.heartbeat[pi].onRise(() => rises.push(rig.now));
  return rises;
}
