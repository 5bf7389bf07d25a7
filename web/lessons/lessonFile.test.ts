/**
 * Lesson files: every file of fixtures/lessons loads against fixtures/scenarios; a broken one
 * is rejected naming the file and the field; the curriculum covers the topics in order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../board-model/ConfigError.ts';
import { readGuidedLessons, readLessons } from '../node/buildPage.ts';
import { allLessons, scenarioJsons } from '../testing/lessonHeadless.ts';
import { PLACEHOLDERS, fillCallout, placeholdersOf, seconds, unit } from './callout.ts';
import { PAUSE_EVENTS, lessonFromText, parseLesson } from './lessonFile.ts';
import { stepLabel } from './stepLabel.ts';

const scenarios = scenarioJsons();
const good = {
  title: 'T', level: 'basics', minutes: 3, scenario: 'watchdog-cycle.json', goal: 'G',
  prediction: { question: 'Q?', choices: ['a', 'b'], answer: 'b', explanation: 'E' },
  pauses: [{ on: 'watchdog-expired', pi: 0, say: 'fired at {t} after {lastBeatAt}' }],
  conclusion: 'C',
};

function problems(json: unknown, file = '99-test.json'): string {
  try {
    parseLesson(json, file, scenarios);
  } catch (e) {
    assert.instance(e, ConfigError);
    return (e as Error).message;
  }
  assert.unreachable('expected a ConfigError');
  return '';
}

test('every lesson file loads, numbered in order, at least 8, each with a pause and a prediction answer', () => {
  const lessons = allLessons();
  assert.ok(lessons.length >= 8, `${lessons.length} lessons`);
  assert.equal(lessons.map((l) => l.order), lessons.map((_, i) => i + 1));
  for (const l of lessons) {
    assert.ok(l.pauses.length > 0, l.file);
    if (l.prediction.choices) assert.ok(l.prediction.choices.includes(l.prediction.answer), l.file);
  }
  const scripts = lessons.map((l) => l.scenarioFile);
  for (const topic of ['force-off.json', 'watchdog-cycle.json', 'graceful-off.json', 'pi-initiated-off.json', 'brownout-short-circuit.json', 'error-replies.json', 'duplicate-dip.json', 'config-corruption.json', 'torn-write.json']) {
    assert.ok(scripts.includes(topic), `the curriculum uses ${topic}`);
  }
  assert.ok(scripts.indexOf('force-off.json') < scripts.indexOf('watchdog-cycle.json') && scripts.indexOf('graceful-off.json') < scripts.indexOf('torn-write.json'), 'easy to hard');
  assert.ok(lessons.filter((l) => l.exercise).length >= 2, 'exercises');
});

test('a good lesson parses: defaults for select, where, within and times', () => {
  const l = parseLesson(good, '07-x.json', scenarios);
  assert.is(l.order, 7);
  assert.equal(l.select, { board: 0, pi: 0 });
  assert.equal(l.pauses[0]!.where, {});
  assert.is(l.pauses[0]!.times, Number.POSITIVE_INFINITY);
  assert.equal(l.pauses[0]!.withinMs, [0, Number.POSITIVE_INFINITY]);
  assert.is(l.scenario.name, 'watchdog-cycle');
  assert.is(l.exercise, undefined);
});

test('errors name the file and the field', () => {
  assert.match(problems({ ...good, goal: undefined }), /^99-test\.json: goal: /m);
  assert.match(problems({ ...good, extra: 1 }), /99-test\.json: extra: unknown field/);
  assert.match(problems({ ...good, scenario: 'nope.json' }), /99-test\.json: scenario: no scenario "nope\.json" in fixtures\/scenarios/);
  assert.match(problems({ ...good, pauses: [{ on: 'explosion', say: 'x' }] }), /99-test\.json: pauses\[0\]\.on: /);
  assert.match(problems({ ...good, pauses: [{ on: 'pi-crashed', say: 'at {when}' }] }), /pauses\[0\]\.say: unknown placeholder \{when\}/);
  assert.match(problems({ ...good, prediction: { ...good.prediction, answer: 'c' } }), /prediction\.answer: must be one of the choices, got "c"/);
  assert.match(problems({ ...good, select: { board: 3, pi: 0 } }), /select\.board: no boards\[3\]: the stack has 1 boards/);
  assert.match(problems(good, 'lesson.json'), /^lesson\.json: the file name must be NN-name\.json/);
  assert.match(problems([]), /99-test\.json: expected an object, got \[\]/);
  assert.throws(() => lessonFromText('{"title": ', '01-a.json', scenarios), /01-a\.json/);
});

test('an exercise: its scenario is the lesson stack with its own steps and checks; each check needs plain words', () => {
  const exercise = { task: 'do it', duration: '1m', steps: [{ at: '1s', host: 'PI_ON', id: 0, pi: 0 }], expect: [{ event: 'power-on', id: 0, pi: 0, why: 'never on' }], success: 'yes' };
  const l = parseLesson({ ...good, exercise }, '01-x.json', scenarios);
  assert.is(l.exercise!.scenario.durationMs, 60_000);
  assert.is(l.exercise!.scenario.steps.length, 1);
  assert.equal(l.exercise!.checks, [{ index: 0, why: 'never on' }]);
  assert.match(problems({ ...good, exercise: { ...exercise, expect: [{ event: 'power-on' }] } }), /exercise\.expect\[0\]\.why: needs the plain words/);
  assert.match(problems({ ...good, exercise: { ...exercise, steps: [{ at: '2m', host: 'PI_ON', id: 0, pi: 0 }] } }), /exercise\.steps\[0\]\.at: 2m0?0?s is after the end/);
  assert.match(problems({ ...good, exercise: { ...exercise, expect: [{ event: 'bang', why: 'x' }] } }), /exercise\.expect\[0\]\.event/);
});

test('callout templates: placeholders, filling, gaps shown as "?", number formats', () => {
  assert.equal(placeholdersOf('a {t} b {hbtTime}'), ['t', 'hbtTime']);
  assert.is(fillCallout('fired at {t}, HBT_TIME {hbtTime}, {rail}', { t: '72.205 s', hbtTime: '15 s' }), 'fired at 72.205 s, HBT_TIME 15 s, ?');
  assert.is(seconds(72205.20833), '72.205 s');
  assert.is(seconds(15000), '15 s');
  assert.is(seconds(200), '0.2 s');
  assert.is(unit(4.5612, 'V'), '4.56 V');
});

test('step labels: host commands with their values, faults with their target and value', () => {
  const steps = [...allLessons().flatMap((l) => l.scenario.steps)];
  const labels = new Set(steps.map(stepLabel));
  assert.ok(labels.has('PI_ON to board 0 Pi 0'));
  assert.ok(labels.has('SET_HBT_TIME to board 0 Pi 0 (60)'));
  assert.ok(labels.has('crash on board 0 Pi 0'));
  assert.ok(labels.has('supply-volts on the stack (5 V)'));
  assert.ok(labels.has('duplicate-dip on board 1 (0)'));
  assert.ok(labels.has('GET_SW_VERSION to board 0'));
});

test('the page build reads the curriculum in order, and a broken lesson stops it naming the file and field', () => {
  const scenarioList = readLessons();
  const guided = readGuidedLessons(scenarioList);
  assert.equal(guided.map((g) => g.file), allLessons().map((l) => l.file));
  assert.is(guided[1]!.title, 'The heartbeat and the watchdog');
  const dir = mkdtempSync(join(tmpdir(), 'pistack-lessons-'));
  try {
    writeFileSync(join(dir, '01-ok.json'), JSON.stringify(good));
    writeFileSync(join(dir, '02-bad.json'), JSON.stringify({ ...good, prediction: { ...good.prediction, question: '' } }));
    assert.throws(() => readGuidedLessons(scenarioList, dir), /^02-bad\.json: prediction\.question: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("docs/teaching.md keeps up: every lesson with its prediction's answer, every pause event and placeholder", () => {
  const guide = readFileSync(new URL('../../docs/teaching.md', import.meta.url), 'utf8');
  for (const l of allLessons()) {
    assert.ok(guide.includes(`### ${l.order}. ${l.title}`), `section for ${l.file}`);
    assert.ok(guide.includes(`**Answer:** ${l.prediction.answer}`), `answer of ${l.file}`);
    assert.ok(guide.includes(`| ${l.order} | ${l.title} |`), `table row for ${l.file}`);
  }
  for (const name of PLACEHOLDERS) assert.ok(guide.includes(`{${name}}`), `placeholder {${name}}`);
  for (const on of Object.keys(PAUSE_EVENTS)) assert.ok(guide.includes(`\`${on}\``), `pause event ${on}`);
});

test.run();
