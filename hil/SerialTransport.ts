/**
 * ByteTransport over a real serial port (a USB to RS-485 adapter) via node-serialport, Node only.
 * Any serialport binding works: the platform one by default, SerialPortMock.binding in tests.
 * The port is opened at 8N1 (PROTOCOL.md section 1); the adapter does not echo our bytes.
 */
import { SerialPortStream } from '@serialport/stream';
import { ArgumentError } from '../bus-protocol/errors.ts';
import { CLOSED_BY_HOST, LinkTransport } from './LinkTransport.ts';
import { MAIN_THREAD_IO_BINDING } from './mainThreadIo.ts';
import type { FlowControl } from './PacedLink.ts';

/** A node-serialport binding: the platform's (default) or `SerialPortMock.binding` from 'serialport'. */
export type SerialBinding = ConstructorParameters<typeof SerialPortStream>[0]['binding'];

/** Where and how to open the port. */
export interface SerialTransportOptions {
  /** Device path, e.g. /dev/ttyUSB0 or COM3. */
  path: string;
  /** Baud rate in bit/s; default 9600 (PROTOCOL.md section 1). */
  baudRate?: number;
  /** Binding to open it with; default the platform binding of 'serialport' with reads and writes on the main thread (hil/mainThreadIo.ts). */
  binding?: SerialBinding;
  /** Most bytes read ahead into memory while not consumed (the stream's highWaterMark); default 65536. */
  highWaterMark?: number;
}

export { CLOSED_BY_HOST };

/** A ByteTransport over an open node-serialport stream (see openSerialTransport); hold/resume give backpressure (hil/PacedLink.ts). */
export class SerialTransport extends LinkTransport implements FlowControl {
  private hostClosing = false;
  private closing: Promise<void> | undefined;

  /** Wrap an already open stream; its 'data', 'close' and 'error' events drive the transport. */
  constructor(private readonly port: SerialPortStream, description: string) {
    super(description);
    port.on('data', (chunk: Uint8Array) => this.received(chunk));
    // A disconnect arrives as 'close' with serialport's DisconnectedError (message = the OS reason).
    port.on('close', (error: Error | null) => this.gone(this.hostClosing ? CLOSED_BY_HOST : error ? error.message : 'port closed'));
    port.on('error', (error: Error) => {
      this.gone(`serial port error: ${error.message}`);
      if (port.isOpen) port.close();
    });
  }

  /** Stop reading (the writer blocks once the OS buffers are full); `rest` is delivered first after resume(). */
  hold(rest: Uint8Array): void {
    this.port.pause();
    if (rest.length > 0 && this.port.readable) this.port.unshift(Buffer.from(rest));
  }

  /** Read again. */
  resume(): void {
    if (!this.port.destroyed) this.port.resume();
  }

  /** Throw away every received byte not yet delivered, read ahead in memory and in the OS buffer (tcflush); resolves with the count read ahead. */
  discardInput(): Promise<number> {
    let count = 0;
    for (let chunk: Buffer | null; (chunk = this.port.read() as Buffer | null) !== null; ) count += chunk.length;
    return new Promise((resolve) => (this.port.isOpen ? this.port.flush(() => resolve(count)) : resolve(count)));
  }

  protected send(bytes: Uint8Array, done: (error: Error | null | undefined) => void): void {
    this.port.write(Buffer.from(bytes), done);
  }

  /** Close the port; idempotent. Close listeners hear CLOSED_BY_HOST unless the link had already gone. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.hostClosing = true;
      if (!this.port.isOpen) {
        this.gone(CLOSED_BY_HOST);
        return resolve();
      }
      this.port.close(() => {
        this.gone(CLOSED_BY_HOST);
        resolve();
      });
    });
    return this.closing;
  }
}

/** Open a serial port as a ByteTransport; rejects with the path and the OS reason when it cannot. */
export function openSerialTransport(options: SerialTransportOptions): Promise<SerialTransport> {
  const { path, baudRate = 9600, binding = MAIN_THREAD_IO_BINDING, highWaterMark = 65536 } = options;
  if (typeof path !== 'string' || path === '') return Promise.reject(new ArgumentError('path', 'needs a device path such as /dev/ttyUSB0'));
  if (!Number.isInteger(baudRate) || baudRate <= 0) return Promise.reject(new ArgumentError('baudRate', `must be a positive integer, got ${String(baudRate)}`));
  return new Promise((resolve, reject) => {
    const port = new SerialPortStream({ binding, path, baudRate, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false, highWaterMark });
    port.open((error) => {
      if (error) reject(new Error(`cannot open ${path}: ${error.message}`, { cause: error }));
      else resolve(new SerialTransport(port, `${path} @ ${baudRate} baud`));
    });
  });
}
