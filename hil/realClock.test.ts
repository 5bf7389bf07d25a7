/** realClock: wall time from performance.now(), timers from the globals (one 1 ms real timer). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { realClock } from './realClock.ts';

test('now() is monotonic ms; a timer fires after its delay; a cleared one never does', async () => {
  const start = realClock.now();
  let cleared = false;
  const handle = realClock.setTimeout(() => (cleared = true), 0);
  realClock.clearTimeout(handle);
  realClock.clearTimeout(undefined); // unknown handles are ignored
  await new Promise<void>((resolve) => realClock.setTimeout(resolve, 1));
  assert.ok(realClock.now() - start >= 1, 'at least the 1 ms delay passed');
  assert.not.ok(cleared);
});

test.run();
