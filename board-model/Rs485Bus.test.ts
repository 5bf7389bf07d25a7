import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from './VirtualClock.ts';
import { createRandom } from './random.ts';
import { Rs485Bus, type Delivery, type TransmissionRecord } from './Rs485Bus.ts';

const BYTE_MS = 10_000 / 9600;
const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

function rig(seed = 7, noise = 0) {
  const clock = new VirtualClock();
  const bus = new Rs485Bus({ clock, random: createRandom(seed), noise });
  const got: Record<string, Delivery[]> = { host: [], a: [], b: [] };
  const host = bus.attach('host', (d) => got.host!.push(d));
  const a = bus.attach('a', (d) => got.a!.push(d));
  const b = bus.attach('b', (d) => got.b!.push(d));
  const records: TransmissionRecord[] = [];
  bus.onTransmission((r) => records.push(r));
  return { clock, bus, got, host, a, b, records };
}

test('a 4-byte frame is delivered at start + 4 byte-times with per-byte arrival times', () => {
  const { clock, bus, got, host } = rig();
  clock.advance(10);
  const timing = host.transmit(Uint8Array.of(0x02, 0x00, 0x03, 0xad));
  assert.ok(close(timing.end, 10 + 4 * BYTE_MS));
  assert.ok(close(bus.busyUntil, timing.end));
  clock.advanceTo(timing.end - 0.001);
  assert.is(got.a!.length, 0, 'nothing before the last byte is on the wire');
  clock.advanceTo(timing.end);
  const d = got.a![0]!;
  assert.equal([...d.bytes], [0x02, 0x00, 0x03, 0xad]);
  assert.ok(close(d.firstByteAt, 10 + BYTE_MS));
  assert.ok(close(d.endAt, 10 + 4 * BYTE_MS));
  assert.ok(close(d.byteTimeMs, BYTE_MS));
  assert.is(d.from, 'host');
  assert.is(d.collided, false);
  assert.is(bus.busyUntil, clock.now());
});

test('delivered to every other node, never back to the sender', () => {
  const { clock, got, a } = rig();
  a.transmit(Uint8Array.of(0, 0xff, 3, 0x63));
  clock.advance(10);
  assert.is(got.host!.length, 1);
  assert.is(got.b!.length, 1);
  assert.is(got.a!.length, 0);
});

test('one node queues its transmissions back to back, and they do not collide with each other', () => {
  const { clock, got, host } = rig();
  const first = host.transmit(new Uint8Array(4));
  const second = host.transmit(new Uint8Array(2));
  assert.is(second.start, first.end);
  assert.is(host.busyUntil, second.end);
  clock.advance(20);
  assert.is(got.a!.length, 2);
  assert.ok(close(got.a![1]!.endAt, 6 * BYTE_MS));
  assert.is(got.a![0]!.collided, false);
  assert.is(got.a![1]!.collided, false);
});

test('two nodes back to back (one starts when the other ends) do not collide', () => {
  const { clock, bus, got, host, a } = rig();
  const req = host.transmit(Uint8Array.of(1, 2, 3, 4));
  clock.advanceTo(req.end);
  a.transmit(Uint8Array.of(5, 6, 7, 8));
  clock.advance(10);
  assert.equal([...got.b![1]!.bytes], [5, 6, 7, 8]);
  assert.is(bus.stats.collisions, 0);
});

function collide(seed: number) {
  const { clock, bus, got, a, b, records } = rig(seed);
  const reply = Uint8Array.of(0x00, 0xff, 0x04, 0x04, 0x88);
  a.transmit(reply);
  clock.advance(2.5 * BYTE_MS); // b starts mid-byte 2 of a's reply: the same ID answering late
  b.transmit(reply);
  clock.advance(20);
  return { bus, got, records, reply };
}

test('overlapping transmissions reach a bystander as one garbled stream at wire rate, each sender hearing only what did not overlap its own', () => {
  const { bus, got, records, reply } = collide(3);
  // a: 0..5 byte times, b: 2.5..7.5. The wire: a0 a1 clean, three garbage bytes where both
  // drive (2..5), then b3 b4 clean (5.5..7.5): 7 bytes, never two in one byte time.
  const bytes = got.host!.flatMap((d) => [...d.bytes]);
  assert.is(bytes.length, 7);
  assert.equal(bytes.slice(0, 2), [0x00, 0xff]);
  for (let i = 2; i < 5; i++) assert.is.not(bytes[i], reply[i], `wire byte ${i} garbled`);
  assert.equal(bytes.slice(5), [0x04, 0x88]);
  assert.ok(got.host!.every((d) => d.collided === d.bytes.length > 2), 'the run with garbage is flagged collided, the clean tail is not');
  const arrivals = got.host!.flatMap((d) => [...d.bytes].map((_, i) => d.firstByteAt + i * d.byteTimeMs));
  for (let i = 1; i < arrivals.length; i++) assert.ok(arrivals[i]! - arrivals[i - 1]! >= BYTE_MS - 1e-9, 'at most one byte per byte time');
  assert.ok(close(arrivals[arrivals.length - 1]!, 7.5 * BYTE_MS));
  assert.equal(records.find((r) => r.from === 'a')!.bytes, reply, 'record keeps the bytes as sent');
  assert.ok(records.every((r) => r.collided));
  assert.is(bus.stats.collisions, 2);
  // Half duplex: a sender's receiver is off while it drives the bus.
  assert.equal(got.b!.flatMap((d) => [...d.bytes]), [0x00, 0xff], 'b hears only what a sent before b started');
  assert.equal(got.a!.flatMap((d) => [...d.bytes]), [0x04, 0x88], 'a hears only what b sent after a ended');
});

