/**
 * The first place a replay on the model parts from the recording, in words: which exchange,
 * which request, what the board replied and what the model replied, which field and by how much.
 * Two divergences are "the same" for shrinking when they concern the same command and field.
 */
import type { CommandName } from '../../bus-protocol/commands.ts';
import { describeOutcome, type ExchangeResult, type ReplayResult } from '../session/replay.ts';

/** The first differing exchange of a session (the --json `firstDivergence`). */
export interface Divergence {
  /** Session file (or name) it was found in. */
  readonly session: string;
  /** 1-based exchange number, and the session file line of its request. */
  readonly exchange: number;
  readonly line: number;
  /** The request, e.g. `GET_PI_POWERED to 0 pi=1`. */
  readonly request: string;
  readonly command: CommandName | null;
  /** The whole replies: `OK value=1` recorded, `OK value=0` from the model. */
  readonly recorded: string;
  readonly model: string;
  /** The first differing field (`value`, `reply`, `error code`, `reply time`, `raw`, ...), with both values and the amount when there is one. */
  readonly field: string;
  readonly recordedValue: string;
  readonly modelValue: string;
  readonly amount: string | null;
  /** All of it as one sentence. */
  readonly words: string;
}

/** The divergence of a differing exchange's result. */
export function divergenceOf(result: ExchangeResult, session: string): Divergence {
  const e = result.exchange;
  const diff = result.diffs[0]!;
  const recorded = describeOutcome(result.recorded, e.command);
  const model = describeOutcome(result.now, e.command);
  const amount = diff.detail ?? null;
  const field = diff.field === 'reply' ? 'the reply' : `"${diff.field}"`;
  const words = `exchange #${e.index} (line ${e.line}), ${e.label}: the board replied ${recorded}, the model ${model}; ${field} differs: recorded ${diff.recorded}, model ${diff.now}${amount ? ` (${amount})` : ''}`;
  return {
    session, exchange: e.index, line: e.line, request: e.label, command: e.command ?? null, recorded, model,
    field: diff.field, recordedValue: diff.recorded, modelValue: diff.now, amount, words,
  };
}

/** The first divergence of a replay, if any. */
export function firstDivergence(result: ReplayResult, session: string): Divergence | undefined {
  const first = result.results.find((r) => r.diffs.length > 0);
  return first === undefined ? undefined : divergenceOf(first, session);
}

/** Fields whose model value moves with timing and noise: for them the command and field alone identify a divergence. */
const MEASURED = new Set(['reply time', 'raw']);

/** What identifies a divergence for shrinking. */
export type DivergenceKind = Pick<Divergence, 'command' | 'field' | 'modelValue'>;

/**
 * Same command and same first field (and, for a digital field, the same model value): what
 * shrinking must preserve. Without the value, dropping the requests that filled an error log
 * would still "diverge on the log" for another reason.
 */
export function sameKind(a: DivergenceKind, b: DivergenceKind | undefined): boolean {
  return b !== undefined && a.command === b.command && a.field === b.field && (MEASURED.has(a.field) || a.modelValue === b.modelValue);
}
