/**
 * Timing measurements of `pistack characterize`: the reply delay from request/reply timestamps,
 * and the firmware's delays timed through the power state (GET_PI_POWERED polled every ~50 ms)
 * on one port: which delay a graceful PI_OFF waits and its unit, whether PI_ON cancels a pending
 * PI_OFF, the watchdog's action, HBT_DELAY's unit, CYCLE_OFF_TIME, and whether HBT_TIME 0
 * disables the watchdog. Every setting changed goes through the session's ledger.
 */
import type { TrafficEvent } from '../../bus-protocol/BusClient.ts';
import { encodeRequest } from '../../bus-protocol/frame.ts';
import type { PiIndex } from '../../bus-protocol/StackClient.ts';
import type { BoardSession } from '../bench/BoardSession.ts';

/** Summary of a sample of times, ms. */
export interface Distribution {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Median, min and max of `values` (ms). */
export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { n: sorted.length, median, min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

/** A collector of the client's traffic, switched on for the reply-delay measurement. */
export class TrafficLog {
  private events: TrafficEvent[] | undefined;
  /** Pass to the client's onTraffic. */
  readonly listener = (event: TrafficEvent): void => void this.events?.push(event);
  /** Start collecting (drops anything collected before). */
  start(): void {
    this.events = [];
  }
  /** Stop collecting and return what was collected. */
  stop(): TrafficEvent[] {
    const out = this.events ?? [];
    this.events = undefined;
    return out;
  }
}

/**
 * Reply delay: `count` GET_SW_VERSION requests; for each, the time from the write to the reply's
 * last byte minus the wire time of both frames (`byteTimeMs` each byte). On a USB adapter this
 * includes the adapter's latency, so it is an upper bound of the board's own delay.
 */
export async function replyDelays(session: BoardSession, traffic: TrafficLog, count: number, byteTimeMs: number): Promise<Distribution> {
  const frame = encodeRequest('GET_SW_VERSION', session.id);
  const delays: number[] = [];
  for (let i = 0; i < count; i++) {
    traffic.start();
    const outcome = await session.do((c) => c.requestRaw(frame, 'GET_SW_VERSION'));
    const events = traffic.stop();
    const sent = events.find((e) => e.direction === 'host');
    if (outcome.kind !== 'reply' || sent === undefined) continue;
    const wire = (frame.length + 5) * byteTimeMs; // GET_SW_VERSION's OK reply is 5 bytes
    delays.push(outcome.at - sent.at - wire);
    await session.sleep(5); // a gap between requests, as a real host leaves
  }
  return distribution(delays);
}

/** Time from PI_OFF to the power going, ms (undefined: still on after timeoutMs). */
async function timeGracefulOff(session: BoardSession, pi: PiIndex, offDelay: number, sigOffDelay: number, timeoutMs: number): Promise<number | undefined> {
  const id = session.id;
  await session.do((c) => c.piForceOff(id, pi));
  await session.writeSetting('OFF_DELAY', pi, offDelay);
  await session.writeSetting('SIG_OFF_DELAY', pi, sigOffDelay);
  await session.do((c) => c.piOn(id, pi));
  await session.sleep(200);
  await session.do((c) => c.piOff(id, pi));
  const t0 = session.now();
  const edge = await session.waitForPowered(pi, false, timeoutMs);
  await session.do((c) => c.piForceOff(id, pi));
  return edge === undefined ? undefined : edge.at - t0;
}

/** What two graceful-off runs with swapped OFF_DELAY / SIG_OFF_DELAY showed. */
export interface GracefulOffTiming {
  /** Which setting the delay follows; undefined when neither (or the power never went). */
  readonly uses: 'off-delay' | 'sig-off-delay' | undefined;
  /** ms per unit of that setting, from the difference of the two runs. */
  readonly unitMs: number | undefined;
  /** The two runs: settings and time to power-off (ms). */
  readonly runs: ReadonlyArray<{ offDelay: number; sigOffDelay: number; ms: number | undefined }>;
}

/** Settings of the two runs: (OFF_DELAY, SIG_OFF_DELAY) = (low, high) then (high, low). */
export const GRACEFUL_RUNS = { low: 2, high: 8 } as const;

/** Time PI_OFF twice with OFF_DELAY and SIG_OFF_DELAY swapped: the delay that grows with one of them is the one used. */
export async function gracefulOff(session: BoardSession, pi: PiIndex, timeoutMs: number, onNote: (text: string) => void): Promise<GracefulOffTiming> {
  const { low, high } = GRACEFUL_RUNS;
  onNote(`PI_OFF with OFF_DELAY ${low}, SIG_OFF_DELAY ${high}`);
  const a = await timeGracefulOff(session, pi, low, high, timeoutMs);
  onNote(`PI_OFF with OFF_DELAY ${high}, SIG_OFF_DELAY ${low}`);
  const b = await timeGracefulOff(session, pi, high, low, timeoutMs);
  const runs = [{ offDelay: low, sigOffDelay: high, ms: a }, { offDelay: high, sigOffDelay: low, ms: b }];
  if (a === undefined || b === undefined) return { uses: undefined, unitMs: undefined, runs };
  const margin = Math.max(4 * session.pollMs, 0.1 * Math.max(a, b));
  if (Math.abs(a - b) <= margin) return { uses: undefined, unitMs: undefined, runs };
  return b > a ? { uses: 'off-delay', unitMs: (b - a) / (high - low), runs } : { uses: 'sig-off-delay', unitMs: (a - b) / (high - low), runs };
}

/** PI_ON one unit into a pending PI_OFF (both delays 4 units): does the power stay on past the delay? */
export async function piOnCancelsShutdown(session: BoardSession, pi: PiIndex, unitMs: number): Promise<boolean | undefined> {
  const id = session.id;
  await session.do((c) => c.piForceOff(id, pi));
  await session.writeSetting('OFF_DELAY', pi, 4);
  await session.writeSetting('SIG_OFF_DELAY', pi, 4);
  await session.do((c) => c.piOn(id, pi));
  await session.sleep(200);
  await session.do((c) => c.piOff(id, pi));
  await session.sleep(unitMs);
  if (!(await session.powered(pi))) return undefined; // already off: nothing to cancel
  await session.do((c) => c.piOn(id, pi));
  const drop = await session.waitForPowered(pi, false, 5 * unitMs);
  await session.do((c) => c.piForceOff(id, pi));
  return drop === undefined;
}

/** What the watchdog did with nothing heartbeating after PI_ON. */
export interface WatchdogTiming {
  /** 'power-cycle' when the power dropped and came back, 'report-only' when it stayed on (and GET_PI_HBT read 0). */
  readonly action: 'power-cycle' | 'report-only' | undefined;
  /** ms per HBT_DELAY unit (power-cycle only). */
  readonly hbtDelayUnitMs: number | undefined;
  /** Off time of the cycle, ms. */
  readonly cycleOffMs: number | undefined;
  /** Why a value is missing. */
  readonly note?: string;
}

/** HBT_DELAY used to time the watchdog (units), and HBT_TIME meanwhile (non-zero: watchdog on). */
export const WATCHDOG_RUN = { hbtDelay: 4, hbtTime: 2 } as const;

/** PI_ON with HBT_DELAY 4 and nothing heartbeating: time the power drop and the cycle's off time. */
export async function watchdog(session: BoardSession, pi: PiIndex, timeoutMs: number, onNote: (text: string) => void): Promise<WatchdogTiming> {
  const id = session.id;
  await session.do((c) => c.piForceOff(id, pi));
  await session.writeSetting('HBT_TIME', pi, WATCHDOG_RUN.hbtTime);
  await session.writeSetting('HBT_DELAY', pi, WATCHDOG_RUN.hbtDelay);
  await session.do((c) => c.piOn(id, pi));
  const t0 = session.now();
  onNote(`PI_ON with HBT_DELAY ${WATCHDOG_RUN.hbtDelay}, HBT_TIME ${WATCHDOG_RUN.hbtTime}: waiting up to ${timeoutMs / 1000} s for the watchdog`);
  const drop = await session.waitForPowered(pi, false, timeoutMs);
  try {
    if (drop === undefined) {
      const healthy = await session.do((c) => c.getPiHbt(id, pi));
      if (healthy) return { action: undefined, hbtDelayUnitMs: undefined, cycleOffMs: undefined, note: 'a Pi heartbeats on this port: use an empty port (or one with a dummy load)' };
      return { action: 'report-only', hbtDelayUnitMs: undefined, cycleOffMs: undefined, note: `power stayed on for ${timeoutMs / 1000} s with GET_PI_HBT 0 (or HBT_DELAY's unit is above ${timeoutMs / WATCHDOG_RUN.hbtDelay / 1000} s)` };
    }
    const back = await session.waitForPowered(pi, true, timeoutMs);
    return {
      action: 'power-cycle',
      hbtDelayUnitMs: (drop.at - t0) / WATCHDOG_RUN.hbtDelay,
      cycleOffMs: back === undefined ? undefined : back.at - drop.at,
      ...(back === undefined ? { note: `power still off ${timeoutMs / 1000} s after the drop` } : {}),
    };
  } finally {
    await session.do((c) => c.piForceOff(id, pi));
  }
}

/** HBT_TIME 0 and HBT_DELAY 2: does the watchdog still cut power (false) or is it disabled (true)? */
export async function hbtTimeZeroDisables(session: BoardSession, pi: PiIndex, hbtDelayUnitMs: number): Promise<boolean> {
  const id = session.id;
  await session.do((c) => c.piForceOff(id, pi));
  await session.writeSetting('HBT_TIME', pi, 0);
  await session.writeSetting('HBT_DELAY', pi, 2);
  await session.do((c) => c.piOn(id, pi));
  const drop = await session.waitForPowered(pi, false, 2 * hbtDelayUnitMs + Math.max(1000, hbtDelayUnitMs));
  await session.do((c) => c.piForceOff(id, pi));
  return drop === undefined;
}
