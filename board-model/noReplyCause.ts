/**
 * Why a host request got no reply in the simulator (a `host-timeout` event's `cause`): the
 * simulator saw the bus and the boards, so it can say what a real rig cannot. Fed with every
 * bus transmission and every MCU state change; asked when the host gives up on a request.
 */
import { hexByte } from '../bus-protocol/hex.ts';
import type { Board } from './Board.ts';
import { formatDuration } from './duration.ts';
import type { TransmissionRecord } from './Rs485Bus.ts';

/**
 * Why no reply came: no board has the ID; its MCU was still booting or had no power when the
 * request arrived; the request was destroyed by a collision or line noise; the board replied
 * but the reply was corrupted (collision or noise); the board heard the request and sent
 * nothing in time; or no request to that ID went out at all.
 */
export type NoReplyCause = 'no-board' | 'booting' | 'unpowered' | 'collision' | 'noise' | 'reply-corrupted' | 'no-reply' | 'not-sent';

/** A cause and its explanation in words (one clause, no board index: the event names the ID). */
export interface NoReplyExplanation {
  readonly cause: NoReplyCause;
  readonly why: string;
}

/** Every cause, for schemas and tests. */
export const NO_REPLY_CAUSES: readonly NoReplyCause[] = ['no-board', 'booting', 'unpowered', 'collision', 'noise', 'reply-corrupted', 'no-reply', 'not-sent'];

interface RequestTrace {
  /** When the request's last byte reached the boards (ms). */
  readonly end: number;
  readonly damage: 'collision' | 'noise' | undefined;
  /** Transmissions by boards since the request (counted, not kept: one per reply on a busy bus). */
  replies: number;
  /** One of them collided. */
  collided: boolean;
  /** One of them arrived changed (noise). */
  corrupted: boolean;
}

/** MCU states kept per board: enough to look back over one host timeout. */
const HISTORY = 8;

/** Follows requests, replies and MCU states; explains a request that got no reply. */
export class NoReplyTracer {
  readonly #lastById = new Map<number, RequestTrace>();
  #current: RequestTrace | undefined;
  readonly #history: { t: number; state: string }[][];

  /** @param host name of the host adapter's bus node */
  constructor(private readonly boards: readonly Board[], private readonly host = 'host') {
    this.#history = boards.map((b) => [{ t: Number.NEGATIVE_INFINITY, state: String(b.mcu.getSnapshot().value) }]);
  }

  /** A board's MCU entered `state` at t (ms). */
  mcuState(index: number, t: number, state: string): void {
    const h = this.#history[index];
    if (h === undefined || h[h.length - 1]!.state === state) return;
    h.push({ t, state });
    if (h.length > HISTORY) h.shift();
  }

  /** A transmission was delivered (Rs485Bus.onTransmission). */
  transmission(r: TransmissionRecord): void {
    if (r.from === this.host) {
      const id = r.bytes[1];
      if (id === undefined) return;
      const damage = r.collided ? 'collision' : r.received !== r.bytes && !sameBytes(r.received, r.bytes) ? 'noise' : undefined;
      this.#current = { end: r.end, damage, replies: 0, collided: false, corrupted: false };
      this.#lastById.set(id, this.#current);
      return;
    }
    const current = this.#current;
    if (current === undefined) return;
    current.replies++;
    if (r.collided) current.collided = true;
    if (r.received !== r.bytes && !sameBytes(r.received, r.bytes)) current.corrupted = true;
  }

  /** Why the last request to `id` got no reply. */
  explain(id: number): NoReplyExplanation {
    const r = this.#lastById.get(id);
    if (r === undefined) return { cause: 'not-sent', why: `no request to ${hexByte(id)} went out on the bus` };
    if (r.damage === 'collision') return { cause: 'collision', why: 'the request collided with another transmission on the bus' };
    if (r.damage === 'noise') return { cause: 'noise', why: 'line noise corrupted the request' };
    const targets = this.boards.filter((b) => b.id === id);
    if (targets.length === 0) return { cause: 'no-board', why: `no board has ID ${hexByte(id)}` };
    const states = targets.map((b) => this.#stateAt(b.index, r.end));
    if (!states.includes('running')) {
      const booting = targets.find((_, i) => states[i] === 'booting');
      if (booting !== undefined) {
        const bootMs = booting.profile.mcu.bootMs;
        return { cause: 'booting', why: `the board's MCU was still booting when the request arrived (it listens ${formatDuration(bootMs)} after power-up or reset)` };
      }
      return { cause: 'unpowered', why: "the board's MCU had no power when the request arrived" };
    }
    if (r.collided) {
      const why = targets.length > 1 ? `${targets.length} boards answer to ${hexByte(id)} and their replies collided` : 'the reply collided with another transmission';
      return { cause: 'reply-corrupted', why };
    }
    if (r.corrupted) return { cause: 'reply-corrupted', why: 'line noise corrupted the reply' };
    if (r.replies > 0) return { cause: 'no-reply', why: 'a board transmitted, but no complete reply reached the host in time' };
    return { cause: 'no-reply', why: 'the board was listening but sent nothing in time' };
  }

  #stateAt(index: number, t: number): string {
    const h = this.#history[index]!;
    for (let i = h.length - 1; i >= 0; i--) if (h[i]!.t <= t) return h[i]!.state;
    return h[0]!.state;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
