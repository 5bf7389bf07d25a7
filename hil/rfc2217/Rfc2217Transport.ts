/**
 * ByteTransport over RFC 2217 (telnet COM-PORT-OPTION), Node only: a serial port exported over
 * the network by ser2net (`accepter: telnet(rfc2217),...`, what labgrid exporters run),
 * `pistack serve --rfc2217`, or any other RFC 2217 server. `--port rfc2217://HOST:PORT`.
 *
 * Opening: TCP connect (TcpTransport, so connect errors and a busy `pistack serve` read as they
 * do for tcp://), then telnet negotiation: BINARY both ways (bus bytes are binary), SGA, and
 * COM-PORT-OPTION, then the line is set to 9600 8N1 and each answer checked: a server answering
 * another baud rate (or data size, parity, stop size) is refused with an error saying which.
 * SET-CONTROL "no flow control" is sent but its answer is not awaited: a PTY behind ser2net has
 * no modem lines and ser2net then never answers (TOOLCHAIN.md).
 *
 * Data: 0xFF is doubled on the way out and undoubled on the way in (telnet.ts); telnet commands
 * the server sends later (modem state notifications, option changes) are answered or noted and
 * never reach the data listeners. Reconnecting after the server restarts is the caller's
 * (openPort again: `bench` does it with reopenPort), as for tcp://.
 */
import { ArgumentError } from '../../bus-protocol/errors.ts';
import { LinkTransport } from '../LinkTransport.ts';
import { openTcpTransport, TcpConnectError, type TcpTransport } from '../TcpTransport.ts';
import { COM, CONTROL, PI_STACK_LINE, SERVER_OFFSET, SETTING_NAMES, comByte, decodeCom, describeSetting, lineRequests, type LineSettings } from './comPort.ts';
import { TelnetDecoder, escapeIac, subnegotiation, OPTION, type TelnetEvent } from './telnet.ts';
import { TelnetOptions, type OptionSide } from './TelnetOptions.ts';

/** Where to connect and how patient to be. */
export interface Rfc2217TransportOptions {
  /** Host name or address. */
  host: string;
  /** TCP port, 1..65535. */
  port: number;
  /** Give up connecting after this many ms (default 3000). */
  connectTimeoutMs?: number;
  /** Give up on the server's answers (options, line settings) after this many ms; default DEFAULT_NEGOTIATION_TIMEOUT_MS. */
  negotiationTimeoutMs?: number;
  /** The line to ask for; default 9600 8N1. */
  line?: LineSettings;
}

/** Default negotiation timeout, ms: more than `pistack serve`'s 1 s handover, so its busy verdict arrives first. */
export const DEFAULT_NEGOTIATION_TIMEOUT_MS = 3000;

