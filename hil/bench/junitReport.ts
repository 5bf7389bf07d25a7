/**
 * A bench run as JUnit XML (junit-report-builder), for CI dashboards and MES imports: one
 * testsuite per run, one testcase per plan step, its measurements against their limits in
 * system-out, run facts (board, serial, operator, status, clean-up) as suite properties.
 */
import junitModule, { type Builder } from 'junit-report-builder';
import { formatMeasurement } from './limits.ts';
import type { BenchResult } from './runBench.ts';

// A CommonJS package whose typings declare `export default`: at run time the default import is
// the builder itself (module.exports), which the NodeNext typings cannot express.
const junit = junitModule as unknown as Builder;

/** The JUnit XML text of a bench result. */
export function junitXml(result: BenchResult): string {
  const builder = junit.newBuilder();
  const suite = builder
    .testSuite()
    .name(`pistack bench: board ${result.board.id}${result.board.serial ? ` (${result.board.serial})` : ''}, plan ${result.plan.name}`)
    .timestamp(new Date(result.startedAt))
    .time(result.boardMs / 1000)
    .property('verdict', result.verdict)
    .property('status', result.status)
    .property('board.id', String(result.board.id))
    .property('board.serial', result.board.serial ?? '')
    .property('operator', result.operator ?? '')
    .property('port', result.port)
    .property('fixture', result.fixture)
    .property('plan', `${result.plan.name} (${result.plan.source})`)
    .property('wallMs', String(result.wallMs))
    .property('cleanup.poweredOff', String(result.cleanup.poweredOff ?? 'unknown'))
    .property('cleanup.settingsRestored', String(result.cleanup.settingsRestored));
  if (result.stoppedBy) suite.property('stoppedBy', result.stoppedBy);
  if (result.cleanup.pending.length > 0) suite.property('cleanup.leftChanged', result.cleanup.pending.map((p) => `${p.setting} pi${p.pi} (was ${p.original})`).join(', '));
  if (result.cleanup.notes.length > 0) suite.multilineProperty('cleanup', result.cleanup.notes.join('\n'));
  for (const step of result.steps) {
    const testCase = suite.testCase().className(`bench.${result.plan.name}`).name(step.name).time(step.durationMs / 1000);
    const lines = [
      ...(step.title ? [step.title] : []),
      ...step.measurements.map(formatMeasurement),
      ...step.notes.map((n) => `note: ${n}`),
      ...(step.reason ? [`${step.status}: ${step.reason}`] : []),
    ];
    if (lines.length > 0) testCase.standardOutput(lines.join('\n'));
    if (step.status === 'failed') testCase.failure(step.reason ?? 'a measurement is outside its limits', 'limits');
    else if (step.status === 'error') testCase.error(step.reason ?? 'error', 'error');
    else if (step.status === 'skipped') testCase.skipped();
  }
  return builder.build();
}
