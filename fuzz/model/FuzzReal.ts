/**
 * The system under test of the model-based run: a board behind any HostPort (the simulator, a
 * serial adapter, tcp://). It sends raw frames through a StackClient without retries, records
 * the session, waits (virtual or real time), and on the simulator injects faults through the
 * control surface (STYLE.md rule 8).
 */
import type { RawOutcome } from '../../bus-protocol/BusClient.ts';
import type { CommandName } from '../../bus-protocol/commands.ts';
import { BYTE_TIME_9600_MS } from '../../bus-protocol/FrameParser.ts';
import { StackClient } from '../../bus-protocol/StackClient.ts';
import type { ByteTransport } from '../../bus-protocol/transport.ts';
import type { SimStack } from '../../board-model/SimStack.ts';
import type { HostPort } from '../../hil/ports.ts';
import type { SessionLog } from '../harness/SessionLog.ts';

/** A board under test and the host's means to talk to it. */
export class FuzzReal {
  readonly client: StackClient;
  /** Wire time of one byte (ms). */
  readonly byteMs = BYTE_TIME_9600_MS;
  /** The simulated stack behind the port, when there is one (faults need it). */
  readonly sim: SimStack | undefined;
  private lastWriteAt = 0;

  constructor(readonly port: HostPort, errorLogSize: number, readonly log: SessionLog | undefined) {
    this.sim = port.sim;
    const clock = port.clock;
    const inner = port.transport;
    log?.begin(clock.now());
    if (log) inner.onData((bytes) => log.chunk('bus', bytes, clock.now()));
    const transport: ByteTransport = {
      description: inner.description,
      write: (bytes) => {
        this.lastWriteAt = clock.now();
        log?.chunk('host', bytes, this.lastWriteAt);
        return inner.write(bytes);
      },
      onData: (l) => inner.onData(l),
      onClose: (l) => inner.onClose(l),
      close: async () => undefined, // the port is closed by its owner
    };
    this.client = new StackClient(transport, { clock, retries: 0, errorLogSize, replyTimeoutMs: port.sim ? 40 : 120 });
  }

  /** Time now on the port's clock (ms). */
  get now(): number {
    return this.port.clock.now();
  }

  /** Send raw bytes once; the outcome and when the first byte went out (ms). */
  async exchange(bytes: Uint8Array, expect?: CommandName): Promise<{ outcome: RawOutcome; sentAt: number }> {
    const outcome = await this.port.run(this.client.requestRaw(bytes, expect));
    return { outcome, sentAt: this.lastWriteAt };
  }

  /** Let `ms` pass (virtual on the simulator, real on hardware). */
  advance(ms: number): Promise<void> {
    return this.port.run(new Promise<void>((resolve) => this.port.clock.setTimeout(resolve, ms)));
  }

  /** The simulator, for faults; throws on hardware (fault commands are only generated with a simulator). */
  get simulator(): SimStack {
    if (!this.sim) throw new Error('this command needs the simulator\'s control surface');
    return this.sim;
  }

  /** Record a fault about to be applied now. */
  fault(name: string, params: Record<string, number | string>): void {
    this.log?.fault(name, params, this.now);
  }
}
