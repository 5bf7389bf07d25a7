/**
 * The bus monitor's reading of one transmission on the wire: direction, decoded request or
 * reply (command, fields, readings in units, error code in words), the bytes with what each
 * one is (command, ID, LEN, data fields, CRC), and what was wrong (collision, CRC, error
 * reply, invalid frame). Replies are decoded as answers to the last request seen; a
 * collision is called one, not "incomplete". Browser-safe, pure.
 */
import { COMMANDS, commandByCode, fieldSize, type CommandName } from '../bus-protocol/commands.ts';
import type { HardwareVersion } from '../bus-protocol/conversions.ts';
import { crc8 } from '../bus-protocol/crc8.ts';
import { describeErrorCode } from '../bus-protocol/errorCodes.ts';
import { decodeRequest, decodeResponse } from '../bus-protocol/frame.ts';
import type { TransmissionRecord } from '../board-model/Rs485Bus.ts';
import { hexBytes } from './format.ts';
import { readingInUnits } from './readings.ts';

/** What is wrong with a frame, if anything. */
export type FrameFlag = 'collision' | 'error-reply' | 'crc' | 'invalid';

/** One byte range of a frame and what it is. */
export interface ByteField {
  /** Field kind for styling: command/status, id, len, data, crc, extra. */
  readonly kind: 'command' | 'status' | 'id' | 'len' | 'data' | 'crc' | 'extra';
  /** The bytes of the field, hex. */
  readonly hex: string;
  /** What it is, in words, e.g. "LEN 4: the frame is 5 bytes with its CRC". */
  readonly title: string;
}

/** One row of the bus monitor. */
export interface MonitorRow {
  /** Virtual time the frame's last byte left (ms). */
  readonly t: number;
  /** "host → board 3" or "board 3 → host". */
  readonly direction: string;
  /** "PI_ON pi=0", "OK to GET_VIN: 12.031 V (raw=25600)", "ERROR 0x11 CRC_FAILED: …", or why it is not a frame. */
  readonly summary: string;
  /** The bytes as the other nodes received them, hex. */
  readonly bytes: string;
  readonly flags: readonly FrameFlag[];
}

/** A row with its request or reply role, target, command and annotated bytes. */
export interface FrameRow extends MonitorRow {
  readonly from: 'host' | 'board';
  /** Request: the target ID; reply: the transmitting board's ID, if known. */
  readonly id: number | undefined;
  readonly command: CommandName | undefined;
  readonly fields: readonly ByteField[];
}

function fieldsText(fields: Record<string, unknown>): string {
  return Object.entries(fields).map(([k, v]) => `${k}=${v instanceof Uint8Array ? hexBytes(v.length > 8 ? v.subarray(0, 8) : v) + (v.length > 8 ? ' …' : '') : String(v)}`).join(' ');
}

function hx(n: number): string {
  return `0x${n.toString(16).padStart(2, '0').toUpperCase()}`;
}

/**
 * Annotate a frame's bytes by field (PROTOCOL.md section 2): byte 0 command (request) or status
 * (reply), byte 1 ID, byte 2 LEN, data fields by the command's table, the CRC, and any bytes past it.
 */
export function annotateBytes(bytes: Uint8Array, request: boolean, command: CommandName | undefined): ByteField[] {
  const out: ByteField[] = [];
  const b = (i: number, j = i + 1) => hexBytes(bytes.subarray(i, j));
  if (bytes.length === 0) return out;
  const code = bytes[0]!;
  if (request) {
    const name = commandByCode(code);
    out.push({ kind: 'command', hex: b(0), title: `command ${hx(code)}${name ? ` ${name}: ${COMMANDS[name].summary}` : ' (unknown command)'}` });
  } else {
    out.push({ kind: 'status', hex: b(0), title: `status ${hx(code)}: ${code === 0 ? 'OK' : code === 1 ? 'error' : 'not a status'}` });
  }
  if (bytes.length < 2) return out;
  out.push({ kind: 'id', hex: b(1), title: request ? `board ID ${bytes[1]} (the board that should answer)` : `address ${hx(bytes[1]!)}${bytes[1] === 0xff ? ': the master (host) address, as every reply carries' : ''}` });
  if (bytes.length < 3) return out;
  const len = bytes[2]!;
  out.push({ kind: 'len', hex: b(2), title: `LEN ${len}: bytes before the CRC (the frame is ${len + 1} bytes)` });
  const end = Math.min(len, bytes.length);
  const specFields = request ? (commandByCode(code) ? COMMANDS[commandByCode(code)!].request : []) : code === 1 ? [{ name: 'error code', type: 'u8' } as const] : command ? COMMANDS[command].response : [];
  let at = 3;
  for (const f of specFields) {
    if (at >= end) break;
    const size = fieldSize(f.type) ?? end - at;
    const stop = Math.min(end, at + size);
    const value = bytes.subarray(at, stop).reduce((v, x) => v * 256 + x, 0);
    const words = f.name === 'error code' ? describeErrorCode(value) : f.type === 'bytes' ? `${stop - at} bytes` : `${value}`;
    out.push({ kind: 'data', hex: b(at, stop), title: `${f.name} (${f.type}): ${words}` });
    at = stop;
  }
  if (at < end) out.push({ kind: 'data', hex: b(at, end), title: `data, ${end - at} bytes${command === undefined && !request ? ' (the request is not known: not decoded)' : ''}` });
  if (bytes.length > len && len >= 3) {
    const want = crc8(bytes, 0, len);
    out.push({ kind: 'crc', hex: b(len), title: `CRC-8 ${hx(bytes[len]!)}: ${want === bytes[len] ? 'matches bytes 0..LEN-1' : `wrong, bytes 0..LEN-1 give ${hx(want)}`}` });
  }
  if (bytes.length > len + 1 && len >= 3) out.push({ kind: 'extra', hex: b(len + 1, bytes.length), title: `${bytes.length - len - 1} bytes past the end of the frame` });
  return out;
}

