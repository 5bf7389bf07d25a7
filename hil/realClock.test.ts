/** realClock: wall time from performance.now(), timers from the globals (one 5 ms real timer). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realClock } from './realClock.ts';

test('now() is monotonic ms; a timer fires after its delay; a cleared one never does', async () => {
  const start = realClock.now();
  let cleared = false;
  const handle = realClock.setTimeout(() => (cleared = true), 0);
  realClock.clearTimeout(handle);
  realClock.clearTimeout(undefined); // unknown handles are ignored
  await new Promise<void>((resolve) => realClock.setTimeout(resolve, 5));
  // Node schedules timers from the event loop's cached time (whole ms), which can be up to 1 ms
  // behind performance.now(): a 5 ms timer is only guaranteed 4 ms by this clock (it fired early
  // once in CI-like runs when this asserted the full delay).
  assert.ok(realClock.now() - start >= 4, `the 5 ms delay passed, within the event loop's 1 ms granularity (${(realClock.now() - start).toFixed(3)} ms)`);
  assert.not.ok(cleared);
});

test.run();
