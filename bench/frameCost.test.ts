/** bench/frameCost.ts: a Chrome trace cut into frames, nested work counted once, thread time preferred. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { frameCost, frameWork, spread, type TraceEvent } from './frameCost.ts';

const ev = (name: string, ts: number, dur: number, extra: Partial<TraceEvent> = {}): TraceEvent => ({ name, ph: 'X', pid: 1, tid: 7, ts, dur, ...extra });

test('frames start at each FireAnimationFrame; nested events count once as the outer; the last frame is dropped', () => {
  const events = [
    ev('FireAnimationFrame', 0, 4000), ev('FunctionCall', 100, 2000), ev('Layout', 3000, 500), // forced layout inside script: script
    ev('UpdateLayoutTree', 5000, 1000), ev('Layout', 6000, 2000), ev('Paint', 8000, 3000),
    ev('FireAnimationFrame', 16_000, 1000), ev('Paint', 18_000, 1000),
    ev('FireAnimationFrame', 32_000, 1000), // the last, partial frame
    ev('Layout', 40_000, 9000, { tid: 8 }), // another thread
    { name: 'FireAnimationFrame', ph: 'I', pid: 1, tid: 7, ts: 20_000 }, // not a complete event
  ];
  const frames = frameWork(events);
  assert.equal(frames, [{ script: 4, style: 1, layout: 2, paint: 3 }, { script: 1, style: 0, layout: 0, paint: 1 }]);
});

test('thread time is used where the trace has it', () => {
  const frames = frameWork([ev('FireAnimationFrame', 0, 9000, { tdur: 3000 }), ev('FireAnimationFrame', 20_000, 1000)]);
  assert.equal(frames[0]!.script, 3);
});

test('no animation frame in the trace: no frames', () => {
  assert.equal(frameWork([ev('Layout', 0, 100)]), []);
});

test('spread: mean and 95th percentile; frameCost sums script, style and layout', () => {
  assert.equal(spread([]), { mean: 0, p95: 0 });
  const values = Array.from({ length: 20 }, (_, i) => i + 1);
  assert.equal(spread(values), { mean: 10.5, p95: 19 });
  const cost = frameCost([{ script: 1, style: 2, layout: 3, paint: 4 }, { script: 3, style: 2, layout: 1, paint: 0 }]);
  assert.equal(cost.frames, 2);
  assert.equal(cost.scriptStyleLayout, { mean: 6, p95: 6 });
  assert.equal(cost.paint, { mean: 2, p95: 4 });
});

test.run();
