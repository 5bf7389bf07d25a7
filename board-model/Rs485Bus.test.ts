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

test('overlapping transmissions are both marked collided, with exactly the overlapped bytes garbled', () => {
  const { bus, got, records, reply } = collide(3);
  const fromA = got.host!.find((d) => d.from === 'a')!;
  const fromB = got.host!.find((d) => d.from === 'b')!;
  assert.ok(fromA.collided && fromB.collided);
  // a: bytes 0 and 1 went out before b started; bytes 2..4 overlap b.
  assert.equal([...fromA.bytes.subarray(0, 2)], [0x00, 0xff]);
  for (let i = 2; i < 5; i++) assert.is.not(fromA.bytes[i], reply[i], `a byte ${i} garbled`);
  // b: bytes 0..2 overlap a (a ends 2.5 bytes into b); bytes 3 and 4 are clean.
  for (let i = 0; i < 3; i++) assert.is.not(fromB.bytes[i], reply[i], `b byte ${i} garbled`);
  assert.equal([...fromB.bytes.subarray(3)], [0x04, 0x88]);
  assert.equal(records.find((r) => r.from === 'a')!.bytes, reply, 'record keeps the bytes as sent');
  assert.is(bus.stats.collisions, 2);
  // Half duplex: b's receiver is off while b drives the bus, so of a's reply b hears only the
  // bytes before it started (0 and 1); a bystander like the host hears everything, garbage included.
  assert.equal([...got.b![0]!.bytes], [0x00, 0xff], 'b hears only what did not overlap its own transmission');
  assert.is(got.b!.length, 1, 'nothing of a reaches b after b started');
});

test('collision garbage is reproducible from the seed', () => {
  const one = collide(11).records.map((r) => [...r.received]);
  const two = collide(11).records.map((r) => [...r.received]);
  const other = collide(12).records.map((r) => [...r.received]);
  assert.equal(one, two);
  assert.not.equal(one, other);
});

test('a queued transmission (future start) collides with one another node starts inside its window', () => {
  const { clock, got, host, a } = rig();
  host.transmit(new Uint8Array(4));
  const queued = host.transmit(Uint8Array.of(1, 2, 3, 4)); // starts at 4 byte-times
  clock.advanceTo(queued.start - BYTE_MS / 2); // a starts half a byte before it
  a.transmit(Uint8Array.of(9));
  clock.advance(20);
  const second = got.b!.filter((d) => d.from === 'host')[1]!;
  assert.ok(second.collided);
  assert.is.not(second.bytes[0], 1);
  assert.equal([...second.bytes.subarray(1)], [2, 3, 4]);
  assert.ok(got.b!.find((d) => d.from === 'a')!.collided);
  assert.is(got.b!.filter((d) => d.from === 'host')[0]!.collided, true, 'the first one overlaps a too');
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
