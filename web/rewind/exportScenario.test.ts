/**
 * The exported session is a scenario file that `pistack sim` runs to the very events the page's
 * session had: free play on the start stack, and a lesson with the student's inputs added.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parseScenario, scenarioFromText } from '../../board-model/scenario.ts';
import { runScenario } from '../../board-model/sim/runScenario.ts';
import { resolveScenario } from '../../cli/simFiles.ts';
import { ExportError, exportScenario, inputStep } from './exportScenario.ts';
import { Rewinder, type Start } from './Rewinder.ts';
import { TestHost } from '../testing/rewindHost.ts';
import type { PendingInput } from './inputs.ts';
import { allLessons } from '../testing/lessonHeadless.ts';

const SCRIPT: ReadonlyArray<readonly [number, PendingInput]> = [
  [2000, { kind: 'host', command: 'PI_ON', id: 0, args: { pi: 0 } }],
  [4000.5, { kind: 'host', command: 'PI_ON', id: 3, args: { pi: 1 } }],
  [9000, { kind: 'fault', fault: 'short-circuit', board: 3, pi: 1 }],
  [20_000, { kind: 'fault', fault: 'crash', board: 0, pi: 0 }],
  [25_000, { kind: 'fault', fault: 'supply-volts', board: 0, pi: 0, value: 10.5 }],
  [26_000, { kind: 'fault', fault: 'duplicate-dip', board: 1, pi: 0, value: 3 }],
  [40_000, { kind: 'host', command: 'SET_HBT_TIME', id: 0, args: { pi: 1, value: 20 } }],
  [41_000, { kind: 'host', command: 'GET_VIN', id: 3, args: {} }],
];

/** The student's inputs on the single-board lesson stack. */
const LESSON_SCRIPT: ReadonlyArray<readonly [number, PendingInput]> = [
  [10_000, { kind: 'host', command: 'PI_ON', id: 0, args: { pi: 1 } }],
  [30_000, { kind: 'host', command: 'SET_HBT_TIME', id: 0, args: { pi: 1, value: 20 } }],
  [50_000.25, { kind: 'fault', fault: 'crash', board: 0, pi: 1 }],
  [80_000, { kind: 'fault', fault: 'supply-volts', board: 0, pi: 0, value: 11.5 }],
];

async function play(start: Start, endMs: number, script = SCRIPT): Promise<{ host: TestHost; rewinder: Rewinder }> {
  const host = new TestHost(start);
  const rewinder = new Rewinder(host, start);
  for (const [t, input] of script) {
    await host.runTo(t);
    void rewinder.record(input);
  }
  await host.runTo(endMs);
  return { host, rewinder };
}

/** Events as `pistack sim` and the page both log them, without the wording of error messages (the page logs codes). */
const comparable = (events: readonly object[]): string[] => events.map((e) => JSON.stringify({ ...e, message: undefined }));

test('free play exported as a scenario: pistack sim reproduces the page session\'s events', async () => {
  const start: Start = { scenario: resolveScenario({}, 0), lesson: false };
  const { host, rewinder } = await play(start, 60_000);
  const file = exportScenario({ scenario: start.scenario, inputs: rewinder.inputs, nowMs: host.session.now });
  const text = JSON.stringify(file, null, 2);
  const scenario = scenarioFromText(text, 'student.json');
  assert.is(scenario.steps.length, SCRIPT.length);
  assert.is(scenario.durationMs, 60_000);
  assert.is(scenario.seed, start.scenario.seed);
  const result = await runScenario(scenario);
  assert.ok(result.events.length > 20);
  assert.equal(comparable(result.events), comparable(host.session.sim.events.events));
});