test('two 5-byte replies a fifth of a byte apart reach the host as 5 garbage bytes within their 5.2 byte times, not 10 (guards against both garbled copies arriving in full)', () => {
  const { clock, got, a, b } = rig(9);
  const reply = Uint8Array.of(0x00, 0x03, 0x04, 0x04, 0x88);
  a.transmit(reply);
  clock.advance(0.2 * BYTE_MS);
  b.transmit(reply);
  clock.advance(20);
  const bytes = got.host!.flatMap((d) => [...d.bytes]);
  assert.is(bytes.length, 5);
  bytes.forEach((v, i) => assert.is.not(v, reply[i]));
  assert.ok(got.host!.every((d) => d.endAt <= 5.2 * BYTE_MS + 1e-9));
});

test('collision garbage is reproducible from the seed', () => {
  const one = collide(11).records.map((r) => [...r.received]);
  const two = collide(11).records.map((r) => [...r.received]);
  const other = collide(12).records.map((r) => [...r.received]);
  assert.equal(one, two);
  assert.not.equal(one, other);
});

test('a queued transmission (future start) collides with one another node starts inside its window; the three are one wire, delivered at the end of the last', () => {
  const { clock, got, host, a } = rig();
  host.transmit(new Uint8Array(4));
  const queued = host.transmit(Uint8Array.of(1, 2, 3, 4)); // starts at 4 byte-times
  clock.advanceTo(queued.start - BYTE_MS / 2); // a starts half a byte before it
  a.transmit(Uint8Array.of(9));
  assert.ok(close(a.incomingUntil(clock.now())!, queued.end), 'the first frame arrives with the collision it is part of');
  clock.advanceTo(queued.end - 0.001);
  assert.is(got.b!.length, 0, 'held back until the last overlapping transmission ends');
  clock.advance(20);
  assert.is(got.b!.length, 1);
  const d = got.b![0]!;
  assert.ok(d.collided);
  assert.equal([...d.bytes.subarray(0, 3)], [0, 0, 0]);
  assert.is.not(d.bytes[3], 0);
  assert.is.not(d.bytes[4], 1);
  assert.equal([...d.bytes.subarray(5)], [2, 3, 4]);
  assert.ok(close(d.endAt, queued.end));
});

test('a transmission starting after another was delivered cannot collide with it, and old ones are pruned', () => {
  const { clock, bus, host, a } = rig();
  for (let i = 0; i < 50; i++) {
    host.transmit(new Uint8Array(4));
    clock.advance(5);
    a.transmit(new Uint8Array(6));
    clock.advance(7);
  }
  assert.is(bus.stats.collisions, 0);
  assert.is(bus.stats.transmissions, 100);
  assert.is(bus.trackedTransmissions, 0);
});

test('noise rate 0 leaves bytes intact, rate 1 flips exactly one bit in every byte', () => {
  const quiet = rig(5, 0);
  const data = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
  quiet.host.transmit(data);
  quiet.clock.advance(100);
  assert.equal(quiet.got.a![0]!.bytes, data);
  assert.is(quiet.bus.stats.noisyBytes, 0);

  const loud = rig(5, 0);
  loud.bus.setNoise(1);
  loud.host.transmit(data);
  loud.clock.advance(100);
  const got = loud.got.a![0]!.bytes;
  for (let i = 0; i < data.length; i++) {
    const diff = got[i]! ^ data[i]!;
    assert.ok(diff !== 0 && (diff & (diff - 1)) === 0, `byte ${i} differs in exactly one bit`);
  }
  assert.equal(loud.got.b![0]!.bytes, got, 'noise is drawn per transmission: all receivers agree');
  assert.is(loud.bus.stats.noisyBytes, 32);
  assert.is(loud.got.a![0]!.collided, false);
  assert.throws(() => loud.bus.setNoise(1.5), /"rate"/);
});

test('stats count delivered transmissions and bytes; records arrive after delivery', () => {
  const { clock, bus, host, a, records } = rig();
  host.transmit(new Uint8Array(4));
  assert.is(bus.stats.transmissions, 0);
  clock.advance(10);
  a.transmit(new Uint8Array(6));
  clock.advance(10);
  assert.equal({ ...bus.stats }, { transmissions: 2, bytes: 10, collisions: 0, noisyBytes: 0 });
  assert.equal(records.map((r) => r.from), ['host', 'a']);
});

test('incomingUntil reports another node\'s transmission still on the wire, never the node\'s own', () => {
  const { clock, host, a } = rig();
  const t = host.transmit(new Uint8Array(6));
  clock.advance(BYTE_MS);
  assert.is(a.incomingUntil(clock.now()), t.end);
  assert.is(a.incomingUntil(t.start), undefined, 'started at t, not before t');
  assert.is(host.incomingUntil(clock.now()), undefined);
  clock.advanceTo(t.end);
  assert.is(a.incomingUntil(clock.now()), undefined, 'delivered');
});

test('detach stops delivery; duplicate names and bad options are rejected', () => {
  const { clock, got, host, b } = rig();
  b.detach();
  host.transmit(new Uint8Array(4));
  clock.advance(10);
  assert.is(got.b!.length, 0);
  assert.throws(() => b.transmit(new Uint8Array(1)), /detached/);
  const bus = new Rs485Bus({ clock });
  bus.attach('x', () => {});
  assert.throws(() => bus.attach('x', () => {}), /already attached/);
  assert.throws(() => new Rs485Bus({ clock, baud: 0 }), /"baud"/);
  const slow = new Rs485Bus({ clock, baud: 1200 });
  assert.ok(close(slow.byteTimeMs, 10_000 / 1200));
});

test.run();
