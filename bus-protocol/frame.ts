/** Pure encode and decode of frames (PROTOCOL.md section 2). No I/O, no clock. */
import { COMMANDS, STATUS, commandByCode, fieldSize, requestLen, responseLen, type CommandName, type FieldSpec } from './commands.ts';
import { crc8 } from './crc8.ts';
import { ArgumentError } from './errors.ts';
import { hexByte } from './hex.ts';
import type { ArgsParam, DecodeResult, RequestArgs, RequestFrame, ResponseFrame, ResponsePayload } from './types.ts';

/** Byte 1 of every response: the master address (PROTOCOL.md section 2). */
export const MASTER_ADDRESS = 0xff;

/** Smallest legal LEN byte: code, address and LEN itself. */
export const MIN_LEN = 3;

/** Build a frame from its first two bytes and data: appends LEN (3 + data) and the CRC. */
export function buildFrame(byte0: number, byte1: number, data: ArrayLike<number> = []): Uint8Array {
  const out = frameOf(byte0, byte1, data.length);
  for (let i = 0; i < data.length; i++) out[3 + i] = data[i]! & 0xff;
  return sealFrame(out);
}

/** A frame of `dataBytes` data bytes with its first three bytes set (LEN = 3 + data); the data and CRC are the caller's to write. */
function frameOf(byte0: number, byte1: number, dataBytes: number): Uint8Array {
  const len = MIN_LEN + dataBytes;
  if (len > 0xff) throw new ArgumentError('data', `${dataBytes} bytes do not fit one frame (LEN would be ${len}, at most 255)`);
  const out = new Uint8Array(len + 1);
  out[0] = byte0 & 0xff;
  out[1] = byte1 & 0xff;
  out[2] = len;
  return out;
}

/** Write the CRC byte of a frame whose other bytes are in place. */
function sealFrame(out: Uint8Array): Uint8Array {
  const len = out.length - 1;
  out[len] = crc8(out, 0, len);
  return out;
}

/** Scratch space for the data of the frame being encoded (one frame at a time: encoding is synchronous). */
const SCRATCH = new Uint8Array(0x100);

/**
 * Encode a frame whose data are these fields' values, big-endian, each checked against its
 * field's type. One read of each value: the data go to scratch space first, then into the frame.
 */
function fieldsFrame(byte0: number, byte1: number, fields: readonly FieldSpec[], values: Record<string, unknown>, where: string): Uint8Array {
  let at = 0;
  let overflow = 0; // bytes past the scratch space (the frame is then too long anyway)
  for (const field of fields) {
    const value = values[field.name];
    if (field.type === 'bytes') {
      if (!(value instanceof Uint8Array)) throw new ArgumentError(field.name, `${where} needs bytes`);
      const fits = Math.min(value.length, SCRATCH.length - at);
      SCRATCH.set(fits === value.length ? value : value.subarray(0, fits), at);
      at += fits;
      overflow += value.length - fits;
      continue;
    }
    const size = fieldSize(field.type)!;
    const max = size === 1 ? 0xff : size === 2 ? 0xffff : 0xffffffff;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
      throw new ArgumentError(field.name, `${where} needs an integer 0..${max} (${field.type}), got ${String(value)}`);
    }
    for (let shift = 8 * (size - 1); shift >= 0; shift -= 8) {
      if (at < SCRATCH.length) SCRATCH[at++] = (value >>> shift) & 0xff; // value < 2^32
      else overflow++;
    }
  }
  const out = frameOf(byte0, byte1, at + overflow);
  for (let i = 0; i < at; i++) out[MIN_LEN + i] = SCRATCH[i]!;
  return sealFrame(out);
}

function readFields(fields: readonly FieldSpec[], data: Uint8Array): Record<string, number | Uint8Array> {
  const out: Record<string, number | Uint8Array> = {};
  let at = 0;
  for (const field of fields) {
    if (field.type === 'bytes') {
      out[field.name] = data.slice(at);
      at = data.length;
      continue;
    }
    const size = fieldSize(field.type)!;
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + data[at + i]!;
    out[field.name] = value;
    at += size;
  }
  return out;
}

function checkId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0xff) throw new ArgumentError('id', `board ID must be an integer 0..255, got ${String(id)}`);
}

/** Encode a request frame, e.g. encodeRequest('PI_ON', 0, { pi: 1 }) is 11 00 04 01 D2. */
export function encodeRequest<N extends CommandName>(name: N, id: number, ...args: ArgsParam<N>): Uint8Array {
  checkId(id);
  const spec = COMMANDS[name];
  if (!spec) throw new ArgumentError('command', `unknown command ${String(name)}`);
  return fieldsFrame(spec.code, id, spec.request, (args[0] ?? {}) as Record<string, unknown>, name);
}

