/** FrameGate: which panels a live frame draws (on screen every frame or at their rate, off screen now and then, one waiting panel per frame). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameGate, OFFSCREEN_EVERY_MS } from './frameGate.ts';

test('a full draw gives every panel in order; a live frame the panels on screen and the one waiting longest', () => {
  const gate = new FrameGate<string>();
  const seen = new Map<string, (visible: boolean) => void>();
  for (const name of ['scope', 'stack', 'memory', 'events']) seen.set(name, gate.add(name, name === 'memory' ? { everyMs: 250 } : name === 'events' ? { always: true } : {}));
  assert.equal(gate.all(0), ['scope', 'stack', 'memory', 'events']);
  seen.get('stack')!(false); // scrolled away
  assert.equal(gate.frame(16), ['scope', 'events'], 'memory drew 16 ms ago (its rate: 250 ms), the stack is off screen');
  assert.equal(gate.frame(260), ['scope', 'memory', 'events'], 'memory is due');
  assert.equal(gate.frame(276), ['scope', 'events']);
  assert.equal(gate.frame(OFFSCREEN_EVERY_MS), ['scope', 'stack', 'events'], 'the stack off screen draws every OFFSCREEN_EVERY_MS');
  seen.get('stack')!(true);
  assert.equal(gate.frame(OFFSCREEN_EVERY_MS + 16), ['scope', 'stack', 'memory', 'events'], 'back on screen: every frame (and memory is due again)');
  assert.equal(gate.frame(OFFSCREEN_EVERY_MS + 32), ['scope', 'stack', 'events']);
  seen.get('memory')!(false);
  seen.get('memory')!(true); // scrolled back into view: drawn at the next frame, not at its rate
  assert.equal(gate.frame(OFFSCREEN_EVERY_MS + 48), ['scope', 'stack', 'memory', 'events']);
});

test('of the panels waiting, at most `budget` draw in a frame, the longest overdue first; never-drawn ones first of all', () => {
  const gate = new FrameGate<number>(2);
  const set = [0, 1, 2, 3].map((i) => gate.add(i));
  for (const s of set) s(false);
  assert.equal(gate.frame(0), [0, 1], 'none drawn yet: the first two');
  assert.equal(gate.frame(16), [2, 3]);
  assert.equal(gate.frame(32), [], 'none due');
  assert.equal(gate.frame(OFFSCREEN_EVERY_MS + 16), [0, 1], 'all four due: 0 and 1 waited longest');
  assert.equal(gate.frame(OFFSCREEN_EVERY_MS + 32), [2, 3]);
});

test.run();
