/**
 * PacedLink in virtual time: bytes from a fast link reach the simulated bus at wire speed,
 * replies leave no faster than the wire delivered them, gaps survive, and nothing in the bridge
 * throws. No real time passes: every test advances a VirtualClock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeRequest } from '../bus-protocol/frame.ts';
import type { ByteTransport } from '../bus-protocol/transport.ts';
import { HostAdapter } from '../board-model/HostAdapter.ts';
import { Rs485Bus, type Delivery } from '../board-model/Rs485Bus.ts';
import { SimStack } from '../board-model/SimStack.ts';
import { DEFAULT_STACK } from '../board-model/stack.ts';
import { VirtualClock } from '../board-model/VirtualClock.ts';
import { PacedLink } from './PacedLink.ts';

/** A fast link (PTY, TCP) as a test double: the test emits host bytes; writes are recorded with their time. */
class FakeLink implements ByteTransport {
  readonly description = 'fake link';
  readonly written: Array<{ t: number; bytes: number[] }> = [];
  failWrites = false;
  readonly #listeners = new Set<(bytes: Uint8Array) => void>();
  constructor(private readonly clock: VirtualClock) {}
  async write(bytes: Uint8Array): Promise<void> {
    if (this.failWrites) throw new Error('link gone');
    this.written.push({ t: this.clock.now(), bytes: [...bytes] });
  }
  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  onClose(): () => void {
    return () => undefined;
  }
  async close(): Promise<void> {}
  /** The host writes these bytes now. */
  emit(bytes: ArrayLike<number>): void {
    for (const listener of [...this.#listeners]) listener(Uint8Array.from(bytes));
  }
  /** Every byte written, with the time of the write that carried it. */
  bytes(): Array<{ t: number; b: number }> {
    return this.written.flatMap((w) => w.bytes.map((b) => ({ t: w.t, b })));
  }
}

/** A bus with the host adapter, one listening "board" node, the link and the PacedLink. */
function rig(startMs = 100) {
  const clock = new VirtualClock(startMs);
  const bus = new Rs485Bus({ clock });
  const host = new HostAdapter({ bus });
  const heard: Delivery[] = [];
  const board = bus.attach('board', (d) => heard.push(d));
  const link = new FakeLink(clock);
  const errors: unknown[] = [];
  const paced = new PacedLink({ link, bus: host, clock, byteTimeMs: bus.byteTimeMs, onError: (e) => errors.push(e) });
  return { clock, bus, host, board, heard, link, paced, errors, bt: bus.byteTimeMs };
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-6;

test('a 4-byte request written at once arrives at the bus 4 byte times later, as one frame', () => {
  const { clock, heard, link, bt, paced } = rig(100);
  link.emit([0x02, 0x03, 0x03, 0xad]);
  clock.advanceTo(100 + 4 * bt - 0.001);
  assert.is(heard.length, 0, 'nothing may arrive before the last byte has crossed the wire');
  clock.advanceTo(200);
  assert.is(heard.length, 1);
  const d = heard[0]!;
  assert.equal([...d.bytes], [0x02, 0x03, 0x03, 0xad]);
  assert.ok(close(d.firstByteAt, 100 + bt), `first byte at ${d.firstByteAt}`);
  assert.ok(close(d.endAt, 100 + 4 * bt), `last byte at ${d.endAt}`);
  assert.is(paced.stats.toBus, 4);
  assert.ok(close(paced.wireFreeAt, 100 + 4 * bt));
});

test('a burst split into chunks, or written while the wire is busy, queues behind the previous bytes', () => {
  const { clock, heard, link, bt } = rig(100);
  link.emit([1, 2, 3, 4]);
  link.emit([5, 6]); // same instant: continues the stream
  clock.advanceTo(101); // still sending the first chunk (ends at 104.17)
  link.emit([7]);
  clock.advanceTo(200);
  assert.equal(heard.map((d) => [...d.bytes]), [[1, 2, 3, 4], [5, 6], [7]]);
  assert.ok(close(heard[1]!.firstByteAt, 100 + 5 * bt), 'second chunk starts where the first ended');
  assert.ok(close(heard[2]!.endAt, 100 + 7 * bt), 'seven bytes take seven byte times, however they were chunked');
});

test('real gaps in the input are kept on the wire', () => {
  const { clock, heard, link, bt } = rig(100);
  link.emit([1, 2]);
  clock.advanceTo(110);
  link.emit([3, 4]);
  clock.advanceTo(200);
  assert.is(heard.length, 2);
  assert.ok(close(heard[0]!.endAt, 100 + 2 * bt));
  assert.ok(close(heard[1]!.firstByteAt, 110 + bt), `gap kept: second chunk's first byte at ${heard[1]!.firstByteAt}`);
  assert.ok(heard[1]!.firstByteAt - heard[0]!.endAt > 3.5 * bt, 'a gap long enough to end a frame stays long enough');
});

test('a reply leaves for the link no earlier than its bytes crossed the wire', () => {
  const { clock, board, link, bt } = rig(100);
  board.transmit(Uint8Array.of(0x00, 0xff, 0x04, 0x04, 0x88)); // wire 100 .. 100 + 5 bt
  clock.advanceTo(100 + 5 * bt - 0.001);
  assert.is(link.written.length, 0, 'no byte before it is on the wire');
  clock.advanceTo(200);
  const bytes = link.bytes();
  assert.equal(bytes.map((x) => x.b), [0x00, 0xff, 0x04, 0x04, 0x88]);
  bytes.forEach((x, k) => assert.ok(x.t >= 100 + (k + 1) * bt - 1e-6, `byte ${k} released at ${x.t}`));
  assert.ok(close(bytes[4]!.t, 100 + 5 * bt), 'and no later than the wire delivered it');
});

test('bytes handed over faster than the wire are released one per byte time', () => {
  const clock = new VirtualClock(0);
  const link = new FakeLink(clock);
  const busSide = new FakeLink(clock); // a bus side that dumps bytes at once
  const bt = 1;
  const paced = new PacedLink({ link, bus: busSide, clock, byteTimeMs: bt });
  clock.advanceTo(50);
  busSide.emit([1, 2, 3]); // three bytes, last one arriving now: 48, 49, 50
  busSide.emit([4, 5, 6]); // three more at the same instant: cannot have been on the wire yet
  assert.equal(link.bytes(), [{ t: 50, b: 1 }, { t: 50, b: 2 }, { t: 50, b: 3 }]);
  assert.is(paced.pendingToLink, 3);
  clock.advanceTo(60);
  assert.equal(link.bytes().slice(3), [{ t: 51, b: 4 }, { t: 52, b: 5 }, { t: 53, b: 6 }]);
  assert.is(paced.stats.toLink, 6);
});

test('the sync hook stamps input with the present (a wall-locked clock catching up)', () => {
  const clock = new VirtualClock(0);
  const bus = new Rs485Bus({ clock });
  const host = new HostAdapter({ bus });
  const heard: Delivery[] = [];
  bus.attach('board', (d) => heard.push(d));
  const link = new FakeLink(clock);
  let calls = 0;
  new PacedLink({ link, bus: host, clock, byteTimeMs: bus.byteTimeMs, sync: () => { calls++; if (clock.now() < 30) clock.advanceTo(30); } });
  link.emit([9, 9]);
  clock.advanceTo(100);
  assert.is(calls, 2, 'synced before feeding and after (to re-arm the driver)');
  assert.ok(close(heard[0]!.firstByteAt, 30 + bus.byteTimeMs), 'the chunk starts at the synced time, not the stale one');
});

test('failed writes and a closed bus side are reported, never thrown; close() cancels pending bytes', async () => {
  const { clock, host, board, link, paced, errors, heard } = rig(0);
  link.failWrites = true;
  board.transmit(Uint8Array.of(1, 2, 3));
  clock.advanceTo(10);
  await Promise.resolve();
  assert.is(errors.length, 1, 'the failed link write is reported');
  await host.close();
  link.emit([1, 2, 3]);
  await Promise.resolve();
  assert.is(errors.length, 2, 'a write to a closed adapter is reported');
  link.emit([4, 5, 6, 7]); // queued behind the previous chunk: a timer
  paced.close();
  clock.advanceTo(100);
  assert.is(heard.length, 0);
  link.emit([8]);
  assert.is(paced.stats.toBus, 3, 'nothing is fed after close()');
  assert.is(clock.pending, 0, 'close() cleared its timers');
});

/** A FakeLink with flow control, like a socket: hold() keeps the rest, resume() delivers it again. */
class HoldingLink extends FakeLink {
  held: Uint8Array | undefined;
  holds = 0;
  hold(rest: Uint8Array): void {
    this.holds++;
    this.held = rest.slice();
  }
  resume(): void {
    const rest = this.held;
    this.held = undefined;
    if (rest) this.emit(rest);
  }
}

test('the transmit FIFO holds the link back when full and resumes it as the wire drains (guards against an unbounded buffer under a flood)', () => {
  const clock = new VirtualClock(0);
  const bus = new Rs485Bus({ clock });
  const host = new HostAdapter({ bus });
  const heard: Delivery[] = [];
  bus.attach('board', (d) => heard.push(d));
  const link = new HoldingLink(clock);
  const paced = new PacedLink({ link, bus: host, clock, byteTimeMs: bus.byteTimeMs, fifoBytes: 8 });
  const flood = Array.from({ length: 100 }, (_, i) => i);
  link.emit(flood);
  assert.ok(paced.held, 'a chunk larger than the FIFO holds the link');
  assert.is(paced.buffered, 8);
  assert.is(link.held?.length, 92, 'the rest stays in the link');
  let peak = 0;
  for (let t = 0; t < 200 && (link.held || paced.buffered > 0); t += 0.25) {
    clock.advanceTo(t);
    peak = Math.max(peak, paced.buffered);
  }
  assert.ok(peak <= 8, `never more than the FIFO in the bridge (${peak})`);
  assert.is(paced.stats.peakBuffered, 8);
  assert.equal(heard.flatMap((d) => [...d.bytes]), flood, 'every byte reaches the wire, in order');
  assert.ok(close(heard.at(-1)!.endAt, 100 * bus.byteTimeMs), `at the baud rate: the last byte at ${heard.at(-1)!.endAt}`);
  assert.ok(link.holds >= 10, 'the link was held again and again');
  assert.not.ok(paced.held);
});

test('without flow control the FIFO overruns: what does not fit is dropped and counted', () => {
  const { clock, heard, link, paced } = rig(0);
  const small = new PacedLink({ link, bus: new FakeLink(clock), clock, byteTimeMs: 1, fifoBytes: 4 });
  link.emit([1, 2, 3, 4, 5, 6]);
  assert.is(small.stats.dropped, 2);
  assert.is(small.buffered, 4);
  assert.is(paced.stats.dropped, 0, 'the default FIFO (256 bytes) took all six');
  clock.advanceTo(100);
  assert.is(heard.length, 1);
  assert.throws(() => new PacedLink({ link, bus: new FakeLink(clock), clock, byteTimeMs: 1, fifoBytes: 0 }), /"fifoBytes" must be an integer of at least 1 byte, got 0/);
});

test('discard() throws away the waiting bytes (a host that left) and reads the link again', () => {
  const clock = new VirtualClock(0);
  const busSide = new FakeLink(clock);
  const link = new HoldingLink(clock);
  const paced = new PacedLink({ link, bus: busSide, clock, byteTimeMs: 1, fifoBytes: 4 });
  link.emit([1, 2]); // on the wire until t = 2
  link.emit([3, 4, 5, 6, 7]); // 3, 4 wait; 5, 6, 7 held back
  assert.ok(paced.held);
  paced.discard(10);
  assert.is(paced.stats.discarded, 12, 'the two waiting bytes and the 10 thrown away elsewhere');
  assert.is(link.holds, 2, 'the link was read again: 5 and 6 fit beside the chunk on the wire, 7 is held');
  clock.advanceTo(100);
  assert.not.ok(paced.held);
  assert.equal(busSide.written.map((w) => w.bytes), [[1, 2], [5, 6], [7]], 'the chunk on the wire finished; 3 and 4 never went');
  paced.close();
  paced.discard();
  assert.is(paced.stats.discarded, 12, 'a closed bridge discards nothing more');
});

test('end to end on the default stack: GET_SW_VERSION to ID 3 is answered 00 FF 04 04 88 after the wire time', () => {
  const sim = new SimStack({ stack: DEFAULT_STACK }).start();
  sim.clock.advanceTo(1000); // boards booted
  const link = new FakeLink(sim.clock);
  new PacedLink({ link, bus: sim.host, clock: sim.clock, byteTimeMs: sim.bus.byteTimeMs });
  link.emit(encodeRequest('GET_SW_VERSION', 3));
  sim.clock.advanceTo(1100);
  const bytes = link.bytes();
  assert.equal(bytes.map((x) => x.b), [0x00, 0xff, 0x04, 0x04, 0x88]);
  assert.ok(bytes[4]!.t - 1000 >= 10.4, `reply complete ${bytes[4]!.t - 1000} ms after the write (4 + 5 bytes of wire time at least)`);
  sim.stop();
});

test.run();