/** Decodes transmissions in order, remembering the last request so replies decode as its answer. */
export class FrameReader {
  private lastCommand: CommandName | undefined;

  /**
   * @param boardOf how to name a transmitting bus node ("board 3" is index 3 in the stack), e.g. "board 7"; undefined keeps the node name.
   * @param hardwareOf the hardware version of the board with that ID (readings in units); default 3.
   * @param idOf the ID of a transmitting bus node, if known.
   */
  constructor(
    private readonly boardOf: (node: string) => string | undefined,
    private readonly hardwareOf: (id: number | undefined) => HardwareVersion = () => 3,
    private readonly idOf: (node: string) => number | undefined = () => undefined,
  ) {}

  /** Read one transmission. */
  read(record: TransmissionRecord): FrameRow {
    const bytes = record.received;
    const flags: FrameFlag[] = record.collided ? ['collision'] : [];
    const collision = record.collided ? 'COLLISION: another node transmitted at the same time, so the wire carried a mix of both' : undefined;
    const base = { t: record.end, bytes: hexBytes(bytes) };
    if (record.from === 'host') {
      const decoded = decodeRequest(bytes);
      if (decoded.kind !== 'frame') {
        this.lastCommand = undefined;
        const why = collision ?? (decoded.kind === 'invalid' ? decoded.message : `incomplete, ${decoded.needed} more bytes needed`);
        const command = commandByCode(record.bytes[0] ?? -1);
        return { ...base, from: 'host', id: record.bytes[1], command, fields: annotateBytes(bytes, true, command), direction: `host → board ${bytes[1] ?? '?'}`, summary: `not a request: ${why}`, flags: [...flags, decoded.kind === 'invalid' && decoded.reason === 'crc' ? 'crc' : 'invalid'] };
      }
      const f = decoded.frame;
      this.lastCommand = f.command;
      return { ...base, from: 'host', id: f.id, command: f.command, fields: annotateBytes(bytes, true, f.command), direction: `host → board ${f.id}`, summary: `${f.command} ${fieldsText(f.args as Record<string, unknown>)}`.trim(), flags };
    }
    const id = this.idOf(record.from);
    const direction = `${this.boardOf(record.from) ?? record.from} → host`;
    const command = this.lastCommand;
    const fields = annotateBytes(bytes, false, command);
    const decoded = decodeResponse(bytes, command);
    const row = { ...base, from: 'board' as const, id, command, fields, direction };
    if (decoded.kind !== 'frame') {
      const why = collision ?? (decoded.kind === 'invalid' ? decoded.message : `incomplete, ${decoded.needed} more bytes needed`);
      return { ...row, summary: `not a reply: ${why}`, flags: [...flags, decoded.kind === 'invalid' && decoded.reason === 'crc' ? 'crc' : 'invalid'] };
    }
    const f = decoded.frame;
    if (f.status === 'error') return { ...row, summary: `ERROR ${describeErrorCode(f.code)}`, flags: [...flags, 'error-reply'] };
    const to = f.command === undefined ? '' : ` to ${f.command}`;
    const payload = f.command === undefined ? (f.data.length > 0 ? `data=${hexBytes(f.data)}` : '') : fieldsText(f.payload as Record<string, unknown>);
    const units = f.command === undefined ? undefined : readingInUnits(f.command, f.payload as Record<string, unknown>, this.hardwareOf(id));
    const text = units ? `${units} (${payload})` : payload;
    return { ...row, summary: `${collision ? `${collision}; still decodes as ` : ''}OK${to}${text ? `: ${text}` : ''}`, flags };
  }
}
