/**
 * The platform serial binding with each read and write done on the main thread. serialport's
 * Unix binding opens the port non-blocking and waits for readiness with a poller, then hands the
 * read or write itself to libuv's thread pool: a hop to a worker thread and back each time, in
 * each direction. A non-blocking read or write of a serial device returns at once, so doing it
 * directly is as safe and takes that hop out of every round trip (about 0.1 ms of the GET_VIN
 * round trip through `serve --pty`; bench/latency.ts). Everything else is serialport's own code:
 * the same read and write loops (unixRead, unixWrite: EAGAIN waits for the poller, short writes
 * continue, EBADF/ENXIO/EIO mark a disconnect), given the synchronous system calls instead of
 * the thread-pool ones. On Windows the platform binding is used as it is.
 */
import { readSync, writeSync } from 'node:fs';
import { unixRead } from '@serialport/bindings-cpp/dist/unix-read.js';
import { unixWrite } from '@serialport/bindings-cpp/dist/unix-write.js';
import type { LinuxPortBinding } from '@serialport/bindings-cpp';
import { SerialPort } from 'serialport';

type PlatformBinding = typeof SerialPort.binding;
type OpenPort = Awaited<ReturnType<PlatformBinding['open']>>;
/** The Unix port's pending write, which serialport's close and drain wait for (private in its types). */
type WithWriteOperation = { writeOperation: Promise<void> | null };

const readNow = async (fd: number, buffer: Buffer, offset: number, length: number, position: number | null) =>
  ({ bytesRead: readSync(fd, buffer, offset, length, position), buffer });
const writeNow = async (fd: number, buffer: Buffer, offset?: number | null, length?: number | null) =>
  ({ bytesWritten: writeSync(fd, buffer, offset ?? 0, length ?? buffer.length - (offset ?? 0)), buffer });

/** True for a port of serialport's Unix bindings (a file descriptor and a readiness poller). */
function isUnixPort(port: OpenPort): port is OpenPort & LinuxPortBinding {
  const p = port as Partial<LinuxPortBinding>;
  return typeof p.fd === 'number' && p.poller !== undefined;
}

/** Give an open Unix port synchronous reads and writes (see the file comment); other ports unchanged. */
export function withMainThreadIo(port: OpenPort): OpenPort {
  if (!isUnixPort(port)) return port;
  const unix = port as LinuxPortBinding;
  const pending = port as unknown as WithWriteOperation;
  unix.read = async (buffer: Buffer, offset: number, length: number) => {
    if (!unix.isOpen) throw new Error('Port is not open');
    if (buffer.length < offset + length) throw new Error('buffer is too small');
    return unixRead({ binding: unix, buffer, offset, length, fsReadAsync: readNow as never });
  };
  unix.write = async (buffer: Buffer) => {
    if (!unix.isOpen) throw new Error('Port is not open');
    pending.writeOperation = (async () => {
      if (buffer.length > 0) await unixWrite({ binding: unix, buffer, fsWriteAsync: writeNow as never });
      pending.writeOperation = null;
    })();
    return pending.writeOperation;
  };
  return port;
}

/** The platform binding whose ports read and write on the main thread (Linux, macOS); SerialTransport's default. */
export const MAIN_THREAD_IO_BINDING = {
  ...SerialPort.binding,
  list: () => SerialPort.binding.list(),
  open: async (options: never) => withMainThreadIo(await SerialPort.binding.open(options)),
} as PlatformBinding;
