/**
 * What every model-based command shares (STYLE.md rule 10): the model and real types, and the
 * one exchange every bus command makes: send a frame, let the model say what the board must
 * answer at the moment the frame reached it, and compare with what came back.
 */
import type * as fc from 'fast-check';
import { commandByCode } from '../../bus-protocol/commands.ts';
import type { RawOutcome } from '../../bus-protocol/BusClient.ts';
import { NoReplyError } from '../../bus-protocol/errors.ts';
import { toHex } from '../../bus-protocol/hex.ts';
import { expectedReaction } from '../oracle.ts';
import type { BoardModel, Expected } from './BoardModel.ts';
import type { FuzzReal } from './FuzzReal.ts';

/** The host-side model of a run: the board, and what the run may do. */
export interface FuzzModel {
  readonly board: BoardModel;
  /** True when the port has a simulator (fault commands allowed). */
  readonly sim: boolean;
  /** IDs nothing on the bus answers to (frames for other IDs go there). */
  readonly silentIds: readonly number[];
  /** Gap that ends a frame early (ms): 3.5 byte-times by default (F7). */
  readonly gapMs: number;
}

/** A model-based command. */
export type ModelCommand = fc.AsyncCommand<FuzzModel, FuzzReal>;

/** A mismatch between the model and the board. */
export class ModelMismatch extends Error {
  override name = 'ModelMismatch';
}

function describeExpected(e: Expected): string {
  switch (e.kind) {
    case 'silent': return 'no reply';
    case 'error': return `error 0x${e.code.toString(16).padStart(2, '0')}`;
    case 'ok': return `OK ${e.command}${e.data ? ` [${toHex(e.data)}]` : ` (${e.size} payload bytes)`}`;
    case 'unknown': return `anything (${e.why})`;
  }
}

function describeOutcome(o: RawOutcome): string {
  if (o.kind === 'failed') return o.error instanceof NoReplyError && o.error.partial.length === 0 ? 'no reply' : o.error.message;
  if (o.frame.status === 'error') return `error 0x${o.frame.code.toString(16).padStart(2, '0')}`;
  return `OK [${toHex(o.frame.data)}]`;
}

/** True when the outcome is what the model expected. */
export function matches(expected: Expected, outcome: RawOutcome): boolean {
  switch (expected.kind) {
    case 'unknown': return true;
    case 'silent': return outcome.kind === 'failed' && outcome.error instanceof NoReplyError && outcome.error.partial.length === 0;
    case 'error': return outcome.kind === 'reply' && outcome.frame.status === 'error' && outcome.frame.code === expected.code;
    case 'ok': {
      if (outcome.kind !== 'reply' || outcome.frame.status !== 'ok') return false;
      const data = outcome.frame.data;
      if (data.length !== expected.size) return false;
      return expected.data === undefined || expected.data.every((b, i) => b === data[i]);
    }
  }
}

/**
 * Send `bytes` to the board, and check the answer against the model (which it also updates).
 * Returns the outcome for commands that check more.
 */
export async function exchange(m: FuzzModel, r: FuzzReal, bytes: Uint8Array, label: string): Promise<RawOutcome> {
  const reaction = expectedReaction(bytes, m.board.id, m.board.profile);
  const expect = reaction.kind === 'execute' ? commandByCode(bytes[0]!) : undefined;
  const { outcome, sentAt } = await r.exchange(bytes, expect);
  const lastByte = sentAt + bytes.length * r.byteMs;
  const expected = m.board.receive(bytes, lastByte, (atGap) => (atGap ? lastByte + m.gapMs : lastByte), reaction);
  if (!matches(expected, outcome)) {
    throw new ModelMismatch(`${label} (${toHex(bytes)}) at ${(lastByte / 1000).toFixed(3)} s: the board answered ${describeOutcome(outcome)}, the model expects ${describeExpected(expected)}; model: ${m.board.describe()}`);
  }
  return outcome;
}

/** Bring the model to now and tell `pi`'s port about a fault, unless a port event races it. */
export function atNow(m: FuzzModel, r: FuzzReal, pi: 0 | 1 | undefined, what: string): number {
  const t = r.now;
  m.board.advanceTo(t);
  if (pi !== undefined && m.board.timeline.near(pi, t, m.board.slackMs)) m.board.ports[pi].giveUp(`${what} at ${t.toFixed(3)} ms met a port event`);
  return t;
}
