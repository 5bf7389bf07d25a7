/**
 * The differential harness of board-model/sim/lazyHeartbeats.test.ts: random scenarios (as
 * fast-check arbitraries) and everything observable of one run of them, with the heartbeat
 * lines forced eager or allowed to run lazily (pulseTrains.ts).
 */
import fc from 'fast-check';
import { parseProfile, V4_REFERENCE } from '../profiles.ts';
import { PulseTrains } from '../pulseTrains.ts';
import { parseScenario } from '../scenario.ts';
import type { SimStack } from '../SimStack.ts';
import { runScenario } from '../sim/runScenario.ts';

const PI3B = V4_REFERENCE.piModels['pi3b+']!;

/** Ports on at MCU boot (10 ms), so Pis boot at integer times; a second Pi shape with half the period, whose edges meet the first's (and which leaves its heartbeat high after a self-initiated shutdown). */
/** The test profile. */
export const PROFILE = parseProfile({
  name: 'lazy-test',
  defaults: { prefix: 0, hbtTime: 15, hbtDelay: 90, offDelay: 30, sigOffDelay: 30, sigWidth: 2, piOnStartup: true },
  piModels: {
    'pi3b+': PI3B,
    quick: { ...PI3B, label: 'quick', heartbeatHighMs: 100, heartbeatPeriodMs: 2600, heartbeatStaysHighAfterSelfShutdown: true },
  },
}, 'lazy-test');

const DURATION_MS = 240_000;
/** Pis powered at MCU boot (10 ms) are running from here: every beat falls on BOOTED + k * 2600 (+ 0, 100 or 200). */
export const BOOTED = 25_010;

/** A step time: anywhere, or on (or 1 ms beside) a beat of either shape. */
const stepTime = fc.oneof(
  fc.integer({ min: 1_000, max: DURATION_MS - 1_000 }),
  fc.tuple(fc.integer({ min: 0, max: 80 }), fc.constantFrom(0, 100, 200), fc.constantFrom(0, 0, 0, -1, 1))
    .map(([k, edge, off]) => BOOTED + k * 2600 + edge + off),
).filter((t) => t > 0 && t < DURATION_MS);

const target = { id: fc.integer({ min: 0, max: 1 }), pi: fc.integer({ min: 0, max: 1 }) };

const step = fc.oneof(
  fc.record({ at: stepTime, fault: fc.constantFrom('crash', 'hang-boot', 'no-daemon', 'clear-fault', 'pi-shutdown', 'pi-remove'), ...target }),
  fc.record({ at: stepTime, fault: fc.constant('pi-insert'), value: fc.constantFrom('pi3b+', 'quick'), ...target }),
  fc.record({ at: stepTime, fault: fc.constant('supply-volts'), value: fc.constantFrom(0, 12) }),
  fc.record({ at: stepTime, fault: fc.constant('mcu-reset'), id: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ at: stepTime, host: fc.constantFrom('PI_ON', 'PI_OFF', 'PI_FORCE_OFF', 'GET_PI_HBT', 'SEND_SIG'), ...target }),
  // HBT_TIME in s: 0 disables the watchdog; 13 and 26 s are whole numbers of periods (2600 and 5200 ms).
  fc.record({ at: stepTime, host: fc.constant('SET_HBT_TIME'), value: fc.constantFrom(0, 1, 5, 13, 15, 26), ...target }),
);

/** Scope windows: a line watched edge by edge from one slice boundary to another. */
const scope = fc.record({ board: fc.integer({ min: 0, max: 1 }), pi: fc.integer({ min: 0, max: 1 }), from: fc.integer({ min: 0, max: 24 }), slices: fc.integer({ min: 1, max: 24 }) });

/**
 * A crash, and a step at exactly the expiry it causes (its last rise + HBT_TIME 15 s, for either
 * period) on another Pi: the expiry's timer and the step's tie, and only the order in which
 * they were created (the watchdog's timer chain) decides which comes first.
 */
