/** Typed errors of the protocol and the host client (STYLE.md rule 6). */
import { describeErrorCode } from './errorCodes.ts';
import { toHex } from './hex.ts';

/** The board answered with an error status; `code` mirrors the firmware error code. */
export class BoardError extends Error {
  override name = 'BoardError';
  readonly kind = 'board' as const;
  constructor(readonly code: number, readonly command: string, readonly id: number) {
    super(`board ${id} answered ${command} with error ${describeErrorCode(code)}`);
  }
}

/** No reply, or an incomplete one, arrived within the reply window. */
export class NoReplyError extends Error {
  override name = 'NoReplyError';
  readonly kind = 'no-reply' as const;
  constructor(readonly command: string, readonly id: number, readonly request: Uint8Array, readonly waitedMs: number, readonly partial: Uint8Array) {
    super(
      partial.length
        ? `board ${id}: ${command} got an incomplete reply (${toHex(partial)}) within ${waitedMs.toFixed(1)} ms`
        : `board ${id}: no reply to ${command} within ${waitedMs.toFixed(1)} ms`,
    );
  }
}

/** Alias kept for the HIL naming: a reply timeout carrying the request. */
export { NoReplyError as ReplyTimeoutError };

/** Bytes arrived in reply but their CRC was wrong (line noise, or two boards answering at once). */
export class CrcError extends Error {
  override name = 'CrcError';
  readonly kind = 'crc' as const;
  constructor(readonly command: string, readonly id: number, readonly received: Uint8Array) {
    super(`board ${id}: reply to ${command} failed its CRC check (${toHex(received)})`);
  }
}

/** A reply with a valid CRC that is still not a valid answer (wrong LEN, address or status byte). */
export class MalformedReplyError extends Error {
  override name = 'MalformedReplyError';
  readonly kind = 'malformed' as const;
  constructor(readonly command: string, readonly id: number, readonly received: Uint8Array, readonly reason: string) {
    super(`board ${id}: malformed reply to ${command}: ${reason} (${toHex(received)})`);
  }
}

/** The transport went away (adapter unplugged, socket closed) while a request was pending. */
export class DisconnectedError extends Error {
  override name = 'DisconnectedError';
  readonly kind = 'disconnected' as const;
  constructor(readonly detail: string) {
    super(`transport disconnected: ${detail}`);
  }
}

/** A caller passed a bad argument; `option` names it. */
export class ArgumentError extends Error {
  override name = 'ArgumentError';
  readonly kind = 'argument' as const;
  constructor(readonly option: string, message: string) {
    super(`"${option}": ${message}`);
  }
}

/** Any error the client can reject a request with. */
export type ClientError = BoardError | NoReplyError | CrcError | MalformedReplyError | DisconnectedError | ArgumentError;
