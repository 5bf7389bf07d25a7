/**
 * The bench test runner: a plan's steps in order against one board, through any HostPort (the
 * simulator, a PTY-served simulator, a real board). A failing check never stops the checks that
 * do not need it; a step whose `needs` (or an earlier gate) did not pass is skipped. However the
 * run ends (finished, interrupted by the AbortSignal, adapter lost), the clean-up powers both
 * ports off and restores every setting the run changed, reconnecting first if the adapter went
 * away and a `reconnect` is given; the result says what it managed. A second interruption
 * (`quit`, a second Ctrl-C) abandons whatever is under way, clean-up included, and returns at once
 * with the settings still changed and their original values, for the partial report.
 */
import { BoardError, CrcError, DisconnectedError, MalformedReplyError, NoReplyError } from '../../bus-protocol/errors.ts';
import type { HostPort } from '../ports.ts';
import { realClock } from '../realClock.ts';
import { BoardSession, InterruptedError, type LedgerEntry, type RestoreOutcome } from './BoardSession.ts';
import type { MeasurementResult } from './limits.ts';
import type { Operator } from './operator.ts';
import type { Plan, PlanStep } from './planSchema.ts';
import { runStep, type StepContext } from './steps.ts';

/** The `format` tag of a bench report (JSON). */
export const BENCH_REPORT_FORMAT = 'pistack-bench-report';

/** How a run ended: every check passed, some failed, interrupted (SIGINT), or the adapter went away. */
export type BenchStatus = 'passed' | 'failed' | 'interrupted' | 'adapter lost';

/** One step's result. */
export interface StepResult {
  /** 1-based position in the plan. */
  readonly index: number;
  readonly name: string;
  readonly title?: string;
  /** The step's kind (`do`). */
  readonly do: PlanStep['do'];
  /** 'error': the step could not complete (no reply, interrupted, adapter lost); counts as a failure. */
  readonly status: 'passed' | 'failed' | 'skipped' | 'error';
  /** Why it failed, errored or was skipped. */
  readonly reason?: string;
  readonly measurements: MeasurementResult[];
  /** What happened along the way (progress notes). */
  readonly notes: string[];
  /** Start, ms after the run's start on the port's clock. */
  readonly startMs: number;
  /** Duration on the port's clock, ms. */
  readonly durationMs: number;
}

/** What the clean-up did. */
export interface CleanupReport {
  /** False when the board could not be reached at all (it never answered, or the adapter stayed away). */
  readonly attempted: boolean;
  /** True when the link was reopened for the clean-up after the adapter went away. */
  readonly reconnected: boolean;
  /** Both ports read GET_PI_POWERED 0 afterwards (undefined: not checked). */
  readonly poweredOff: boolean | undefined;
  /** Every setting the run changed is back to its original value. */
  readonly settingsRestored: boolean;
  readonly restored: RestoreOutcome[];
  /** Settings still changed (restore them by hand: the original values are here). */
  readonly pending: LedgerEntry[];
  readonly notes: string[];
  /** Why the clean-up was abandoned (a second Ctrl-C), if it was: power state unknown, `pending` lists what is left changed. */
  readonly abandoned?: string;
}

/** A whole run, as written to the JSON report. */
export interface BenchResult {
  readonly format: typeof BENCH_REPORT_FORMAT;
  readonly version: 1;
  readonly status: BenchStatus;
  readonly verdict: 'PASS' | 'FAIL';
  readonly board: { readonly id: number; readonly serial?: string; readonly hardwareVersion?: number; readonly firmwareVersion?: number };
  /** The person running the test (--operator). */
  readonly operator?: string;
  /** Who did the manual steps. */
  readonly fixture: string;
  /** The port's description. */
  readonly port: string;
  readonly plan: { readonly name: string; readonly source: string; readonly steps: number };
  /** Wall-clock start, ISO 8601. */
  readonly startedAt: string;
  /** Wall time of the run, ms. */
  readonly wallMs: number;
  /** Time on the port's clock (virtual on `sim:`), ms. */
  readonly boardMs: number;
  readonly counts: { readonly passed: number; readonly failed: number; readonly errors: number; readonly skipped: number };
  readonly steps: StepResult[];
  readonly cleanup: CleanupReport;
  /** Why the run stopped early, if it did. */
  readonly stoppedBy?: string;
}

