/**
 * The golden streams (fixtures/golden/event-streams.json, golden.test.ts) again, with nobody
 * watching the heartbeat lines, so that every steady heartbeat runs as a lazy pulse train
 * (pulseTrains.ts): the same events, summary and pulses per Pi, the pulses now read from the
 * lines' own counts. Guards the lazy trains against any scenario of fixtures/scenarios/.
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SimStack } from '../SimStack.ts';
import { fixtureScenarios, GOLDEN_FILE, type Stream } from '../testing/goldenStreams.ts';
import { runScenario } from './runScenario.ts';

const golden = new Map((JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as { streams: Stream[] }).streams.map((s) => [s.name, s]));

for (const [file, scenario] of fixtureScenarios()) {
  test(`${file}: heartbeats unwatched (lazy), the same events, summary and pulses as the golden run`, async () => {
    const want = golden.get(file)!;
    const events: string[] = [];
    let sim: SimStack | undefined;
    let lazySeen = false;
    const result = await runScenario(scenario, {
      onEvent: (e) => events.push(JSON.stringify(e)),
      onStart: (s) => (sim = s),
      sliceMs: 1000,
      onSlice: (s) => {
        lazySeen ||= s.boards.some((b) => b.heartbeat[0].lazy || b.heartbeat[1].lazy);
      },
    });
    assert.equal(events, want.events, `${file}: events`);
    assert.equal(result.summary, want.summary, `${file}: summary`);
    const rises = sim!.boards.flatMap((b) => [b.heartbeat[0].rises, b.heartbeat[1].rises]);
    assert.equal(rises, want.heartbeatRises, `${file}: heartbeat rises per Pi`);
    const beats = rises.some((n) => n > 1);
    assert.ok(lazySeen || !beats, `${file}: Pis heartbeat, so some line ran lazily`);
  });
}

test.run();
