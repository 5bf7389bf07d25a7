/**
 * The telnet byte stream under RFC 2217 (RFC 854, 855), as a pure codec: no sockets, no timers.
 * Data bytes travel as they are except 0xFF (IAC), which is doubled; commands are IAC followed
 * by a code: an option verb (WILL, WONT, DO, DONT) and an option number, or a subnegotiation
 * IAC SB option payload IAC SE (with 0xFF doubled inside the payload too). Every Pi Stack reply
 * carries 0xFF (its address byte toward the master), so the doubling must be right both ways.
 *
 * TelnetDecoder takes the stream in chunks split anywhere (inside an IAC pair, a command, a
 * subnegotiation) and returns what the chunk completed. Binary mode is assumed both ways (RFC 856,
 * negotiated by both of our ends), so CR is an ordinary byte.
 */

/** Telnet command codes (RFC 854). */
export const TELNET = {
  /** Interpret As Command: starts every command; doubled as a data byte. */
  IAC: 0xff,
  DONT: 0xfe,
  DO: 0xfd,
  WONT: 0xfc,
  WILL: 0xfb,
  /** Subnegotiation begin / end. */
  SB: 0xfa,
  SE: 0xf0,
  NOP: 0xf1,
} as const;

/** Telnet options this project negotiates: BINARY (RFC 856), ECHO (857), SGA (858), COM-PORT-OPTION (RFC 2217). */
export const OPTION = { BINARY: 0, ECHO: 1, SGA: 3, COM_PORT: 44 } as const;

/** An option verb byte. */
export type OptionVerb = typeof TELNET.WILL | typeof TELNET.WONT | typeof TELNET.DO | typeof TELNET.DONT;

/** What a stretch of the telnet stream carried. */
export type TelnetEvent =
  | { readonly kind: 'data'; readonly bytes: Uint8Array }
  | { readonly kind: 'option'; readonly verb: OptionVerb; readonly option: number }
  | { readonly kind: 'sub'; readonly option: number; readonly payload: Uint8Array }
  | { readonly kind: 'command'; readonly code: number };

/** Longest subnegotiation payload kept (bytes); the rest of a longer one is dropped (RFC 2217 needs at most a few). */
export const MAX_SUB_BYTES = 256;

type State = 'data' | 'iac' | 'verb' | 'sbOption' | 'sb' | 'sbIac';

/** Splits a telnet byte stream into data and commands, chunk by chunk (see the module comment). */
export class TelnetDecoder {
  #state: State = 'data';
  #verb: OptionVerb = TELNET.WILL;
  #option = 0;
  #sub: number[] = [];

  /** Decode one chunk; returns the events it completed, in order (adjacent data merged). */
  push(chunk: Uint8Array): TelnetEvent[] {
    const events: TelnetEvent[] = [];
    let data: number[] = [];
    const flush = () => {
      if (data.length > 0) events.push({ kind: 'data', bytes: Uint8Array.from(data) });
      data = [];
    };
    const emit = (event: TelnetEvent) => {
      flush();
      events.push(event);
    };
    for (const byte of chunk) {
      switch (this.#state) {
        case 'data':
          if (byte === TELNET.IAC) this.#state = 'iac';
          else data.push(byte);
          break;
        case 'iac':
          this.#afterIac(byte, data, emit);
          break;
        case 'verb':
          this.#state = 'data';
          emit({ kind: 'option', verb: this.#verb, option: byte });
          break;
        case 'sbOption':
          this.#option = byte;
          this.#sub = [];
          this.#state = 'sb';
          break;
        case 'sb':
          if (byte === TELNET.IAC) this.#state = 'sbIac';
          else this.#keep(byte);
          break;
        case 'sbIac':
          if (byte === TELNET.IAC) {
            this.#keep(byte);
            this.#state = 'sb';
            break;
          }
          // IAC SE ends it; any other command also ends a subnegotiation its sender forgot to close.
          emit({ kind: 'sub', option: this.#option, payload: Uint8Array.from(this.#sub) });
          this.#sub = [];
          if (byte === TELNET.SE) this.#state = 'data';
          else this.#afterIac(byte, data, emit);
          break;
      }
    }
    flush();
    return events;
  }

  #afterIac(byte: number, data: number[], emit: (event: TelnetEvent) => void): void {
    this.#state = 'data';
    if (byte === TELNET.IAC) data.push(byte);
    else if (byte === TELNET.WILL || byte === TELNET.WONT || byte === TELNET.DO || byte === TELNET.DONT) {
      this.#verb = byte;
      this.#state = 'verb';
    } else if (byte === TELNET.SB) this.#state = 'sbOption';
    else emit({ kind: 'command', code: byte });
  }

  #keep(byte: number): void {
    if (this.#sub.length < MAX_SUB_BYTES) this.#sub.push(byte);
  }
}

/** Data bytes for the telnet stream: every 0xFF doubled (returns the input when it has none). */
export function escapeIac(bytes: Uint8Array): Uint8Array {
  let count = 0;
  for (const b of bytes) if (b === TELNET.IAC) count++;
  if (count === 0) return bytes;
  const out = new Uint8Array(bytes.length + count);
  let j = 0;
  for (const b of bytes) {
    out[j++] = b;
    if (b === TELNET.IAC) out[j++] = b;
  }
  return out;
}

/** IAC verb option: 3 bytes. */
export function optionCommand(verb: OptionVerb, option: number): Uint8Array {
  return Uint8Array.of(TELNET.IAC, verb, option);
}

/** IAC SB option payload IAC SE, with 0xFF in the payload doubled. */
export function subnegotiation(option: number, payload: Uint8Array | readonly number[]): Uint8Array {
  const body = escapeIac(Uint8Array.from(payload));
  const out = new Uint8Array(body.length + 5);
  out.set([TELNET.IAC, TELNET.SB, option]);
  out.set(body, 3);
  out.set([TELNET.IAC, TELNET.SE], body.length + 3);
  return out;
}

/** The stream bytes of one event (the inverse of TelnetDecoder for a single event). */
export function encodeEvent(event: TelnetEvent): Uint8Array {
  switch (event.kind) {
    case 'data':
      return escapeIac(event.bytes);
    case 'option':
      return optionCommand(event.verb, event.option);
    case 'sub':
      return subnegotiation(event.option, event.payload);
    case 'command':
      return Uint8Array.of(TELNET.IAC, event.code);
  }
}

/** A verb's name for messages: WILL, WONT, DO, DONT. */
export function verbName(verb: OptionVerb): string {
  return verb === TELNET.WILL ? 'WILL' : verb === TELNET.WONT ? 'WONT' : verb === TELNET.DO ? 'DO' : 'DONT';
}