/** `rfc2217://host:port`, IPv6 addresses in brackets. */
export function rfc2217Url(host: string, port: number): string {
  return `rfc2217://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The server answered, but not as an RFC 2217 serial port at 9600 8N1 can (code ENEGOTIATE, ETIMEDOUT or ESETTING). */
export class Rfc2217Error extends TcpConnectError {
  override name = 'Rfc2217Error';
}

/** Options both ends may enable: BINARY, SGA and COM-PORT-OPTION. */
const SUPPORTED = new Set<number>([OPTION.BINARY, OPTION.SGA, OPTION.COM_PORT]);

const OPTION_NAMES: Readonly<Record<number, string>> = { [OPTION.BINARY]: 'BINARY', [OPTION.SGA]: 'SGA', [OPTION.COM_PORT]: 'COM-PORT-OPTION', [OPTION.ECHO]: 'ECHO' };

/** An RFC 2217 link (see the module comment); made by openRfc2217Transport. */
export class Rfc2217Transport extends LinkTransport {
  /** Line settings the server answered, by client subcommand code. */
  readonly answers = new Map<number, number | undefined>();
  /** The last NOTIFY-MODEMSTATE value from the server, if any. */
  modemState: number | undefined;
  readonly #tcp: TcpTransport;
  readonly #decoder = new TelnetDecoder();
  readonly #options = new TelnetOptions({ local: SUPPORTED, remote: SUPPORTED });
  readonly #wakers = new Set<() => void>();

  /** Wrap a connected TCP link; negotiate() must run before it carries bus bytes. */
  constructor(tcp: TcpTransport, description: string) {
    super(description);
    this.#tcp = tcp;
    tcp.onData((chunk) => this.#chunk(chunk));
    tcp.onClose((reason) => {
      this.gone(reason);
      this.#wake();
    });
  }

  /** The server's verdict on a client that heard nothing from it (TcpTransport.refusal). */
  refusal(): Promise<Error | undefined> {
    return this.#tcp.refusal();
  }

  /** Negotiate the options and set the line; rejects with Rfc2217Error (or the busy verdict) saying what failed. */
  async negotiate(line: LineSettings, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    const sides: Array<[OptionSide, number]> = [['local', OPTION.BINARY], ['remote', OPTION.BINARY], ['local', OPTION.SGA], ['remote', OPTION.SGA], ['local', OPTION.COM_PORT]];
    for (const [side, option] of sides) await this.#send(this.#options.request(side, option));
    for (const [side, option] of [['local', OPTION.COM_PORT], ['local', OPTION.BINARY], ['remote', OPTION.BINARY]] as Array<[OptionSide, number]>) {
      const what = `${side === 'local' ? 'DO' : 'WILL'} ${OPTION_NAMES[option]}`;
      await this.#until(() => this.#options.state(side, option) !== 'wantyes', `its answer to ${side === 'local' ? 'WILL' : 'DO'} ${OPTION_NAMES[option]}`, deadline);
      if (!this.#options.enabled(side, option)) {
        const hint = option === OPTION.COM_PORT ? ': it is not an RFC 2217 server (a raw TCP serial port is tcp://HOST:PORT; ser2net needs "accepter: telnet(rfc2217),...")' : '';
        throw new Rfc2217Error('ENEGOTIATE', this.description, `${this.description}: the server refused ${what.replace(/^(DO|WILL) /, '')} (it did not answer ${what})${hint}`);
      }
    }
    const requests = lineRequests(line);
    for (const request of requests) {
      const code = request[0]!;
      this.answers.delete(code);
      await this.#send(subnegotiation(OPTION.COM_PORT, request));
    }
    for (const request of requests) {
      const code = request[0]!;
      const wanted = decodeCom(request)!.value;
      await this.#until(() => this.answers.has(code), `its answer to ${SETTING_NAMES[code]}`, deadline);
      const answered = this.answers.get(code);
      if (answered !== wanted) {
        throw new Rfc2217Error('ESETTING', this.description, `${this.description}: the server refused ${describeSetting(code, wanted)} (${SETTING_NAMES[code]} answered ${describeSetting(code, answered)}); the Pi Stack bus is 9600 8N1`);
      }
    }
    // Answer not awaited: servers behind a PTY never acknowledge modem-line requests.
    await this.#send(subnegotiation(OPTION.COM_PORT, comByte(COM.SET_CONTROL, CONTROL.NO_FLOW)));
  }

  /** 0xFF doubled, then onto the socket. */
  protected send(bytes: Uint8Array, done: (error: Error | null | undefined) => void): void {
    this.#tcp.write(escapeIac(bytes)).then(() => done(null), done);
  }

  /** Close the TCP connection; idempotent. */
  close(): Promise<void> {
    return this.#tcp.close();
  }

  #send(bytes: Uint8Array): Promise<void> {
    return bytes.length === 0 ? Promise.resolve() : this.#tcp.write(bytes);
  }

  #chunk(chunk: Uint8Array): void {
    for (const event of this.#decoder.push(chunk)) this.#event(event);
    this.#wake();
  }

  #event(event: TelnetEvent): void {
    if (event.kind === 'data') return this.received(event.bytes);
    if (event.kind === 'option') {
      const change = this.#options.receive(event.verb, event.option);
      if (change.reply.length > 0) void this.#send(change.reply).catch(() => undefined);
      return;
    }
    if (event.kind !== 'sub' || event.option !== OPTION.COM_PORT) return;
    const message = decodeCom(event.payload);
    if (message === undefined || message.code < SERVER_OFFSET) return;
    const code = message.code - SERVER_OFFSET;
    if (code === COM.NOTIFY_MODEMSTATE) this.modemState = message.value;
    else this.answers.set(code, message.value);
  }

  /** Wait until `done()` holds, failing when the link goes (the busy verdict first) or the deadline passes. */
  async #until(done: () => boolean, what: string, deadline: number): Promise<void> {
    while (!done()) {
      if (this.goneReason !== undefined) {
        const refusal = await this.#tcp.refusal();
        if (refusal instanceof TcpConnectError) throw refusal;
        throw new Rfc2217Error('ENEGOTIATE', this.description, `${this.description}: the server closed the connection while waiting for ${what} (${this.goneReason})`);
      }
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new Rfc2217Error('ETIMEDOUT', this.description, `${this.description}: RFC 2217 negotiation timed out waiting for ${what} (is it an RFC 2217 server? a raw TCP serial port is tcp://HOST:PORT)`);
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#wakers.add(wake);
      });
    }
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }
}

/** Connect to an RFC 2217 server and negotiate 9600 8N1; rejects with TcpConnectError / Rfc2217Error naming the rfc2217:// URL and what failed. */
export async function openRfc2217Transport(options: Rfc2217TransportOptions): Promise<Rfc2217Transport> {
  const { host, port, connectTimeoutMs, negotiationTimeoutMs = DEFAULT_NEGOTIATION_TIMEOUT_MS, line = PI_STACK_LINE } = options;
  if (!Number.isFinite(negotiationTimeoutMs) || negotiationTimeoutMs <= 0) {
    throw new ArgumentError('negotiationTimeoutMs', `must be a number of ms > 0, got ${String(negotiationTimeoutMs)}`);
  }
  const url = rfc2217Url(host, port);
  const tcp = await openTcpTransport({ host, port, url, ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }) });
  const transport = new Rfc2217Transport(tcp, url);
  try {
    await transport.negotiate(line, negotiationTimeoutMs);
  } catch (error) {
    await transport.close();
    throw error;
  }
  return transport;
}

