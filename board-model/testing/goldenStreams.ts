/**
 * Golden event streams: what every scenario in fixtures/scenarios/ and one long loaded run
 * produce, event by event, so an optimisation of the simulator can prove that it changed
 * nothing anyone can observe (issue 14). The golden file is fixtures/golden/event-streams.json;
 * it is written from a simulator known to be right:
 *
 *   npx tsx board-model/testing/goldenStreams.ts --write [--overwrite]
 *
 * and checked by board-model/sim/golden.test.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseScenario, parseStack } from '../index.ts';
import { scenarioFromText, type Scenario } from '../scenario.ts';
import { runScenario } from '../sim/runScenario.ts';

const SCENARIOS = new URL('../../fixtures/scenarios/', import.meta.url);
/** The golden file. */
export const GOLDEN_FILE = new URL('../../fixtures/golden/event-streams.json', import.meta.url);

/** One run's observable outcome: every event (as JSON lines), the summary, heartbeat rises per Pi. */
export interface Stream {
  readonly name: string;
  /** Every event in order, each as its JSON text; for the loaded run only their count and hash. */
  readonly events?: readonly string[];
  readonly eventCount: number;
  readonly eventsSha256: string;
  readonly summary: unknown;
  /** Rising edges of each Pi's heartbeat line seen by an observer (board.heartbeat[pi].onRise), in board order; empty when not observed. */
  readonly heartbeatRises: readonly number[];
  readonly passed: boolean;
}

/** The loaded run of bench/sim-speed.ts, shortened: default stack, all 32 Pis on at 1 s, host polling every 60 s, 2 h. */
export function loadedScenario(): Scenario {
  const stack = parseStack({ name: 'default', supplyVolts: 12, boards: Array.from({ length: 16 }, (_, dip) => ({ dip, prefix: 0, pis: ['pi3b+', 'pi3b+'] })) }, 'golden');
  const steps = stack.boards.flatMap((b) => [0, 1].map((pi) => ({ at: 1000, host: 'PI_ON', id: b.dip, pi })));
  return parseScenario({ name: 'loaded-2h', stack, seed: 1, duration: '2h', poll: '60s', steps }, 'golden');
}

/** Every scenario of fixtures/scenarios/, by file name. */
export function fixtureScenarios(): Array<[string, Scenario]> {
  return readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, scenarioFromText(readFileSync(new URL(f, SCENARIOS), 'utf8'), `fixtures/scenarios/${f}`)]);
}

/**
 * Run one scenario and collect its observable outcome; `keepEvents` keeps the event texts too,
 * `observeHeartbeats` watches every heartbeat line (an observer the simulator must serve).
 */
export async function streamOf(name: string, scenario: Scenario, keepEvents: boolean, observeHeartbeats = true): Promise<Stream> {
  const lines: string[] = [];
  const hash = createHash('sha256');
  const rises: number[] = [];
  const result = await runScenario(scenario, {
    onEvent: (e) => {
      const text = JSON.stringify(e);
      hash.update(text).update('\n');
      if (keepEvents) lines.push(text);
      else lines.length++;
    },
    onStart: (sim) => {
      if (!observeHeartbeats) return;
      for (const board of sim.boards) {
        for (const pi of [0, 1] as const) {
          const slot = rises.push(0) - 1;
          board.heartbeat[pi].onRise(() => rises[slot]!++);
        }
      }
    },
  });
  return {
    name,
    ...(keepEvents ? { events: lines } : {}),
    eventCount: lines.length,
    eventsSha256: hash.digest('hex'),
    summary: result.summary,
    heartbeatRises: rises,
    passed: result.passed,
  };
}

/** The streams of every fixture scenario (events kept) and of the loaded run (hashed). */
export async function allStreams(): Promise<Stream[]> {
  const out: Stream[] = [];
  for (const [file, scenario] of fixtureScenarios()) out.push(await streamOf(file, scenario, true));
  out.push(await streamOf('loaded-2h', loadedScenario(), false));
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (!args.includes('--write')) {
    process.stderr.write('usage: npx tsx board-model/testing/goldenStreams.ts --write [--overwrite]\n');
    process.exit(2);
  }
  if (existsSync(GOLDEN_FILE) && !args.includes('--overwrite')) {
    process.stderr.write(`${fileURLToPath(GOLDEN_FILE)} exists: pass --overwrite to replace it (only from a simulator known to be right)\n`);
    process.exit(1);
  }
  const streams = await allStreams();
  writeFileSync(GOLDEN_FILE, `${JSON.stringify({ note: 'Written by board-model/testing/goldenStreams.ts --write; checked by board-model/sim/golden.test.ts', streams }, null, 1)}\n`);
  process.stdout.write(`wrote ${streams.length} streams to ${fileURLToPath(GOLDEN_FILE)}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
