/**
 * The bus monitor's exchanges: each request grouped with the replies that followed it (a
 * request and its reply on one group; two replies at once are a collision), a group marked
 * "no reply" with the cause the simulator knows when the host gave up (host-timeout events
 * carry `cause` and `why`: board-model/noReplyCause.ts), and the filter by board and command.
 * Browser-safe, pure.
 */
import type { SimEvent } from '../board-model/events.ts';
import type { FrameRow } from './frameText.ts';

/** A request and what answered it (or why nothing did). */
export interface Exchange {
  /** Increasing number; a later change bumps `version`, so a view redraws only what changed. */
  readonly seq: number;
  version: number;
  readonly request: FrameRow | undefined;
  readonly replies: FrameRow[];
  /** The host gave up: when (ms), the simulator's cause and explanation. */
  noReply: { readonly t: number; readonly cause: string; readonly why: string } | undefined;
}

/** Filter of the monitor: a board ID and a command, each optional. */
export interface BusFilter {
  readonly id?: number | undefined;
  readonly command?: string | undefined;
}

/** Exchanges kept. */
export const MAX_EXCHANGES = 300;

/** The monitor's exchanges, built from transmissions and host-timeout events in order. */
export class BusLog {
  readonly exchanges: Exchange[] = [];
  private seq = 0;

  /** Add a frame: a request opens an exchange, a reply joins the latest one. */
  addFrame(row: FrameRow): Exchange {
    const last = this.exchanges[this.exchanges.length - 1];
    if (row.from === 'board' && last) {
      last.replies.push(row);
      last.version++;
      return last;
    }
    const x: Exchange = { seq: ++this.seq, version: 0, request: row.from === 'host' ? row : undefined, replies: row.from === 'host' ? [] : [row], noReply: undefined };
    this.exchanges.push(x);
    if (this.exchanges.length > MAX_EXCHANGES) this.exchanges.splice(0, this.exchanges.length - MAX_EXCHANGES);
    return x;
  }

  /** A host-timeout event: mark the latest unanswered request to that ID and command. */
  addTimeout(event: SimEvent): Exchange | undefined {
    if (event.type !== 'host-timeout') return undefined;
    for (let i = this.exchanges.length - 1; i >= 0; i--) {
      const x = this.exchanges[i]!;
      const r = x.request;
      if (!r || x.noReply || r.id !== event.id || (typeof event['command'] === 'string' && r.command !== undefined && r.command !== event['command'])) continue;
      if (x.replies.some((reply) => reply.flags.length === 0)) continue;
      x.noReply = { t: event.t, cause: String(event['cause'] ?? 'unknown'), why: String(event['why'] ?? 'the simulator does not know why') };
      x.version++;
      return x;
    }
    return undefined;
  }
}

/** True when an exchange concerns the board ID and command of the filter. */
export function exchangeMatches(x: Exchange, filter: BusFilter): boolean {
  const rows = [...(x.request ? [x.request] : []), ...x.replies];
  if (filter.id !== undefined && !rows.some((r) => r.id === filter.id)) return false;
  if (filter.command !== undefined && !rows.some((r) => r.command === filter.command)) return false;
  return true;
}

/** The exchange's collision in words, when two or more nodes replied at once. */
export function collisionText(x: Exchange): string | undefined {
  const collided = x.replies.filter((r) => r.flags.includes('collision'));
  if (collided.length === 0) return undefined;
  const who = [...new Set(collided.map((r) => r.direction.replace(/ → host$/, '')))];
  return who.length > 1
    ? `collision: ${who.join(' and ')} replied at the same time; the host received a garbled mix`
    : `collision: ${who[0]}'s reply overlapped another transmission`;
}
