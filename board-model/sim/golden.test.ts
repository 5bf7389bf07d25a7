/**
 * The simulator's observable behaviour is frozen in fixtures/golden/event-streams.json: every
 * scenario of fixtures/scenarios/ event by event, and a 2 h loaded run (all 32 Pis on, the host
 * polling every 60 s) by count and hash. An optimisation that changes any event, its time, the
 * summary or the heartbeat pulses an observer sees fails here. Regenerate only from a simulator
 * known to be right: `npx tsx board-model/testing/goldenStreams.ts --write --overwrite`.
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtureScenarios, GOLDEN_FILE, loadedScenario, streamOf, type Stream } from '../testing/goldenStreams.ts';

const golden = (JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as { streams: Stream[] }).streams;
const byName = new Map(golden.map((s) => [s.name, s]));

/** Fails at the first event that differs, showing both. */
function sameEvents(name: string, got: readonly string[], want: readonly string[]): void {
  const n = Math.min(got.length, want.length);
  for (let i = 0; i < n; i++) {
    if (got[i] !== want[i]) assert.unreachable(`${name}: event ${i} differs\n  golden: ${want[i]}\n  now:    ${got[i]}`);
  }
  assert.is(got.length, want.length, `${name}: number of events`);
}

test('the golden file covers every fixture scenario and the loaded run', () => {
  const names = [...fixtureScenarios().map(([f]) => f), 'loaded-2h'];
  assert.equal(golden.map((s) => s.name).sort(), names.sort(), 'a scenario was added or removed: regenerate the golden file');
});

for (const [file, scenario] of fixtureScenarios()) {
  test(`${file}: the same events, summary and heartbeat pulses as the golden run`, async () => {
    const want = byName.get(file);
    assert.ok(want?.events, `${file}: not in the golden file`);
    const got = await streamOf(file, scenario, true);
    sameEvents(file, got.events!, want.events);
    assert.equal(got.summary, want.summary, `${file}: summary`);
    assert.equal(got.heartbeatRises, want.heartbeatRises, `${file}: heartbeat rises per Pi`);
    assert.is(got.passed, want.passed, `${file}: expectations`);
  });
}

test('loaded 2 h run (32 Pis, polling every 60 s): the same events and pulses, watched or not', async () => {
  const want = byName.get('loaded-2h')!;
  const watched = await streamOf('loaded-2h', loadedScenario(), false, true);
  assert.is(watched.eventCount, want.eventCount, 'events');
  assert.is(watched.eventsSha256, want.eventsSha256, 'event stream hash');
  assert.equal(watched.summary, want.summary, 'summary');
  assert.equal(watched.heartbeatRises, want.heartbeatRises, 'heartbeat rises per Pi');
  // Nobody watching the heartbeat lines: the simulator may skip work, never change an outcome.
  const unwatched = await streamOf('loaded-2h', loadedScenario(), false, false);
  assert.is(unwatched.eventsSha256, want.eventsSha256, 'event stream hash, heartbeats unwatched');
  assert.equal(unwatched.summary, want.summary, 'summary, heartbeats unwatched');
});

test.run();
