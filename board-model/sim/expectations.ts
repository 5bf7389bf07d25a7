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

interface Tally {
  n: number;
  times: number[];
  outside: number;
  outsideTimes: number[];
}

/**
 * Expectations checked as events happen, so a run need not keep its events: memory is a few
 * numbers per expectation whatever the run's length.
 */
export class ExpectationTracker {
  private readonly tallies: Tally[];

  constructor(private readonly expect: readonly Expectation[]) {
    this.tallies = expect.map(() => ({ n: 0, times: [], outside: 0, outsideTimes: [] }));
  }

  /** Count one event against every expectation it concerns. */
  observe(ev: SimEvent): void {
    this.expect.forEach((e, i) => {
      if (ev.type !== e.event || (e.id !== undefined && ev.id !== e.id) || (e.pi !== undefined && ev.pi !== e.pi)) return;
      const t = this.tallies[i] as Tally;
      if (ev.t >= e.withinMs[0] && ev.t <= e.withinMs[1]) {
        if (t.n++ < 10) t.times.push(ev.t);
      } else if (t.outside++ < 5) t.outsideTimes.push(ev.t);
    });
  }

  /** The verdicts so far. */
  results(): ExpectationResult[] {
    return this.expect.map((e, i) => {
      const { n, times, outside, outsideTimes } = this.tallies[i] as Tally;
      const passed = n >= e.count.min && (e.count.max === undefined || n <= e.count.max);
      const at = n === 0 ? '' : ` (at ${times.map(formatDuration).join(', ')}${n > times.length ? ', ...' : ''})`;
      const elsewhere = outside === 0 ? '' : `; ${outside} outside that window (at ${outsideTimes.map(formatDuration).join(', ')}${outside > 5 ? ', ...' : ''})`;
      const message = `expected ${describeExpectation(e)}; happened ${n === 0 ? 'never' : n === 1 ? 'once' : `${n} times`}${at}${elsewhere}`;
      return { expectation: e, passed, count: n, times: [...times], message };
    });
  }
}

/** Check every expectation against the event list. */
export function checkExpectations(expect: readonly Expectation[], events: readonly SimEvent[]): ExpectationResult[] {
  const tracker = new ExpectationTracker(expect);
  for (const ev of events) tracker.observe(ev);
  return tracker.results();
}
