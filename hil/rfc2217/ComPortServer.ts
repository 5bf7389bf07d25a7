/**
 * The server's half of COM-PORT-OPTION (RFC 2217) for a fixed 9600 8N1 line, pure: each client
 * subcommand gets its answer. Line settings are not changeable: a request for 9600 8N1 (or a
 * query, value 0) is answered with it, any other request with what stays in effect, which tells
 * the client its request was refused. SET-CONTROL is acknowledged: DTR, RTS and BREAK are
 * remembered and echoed (a simulated wire has no modem lines to drive), flow control stays off.
 */
import { COM, CONTROL, PI_STACK_LINE, SERVER_OFFSET, comByte, decodeCom, setBaudrate, type LineSettings } from './comPort.ts';

/** Modem state reported to NOTIFY-MODEMSTATE: CD, DSR and CTS on (0x80 | 0x20 | 0x10): a cable plugged in. */
export const MODEM_STATE = 0xb0;

/** Line state reported to NOTIFY-LINESTATE: both transmit registers empty (0x40 | 0x20). */
export const LINE_STATE = 0x60;

/** What to do about one client subcommand. */
export interface ComAnswer {
  /** The answer's payload (code + 100 and value), or undefined when none is due. */
  readonly reply: Uint8Array | undefined;
  /** PURGE-DATA: which buffers to throw away (1 receive, 2 transmit, 3 both). */
  readonly purge?: number;
}

/** COM-PORT-OPTION state of one served connection. */
export class ComPortServer {
  /** The line in effect (always 9600 8N1 here). */
  readonly line: LineSettings;
  #dtr = true;
  #rts = true;
  #break = false;
  /** Signature sent to a client that asks for it. */
  readonly signature: string;

  /** A server for the given line (default the Pi Stack's 9600 8N1). */
  constructor(signature: string, line: LineSettings = PI_STACK_LINE) {
    this.signature = signature;
    this.line = line;
  }

  /** Answer one COM-PORT-OPTION payload from the client. */
  answer(payload: Uint8Array): ComAnswer {
    const message = decodeCom(payload);
    if (message === undefined || message.code >= SERVER_OFFSET) return { reply: undefined };
    const { code, value } = message;
    const reply = (v: number) => ({ reply: comByte(code + SERVER_OFFSET, v) });
    switch (code) {
      case COM.SIGNATURE:
        return { reply: message.raw.length === 0 ? Uint8Array.of(COM.SIGNATURE + SERVER_OFFSET, ...new TextEncoder().encode(this.signature)) : undefined };
      case COM.SET_BAUDRATE: {
        const answer = setBaudrate(this.line.baud);
        answer[0] = COM.SET_BAUDRATE + SERVER_OFFSET;
        return { reply: answer };
      }
      case COM.SET_DATASIZE:
        return reply(this.line.dataBits);
      case COM.SET_PARITY:
        return reply(this.line.parity);
      case COM.SET_STOPSIZE:
        return reply(this.line.stopSize);
      case COM.SET_CONTROL:
        return reply(this.#control(value ?? CONTROL.QUERY_FLOW));
      case COM.NOTIFY_LINESTATE:
        return reply(LINE_STATE);
      case COM.NOTIFY_MODEMSTATE:
        return reply(MODEM_STATE);
      case COM.SET_LINESTATE_MASK:
      case COM.SET_MODEMSTATE_MASK:
        return reply(value ?? 0);
      case COM.PURGE_DATA:
        return value !== undefined && value >= 1 && value <= 3 ? { ...reply(value), purge: value } : { reply: undefined };
      default:
        return { reply: undefined }; // FLOWCONTROL-SUSPEND/RESUME and unknown codes: nothing to answer
    }
  }

  /** Apply a SET-CONTROL value and return what is in effect for that group (RFC 2217 values 0..19). */
  #control(value: number): number {
    switch (value) {
      case CONTROL.BREAK_ON:
      case CONTROL.BREAK_OFF:
        this.#break = value === CONTROL.BREAK_ON;
        return value;
      case CONTROL.QUERY_BREAK:
        return this.#break ? CONTROL.BREAK_ON : CONTROL.BREAK_OFF;
      case CONTROL.DTR_ON:
      case CONTROL.DTR_OFF:
        this.#dtr = value === CONTROL.DTR_ON;
        return value;
      case CONTROL.QUERY_DTR:
        return this.#dtr ? CONTROL.DTR_ON : CONTROL.DTR_OFF;
      case CONTROL.RTS_ON:
      case CONTROL.RTS_OFF:
        this.#rts = value === CONTROL.RTS_ON;
        return value;
      case CONTROL.QUERY_RTS:
        return this.#rts ? CONTROL.RTS_ON : CONTROL.RTS_OFF;
      default:
        // Outbound (0..3, 17..19) and inbound (13..16) flow control: none, whatever was asked.
        return value >= CONTROL.QUERY_INBOUND_FLOW && value <= 16 ? CONTROL.NO_INBOUND_FLOW : CONTROL.NO_FLOW;
    }
  }
}
