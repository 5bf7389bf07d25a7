/**
 * A recorded session as request/reply exchanges, for replays. Host chunks are joined and cut
 * into frames by their LEN byte (a host may write a frame in pieces); the bus bytes that follow
 * a request, up to the next host bytes, are its reply. What a reply means is classified the same
 * way for the recording and for a live replay: an OK frame with its decoded fields, an error
 * frame with its code, silence, or garbage (collisions, noise, a cut-off frame).
 */
import { commandByCode, type CommandName } from '../../bus-protocol/commands.ts';
import { decodeRequest, decodeResponse } from '../../bus-protocol/frame.ts';
import { toHex } from '../../bus-protocol/hex.ts';
import { describeChunk } from './SessionRecorder.ts';
import type { Session } from './sessionFormat.ts';

/** Longest request frame taken from the host stream (the boards' receive buffer, FIRMWARE.md section 7). */
const MAX_REQUEST_BYTES = 64;

/** One request as recorded and the bus bytes that answered it. */
export interface Exchange {
  /** 1-based position in the session. */
  readonly index: number;
  /** Line of the session file holding the request's last bytes. */
  readonly line: number;
  /** The request bytes as the host wrote them. */
  readonly request: Uint8Array;
  /** The request's command when it is a valid request frame. */
  readonly command: CommandName | undefined;
  /** Target board ID (byte 1), when there is one. */
  readonly id: number | undefined;
  /** For people: `GET_VIN to 3`, `SET_HBT_TIME to 0 pi=0 value=30`, `bad request: ...`. */
  readonly label: string;
  /** Time the request was complete, ms since the start of the recording. */
  readonly sentAt: number;
  /** Every bus byte after the request up to the next host bytes. */
  readonly reply: Uint8Array;
  /** Time of the last reply chunk, ms since the start; undefined when nothing answered. */
  readonly replyAt: number | undefined;
}

/** What a reply was. `fields` are the decoded OK payload (numbers, byte arrays for the error log). */
export type ReplyOutcome =
  | { readonly kind: 'ok'; readonly fields: Readonly<Record<string, number | Uint8Array>>; readonly bytes: Uint8Array }
  | { readonly kind: 'error'; readonly code: number; readonly bytes: Uint8Array }
  | { readonly kind: 'silent' }
  | { readonly kind: 'garbled'; readonly bytes: Uint8Array; readonly reason: string };

/** Classify reply bytes as the answer to `command` (undefined: an unknown or damaged request). */
export function classifyReply(bytes: Uint8Array, command: CommandName | undefined): ReplyOutcome {
  if (bytes.length === 0) return { kind: 'silent' };
  const decoded = decodeResponse(bytes, command);
  if (decoded.kind === 'incomplete') return { kind: 'garbled', bytes, reason: `incomplete frame (${decoded.needed} more bytes expected)` };
  if (decoded.kind === 'invalid') return { kind: 'garbled', bytes, reason: decoded.message };
  const frame = decoded.frame;
  if (frame.status === 'error') return { kind: 'error', code: frame.code, bytes };
  const fields = command === undefined ? { data: frame.data } : (frame.payload as Record<string, number | Uint8Array>);
  return { kind: 'ok', fields, bytes };
}

function labelOf(request: Uint8Array): { command: CommandName | undefined; id: number | undefined; label: string } {
  const decoded = decodeRequest(request);
  if (decoded.kind === 'frame') return { command: decoded.frame.command, id: decoded.frame.id, label: describeChunk('host', request) ?? decoded.frame.command };
  const why = decoded.kind === 'invalid' ? decoded.message : 'incomplete frame';
  const guess = request[0] === undefined ? undefined : commandByCode(request[0]);
  return { command: undefined, id: request[1], label: `bad request${guess ? ` (${guess}?)` : ''}: ${why} [${toHex(request)}]` };
}

/** Cut the host byte stream into frames by LEN; what cannot be a frame is sent as one raw chunk. */
function takeFrames(pending: number[], flushAll: boolean): Uint8Array[] {
  const frames: Uint8Array[] = [];
  while (pending.length > 0) {
    const len = pending[2];
    if (len === undefined) break;
    if (len < 3 || len + 1 > MAX_REQUEST_BYTES) {
      frames.push(Uint8Array.from(pending.splice(0)));
      break;
    }
    if (pending.length < len + 1) break;
    frames.push(Uint8Array.from(pending.splice(0, len + 1)));
  }
  if (flushAll && pending.length > 0) frames.push(Uint8Array.from(pending.splice(0)));
  return frames;
}

/** The session's exchanges in order, and notes about bytes that belong to none. */
export function sessionExchanges(session: Session): { exchanges: Exchange[]; warnings: string[] } {
  const exchanges: Array<Omit<Exchange, 'reply' | 'index' | 'replyAt'> & { reply: number[]; replyAt: number | undefined }> = [];
  const warnings: string[] = [];
  const pending: number[] = [];
  let pendingLine = 0;
  let pendingAt = 0;
  let orphanBytes = 0;
  const flush = (all: boolean) => {
    for (const request of takeFrames(pending, all)) {
      exchanges.push({ line: pendingLine, request, ...labelOf(request), sentAt: pendingAt, reply: [], replyAt: undefined });
    }
  };
  for (const event of session.events) {
    if (event.dir === 'host') {
      pending.push(...event.bytes);
      pendingLine = event.line;
      pendingAt = event.t;
      flush(false);
      continue;
    }
    flush(true); // the bus answered: whatever the host sent so far is one request
    const last = exchanges[exchanges.length - 1];
    if (last === undefined) {
      orphanBytes += event.bytes.length;
      continue;
    }
    last.reply.push(...event.bytes);
    last.replyAt = event.t;
  }
  flush(true);
  if (orphanBytes > 0) warnings.push(`${session.source}: ${orphanBytes} bus byte(s) before the first request are not part of any exchange (ignored)`);
  return { exchanges: exchanges.map((e, i) => ({ ...e, index: i + 1, reply: Uint8Array.from(e.reply) })), warnings };
}
