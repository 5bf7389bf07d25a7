/**
 * The server side of one RFC 2217 connection (`pistack serve --rfc2217`): a SocketLink with the
 * telnet layer taken off, as a ByteTransport of bus bytes for the PacedLink. On connect it offers
 * BINARY both ways, SGA and COM-PORT-OPTION; it answers the client's options (ECHO and anything
 * unknown refused) and its COM-PORT-OPTION requests (ComPortServer: 9600 8N1 accepted, other
 * settings answered with what stays in effect, SET-CONTROL acknowledged, PURGE-DATA of the
 * transmit buffer empties the FIFO). 0xFF is undoubled on the way in and doubled on the way out.
 *
 * Flow control: while held, data bytes decoded from the socket wait here (in order) and the
 * socket is held; telnet commands in the same chunks are still answered.
 */
import type { ByteTransport } from '../../bus-protocol/transport.ts';
import type { FlowControl } from '../PacedLink.ts';
import { ComPortServer } from '../rfc2217/ComPortServer.ts';
import { PI_STACK_LINE, type LineSettings } from '../rfc2217/comPort.ts';
import { OPTION, TelnetDecoder, escapeIac, subnegotiation, type TelnetEvent } from '../rfc2217/telnet.ts';
import { TelnetOptions } from '../rfc2217/TelnetOptions.ts';
import type { SocketLink } from './SocketLink.ts';

/** The signature a client asking for one gets (COM-PORT-OPTION SIGNATURE). */
export const RFC2217_SIGNATURE = 'pistack serve (simulated Pi Stack bus, 9600 8N1)';

const SUPPORTED = new Set<number>([OPTION.BINARY, OPTION.SGA, OPTION.COM_PORT]);

/** A served RFC 2217 client as a ByteTransport of bus bytes (see the module comment). */
export class Rfc2217ServerLink implements ByteTransport, FlowControl {
  /** The client, e.g. rfc2217 client tcp://127.0.0.1:53122. */
  readonly description: string;
  /** The COM-PORT-OPTION state of this connection. */
  readonly comPort: ComPortServer;
  /** Told when the client purges the transmit buffer (PURGE-DATA 2 or 3), with the bytes waiting here that were dropped. */
  onPurgeTransmit: ((dropped: number) => void) | undefined;
  readonly #link: SocketLink;
  readonly #decoder = new TelnetDecoder();
  readonly #options = new TelnetOptions({ local: SUPPORTED, remote: SUPPORTED });
  readonly #listeners = new Set<(bytes: Uint8Array) => void>();
  readonly #pending: Uint8Array[] = [];
  #held = false;

  /** Take over an accepted connection and offer the options; `line` is the line in effect (default 9600 8N1; tests pass others). */
  constructor(link: SocketLink, line: LineSettings = PI_STACK_LINE) {
    this.#link = link;
    this.comPort = new ComPortServer(RFC2217_SIGNATURE, line);
    this.description = `rfc2217 client ${link.description}`;
    link.onData((chunk) => this.#chunk(chunk));
    this.#send(this.#options.request('remote', OPTION.BINARY), this.#options.request('local', OPTION.BINARY), this.#options.request('local', OPTION.SGA), this.#options.request('local', OPTION.COM_PORT));
  }

  /** Bus bytes to the client, 0xFF doubled. */
  write(bytes: Uint8Array): Promise<void> {
    return this.#link.write(escapeIac(bytes));
  }

  /** Subscribe to bus bytes from the client; returns the unsubscribe function. */
  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Subscribe to the connection closing; returns the unsubscribe function. */
  onClose(listener: (reason: string) => void): () => void {
    return this.#link.onClose(listener);
  }

  /** Close the connection; idempotent. */
  close(): Promise<void> {
    return this.#link.close();
  }

  /** Stop delivering: `rest` first, then everything decoded later, once resumed. */
  hold(rest: Uint8Array): void {
    if (rest.length > 0) this.#pending.unshift(rest);
    if (this.#held) return;
    this.#held = true;
    this.#link.hold(new Uint8Array(0));
  }

  /** Deliver the bytes waiting here, then read the socket again (unless held again meanwhile). */
  resume(): void {
    if (!this.#held) return;
    this.#held = false;
    queueMicrotask(() => {
      while (!this.#held && this.#pending.length > 0) this.#deliver(this.#pending.shift()!);
      if (!this.#held) this.#link.resume();
    });
  }

  #chunk(chunk: Uint8Array): void {
    for (const event of this.#decoder.push(chunk)) this.#event(event);
  }

  #event(event: TelnetEvent): void {
    if (event.kind === 'data') {
      if (this.#held || this.#pending.length > 0) this.#pending.push(event.bytes);
      else this.#deliver(event.bytes);
    } else if (event.kind === 'option') {
      this.#send(this.#options.receive(event.verb, event.option).reply);
    } else if (event.kind === 'sub' && event.option === OPTION.COM_PORT) {
      const answer = this.comPort.answer(event.payload);
      if (answer.reply) this.#send(subnegotiation(OPTION.COM_PORT, answer.reply));
      if (answer.purge !== undefined && answer.purge >= 2) {
        const dropped = this.#pending.reduce((n, b) => n + b.length, 0);
        this.#pending.length = 0;
        this.onPurgeTransmit?.(dropped);
      }
    }
  }

  #deliver(bytes: Uint8Array): void {
    for (const listener of [...this.#listeners]) listener(bytes);
  }

  #send(...parts: Uint8Array[]): void {
    for (const bytes of parts) if (bytes.length > 0) this.#link.write(bytes).catch(() => undefined);
  }
}
