/**
 * Model coverage of the default fuzz run (every target at its CI budget, seed FC_SEED): it must
 * visit every state of every board machine and at least 95 % of their transitions (excluded
 * ones, exclusions.ts, not counted). Below that the test fails and lists what was missed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { boardMcuMachine } from '../../board-model/boardMcuMachine.ts';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import { ciParams } from '../fcParams.ts';
import { assertTarget } from '../target.ts';
import { TARGETS } from '../targets.ts';
import { EXCLUDED_TRANSITIONS } from './exclusions.ts';
import { machineGraph } from './machineGraph.ts';
import { ModelCoverage } from './ModelCoverage.ts';
import { coverageTable } from './report.ts';

/** The share of transitions the default run must take (excluded ones aside). */
const MIN_TRANSITIONS_PERCENT = 95;

test('machine graphs enumerate every state and transition from the definition', () => {
  const g = machineGraph(boardMcuMachine);
  assert.equal(g.states, ['boardMcu', 'boardMcu.unpowered', 'boardMcu.booting', 'boardMcu.running']);
  assert.ok(g.transitions.some((t) => t.key === 'boardMcu.booting --after bootTime[0]--> boardMcu.running'));
  assert.is(g.transitions.length, 11);
  const all = new ModelCoverage().graphs.flatMap((x) => x.transitions.map((t) => t.key));
  for (const e of EXCLUDED_TRANSITIONS) assert.ok(all.includes(e.transition), `exclusion names a real transition: ${e.transition}`);
});

test(`the default fuzz run visits every state and >= ${MIN_TRANSITIONS_PERCENT} % of transitions`, async () => {
  const coverage = new ModelCoverage();
  for (const target of TARGETS) {
    await assertTarget(target, { profile: V4_REFERENCE, variants: true, inspect: coverage.hook }, ciParams(target.ciRuns));
  }
  const report = coverage.report();
  const table = coverageTable(report);
  console.log(`model coverage of the default fuzz run (seed ${ciParams(1).seed}):\n${table.map((l) => `  ${l}`).join('\n')}`);
  const missedStates = report.machines.flatMap((m) => m.states.missed);
  assert.equal(missedStates, [], `states never visited: ${missedStates.join(', ')}`);
  assert.ok(report.transitions.percent >= MIN_TRANSITIONS_PERCENT, `transitions ${report.transitions.percent} % < ${MIN_TRANSITIONS_PERCENT} %:\n${table.join('\n')}`);
});

test.run();