/** Progress while running (for the terminal). */
export type BenchProgress =
  | { readonly type: 'start'; readonly total: number; readonly plan: string; readonly port: string; readonly id: number }
  | { readonly type: 'step-start'; readonly index: number; readonly total: number; readonly step: PlanStep }
  | { readonly type: 'measurement'; readonly index: number; readonly measurement: MeasurementResult }
  | { readonly type: 'note'; readonly index: number; readonly text: string }
  | { readonly type: 'step-end'; readonly index: number; readonly total: number; readonly result: StepResult }
  | { readonly type: 'cleanup'; readonly text: string }
  | { readonly type: 'end'; readonly result: BenchResult };

/** What to run, against what, and who is there. */
export interface BenchOptions {
  readonly port: HostPort;
  /** ID the board should answer at (its DIP label and prefix). */
  readonly id: number;
  readonly plan: Plan;
  /** Where the plan came from (file path or builtin name), for reports. */
  readonly planSource: string;
  /** Who does manual steps. */
  readonly operator: Operator;
  /** Name of the person running the test (--operator). */
  readonly operatorName?: string;
  /** Serial number or label text of the board (--serial). */
  readonly serial?: string;
  /** Interrupt the run (SIGINT): stops before the next bus operation or inside a wait, then cleans up. */
  readonly signal?: AbortSignal;
  /** Quit at once (a second SIGINT): the step or clean-up under way is abandoned; the result lists what was left changed. */
  readonly quit?: AbortSignal;
  /** Client reply allowance, ms. */
  readonly replyTimeoutMs?: number;
  readonly onProgress?: (event: BenchProgress) => void;
  /** Reopen the link when the adapter went away, so the clean-up can still run; its port is closed at the end. */
  readonly reconnect?: () => Promise<HostPort>;
  /** Wall clock, ms (default performance.now) and the report's date (default now). */
  readonly wallNow?: () => number;
  readonly date?: () => Date;
}

const BUS_ERRORS = [BoardError, NoReplyError, CrcError, MalformedReplyError];