test('a lesson with the student\'s inputs exported: its own steps kept, sim reproduces the events', async () => {
  const json = JSON.parse(readFileSync(new URL('../../fixtures/scenarios/watchdog-cycle.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const lesson = parseScenario(json, 'watchdog-cycle.json');
  const start: Start = { scenario: lesson, lesson: true, lessonFile: 'watchdog-cycle.json' };
  const { host, rewinder } = await play(start, lesson.durationMs, LESSON_SCRIPT);
  const file = exportScenario({ scenario: lesson, lessonJson: json, inputs: rewinder.inputs, nowMs: host.session.now });
  const scenario = parseScenario(JSON.parse(JSON.stringify(file)), 'student.json');
  assert.is(scenario.steps.length, lesson.steps.length + LESSON_SCRIPT.length);
  assert.equal(scenario.expect, lesson.expect);
  const result = await runScenario(scenario);
  assert.equal(comparable(result.events), comparable(host.session.sim.events.events));
});

test('a DIP bit clicked on a card and a transition fired from a chart are inputs like any other: exported, sim reproduces them', async () => {
  const start: Start = { scenario: resolveScenario({}, 0), lesson: false };
  const { host, rewinder } = await play(start, 30_000, [
    [1000, { kind: 'fault', fault: 'set-dip', board: 5, pi: 0, value: 3 }], // the card's DIP bits: board #5 to 0011
    [2000, { kind: 'fault', fault: 'mcu-reset', board: 5, pi: 0 }], // the MCU chart's RESET edge: it reads the DIP
    [3000, { kind: 'host', command: 'PI_ON', id: 3, args: { pi: 0 } }], // the port chart's PI_ON edge: two boards answer ID 3
    [20_000, { kind: 'fault', fault: 'crash', board: 0, pi: 1 }], // the Pi chart's CRASH edge
  ]);
  assert.is(host.session.sim.boards[5]!.id, 3, 'board #5 took ID 3 at its reboot');
  const file = exportScenario({ scenario: start.scenario, inputs: rewinder.inputs, nowMs: host.session.now });
  const steps = file['steps'] as Array<Record<string, unknown>>;
  assert.equal(steps.map((s) => s['fault'] ?? s['host']), ['set-dip', 'mcu-reset', 'PI_ON', 'crash']);
  assert.equal({ ...steps[0], at: 0 }, { at: 0, fault: 'set-dip', board: 5, value: 3 });
  const result = await runScenario(scenarioFromText(JSON.stringify(file), 'student.json'));
  assert.ok(result.events.some((e) => e.type === 'collision'), 'the duplicate ID collides on the bus');
  assert.equal(comparable(result.events), comparable(host.session.sim.events.events));
});

test('a guided lesson\'s exercise exported: its setup steps and checks kept, sim reproduces the events', async () => {
  const lesson = allLessons().find((l) => l.exercise !== undefined)!;
  const exercise = lesson.exercise!;
  const start: Start = { scenario: exercise.scenario, lesson: true, guided: { file: lesson.file, exercise: true } };
  const { host, rewinder } = await play(start, exercise.scenario.durationMs, [[5000, { kind: 'host', command: 'GET_VIN', id: 0, args: {} }]]);
  const file = exportScenario({ scenario: exercise.scenario, lessonJson: exercise.json, inputs: rewinder.inputs, nowMs: host.session.now });
  const scenario = parseScenario(JSON.parse(JSON.stringify(file)), 'student.json');
  assert.is(scenario.steps.length, exercise.scenario.steps.length + 1);
  assert.equal(scenario.expect, exercise.scenario.expect);
  const result = await runScenario(scenario);
  assert.equal(comparable(result.events), comparable(host.session.sim.events.events));
});

test('steps: host values and pi, faults targeted as the fault table says', () => {
  assert.equal(inputStep({ kind: 'host', at: 1, command: 'SET_HBT_TIME', id: 2, args: { pi: 1, value: 20 } }), { at: 1, host: 'SET_HBT_TIME', id: 2, pi: 1, value: 20 });
  assert.equal(inputStep({ kind: 'host', at: 1, command: 'GET_VIN', id: 2, args: {} }), { at: 1, host: 'GET_VIN', id: 2 });
  assert.equal(inputStep({ kind: 'fault', at: 1, fault: 'supply-volts', board: 3, pi: 1, value: 9 }), { at: 1, fault: 'supply-volts', value: 9 });
  assert.equal(inputStep({ kind: 'fault', at: 1, fault: 'mcu-reset', board: 3, pi: 1 }), { at: 1, fault: 'mcu-reset', board: 3 });
  assert.equal(inputStep({ kind: 'fault', at: 1, fault: 'crash', board: 3, pi: 1 }), { at: 1, fault: 'crash', board: 3, pi: 1 });
});

test('a start whose profile is not builtin cannot be named: a clear ExportError', () => {
  const base = resolveScenario({}, 0);
  assert.not.throws(() => exportScenario({ scenario: JSON.parse(JSON.stringify(base)) as typeof base, inputs: [], nowMs: 0 }), 'a builtin profile passed through JSON is still builtin');
  const scenario = { ...base, profile: { ...base.profile, hbtTimeS: 3 } };
  assert.throws(() => exportScenario({ scenario, inputs: [], nowMs: 0 }), (e: unknown) => e instanceof ExportError && /not a builtin/.test(e.message));
});

test.run();