const crashAndExpiry = fc.record({ at: fc.integer({ min: 30_000, max: 150_000 }), ...target }).chain((crash) => {
  const lastRise = (periodMs: number): number => BOOTED + Math.floor((crash.at - BOOTED) / periodMs) * periodMs;
  const other = { id: 1 - crash.id, pi: crash.pi };
  return fc.constant([
    { fault: 'crash', ...crash },
    { at: lastRise(5200) + 15_000, fault: 'pi-load', value: 0.5, ...other },
    { at: lastRise(2600) + 15_000, fault: 'pi-load', value: 1, ...other },
  ]);
});

const models = fc.constantFrom('pi3b+', 'quick');

/** A random scenario: Pi models, steps, scope windows, probe interval (ms) and host polling. */
export const scenarioArb = fc.record({
  pis: fc.tuple(models, models, models, models),
  steps: fc.tuple(fc.array(step, { maxLength: 14 }), fc.array(crashAndExpiry, { maxLength: 2 })).map(([steps, combos]) => [...steps, ...combos.flat()]),
  scopes: fc.array(scope, { maxLength: 3 }),
  sliceMs: fc.constantFrom(2600, 5200, 5000, 7_777),
  poll: fc.constantFrom(0, 60_000),
});

/** One random scenario. */
export type Case = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** Everything observable of one run. */
export interface Observed {
  events: string[];
  /** Per slice boundary: every line's level, rise count and last rise. */
  probes: string[];
  /** Edges seen by the scope windows: "board/pi t level". */
  scope: string[];
  /** Lines that were lazy at a slice boundary (only the lazy run has any). */
  lazySeen: number;
}

/** Run a case with every line forced eager (`eager`) or lazy where it may, and collect what anyone could observe. */
export async function observe(c: Case, eager: boolean): Promise<Observed> {
  const scenario = parseScenario({
    name: 'lazy',
    profile: PROFILE,
    stack: { boards: [0, 1].map((dip) => ({ dip, pis: [c.pis[dip * 2]!, c.pis[dip * 2 + 1]!] })) },
    seed: 1,
    duration: DURATION_MS,
    ...(c.poll > 0 ? { poll: c.poll } : {}),
    steps: [...c.steps].sort((a, b) => a.at - b.at),
  }, 'lazy.json');
  const out: Observed = { events: [], probes: [], scope: [], lazySeen: 0 };
  const stops = new Map<number, () => void>();
  let slice = 0;
  let sim: SimStack | undefined;
  const lines = (s: SimStack) => s.boards.flatMap((b) => [0, 1].map((pi) => ({ board: b.index, pi, line: b.heartbeat[pi as 0 | 1] })));
  try {
    await runScenario(scenario, {
      onEvent: (e) => out.events.push(JSON.stringify(e)),
      onStart: (s) => {
        sim = s;
        if (eager) PulseTrains.of(s.clock)!.setEager(true);
      },
      sliceMs: c.sliceMs,
      onSlice: (s) => {
        // Probe on even slices here, on odd ones from a timer due now, scheduled after the advance
        // reached now (so it runs after every edge due now).
        const probe = (): void => {
          for (const { board, pi, line } of lines(s)) {
            out.probes.push(`${s.clock.now()} ${board}/${pi} ${line.level} ${line.rises} ${line.lastRiseAt}`);
            if (line.lazy) out.lazySeen++;
          }
        };
        if (slice % 2 === 0) probe();
        else s.clock.setTimeout(probe, 0);
        c.scopes.forEach((w, i) => {
          if (slice === w.from) {
            const line = s.boards[w.board]!.heartbeat[w.pi as 0 | 1];
            stops.set(i, line.onChange((high) => out.scope.push(`${w.board}/${w.pi} ${s.clock.now()} ${high}`)));
          }
          if (slice === w.from + w.slices) stops.get(i)?.();
        });
        slice++;
      },
    });
  } catch (error) {
    // A step the stack refuses (a fault on a removed Pi) ends both runs alike.
    out.events.push(`error at ${sim?.clock.now()}: ${(error as Error).message}`);
  }
  for (const { board, pi, line } of lines(sim!)) out.probes.push(`end ${board}/${pi} ${line.level} ${line.rises} ${line.lastRiseAt}`);
  return out;
}