/** Encode an OK response with the command's payload, e.g. encodeOkResponse('GET_SW_VERSION', { version: 4 }). */
export function encodeOkResponse<N extends CommandName>(name: N, payload: ResponsePayload<N>): Uint8Array {
  return fieldsFrame(STATUS.OK, MASTER_ADDRESS, COMMANDS[name].response, payload as Record<string, unknown>, name);
}

/** Encode an error response `01 FF 04 <code> <crc>`. */
export function encodeErrorResponse(code: number): Uint8Array {
  return buildFrame(STATUS.ERROR, MASTER_ADDRESS, [code]);
}

/**
 * Check framing only: enough bytes for LEN, LEN sane, enough bytes for the frame, CRC.
 * On success returns the frame length (LEN + 1).
 */
export function checkFraming(bytes: Uint8Array, maxLen = 0xff): DecodeResult<number> {
  if (bytes.length < MIN_LEN) return { kind: 'incomplete', needed: MIN_LEN - bytes.length };
  const len = bytes[2]!;
  if (len < MIN_LEN) return { kind: 'invalid', reason: 'length', message: `LEN byte is ${len}, below the minimum ${MIN_LEN}` };
  if (len > maxLen) return { kind: 'invalid', reason: 'length', message: `LEN byte is ${len}, above the limit ${maxLen}` };
  if (bytes.length < len + 1) return { kind: 'incomplete', needed: len + 1 - bytes.length };
  const expected = crc8(bytes, 0, len);
  if (expected !== bytes[len]) {
    return { kind: 'invalid', reason: 'crc', message: `CRC byte is ${hexByte(bytes[len]!)}, expected ${hexByte(expected)}` };
  }
  return { kind: 'frame', frame: len + 1, length: len + 1 };
}

/** Decode the request frame at the start of bytes (host to board). Extra bytes after it are not read. */
export function decodeRequest(bytes: Uint8Array): DecodeResult<RequestFrame> {
  const framing = checkFraming(bytes);
  if (framing.kind !== 'frame') return framing;
  const length = framing.length;
  const code = bytes[0]!;
  const name = commandByCode(code);
  if (name === undefined) {
    return { kind: 'invalid', reason: 'unknown-command', message: `code 0x${code.toString(16).padStart(2, '0').toUpperCase()} is not a request command` };
  }
  if (bytes[1] === MASTER_ADDRESS) return { kind: 'invalid', reason: 'address', message: 'request addressed to 0xFF, the master address' };
  const want = requestLen(name);
  if (bytes[2] !== want) return { kind: 'invalid', reason: 'length', message: `${name} needs LEN ${want}, frame has LEN ${bytes[2]}` };
  const args = readFields(COMMANDS[name].request, bytes.subarray(3, length - 1)) as RequestArgs<CommandName>;
  const frame: RequestFrame = { kind: 'request', command: name, code, id: bytes[1]!, args, bytes: bytes.slice(0, length) };
  return { kind: 'frame', frame, length };
}

/**
 * Decode the response frame at the start of bytes (board to host). With `command`, the
 * payload is decoded into that command's fields and LEN must be at least its OK length
 * (the original host library's rule; GET_ERROR_BUFFER is variable).
 */
export function decodeResponse<N extends CommandName>(bytes: Uint8Array, command?: N): DecodeResult<ResponseFrame<N>> {
  const framing = checkFraming(bytes);
  if (framing.kind !== 'frame') return framing;
  const length = framing.length;
  const status = bytes[0]!;
  if (bytes[1] !== MASTER_ADDRESS) {
    return { kind: 'invalid', reason: 'address', message: `byte 1 is 0x${bytes[1]!.toString(16).padStart(2, '0').toUpperCase()}, a response carries 0xFF` };
  }
  const frameBytes = bytes.slice(0, length);
  if (status === STATUS.ERROR) {
    if (bytes[2] !== 4) return { kind: 'invalid', reason: 'length', message: `error response needs LEN 4, frame has LEN ${bytes[2]}` };
    return { kind: 'frame', frame: { kind: 'response', status: 'error', code: bytes[3]!, bytes: frameBytes }, length };
  }
  if (status !== STATUS.OK) {
    return { kind: 'invalid', reason: 'status', message: `status byte 0x${status.toString(16).padStart(2, '0').toUpperCase()} is neither 0x00 (OK) nor 0x01 (error)` };
  }
  const data = frameBytes.slice(3, length - 1);
  if (command === undefined) {
    return { kind: 'frame', frame: { kind: 'response', status: 'ok', command: undefined, payload: {} as ResponsePayload<N>, data, bytes: frameBytes }, length };
  }
  const want = responseLen(command);
  if (bytes[2]! < want) return { kind: 'invalid', reason: 'length', message: `OK reply to ${command} needs LEN ${want}, frame has LEN ${bytes[2]}` };
  const payload = readFields(COMMANDS[command].response, data) as ResponsePayload<N>;
  return { kind: 'frame', frame: { kind: 'response', status: 'ok', command, payload, data, bytes: frameBytes }, length };
}
