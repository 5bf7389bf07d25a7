/**
 * RFC 2217 COM-PORT-OPTION subcommands, pure: the payloads of IAC SB 44 ... IAC SE. A client
 * sends code N, the server answers with code N + 100 and the value now in effect. The Pi Stack
 * bus is 9600 8N1 (PROTOCOL.md section 1), so that is what a client asks for and all a server
 * of a simulated wire accepts.
 */

/** Client-to-server subcommand codes (RFC 2217); a server's answer is the code + SERVER_OFFSET. */
export const COM = {
  SIGNATURE: 0,
  SET_BAUDRATE: 1,
  SET_DATASIZE: 2,
  SET_PARITY: 3,
  SET_STOPSIZE: 4,
  SET_CONTROL: 5,
  NOTIFY_LINESTATE: 6,
  NOTIFY_MODEMSTATE: 7,
  FLOWCONTROL_SUSPEND: 8,
  FLOWCONTROL_RESUME: 9,
  SET_LINESTATE_MASK: 10,
  SET_MODEMSTATE_MASK: 11,
  PURGE_DATA: 12,
} as const;

/** Added to a client's subcommand code in the server's answer. */
export const SERVER_OFFSET = 100;

/** SET-PARITY values: 0 asks, 1 none, 2 odd, 3 even, 4 mark, 5 space. */
export const PARITY = { NONE: 1, ODD: 2, EVEN: 3, MARK: 4, SPACE: 5 } as const;

/** SET-STOPSIZE values: 0 asks, 1 one bit, 2 two bits, 3 one and a half. */
export const STOPSIZE = { ONE: 1, TWO: 2, ONE_AND_HALF: 3 } as const;

/** SET-CONTROL values this project uses (RFC 2217 lists 0..19). */
export const CONTROL = {
  /** Ask which outbound flow control is in effect. */
  QUERY_FLOW: 0,
  NO_FLOW: 1,
  XON_XOFF: 2,
  HARDWARE_FLOW: 3,
  QUERY_BREAK: 4,
  BREAK_ON: 5,
  BREAK_OFF: 6,
  QUERY_DTR: 7,
  DTR_ON: 8,
  DTR_OFF: 9,
  QUERY_RTS: 10,
  RTS_ON: 11,
  RTS_OFF: 12,
  QUERY_INBOUND_FLOW: 13,
  NO_INBOUND_FLOW: 14,
} as const;

/** PURGE-DATA values: 1 the server's receive buffer (toward the client), 2 its transmit buffer (toward the wire), 3 both. */
export const PURGE = { RECEIVE: 1, TRANSMIT: 2, BOTH: 3 } as const;

/** Serial line settings: baud (bit/s), data bits, parity and stop-size codes. */
export interface LineSettings {
  readonly baud: number;
  readonly dataBits: number;
  readonly parity: number;
  readonly stopSize: number;
}

/** The Pi Stack's line: 9600 8N1 (PROTOCOL.md section 1). */
export const PI_STACK_LINE: LineSettings = { baud: 9600, dataBits: 8, parity: PARITY.NONE, stopSize: STOPSIZE.ONE };

/** SET-BAUDRATE payload: the code and the rate as 4 bytes, network order (0 asks). */
export function setBaudrate(baud: number): Uint8Array {
  return Uint8Array.of(COM.SET_BAUDRATE, (baud >>> 24) & 0xff, (baud >>> 16) & 0xff, (baud >>> 8) & 0xff, baud & 0xff);
}

/** A one-byte-value subcommand payload (SET-DATASIZE, SET-PARITY, SET-STOPSIZE, SET-CONTROL, PURGE-DATA, masks). */
export function comByte(code: number, value: number): Uint8Array {
  return Uint8Array.of(code, value & 0xff);
}

/** The four payloads that set a line (baud, data size, parity, stop size), in that order. */
export function lineRequests(line: LineSettings): Uint8Array[] {
  return [setBaudrate(line.baud), comByte(COM.SET_DATASIZE, line.dataBits), comByte(COM.SET_PARITY, line.parity), comByte(COM.SET_STOPSIZE, line.stopSize)];
}

/** A decoded COM-PORT-OPTION payload: the subcommand code (server codes >= 100), its value as a number when it has one, and the raw value bytes. */
export interface ComMessage {
  readonly code: number;
  readonly value: number | undefined;
  readonly raw: Uint8Array;
}

/** Decode a payload; undefined when it is empty. Baud rates are 4 bytes, the other settings 1. */
export function decodeCom(payload: Uint8Array): ComMessage | undefined {
  if (payload.length === 0) return undefined;
  const code = payload[0]!;
  const raw = payload.subarray(1);
  const base = code >= SERVER_OFFSET ? code - SERVER_OFFSET : code;
  let value: number | undefined;
  if (base === COM.SET_BAUDRATE) value = raw.length >= 4 ? ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0 : undefined;
  else if (base !== COM.SIGNATURE) value = raw[0];
  return { code, value, raw };
}

/** Setting names for messages, by client code. */
export const SETTING_NAMES: Readonly<Record<number, string>> = {
  [COM.SET_BAUDRATE]: 'SET-BAUDRATE', [COM.SET_DATASIZE]: 'SET-DATASIZE', [COM.SET_PARITY]: 'SET-PARITY', [COM.SET_STOPSIZE]: 'SET-STOPSIZE',
  [COM.SET_CONTROL]: 'SET-CONTROL', [COM.PURGE_DATA]: 'PURGE-DATA', [COM.SIGNATURE]: 'SIGNATURE',
};

/** A line setting value in words, for messages: "9600 baud", "8 data bits", "parity none", "1 stop bit". */
export function describeSetting(code: number, value: number | undefined): string {
  if (value === undefined) return 'no value';
  if (code === COM.SET_BAUDRATE) return `${value} baud`;
  if (code === COM.SET_DATASIZE) return `${value} data bits`;
  if (code === COM.SET_PARITY) return `parity ${['(ask)', 'none', 'odd', 'even', 'mark', 'space'][value] ?? value}`;
  if (code === COM.SET_STOPSIZE) return `${['(ask)', '1', '2', '1.5'][value] ?? value} stop bit(s)`;
  return String(value);
}
