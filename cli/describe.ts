/** Human-readable and JSON descriptions of decoded frames, shared by the decode and demo commands. */
import {
  describeErrorCode, ERROR_CODES, rawPowerToWatts, rawToUnits, toHex,
  type CommandName, type PowerReading, type Reading, type RequestFrame, type ResponseFrame,
} from '../bus-protocol/index.ts';

/** Fields as "name=value" pairs; byte fields as spaced hex. */
export function formatFields(fields: Readonly<Record<string, number | Uint8Array>>): string {
  return Object.entries(fields)
    .map(([name, value]) => `${name}=${value instanceof Uint8Array ? (value.length ? toHex(value) : '(empty)') : value}`)
    .join(' ');
}

/** Readings whose raw value has one physical meaning regardless of hardware version (PROTOCOL.md section 7). */
const UNITS: Partial<Record<CommandName, { reading: Reading } | { power: PowerReading }>> = {
  GET_VIN: { reading: 'vin' },
  GET_CIN: { reading: 'cin' },
  GET_5V: { reading: 'rail5v' },
  GET_PI_V: { reading: 'piV' },
  GET_PI_C: { reading: 'piC' },
  GET_POWER: { power: 'input' },
  GET_5V_POWER: { power: 'rail5v' },
  GET_PI_POWER: { power: 'pi' },
};

/** The physical value of a raw reading, e.g. "2.195 V"; Pi voltage and power assume hardware v3. */
export function physicalValue(command: CommandName, raw: number): string | undefined {
  const unit = UNITS[command];
  if (!unit) return undefined;
  const hwNote = command === 'GET_PI_V' || command === 'GET_PI_POWER' ? ' on hw v3' : '';
  if ('reading' in unit) {
    const value = rawToUnits(unit.reading, raw);
    return `${value.toFixed(3)} ${unit.reading === 'cin' || unit.reading === 'piC' ? 'A' : 'V'}${hwNote}`;
  }
  return `${rawPowerToWatts(unit.power, raw).toFixed(3)} W${hwNote}`;
}

/** "request PI_ON to board 0: pi=1". */
export function describeRequest(frame: RequestFrame): string {
  const args = formatFields(frame.args as Record<string, number | Uint8Array>);
  return `request ${frame.command} to board ${frame.id}${args ? `: ${args}` : ''}`;
}

/**
 * "response OK, payload 04 (as GET_SW_VERSION: version=4)", "response OK, no payload",
 * "response ERROR 0x12 UNKNOWN_COMMAND: unknown command". `note` is appended in parentheses.
 */
export function describeResponse(frame: ResponseFrame, note?: string): string {
  if (frame.status === 'error') return `response ERROR ${describeErrorCode(frame.code)}${note ? ` (${note})` : ''}`;
  const head = frame.data.length ? `response OK, payload ${toHex(frame.data)}` : 'response OK, no payload';
  const parts: string[] = [];
  if (frame.command !== undefined) {
    const payload = frame.payload as Record<string, number | Uint8Array>;
    const raw = payload['raw'];
    const physical = typeof raw === 'number' ? physicalValue(frame.command, raw) : undefined;
    const fields = formatFields(payload);
    parts.push(`as ${frame.command}${fields ? `: ${fields}` : ''}${physical ? ` = ${physical}` : ''}`);
  }
  if (note) parts.push(note);
  return parts.length ? `${head} (${parts.join('; ')})` : head;
}

/** JSON shape of a decoded frame, with its byte offset in the input. */
export type FrameJson =
  | { offset: number; kind: 'request'; command: CommandName; code: number; id: number; args: Record<string, number | Uint8Array>; hex: string }
  | { offset: number; kind: 'response'; status: 'ok'; payload: string; as: CommandName | null; fields: Record<string, number | Uint8Array> | null; note?: string; hex: string }
  | { offset: number; kind: 'response'; status: 'error'; code: number; name: string | null; description: string | null; hex: string };

/** A decoded frame as JSON. */
export function frameJson(offset: number, frame: RequestFrame | ResponseFrame, note?: string): FrameJson {
  const hex = toHex(frame.bytes);
  if (frame.kind === 'request') {
    return { offset, kind: 'request', command: frame.command, code: frame.code, id: frame.id, args: frame.args as Record<string, number | Uint8Array>, hex };
  }
  if (frame.status === 'error') {
    const known = (ERROR_CODES as Record<number, { name: string; description: string } | undefined>)[frame.code];
    return { offset, kind: 'response', status: 'error', code: frame.code, name: known?.name ?? null, description: known?.description ?? null, hex };
  }
  const fields = frame.command === undefined ? null : (frame.payload as Record<string, number | Uint8Array>);
  return { offset, kind: 'response', status: 'ok', payload: toHex(frame.data), as: frame.command ?? null, fields, ...(note ? { note } : {}), hex };
}
