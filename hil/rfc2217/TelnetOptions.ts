/**
 * Telnet option negotiation for one connection (RFC 855, with RFC 1143's "Q method" states so
 * that two ends never loop acknowledging each other): pure, it only says what to send.
 *
 * Each option has two sides: `local` (we perform it: WILL/WONT from us, DO/DONT from the peer)
 * and `remote` (the peer performs it: DO/DONT from us, WILL/WONT from the peer). The policy says
 * which options each side may enable; a request for anything else is refused.
 */
import { TELNET, optionCommand, type OptionVerb } from './telnet.ts';

/** Which options may be enabled on each side. */
export interface OptionPolicy {
  /** Options we agree to perform (we answer DO with WILL). */
  readonly local: ReadonlySet<number>;
  /** Options we agree to let the peer perform (we answer WILL with DO). */
  readonly remote: ReadonlySet<number>;
}

/** One side of one option: off, on, or a request of ours awaiting its answer. */
export type OptionState = 'no' | 'yes' | 'wantyes' | 'wantno';

/** Which side of an option. */
export type OptionSide = 'local' | 'remote';

/** What a received verb changed. */
export interface OptionChange {
  readonly side: OptionSide;
  readonly option: number;
  /** The new state. */
  readonly state: OptionState;
  /** True when this answered a request of ours with a no. */
  readonly refused: boolean;
  /** Bytes to send back (empty when no answer is due). */
  readonly reply: Uint8Array;
}

const NONE: Uint8Array = new Uint8Array(0);

/** Option states of one connection (see the module comment). */
export class TelnetOptions {
  readonly #policy: OptionPolicy;
  readonly #states = { local: new Map<number, OptionState>(), remote: new Map<number, OptionState>() };

  /** Start with every option off. */
  constructor(policy: OptionPolicy) {
    this.#policy = policy;
  }

  /** The state of one side of an option. */
  state(side: OptionSide, option: number): OptionState {
    return this.#states[side].get(option) ?? 'no';
  }

  /** True when the option is enabled on that side. */
  enabled(side: OptionSide, option: number): boolean {
    return this.state(side, option) === 'yes';
  }

  /** Ask to enable an option (WILL for local, DO for remote); returns the bytes to send (none if already on or asked). */
  request(side: OptionSide, option: number): Uint8Array {
    if (this.state(side, option) !== 'no') return NONE;
    this.#states[side].set(option, 'wantyes');
    return optionCommand(side === 'local' ? TELNET.WILL : TELNET.DO, option);
  }

  /** Handle a verb from the peer: the new state and what to answer. */
  receive(verb: OptionVerb, option: number): OptionChange {
    const side: OptionSide = verb === TELNET.DO || verb === TELNET.DONT ? 'local' : 'remote';
    const yes = verb === TELNET.DO || verb === TELNET.WILL;
    const [accept, decline] = side === 'local' ? [TELNET.WILL, TELNET.WONT] as const : [TELNET.DO, TELNET.DONT] as const;
    const before = this.state(side, option);
    let after: OptionState = before;
    let reply: Uint8Array = NONE;
    let refused = false;
    if (yes) {
      if (before === 'no') {
        if (this.#policy[side].has(option)) {
          after = 'yes';
          reply = optionCommand(accept, option);
        } else reply = optionCommand(decline, option);
      } else if (before === 'wantyes') after = 'yes';
      else if (before === 'wantno') after = 'no'; // RFC 1143: our "no" was answered with a yes; it is off
    } else {
      if (before === 'yes') {
        after = 'no';
        reply = optionCommand(decline, option);
      } else if (before === 'wantyes') {
        after = 'no';
        refused = true;
      } else if (before === 'wantno') after = 'no';
    }
    this.#states[side].set(option, after);
    return { side, option, state: after, refused, reply };
  }
}
