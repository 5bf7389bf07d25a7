/**
 * Serial ports opened by SerialTransport read and write on the main thread (hil/mainThreadIo.ts),
 * tried over a real socat PTY pair with the real Unix binding: every byte of a burst far larger
 * than the PTY's buffers arrives in order (short writes and EAGAIN take serialport's own loops),
 * and a vanished peer still ends the link with a reason. Ports of other bindings are untouched.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort, SerialPortMock } from 'serialport';
import { withMainThreadIo } from './mainThreadIo.ts';
import { openSerialTransport } from './SerialTransport.ts';
import { openPtyPair } from './serve/ptyPair.ts';
import { waitUntil } from './serve/testing/hostSide.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-main-thread-io-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a mock port is left as it is (no file descriptor, no poller)', async () => {
  SerialPortMock.binding.createPort('/dev/ttyMAINIO');
  const port = await SerialPortMock.binding.open({ path: '/dev/ttyMAINIO', baudRate: 9600 });
  const read = port.read;
  assert.is(withMainThreadIo(port as never), port);
  assert.is(port.read, read);
  await port.close();
  SerialPortMock.binding.reset();
});

test('over a socat PTY pair: 256 KiB each way arrive whole and in order; socat gone ends the link with a reason', async () => {
  const pair = await openPtyPair(join(dir, 'ttyA'));
  const a = await openSerialTransport({ path: pair.path });
  const b = await openSerialTransport({ path: pair.privatePath });
  const raw = await SerialPort.binding.open({ path: pair.path, baudRate: 9600, lock: false });
  try {
    const prototypeRead = Object.getPrototypeOf(raw).read;
    withMainThreadIo(raw);
    assert.is.not(raw.read, prototypeRead, 'a Unix port gets its own read');
    await raw.close();
    const burst = Uint8Array.from({ length: 256 * 1024 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
    for (const [from, to] of [[a, b], [b, a]] as const) {
      let count = 0;
      const got = new Uint8Array(burst.length);
      const off = to.onData((chunk) => { got.set(chunk.subarray(0, Math.max(0, burst.length - count)), count); count += chunk.length; });
      await from.write(burst);
      await waitUntil(() => count >= burst.length, 20_000, 'the whole burst');
      off();
      assert.is(count, burst.length);
      assert.ok(got.every((v, i) => v === burst[i]), 'same bytes in the same order');
    }
    let reason: string | undefined;
    b.onClose((r) => (reason = r));
    await pair.stop();
    await waitUntil(() => reason !== undefined, 10_000, 'the link to end when socat went away');
    assert.not.equal(reason, 'closed by host');
  } finally {
    await a.close();
    await b.close();
    await pair.stop();
  }
});

test.run();
