/** runScenario at the edges (issue 10 item 3): unsent steps reported, memory bounded by the stack, nothing running after the result, Ctrl-C. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from '../scenario.ts';
import type { SimStack } from '../SimStack.ts';
import { runScenario } from './runScenario.ts';

/** `n` GET_SW_VERSION steps to board 0 of the single stack, `everyMs` apart from 1 s. */
function flood(n: number, everyMs: number, duration: string) {
  const steps = Array.from({ length: n }, (_, i) => ({ at: 1000 + i * everyMs, host: 'GET_SW_VERSION', id: 0 }));
  return parseScenario({ name: 'flood', stack: 'single', duration, steps, expect: [{ event: 'host-reply', id: 0, count: { min: 1 } }] }, 'flood.json');
}

test('steps the bus cannot carry in the duration are reported (count, first, last), never dropped silently', async () => {
  // Guards against a 700,000-step scenario silently losing 600,000 requests.
  const result = await runScenario(flood(2000, 0, '3s'));
  const sent = result.summary.bus.frames;
  assert.ok(sent > 50 && sent < 2000, `sent ${sent}`);
  assert.is(result.unsent.count, 2000 - sent);
  assert.equal(result.unsent.first, { index: sent, atMs: 1000, step: 'GET_SW_VERSION id 0' });
  assert.equal(result.unsent.last, { index: 1999, atMs: 1000, step: 'GET_SW_VERSION id 0' });
  const none = await runScenario(flood(10, 100, '5s'));
  assert.equal(none.unsent, { count: 0 });
});

test('memory is bounded by the stack: one timer for the steps whatever their number; nothing runs after the result', async () => {
  let sim: SimStack | undefined;
  let pendingAtStart = 0;
  let events = 0;
  const result = await runScenario(flood(5000, 0.2, '2s'), {
    onStart: (s) => {
      sim = s;
      pendingAtStart = s.clock.pending;
    },
    onEvent: () => events++,
  });
  assert.ok(pendingAtStart < 20, `${pendingAtStart} timers pending at the start (one per step would be 5000)`);
  assert.ok(result.unsent.count > 0);
  const fired = sim!.clock.fired;
  const seen = events;
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  assert.is(sim!.clock.fired, fired, 'no timer fired after the run');
  assert.is(events, seen, 'no event after the run');
});

test('the events kept in the result are capped, the rest counted; expectations still see every event', async () => {
  const result = await runScenario(flood(20, 100, '5s'), { eventLimit: 5 });
  assert.is(result.events.length, 5);
  const replies = result.expectations[0]!.count;
  assert.is(replies, 20, 'the expectation counted every reply');
  assert.ok(result.eventsTruncated >= 15, `${result.eventsTruncated} truncated`);
});

test('a signal stops the run at the end of a slice with the run so far (Ctrl-C)', async () => {
  const controller = new AbortController();
  const result = await runScenario(flood(20, 100, '1h'), {
    sliceMs: 1000,
    onSlice: (_sim, t) => {
      if (t >= 10_000) controller.abort('SIGINT');
    },
    signal: controller.signal,
  });
  assert.is(result.interrupted, true);
  assert.is(result.virtualMs, 10_000);
  assert.equal(result.expectations, []);
  assert.is(result.passed, false);
  assert.is(result.summary.bus.frames, 20);
});

test('the stack\'s load-time warnings are events of the run, as before', async () => {
  const stack = { name: 'dup', boards: [{ dip: 1, pis: [null, null] }, { dip: 1, pis: [null, null] }] };
  const result = await runScenario(parseScenario({ stack, duration: '1s' }, 'dup.json'));
  const warnings = result.events.filter((e) => e.type === 'warning');
  assert.is(warnings.length, 1);
  assert.equal(warnings.map((w) => w['message']), result.warnings);
});

test('polls run one at a time: a tick that finds the last poll waiting on silent boards is skipped and counted', async () => {
  const scenario = parseScenario({ stack: 'single', duration: '10s', poll: '110ms', steps: [{ at: '1s', fault: 'supply-volts', value: 0 }] }, 'dark.json');
  let maxPending = 0;
  const result = await runScenario(scenario, { sliceMs: 100, onSlice: (sim) => void (maxPending = Math.max(maxPending, sim.clock.pending)) });
  assert.ok(result.pollsSkipped > 40, `${result.pollsSkipped} polls skipped`);
  assert.ok(result.summary.bus.timeouts > 0);
  assert.ok(maxPending < 20, `${maxPending} timers pending at most`);
});

test('a poll shorter than one poll cycle is refused before anything runs; 0 is no polling', async () => {
  const scenario = parseScenario({ stack: 'single', duration: '1s' }, 's.json');
  let message = '';
  try {
    await runScenario(scenario, { pollMs: 0.001 });
  } catch (e) {
    message = (e as Error).message;
  }
  assert.match(message, /^poll: 0\.001ms is shorter than one poll cycle: the shortest poll possible is 110ms/);
  const off = await runScenario(scenario, { pollMs: 0 });
  assert.is(off.summary.bus.frames, 0);
});

test.run();
