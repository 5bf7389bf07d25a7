/**
 * Terminal lines for bench progress (stderr): "[ 7/36] pi0.watchdog: ..." when a step starts,
 * each measurement against its limits as it is taken, notes of long waits, and the step's verdict.
 */
import { formatMeasurement } from './limits.ts';
import type { BenchProgress } from './runBench.ts';

const VERDICT = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', error: 'ERROR' } as const;

function counter(index: number, total: number): string {
  const width = String(total).length;
  return `[${String(index).padStart(width)}/${total}]`;
}

/**
 * A progress formatter: returns the lines (without newlines) to print for each event. It
 * remembers which steps started, so a step skipped without starting gets one line of its own.
 */
export function progressPrinter(): (event: BenchProgress) => string[] {
  const started = new Set<number>();
  return (event) => {
    if (event.type === 'step-start') started.add(event.index);
    if (event.type === 'step-end' && !started.has(event.index)) {
      const r = event.result;
      return [`${counter(event.index, event.total)} ${r.name} SKIP${r.reason ? `: ${r.reason}` : ''}`];
    }
    return progressLines(event);
  };
}

/** The lines (without newlines) for one progress event, out of context (see progressPrinter). */
export function progressLines(event: BenchProgress): string[] {
  const pad = ' '.repeat(6);
  switch (event.type) {
    case 'start':
      return [`bench: board ${event.id} on ${event.port}, plan "${event.plan}" (${event.total} steps)`];
    case 'step-start':
      return [`${counter(event.index, event.total)} ${event.step.name}${event.step.title ? `: ${event.step.title}` : ''}`];
    case 'measurement':
      return [`${pad}${formatMeasurement(event.measurement)}`];
    case 'note':
      return [`${pad}- ${event.text}`];
    case 'step-end': {
      const r = event.result;
      const why = r.reason && r.status !== 'failed' ? `: ${r.reason}` : '';
      return [`${pad}=> ${VERDICT[r.status]}${why} (${(r.durationMs / 1000).toFixed(1)} s)`];
    }
    case 'cleanup':
      return [`clean-up: ${event.text}`];
    case 'end': {
      const { counts, verdict, status } = event.result;
      return [`${verdict}${status === 'passed' || status === 'failed' ? '' : ` (${status})`}: ${counts.passed} passed, ${counts.failed} failed, ${counts.errors} errors, ${counts.skipped} skipped`];
    }
  }
}
