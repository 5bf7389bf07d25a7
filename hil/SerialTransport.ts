/**
 * ByteTransport over a real serial port (a USB to RS-485 adapter) via node-serialport, Node only.
 * Any serialport binding works: the platform one by default, SerialPortMock.binding in tests.
 * The port is opened at 8N1 (PROTOCOL.md section 1); the adapter does not echo our bytes.
 */
import { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import { ArgumentError } from '../bus-protocol/errors.ts';
import type { ByteTransport } from '../bus-protocol/transport.ts';

/** A node-serialport binding: the platform's (default) or `SerialPortMock.binding` from 'serialport'. */
export type SerialBinding = ConstructorParameters<typeof SerialPortStream>[0]['binding'];

/** Where and how to open the port. */
export interface SerialTransportOptions {
  /** Device path, e.g. /dev/ttyUSB0 or COM3. */
  path: string;
  /** Baud rate in bit/s; default 9600 (PROTOCOL.md section 1). */
  baudRate?: number;
  /** Binding to open it with; default the platform binding of 'serialport'. */
  binding?: SerialBinding;
}

/** Reason given to close listeners when the host itself closed the port. */
export const CLOSED_BY_HOST = 'closed by host';

/** A ByteTransport over an open node-serialport stream (see openSerialTransport). */
export class SerialTransport implements ByteTransport {
  private readonly dataListeners = new Set<(bytes: Uint8Array) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private readonly pendingWrites = new Set<(error: Error) => void>();
  private closedReason: string | undefined;
  private hostClosing = false;
  private closing: Promise<void> | undefined;

  /** Wrap an already open stream; its 'data', 'close' and 'error' events drive the transport. */
  constructor(private readonly port: SerialPortStream, readonly description: string) {
    port.on('data', (chunk: Uint8Array) => {
      const bytes = new Uint8Array(chunk); // a copy, and a plain Uint8Array rather than a pooled Buffer
      for (const listener of [...this.dataListeners]) listener(bytes);
    });
    // A disconnect arrives as 'close' with serialport's DisconnectedError (message = the OS reason).
    port.on('close', (error: Error | null) => this.gone(this.hostClosing ? CLOSED_BY_HOST : error ? error.message : 'port closed'));
    port.on('error', (error: Error) => {
      this.gone(`serial port error: ${error.message}`);
      if (port.isOpen) port.close();
    });
  }

  /** Resolves when the port accepted the bytes (the write callback), not when they are on the wire. */
  write(bytes: Uint8Array): Promise<void> {
    if (this.closedReason !== undefined) return Promise.reject(new Error(`${this.description} is closed: ${this.closedReason}`));
    return new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => {
        this.pendingWrites.delete(fail);
        reject(error);
      };
      this.pendingWrites.add(fail);
      this.port.write(Buffer.from(bytes), (error) => {
        if (!this.pendingWrites.delete(fail)) return; // already failed by a close
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /** Subscribe to received chunks (copies); returns the unsubscribe function. */
  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  /** Subscribe to the port going away (once, with the reason); returns the unsubscribe function. */
  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
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

  private gone(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const fail of [...this.pendingWrites]) fail(new Error(`${this.description} closed during a write: ${reason}`));
    for (const listener of [...this.closeListeners]) listener(reason);
  }
}

/** Open a serial port as a ByteTransport; rejects with the path and the OS reason when it cannot. */
export function openSerialTransport(options: SerialTransportOptions): Promise<SerialTransport> {
  const { path, baudRate = 9600, binding = SerialPort.binding } = options;
  if (typeof path !== 'string' || path === '') return Promise.reject(new ArgumentError('path', 'needs a device path such as /dev/ttyUSB0'));
  if (!Number.isInteger(baudRate) || baudRate <= 0) return Promise.reject(new ArgumentError('baudRate', `must be a positive integer, got ${String(baudRate)}`));
  return new Promise((resolve, reject) => {
    const port = new SerialPortStream({ binding, path, baudRate, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false });
    port.open((error) => {
      if (error) reject(new Error(`cannot open ${path}: ${error.message}`, { cause: error }));
      else resolve(new SerialTransport(port, `${path} @ ${baudRate} baud`));
    });
  });
}
