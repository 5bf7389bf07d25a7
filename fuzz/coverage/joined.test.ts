/**
 * Joined coverage (issue 12 item 2): the four groups, sessions as hardware or simulator, the
 * coverage a real-board session gives when replayed in the model, the fuzz run folder's coverage
 * files, and the HTML colouring of the viz page's chart ids.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { powerPortMachine } from '../../board-model/powerPortMachine.ts';
import { SINGLE_BOARD_STACK } from '../../board-model/stack.ts';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import { parseSession, type Session } from '../../hil/session/sessionFormat.ts';
import { colourSvg, coverageHtml, svgClasses } from './coverageHtml.ts';
import { CoverageFileError, loadFuzzCoverage, saveFuzzCoverage } from './coverageFile.ts';
import { EXCLUDED_TRANSITIONS } from './exclusions.ts';
import { joinCoverage } from './joined.ts';
import { joinedCoverageLines } from './joinedReport.ts';
import { sessionCoverage, sessionSide } from './sessionCoverage.ts';

const SESSIONS = fileURLToPath(new URL('../../fixtures/sessions/', import.meta.url));
const session = (name: string): Session => parseSession(readFileSync(join(SESSIONS, name), 'utf8'), name);

const OFF = 'powerPort.power.off';
const CYCLING = 'powerPort.power.cycling';
const BY_PI = 'powerPort.power.stopping.byPi';
const PI_ON = 'powerPort.power.off --PI_ON[0]--> powerPort.power.on';

test('joinCoverage: each state and transition in exactly one group; excluded ones in none', () => {
  const j = joinCoverage({ states: [OFF, CYCLING], transitions: [PI_ON, EXCLUDED_TRANSITIONS[0]!.transition] }, { states: [OFF, BY_PI], transitions: [] });
  const port = j.machines.find((m) => m.id === 'powerPort')!;
  assert.ok(port.states.both.includes(OFF));
  assert.ok(port.states.simulatorOnly.includes(CYCLING));
  assert.ok(port.states.hardwareOnly.includes(BY_PI));
  assert.ok(port.states.never.includes('powerPort.power.on.alive'));
  assert.ok(port.transitions.simulatorOnly.includes(PI_ON));
  const regulator = j.machines.find((m) => m.id === 'regulator')!;
  assert.equal(regulator.transitions.excluded, [EXCLUDED_TRANSITIONS[0]!.transition]);
  for (const m of j.machines) {
    const groups = [m.states.both, m.states.simulatorOnly, m.states.hardwareOnly, m.states.never].flat();
    assert.is(groups.length, m.states.total);
    assert.is(new Set(groups).size, groups.length);
  }
  assert.equal([j.totals.states.both, j.totals.states.simulatorOnly, j.totals.states.hardwareOnly], [1, 1, 1]);
  assert.is(j.totals.states.never, j.totals.states.total - 3);
  const lines = joinedCoverageLines(j, [{ kind: 'fuzz', side: 'simulator', path: 'run', detail: 'seed 1' }]).join('\n');
  assert.match(lines, /never on hardware, only on the simulator \(2\):\n {2}state powerPort\.power\.cycling\n {2}powerPort\.power\.off --PI_ON\[0\]--> powerPort\.power\.on/);
  assert.match(lines, /on hardware only \(1\):\n {2}state powerPort\.power\.stopping\.byPi/);
  assert.match(lines, /no hardware session/);
});

test('sessionSide: a session recorded on sim: (or in virtual time) is simulator, one on a real port hardware', () => {
  const real = session('standin-v4-reference.jsonl');
  assert.is(sessionSide(real), 'hardware');
  assert.is(sessionSide({ ...real, header: { ...real.header, port: 'sim:', clock: 'virtual' } }), 'simulator');
  assert.is(sessionSide({ ...real, header: { ...real.header, port: '/dev/ttyUSB0', clock: 'virtual' } }), 'simulator');
  assert.is(sessionSide({ ...real, header: { ...real.header, port: 'tcp://127.0.0.1:5000' } }), 'hardware');
});

test('a session replayed in the model covers what it drove the board through, and nothing it did not', async () => {
  const reference = await sessionCoverage(session('standin-v4-reference.jsonl'), { stack: SINGLE_BOARD_STACK, profile: V4_REFERENCE });
  assert.is(reference.replay.exchanges, reference.replay.results.length);
  for (const s of [CYCLING, 'powerPort.power.stopping.byBoard', 'powerPort.signal.pulsing']) assert.ok(reference.keys.states.includes(s), s);
  assert.ok(reference.keys.transitions.includes('powerPort.power.on --WATCHDOG_EXPIRED[0]--> powerPort.power.cycling'));
  const log = await sessionCoverage(session('standin-error-log-size.jsonl'), { stack: SINGLE_BOARD_STACK, profile: V4_REFERENCE });
  assert.not.ok(log.keys.states.includes(CYCLING), 'error-log reads never power a Pi');
  assert.not.ok(log.keys.states.includes('powerPort.power.on'));
});

test('fuzz coverage files: saved into RUN_DIR/coverage/ without replacing one, read back from the folder or a file; bad ones named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pistack-cov-'));
  try {
    const run = { seed: 7, runs: 10, targets: ['model'], profile: 'v4-reference', states: [OFF], transitions: [PI_ON] };
    const first = saveFuzzCoverage(dir, run);
    const second = saveFuzzCoverage(dir, { ...run, states: [CYCLING] });
    assert.ok(first.endsWith('fuzz-seed7.json') && second.endsWith('fuzz-seed7-2.json'), second);
    const all = loadFuzzCoverage(dir);
    assert.equal(all.map((f) => f.states[0]).sort(), [CYCLING, OFF]);
    assert.equal(loadFuzzCoverage(second).map((f) => f.states), [[CYCLING]]);
    assert.throws(() => loadFuzzCoverage(join(dir, 'nope')), (e: Error) => e instanceof CoverageFileError && /nope does not exist/.test(e.message));
    const empty = mkdtempSync(join(dir, 'empty-'));
    assert.throws(() => loadFuzzCoverage(empty), /no fuzz coverage in it \(`pistack fuzz --out/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format":"pistack-session"}');
    assert.throws(() => loadFuzzCoverage(bad), /bad\.json: not a fuzz coverage file/);
    writeFileSync(bad, '{"format":"pistack-model-coverage","version":1,"states":[1],"transitions":[]}');
    assert.throws(() => loadFuzzCoverage(bad), /"states" is not a list of names/);
    writeFileSync(bad, '{"format":"pistack-model-coverage","version":2}');
    assert.throws(() => loadFuzzCoverage(bad), /"version" 2 is not 1/);
    writeFileSync(bad, '{');
    assert.throws(() => loadFuzzCoverage(bad), /bad\.json: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('HTML: states and transition edges of the chart (ids as Graphviz writes them) get their group class; one page, no script or external file', async () => {
  const j = joinCoverage({ states: [OFF], transitions: [PI_ON] }, { states: [OFF], transitions: [] });
  const classes = svgClasses(powerPortMachine, j);
  assert.is(classes.get('st-powerPort-power-off'), 'both');
  assert.is(classes.get('st-powerPort-power-cycling'), 'never');
  assert.is(classes.get('tr-powerPort-power-off-0'), 'simulatorOnly');
  const svg = colourSvg('<svg><g id="st&#45;powerPort&#45;power&#45;off" class="node"><path/></g><g id="tr&#45;powerPort&#45;power&#45;off&#45;0" class="edge"></g><g id="other" class="node"></g></svg>', classes);
  assert.match(svg, /class="node cov-both"/);
  assert.match(svg, /class="edge cov-simulatorOnly"/);
  assert.match(svg, /<g id="other" class="node">/);
  const html = await coverageHtml(j, [{ kind: 'session', side: 'hardware', path: 'a<b>.jsonl', detail: '3 exchanges' }], async (dot) => `<svg>${dot.includes('powerPort') ? '<g id="st&#45;powerPort&#45;power&#45;off" class="node"></g>' : ''}</svg>`);
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /class="node cov-both"/);
  assert.match(html, /a&lt;b&gt;\.jsonl/);
  assert.match(html, /<td class="k-never">never<\/td>/);
  assert.not.match(html, /<script|src=|<link/);
});

test.run();
