/**
 * Shrinking a diverging session to the smallest one that still diverges the same way (same
 * command, same field, same model value): delta debugging (ddmin, Zeller and Hildebrandt 2002)
 * over the reads before the divergence, then pulling the gaps between the kept exchanges
 * together, each as far as the divergence survives and its explanation still holds (the timers it
 * depends on keep their time). The result is written back as a session file that `replay` and
 * `conform` both run.
 */
import { COMMANDS } from '../../bus-protocol/commands.ts';
import { describeChunk } from '../session/SessionRecorder.ts';
import type { Exchange } from '../session/exchanges.ts';
import type { RecordedEvent, Session, SessionEnd, SessionHeader } from '../session/sessionFormat.ts';
import { sameKind, type Divergence, type DivergenceKind } from './divergence.ts';

/** Replays a candidate and returns its first divergence (undefined: it conforms). */
export type DivergenceProbe = (exchanges: readonly Exchange[]) => DivergenceKind | undefined;

/** Smallest time between two requests that the shrinker tries: the previous reply plus this (ms). */
const GAP_MARGIN_MS = 1;

/** Bisection steps per gap. */
const GAP_STEPS = 10;

/** ddmin over `items` with `last` always kept at the end: a 1-minimal subset for which `keeps` holds. */
function ddmin<T>(items: T[], keeps: (subset: T[]) => boolean): T[] {
  let current = items;
  let n = 2;
  while (current.length > 0) {
    const size = Math.ceil(current.length / n);
    const chunks: T[][] = [];
    for (let i = 0; i < current.length; i += size) chunks.push(current.slice(i, i + size));
    let reduced = false;
    // Complements first: they remove most at once on sessions where one small cause hides in a long prefix.
    for (let i = 0; i < chunks.length && !reduced; i++) {
      const complement = chunks.filter((_, j) => j !== i).flat();
      if (keeps(complement)) {
        current = complement;
        n = Math.max(n - 1, 2);
        reduced = true;
      }
    }
    for (let i = 0; i < chunks.length && !reduced && chunks.length > 2; i++) {
      if (keeps(chunks[i]!)) {
        current = chunks[i]!;
        n = 2;
        reduced = true;
      }
    }
    if (reduced) continue;
    if (n >= current.length) break;
    n = Math.min(current.length, n * 2);
  }
  return current;
}

/** A copy of `e` moved by `shift` ms. */
function moved(e: Exchange, shift: number, index: number): Exchange {
  return { ...e, index, sentAt: e.sentAt + shift, replyAt: e.replyAt === undefined ? undefined : e.replyAt + shift };
}

/** Renumber and move so the first request is at t = 0. */
function normalise(list: readonly Exchange[]): Exchange[] {
  const t0 = list[0]?.sentAt ?? 0;
  return list.map((e, i) => moved(e, -t0, i + 1));
}

/** Pull each gap together as far as `keeps` allows (bisection between the previous reply and the recorded gap). */
function pullGaps(list: Exchange[], keeps: (candidate: Exchange[]) => boolean): Exchange[] {
  let current = list;
  for (let i = 1; i < current.length; i++) {
    const prev = current[i - 1]!;
    const gap = current[i]!.sentAt - prev.sentAt;
    const least = (prev.replyAt === undefined ? 0 : prev.replyAt - prev.sentAt) + GAP_MARGIN_MS;
    if (gap <= least) continue;
    const withGap = (g: number) => current.map((e, j) => (j >= i ? moved(e, g - gap, e.index) : e));
    let lo = least;
    let hi = gap; // hi keeps the divergence; lo is a guess
    for (let step = 0; step < GAP_STEPS && hi - lo > 1; step++) {
      const mid = step === 0 ? lo : (lo + hi) / 2;
      if (keeps(withGap(mid))) hi = mid;
      else lo = mid;
    }
    if (hi < gap) current = withGap(Math.round(hi * 1000) / 1000);
  }
  return current;
}

/**
 * Requests that may change what the board does later: commands with effect 'write' (PROTOCOL.md
 * section 5), and requests the board refused or that are not valid frames (each logs an error).
 * Shrinking keeps them: the model alone cannot tell which of them the real board's behaviour
 * needed (dropping PI_ON leaves a port off in both, and the divergence would survive for a
 * different reason).
 */
function changesState(e: Exchange): boolean {
  if (e.command === undefined || e.reply[0] === 0x01) return true; // byte 0 of a reply is its status: 0x01 = error
  return COMMANDS[e.command].effect === 'write';
}

/**
 * Drop every read the divergence does not need (ddmin), keeping the requests that change state
 * and every kept request at its recorded time, so that the real board would have answered the
 * shrunk session as it answered the original. Returns the exchanges, first at t = 0.
 */
export function shrinkExchanges(exchanges: readonly Exchange[], target: DivergenceKind & Pick<Divergence, 'exchange'>, probe: DivergenceProbe): Exchange[] {
  const last = exchanges[target.exchange - 1]!;
  const before = exchanges.slice(0, target.exchange - 1);
  const keeps = (candidate: readonly Exchange[]) => sameKind(target, probe(candidate));
  const reads = ddmin(before.filter((e) => !changesState(e)), (subset) => {
    const kept = new Set(subset);
    return keeps([...before.filter((e) => kept.has(e) || changesState(e)), last]);
  });
  const keptReads = new Set(reads);
  return normalise([...before.filter((e) => keptReads.has(e) || changesState(e)), last]);
}

/**
 * Pull the gaps of a shrunk session together while `keeps` holds: callers check that the
 * divergence is still the same AND that the suspect that explains it still does, so the timers it
 * depends on keep their time. Returns the exchanges, first at t = 0.
 */
export function pullTogether(exchanges: readonly Exchange[], keeps: (candidate: readonly Exchange[]) => boolean): Exchange[] {
  return normalise(pullGaps([...exchanges], keeps));
}

/** Exchanges back to a session: one host event per request, one bus event per reply (at its last byte), a `closed` trailer. */
export function sessionOf(exchanges: readonly Exchange[], header: SessionHeader, source: string): Session {
  const events: RecordedEvent[] = [];
  for (const e of exchanges) {
    events.push({ line: events.length + 2, t: e.sentAt, dir: 'host', bytes: e.request, note: e.label });
    if (e.reply.length === 0) continue;
    const note = describeChunk('bus', e.reply, e.command);
    events.push({ line: events.length + 2, t: e.replyAt ?? e.sentAt, dir: 'bus', bytes: e.reply, ...(note === undefined ? {} : { note }) });
  }
  const end: SessionEnd = { end: 'closed', t: events.reduce((t, ev) => Math.max(t, ev.t), 0) };
  return { source, header, events, end, complete: true, warnings: [] };
}
