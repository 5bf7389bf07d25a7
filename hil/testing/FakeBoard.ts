/**
 * Test double (hil/testing only, never shipped): a scripted board on the far side of a
 * SerialPortMock port. It hands out a binding that wraps `SerialPortMock.binding` (never
 * '@serialport/binding-mock' directly, TOOLCHAIN.md): when the host opens the port, the board
 * wraps the opened MockPortBinding's write() to see every request and answers through
 * emitData(), so the host side is the real SerialTransport over a real SerialPortStream.
 * Every board has its own port path, so there is no shared mock state and no reset().
 */
import { SerialPortMock } from 'serialport';
import type { SerialBinding } from '../SerialTransport.ts';

type MockPort = Awaited<ReturnType<typeof SerialPortMock.binding.open>>;

/**
 * What the board does with one request: reply bytes as one chunk, a list of chunks (each
 * emitted on its own event-loop turn), or undefined for silence.
 */
export type FakeAnswer = Uint8Array | readonly Uint8Array[] | undefined;

/** Decides the answer to each request the host writes. */
export type FakeBoardScript = (request: Uint8Array, board: FakeBoard) => FakeAnswer;

/** Settings of the mock port. */
export interface FakeBoardOptions {
  /** Largest chunk one host read returns, bytes (SerialPortMock's maxReadSize); default 1024. */
  maxReadSize?: number;
}

let boards = 0;

/** A scripted board behind its own SerialPortMock port. */
export class FakeBoard {
  /** Unique mock device path of this board. */
  readonly path: string;
  /** Pass this as `binding` to openSerialTransport({ path, binding }). */
  readonly binding: SerialBinding;
  /** Every request the host wrote, in order. */
  readonly requests: Uint8Array[] = [];
  /** The script; default silence. */
  script: FakeBoardScript;
  private port: MockPort | undefined;
  private unplugNow: ((error: Error) => void) | undefined;
  private readonly waiting: Array<{ count: number; resolve: () => void }> = [];

  constructor(script: FakeBoardScript = () => undefined, options: FakeBoardOptions = {}) {
    this.script = script;
    this.path = `/dev/fake-pistack-${process.pid}-${++boards}`;
    const mock = SerialPortMock.binding;
    mock.createPort(this.path, { echo: false, record: false, maxReadSize: options.maxReadSize ?? 1024 });
    this.binding = {
      list: () => mock.list(),
      open: async (openOptions) => this.attach(await mock.open(openOptions)),
    };
  }

  /** Resolves once the host has written at least `count` requests in total. */
  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ count, resolve }));
  }

  /** Send bytes to the host now, as one chunk (the host may still read them in maxReadSize pieces). */
  emit(bytes: Uint8Array): void {
    if (this.port?.isOpen) this.port.emitData(Buffer.from(bytes));
  }

  /**
   * Pull the adapter out: the host's pending read fails with `reason`, which node-serialport
   * turns into a 'close' event carrying a DisconnectedError.
   */
  unplug(reason = 'adapter disconnected'): void {
    this.unplugNow?.(new Error(reason));
  }

  private attach(port: MockPort): MockPort {
    this.port = port;
    const unplugged = new Promise<never>((_resolve, reject) => (this.unplugNow = reject));
    unplugged.catch(() => undefined); // only reads observe it
    const read = port.read.bind(port);
    port.read = (buffer, offset, length) => Promise.race([read(buffer, offset, length), unplugged]);
    const write = port.write.bind(port);
    port.write = async (buffer) => {
      await write(buffer);
      this.onRequest(Uint8Array.from(buffer));
    };
    return port;
  }

  private onRequest(request: Uint8Array): void {
    this.requests.push(request);
    for (const w of this.waiting.splice(0)) {
      if (this.requests.length >= w.count) w.resolve();
      else this.waiting.push(w);
    }
    const answer = this.script(request, this);
    if (answer === undefined) return;
    const chunks: readonly Uint8Array[] = answer instanceof Uint8Array ? [answer] : answer;
    const emitFrom = (i: number): void => {
      const chunk = chunks[i];
      if (chunk === undefined) return;
      this.emit(chunk);
      setImmediate(() => emitFrom(i + 1));
    };
    emitFrom(0);
  }
}

/** A copy of a frame with its CRC byte flipped (what two boards answering at once look like to the host). */
export function garble(frame: Uint8Array): Uint8Array {
  const copy = frame.slice();
  copy[copy.length - 1]! ^= 0x5a;
  return copy;
}
