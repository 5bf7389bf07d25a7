/**
 * The bus monitor's reading of one transmission on the wire: direction, decoded request or
 * reply (command, fields, error code), the bytes, and what was wrong (collision, CRC, error
 * reply, invalid frame). Replies are decoded as answers to the last request seen. Browser-safe, pure.
 */
import type { CommandName } from '../bus-protocol/commands.ts';
import { describeErrorCode } from '../bus-protocol/errorCodes.ts';
import { decodeRequest, decodeResponse } from '../bus-protocol/frame.ts';
import type { TransmissionRecord } from '../board-model/Rs485Bus.ts';
import { hexBytes } from './format.ts';

/** What is wrong with a frame, if anything. */
export type FrameFlag = 'collision' | 'error-reply' | 'crc' | 'invalid';

/** One row of the bus monitor. */
export interface MonitorRow {
  /** Virtual time the frame's last byte left (ms). */
  readonly t: number;
  /** "host → board 3" or "board 3 → host". */
  readonly direction: string;
  /** "PI_ON pi=0", "OK to GET_VIN: raw=1234", "ERROR 0x11 CRC_FAILED: …", or why it is not a frame. */
  readonly summary: string;
  /** The bytes as the other nodes received them, hex. */
  readonly bytes: string;
  readonly flags: readonly FrameFlag[];
}

function fieldsText(fields: Record<string, unknown>): string {
  return Object.entries(fields).map(([k, v]) => `${k}=${v instanceof Uint8Array ? hexBytes(v.length > 8 ? v.subarray(0, 8) : v) + (v.length > 8 ? ' …' : '') : String(v)}`).join(' ');
}

/** Decodes transmissions in order, remembering the last request so replies decode as its answer. */
export class FrameReader {
  private lastCommand: CommandName | undefined;

  /** @param boardOf how to name a transmitting bus node ("board 3" is index 3 in the stack), e.g. "board 7"; undefined keeps the node name. */
  constructor(private readonly boardOf: (node: string) => string | undefined) {}

  /** Read one transmission. */
  read(record: TransmissionRecord): MonitorRow {
    const bytes = record.received;
    const flags: FrameFlag[] = record.collided ? ['collision'] : [];
    const base = { t: record.end, bytes: hexBytes(bytes) };
    if (record.from === 'host') {
      const decoded = decodeRequest(bytes);
      if (decoded.kind !== 'frame') {
        this.lastCommand = undefined;
        const why = decoded.kind === 'invalid' ? decoded.message : `incomplete, ${decoded.needed} more bytes needed`;
        return { ...base, direction: `host → board ${bytes[1] ?? '?'}`, summary: `not a request: ${why}`, flags: [...flags, decoded.kind === 'invalid' && decoded.reason === 'crc' ? 'crc' : 'invalid'] };
      }
      const f = decoded.frame;
      this.lastCommand = f.command;
      return { ...base, direction: `host → board ${f.id}`, summary: `${f.command} ${fieldsText(f.args as Record<string, unknown>)}`.trim(), flags };
    }
    const direction = `${this.boardOf(record.from) ?? record.from} → host`;
    const decoded = decodeResponse(bytes, this.lastCommand);
    if (decoded.kind !== 'frame') {
      const why = decoded.kind === 'invalid' ? decoded.message : `incomplete, ${decoded.needed} more bytes needed`;
      return { ...base, direction, summary: `not a reply: ${why}`, flags: [...flags, decoded.kind === 'invalid' && decoded.reason === 'crc' ? 'crc' : 'invalid'] };
    }
    const f = decoded.frame;
    if (f.status === 'error') return { ...base, direction, summary: `ERROR ${describeErrorCode(f.code)}`, flags: [...flags, 'error-reply'] };
    const to = f.command === undefined ? '' : ` to ${f.command}`;
    const payload = f.command === undefined ? (f.data.length > 0 ? `data=${hexBytes(f.data)}` : '') : fieldsText(f.payload as Record<string, unknown>);
    return { ...base, direction, summary: `OK${to}${payload ? `: ${payload}` : ''}`, flags };
  }
}
