/** Checking a scenario's `expect` entries against the events of a run. */
import { formatDuration } from '../duration.ts';
import type { SimEvent } from '../events.ts';
import type { Expectation } from '../scenario.ts';

/** One expectation with its verdict and a readable account of what happened. */
export interface ExpectationResult {
  expectation: Expectation;
  passed: boolean;
  /** Events that matched (count). */
  count: number;
  /** Times (ms) of the first matching events, at most 10. */
  times: number[];
  /** "expected ..., happened ..." */
  message: string;
}

/** Human wording of an expectation, e.g. "power-cycle for board 3 Pi 0 within 0s..10m00s at least once". */
export function describeExpectation(e: Expectation): string {
  const who = `${e.id === undefined ? '' : ` for board ${e.id}`}${e.pi === undefined ? '' : ` Pi ${e.pi}`}`;
  const [from, to] = e.withinMs;
  const window = from === 0 && !Number.isFinite(to) ? '' : ` within ${formatDuration(from)}..${Number.isFinite(to) ? formatDuration(to) : 'end'}`;
  const { min, max } = e.count;
  const times = (n: number) => (n === 1 ? 'once' : `${n} times`);
  const count = max === 0 ? 'never' : max === undefined ? `at least ${times(min)}` : min === max ? `exactly ${times(min)}` : `${min} to ${max} times`;
  return `${e.event}${who}${window} ${count}`;
}

/** Check every expectation against the event list. */
export function checkExpectations(expect: readonly Expectation[], events: readonly SimEvent[]): ExpectationResult[] {
  return expect.map((e) => {
    const [from, to] = e.withinMs;
    const sameKind = events.filter((ev) => ev.type === e.event && (e.id === undefined || ev.id === e.id) && (e.pi === undefined || ev.pi === e.pi));
    const matched = sameKind.filter((ev) => ev.t >= from && ev.t <= to);
    const outside = sameKind.filter((ev) => ev.t < from || ev.t > to);
    const n = matched.length;
    const passed = n >= e.count.min && (e.count.max === undefined || n <= e.count.max);
    const times = matched.slice(0, 10).map((ev) => ev.t);
    const at = n === 0 ? '' : ` (at ${times.map(formatDuration).join(', ')}${n > times.length ? ', ...' : ''})`;
    const elsewhere = outside.length === 0 ? '' : `; ${outside.length} outside that window (at ${outside.slice(0, 5).map((ev) => formatDuration(ev.t)).join(', ')}${outside.length > 5 ? ', ...' : ''})`;
    const message = `expected ${describeExpectation(e)}; happened ${n === 0 ? 'never' : n === 1 ? 'once' : `${n} times`}${at}${elsewhere}`;
    return { expectation: e, passed, count: n, times, message };
  });
}