/** Run a plan against one board; never throws for anything the board or the link does. */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const { plan, signal, quit, onProgress } = options;
  const emit = (event: BenchProgress): void => onProgress?.(event);
  const live = (event: BenchProgress): void => void (quit?.aborted || emit(event)); // work abandoned by a quit stays quiet
  const wallNow = options.wallNow ?? realClock.now;
  const startedAt = (options.date ?? (() => new Date()))();
  const wallStart = wallNow();
  const session = new BoardSession(options.port, {
    id: options.id, pollMs: plan.pollMs,
    ...(signal === undefined ? {} : { signal }),
    ...(options.replyTimeoutMs === undefined ? {} : { replyTimeoutMs: options.replyTimeoutMs }),
  });
  const t0 = session.now();
  const total = plan.steps.length;
  const results: StepResult[] = [];
  const byName = new Map<string, StepResult>();
  const gates: string[] = [];
  let stoppedBy: 'interrupted' | 'adapter lost' | undefined;
  let stopDetail: string | undefined;
  emit({ type: 'start', total, plan: plan.name, port: options.port.description, id: options.id });

  for (const [i, step] of plan.steps.entries()) {
    const index = i + 1;
    const base = { index, name: step.name, ...(step.title === undefined ? {} : { title: step.title }), do: step.do };
    const finish = (result: StepResult): void => {
      results.push(result);
      byName.set(step.name, result);
      if (step.gate) gates.push(step.name);
      emit({ type: 'step-end', index, total, result });
    };
    if (stoppedBy === undefined && (signal?.aborted || quit?.aborted)) [stoppedBy, stopDetail] = ['interrupted', 'interrupted'];
    if (stoppedBy !== undefined) {
      finish({ ...base, status: 'skipped', reason: `not run (${stoppedBy})`, measurements: [], notes: [], startMs: session.now() - t0, durationMs: 0 });
      continue;
    }
    const unmet = [...gates, ...(step.needs ?? [])].map((n) => byName.get(n)).find((r) => r !== undefined && r.status !== 'passed');
    if (unmet) {
      finish({ ...base, status: 'skipped', reason: `needs ${unmet.name} (${unmet.status})`, measurements: [], notes: [], startMs: session.now() - t0, durationMs: 0 });
      continue;
    }
    emit({ type: 'step-start', index, total, step });
    const measurements: MeasurementResult[] = [];
    const notes: string[] = [];
    const ctx: StepContext = {
      session, operator: options.operator, ...(signal === undefined ? {} : { signal }),
      measure: (m) => {
        measurements.push(m);
        live({ type: 'measurement', index, measurement: m });
      },
      note: (text) => {
        notes.push(text);
        live({ type: 'note', index, text });
      },
    };
    const start = session.now();
    let status: StepResult['status'];
    let reason: string | undefined;
    try {
      const verdict = await untilQuit(runStep(step, ctx), quit);
      if (verdict.kind === 'skipped') [status, reason] = ['skipped', verdict.reason];
      else {
        const failed = measurements.filter((m) => m.outcome === 'fail');
        status = failed.length === 0 ? 'passed' : 'failed';
        if (failed.length > 0) reason = failed.map((m) => `${m.name} ${m.value === null ? 'not measured' : 'outside its limits'}${m.detail ? ` (${m.detail})` : ''}`).join('; ');
      }
    } catch (error) {
      status = 'error';
      if (error instanceof QuitError) {
        [stoppedBy, stopDetail] = ['interrupted', error.message];
        reason = `abandoned (${stopDetail})`;
      } else if (error instanceof InterruptedError || (signal?.aborted && !(error instanceof DisconnectedError))) {
        [stoppedBy, stopDetail] = ['interrupted', error instanceof InterruptedError ? error.reason : 'interrupted'];
        reason = `interrupted (${stopDetail})`;
      } else if (error instanceof DisconnectedError || session.lost !== undefined) {
        [stoppedBy, stopDetail] = ['adapter lost', session.lost ?? (error as DisconnectedError).detail];
        reason = `adapter lost: ${stopDetail}`;
      } else if (BUS_ERRORS.some((E) => error instanceof E)) {
        reason = (error as Error).message;
      } else {
        reason = `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
      }
    }
    finish({ ...base, status, ...(reason === undefined ? {} : { reason }), measurements: [...measurements], notes: [...notes], startMs: tenth(start - t0), durationMs: tenth(session.now() - start) });
  }

  let cleanup: CleanupReport;
  try {
    if (quit?.aborted) throw new QuitError(quitReason(quit));
    cleanup = await untilQuit(cleanUp(session, options, (text) => live({ type: 'cleanup', text })), quit);
  } catch (error) {
    if (!(error instanceof QuitError)) throw error;
    cleanup = abandonedCleanup(session, error.message);
    stopDetail = stopDetail === undefined || stopDetail === error.message ? error.message : `${stopDetail}, then ${error.message}`;
    stoppedBy = 'interrupted';
  }
  session.dispose();
  const counts = {
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    errors: results.filter((r) => r.status === 'error').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
  };
  const status: BenchStatus = stoppedBy ?? (counts.failed + counts.errors === 0 ? 'passed' : 'failed');
  const versions = versionsFrom(results);
  const result: BenchResult = {
    format: BENCH_REPORT_FORMAT, version: 1, status, verdict: status === 'passed' ? 'PASS' : 'FAIL',
    board: { id: options.id, ...(options.serial === undefined ? {} : { serial: options.serial }), ...versions },
    ...(options.operatorName === undefined ? {} : { operator: options.operatorName }),
    fixture: options.operator.description,
    port: options.port.description,
    plan: { name: plan.name, source: options.planSource, steps: total },
    startedAt: startedAt.toISOString(),
    wallMs: Math.round(wallNow() - wallStart),
    boardMs: Math.round(session.now() - t0),
    counts, steps: results, cleanup,
    ...(stopDetail === undefined ? {} : { stoppedBy: `${stoppedBy}: ${stopDetail}` }),
  };
  emit({ type: 'end', result });
  return result;
}

/** Thrown in place of the work under way when `quit` fires. */
class QuitError extends Error {
  override name = 'QuitError';
}

function quitReason(quit: AbortSignal): string {
  return `quit (${typeof quit.reason === 'string' ? quit.reason : 'again'}) before the clean-up was done`;
}

/** `work`, or a QuitError as soon as `quit` fires (the work goes on unobserved). */
function untilQuit<T>(work: Promise<T>, quit: AbortSignal | undefined): Promise<T> {
  if (quit === undefined) return work;
  work.catch(() => undefined); // abandoned work may still fail later
  return new Promise<T>((resolve, reject) => {
    const onQuit = (): void => reject(new QuitError(quitReason(quit)));
    if (quit.aborted) return onQuit();
    quit.addEventListener('abort', onQuit, { once: true });
    work.then(resolve, reject).finally(() => quit.removeEventListener('abort', onQuit));
  });
}

/** The clean-up report when a quit cut it short: the power state unknown, every setting still changed listed with its original value. */
function abandonedCleanup(session: BoardSession, why: string): CleanupReport {
  const pending = session.changed;
  const left = pending.length === 0 ? 'no setting was left changed' : `settings left changed: ${pending.map((p) => `${p.setting} pi${p.pi} (was ${p.original})`).join(', ')}`;
  return { attempted: false, reconnected: false, poweredOff: undefined, settingsRestored: pending.length === 0, restored: [], pending, notes: [`clean-up abandoned: ${why}; power state unknown; ${left}`], abandoned: why };
}

/** ms to 0.1 ms. */
function tenth(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function versionsFrom(results: readonly StepResult[]): { hardwareVersion?: number; firmwareVersion?: number } {
  const find = (name: string): number | undefined => {
    for (const r of results) for (const m of r.measurements) if (m.name === name && m.value !== null) return m.value;
    return undefined;
  };
  const hw = find('GET_HW_VERSION');
  const fw = find('GET_SW_VERSION');
  return { ...(hw === undefined ? {} : { hardwareVersion: hw }), ...(fw === undefined ? {} : { firmwareVersion: fw }) };
}

/** Power both ports off and restore the ledger, reconnecting first if the adapter went away. */
async function cleanUp(session: BoardSession, options: BenchOptions, say: (text: string) => void): Promise<CleanupReport> {
  session.ignoreAbort();
  const notes: string[] = [];
  const note = (text: string): void => {
    notes.push(text);
    say(text);
  };
  let reconnected = false;
  if (session.lost !== undefined) {
    note(`the link went away (${session.lost})`);
    if (options.reconnect === undefined) {
      note('cannot reconnect: power and settings of the board were left as they were');
      return { attempted: false, reconnected, poweredOff: undefined, settingsRestored: session.changed.length === 0, restored: [], pending: session.changed, notes };
    }
    try {
      session.reconnect(await options.reconnect());
      reconnected = true;
      note('reconnected for the clean-up');
    } catch (error) {
      note(`could not reconnect: ${error instanceof Error ? error.message : String(error)}`);
      return { attempted: false, reconnected, poweredOff: undefined, settingsRestored: session.changed.length === 0, restored: [], pending: session.changed, notes };
    }
  }
  let restored: RestoreOutcome[] = [];
  let poweredOff: boolean | undefined;
  try {
    if (!session.answered && session.changed.length === 0) {
      note('the board never answered: nothing to power off or restore');
      return { attempted: false, reconnected, poweredOff: undefined, settingsRestored: true, restored, pending: [], notes };
    }
    for (const pi of [0, 1] as const) await forceOff(session, pi, note);
    restored = await session.restore();
    if (restored.length > 0) note(`restored ${restored.map((r) => `${r.setting} pi${r.pi} = ${r.value}${r.ok ? '' : ` (FAILED${r.error ? `: ${r.error}` : ''})`}`).join(', ')}`);
    const states = [await session.powered(0), await session.powered(1)];
    poweredOff = !states.includes(true);
    note(poweredOff ? 'both ports off' : `still powered: ${states.map((on, pi) => (on ? `pi${pi}` : '')).filter(Boolean).join(', ')}`);
  } catch (error) {
    note(`clean-up incomplete: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (reconnected) await session.port.close();
  }
  return { attempted: true, reconnected, poweredOff, settingsRestored: session.changed.length === 0, restored, pending: session.changed, notes };
}

/** PI_FORCE_OFF, sent again (at most twice more) while GET_PI_POWERED still reads 1 or the reply was lost. */
async function forceOff(session: BoardSession, pi: 0 | 1, note: (text: string) => void): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await session.do((c) => c.piForceOff(session.id, pi));
      if (!(await session.powered(pi))) return;
    } catch (error) {
      if (error instanceof DisconnectedError) throw error;
      if (attempt === 2) note(`PI_FORCE_OFF pi${pi}: ${(error as Error).message}`);
    }
  }
}
