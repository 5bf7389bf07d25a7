/** Payload types derived from the command table, so a call with the wrong fields does not compile. */
import type { COMMANDS, CommandName, FieldSpec, WireType } from './commands.ts';

/** TypeScript type of a wire value: numbers for integers, bytes for 'bytes'. */
export type FieldValue<T extends WireType> = T extends 'bytes' ? Uint8Array : number;

/** Object type with one property per field of a field list. */
export type FieldsObject<F extends readonly FieldSpec[]> = F extends readonly []
  ? Record<never, never>
  : { -readonly [K in F[number] as K['name']]: FieldValue<K['type']> };

/** Request arguments of a command, e.g. RequestArgs<'SET_HBT_TIME'> is { pi: number; value: number }. */
export type RequestArgs<N extends CommandName> = FieldsObject<(typeof COMMANDS)[N]['request']>;

/** OK response payload of a command, e.g. ResponsePayload<'GET_VIN'> is { raw: number }. */
export type ResponsePayload<N extends CommandName> = FieldsObject<(typeof COMMANDS)[N]['response']>;

/** Commands that take no arguments. */
export type NoArgCommand = { [N in CommandName]: (typeof COMMANDS)[N]['request'] extends readonly [] ? N : never }[CommandName];

/** Rest-parameter form of a command's arguments: none for no-argument commands. */
export type ArgsParam<N extends CommandName> = N extends NoArgCommand ? [args?: Record<never, never>] : [args: RequestArgs<N>];

/** A decoded request frame (host to board). */
export interface RequestFrame<N extends CommandName = CommandName> {
  readonly kind: 'request';
  readonly command: N;
  readonly code: number;
  /** Target board ID, byte 1. */
  readonly id: number;
  readonly args: RequestArgs<N>;
  /** The whole frame including its CRC byte. */
  readonly bytes: Uint8Array;
}

/** A decoded OK or error response frame (board to host). */
export type ResponseFrame<N extends CommandName = CommandName> =
  | {
      readonly kind: 'response';
      readonly status: 'ok';
      /** The command this reply was decoded as, when the caller said which one it answers. */
      readonly command: N | undefined;
      /** Decoded fields; empty when the command was not given. */
      readonly payload: ResponsePayload<N>;
      /** Raw payload bytes (after LEN, before CRC). */
      readonly data: Uint8Array;
      readonly bytes: Uint8Array;
    }
  | {
      readonly kind: 'response';
      readonly status: 'error';
      /** Firmware error code (PROTOCOL.md section 6). */
      readonly code: number;
      readonly bytes: Uint8Array;
    };

/** Why a byte sequence is not a valid frame. */
export type InvalidReason =
  | 'length' // LEN byte below 3, above the limit, or not what the command needs
  | 'crc' // CRC byte does not match
  | 'unknown-command' // code byte is no request command
  | 'address' // byte 1 impossible for this direction (0xFF in a request, not 0xFF in a response)
  | 'status' // response status byte neither 0x00 nor 0x01
  | 'trailing'; // bytes left after a complete frame where exactly one frame was expected

/** Result of decoding: a frame, "need N more bytes", or "invalid, because ...". Never null. */
export type DecodeResult<T> =
  | { readonly kind: 'frame'; readonly frame: T; /** bytes consumed */ readonly length: number }
  | { readonly kind: 'incomplete'; /** at least this many more bytes */ readonly needed: number }
  | { readonly kind: 'invalid'; readonly reason: InvalidReason; readonly message: string };
