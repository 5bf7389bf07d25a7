/**
 * Decode every frame in a byte string (requests and responses mixed, back to back), with a
 * precise explanation of the first thing that is not a valid frame. A frame whose byte 1 is
 * 0xFF is a response (PROTOCOL.md section 2); anything else is a request.
 */
import {
  COMMANDS, MASTER_ADDRESS, MIN_LEN, STATUS, checkFraming, commandByCode, crc8, decodeRequest, decodeResponse, requestLen, responseLen,
  type CommandName, type RequestFrame, type ResponseFrame,
} from '../bus-protocol/index.ts';
import { describeRequest, describeResponse, frameJson, type FrameJson } from './describe.ts';
import { plural } from './output.ts';

/** One decoded frame: where it starts in the input, the frame, its text line and JSON. */
export interface DecodedFrame {
  readonly offset: number;
  readonly frame: RequestFrame | ResponseFrame;
  readonly text: string;
  readonly json: FrameJson;
}

/** All frames decoded up to the first problem, and the problem explained (undefined when all bytes were frames). */
export interface DecodeFramesResult {
  readonly frames: DecodedFrame[];
  readonly error: string | undefined;
}

const hex2 = (n: number) => `0x${n.toString(16).padStart(2, '0').toUpperCase()}`;

/** Why the framing (LEN, length, CRC) of the bytes at the start of `rest` is wrong, or undefined when it is fine. */
function explainFraming(rest: Uint8Array): string | undefined {
  const framing = checkFraming(rest);
  if (framing.kind === 'frame') return undefined;
  if (framing.kind === 'incomplete') {
    if (rest.length < MIN_LEN) {
      const more = MIN_LEN + 1 - rest.length;
      return `needs at least ${plural(more, 'more byte')}: a frame is at least 4 bytes (code, address, LEN, CRC), got ${plural(rest.length, 'byte')}`;
    }
    const len = rest[2]!;
    return `needs ${plural(framing.needed, 'more byte')}: LEN ${len} says the frame is ${len + 1} bytes, got ${rest.length}`;
  }
  const len = rest[2]!;
  if (framing.reason === 'crc') return `byte ${len} (CRC) is ${hex2(rest[len]!)}, expected ${hex2(crc8(rest, 0, len))}`;
  return `byte 2 (LEN) is ${len}, expected at least ${MIN_LEN} (LEN counts the code, address and LEN bytes)`;
}

function explainRequest(rest: Uint8Array): string {
  const code = rest[0]!;
  const name = commandByCode(code);
  if (name === undefined) {
    if (code === STATUS.OK || code === STATUS.ERROR) {
      return `byte 0 is ${hex2(code)}, a response status, but byte 1 is ${hex2(rest[1]!)}; a response carries ${hex2(MASTER_ADDRESS)} there`;
    }
    return `byte 0 (command) is ${hex2(code)}, not a command of PROTOCOL.md section 5 (0x02..0x29)`;
  }
  const args = COMMANDS[name].request.map((f) => f.name);
  return `byte 2 (LEN) is ${rest[2]}, ${name} requests have LEN ${requestLen(name)} (${args.length ? `arguments: ${args.join(', ')}` : 'no arguments'})`;
}

function explainResponse(rest: Uint8Array, command: CommandName | undefined): string {
  const status = rest[0]!;
  if (status !== STATUS.OK && status !== STATUS.ERROR) {
    return `byte 0 (status) is ${hex2(status)}, expected 0x00 (OK) or 0x01 (error) in a response (byte 1 is 0xFF)`;
  }
  if (status === STATUS.ERROR) return `byte 2 (LEN) is ${rest[2]}, an error response has LEN 4 (one error code)`;
  return `byte 2 (LEN) is ${rest[2]}, an OK reply to ${command} has LEN at least ${command ? responseLen(command) : MIN_LEN}`;
}

/**
 * Decode all frames in `bytes`. Responses are decoded as replies to `replyTo` when given;
 * otherwise as replies to the request just before them, if they fit it.
 */
export function decodeFrames(bytes: Uint8Array, replyTo?: CommandName): DecodeFramesResult {
  const frames: DecodedFrame[] = [];
  let context: CommandName | undefined;
  let at = 0;
  const fail = (why: string): DecodeFramesResult => ({
    frames,
    error: frames.length || at > 0 ? `frame ${frames.length + 1} (input byte ${at}): ${why}` : why,
  });
  while (at < bytes.length) {
    const rest = bytes.subarray(at);
    const framingError = explainFraming(rest);
    if (framingError) return fail(framingError);
    if (rest[1] !== MASTER_ADDRESS) {
      const r = decodeRequest(rest);
      if (r.kind !== 'frame') return fail(explainRequest(rest));
      frames.push({ offset: at, frame: r.frame, text: describeRequest(r.frame), json: frameJson(at, r.frame) });
      context = r.frame.command;
      at += r.length;
      continue;
    }
    const as = replyTo ?? context;
    let r = decodeResponse(rest, as);
    let note: string | undefined;
    if (r.kind === 'invalid' && r.reason === 'length' && rest[0] === STATUS.OK && replyTo === undefined && as !== undefined) {
      // The reply does not fit the request before it: still a valid frame, just not that reply.
      note = `too short for a ${as} reply: LEN ${rest[2]}, needs at least ${responseLen(as)}`;
      r = decodeResponse(rest);
    }
    if (r.kind !== 'frame') return fail(explainResponse(rest, as));
    frames.push({ offset: at, frame: r.frame, text: describeResponse(r.frame, note), json: frameJson(at, r.frame, note) });
    context = undefined;
    at += r.length;
  }
  return { frames, error: undefined };
}
