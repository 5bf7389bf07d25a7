import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { buildFrame } from '../bus-protocol/frame.ts';
import { VirtualClock } from './VirtualClock.ts';
import { Rs485Bus, type Delivery } from './Rs485Bus.ts';
import { BoardReceiver, type ReceivedFrame } from './BoardReceiver.ts';

const BYTE_MS = 10_000 / 9600;
const GAP_MS = 3.5 * BYTE_MS;
const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

function rig(id = 0) {
  const clock = new VirtualClock();
  const got: ReceivedFrame[] = [];
  let myId = id;
  const rx = new BoardReceiver({ clock, getId: () => myId, onFrame: (f) => got.push(f) });
  /** Hand the receiver bytes whose first byte arrived at firstByteAt (ms). */
  const feed = (bytes: number[], firstByteAt: number) => {
    const delivery: Delivery = {
      bytes: Uint8Array.from(bytes), firstByteAt, byteTimeMs: BYTE_MS, endAt: firstByteAt + (bytes.length - 1) * BYTE_MS, from: 'test', collided: false,
    };
    rx.receive(delivery);
    return delivery.endAt;
  };
  return { clock, rx, got, feed, setId: (n: number) => (myId = n) };
}

const shape = (got: ReceivedFrame[]) => got.map((f) => ({ kind: f.kind, bytes: [...f.bytes] }));

test('a complete frame is reported at the arrival of its last byte, CRC unchecked', () => {
  const { rx, got, feed } = rig(0);
  const end = feed([0x02, 0x00, 0x03, 0x00], 10);
  assert.equal(shape(got), [{ kind: 'frame', bytes: [0x02, 0x00, 0x03, 0x00] }]);
  assert.ok(near(got[0]!.at, end));
  assert.is(rx.stats.framesForMe, 1);
  assert.is(rx.pending, 0);
});

test('frames for other IDs are ignored silently, and followed to their end', () => {
  const { rx, got, feed } = rig(4);
  // A request to board 0 whose data bytes look like a frame for board 4, then one for board 4.
  feed([0x06, 0x00, 0x06, 0x02, 0x04, 0x03, 0x00, 0x03, 0x04, 0x03, 0x3d], 0);
  assert.equal(shape(got), [{ kind: 'frame', bytes: [0x03, 0x04, 0x03, 0x3d] }]);
  assert.is(rx.stats.ignored, 1);
});

test('two frames in one delivery are both reported, each at its own last byte', () => {
  const { got, feed } = rig(0);
  feed([0x02, 0x00, 0x03, 0xad, 0x11, 0x00, 0x04, 0x01, 0xd2], 0);
  assert.equal(got.map((f) => f.kind), ['frame', 'frame']);
  assert.ok(near(got[0]!.at, 3 * BYTE_MS));
  assert.ok(near(got[1]!.at, 8 * BYTE_MS));
});

test('fewer than 4 bytes before the gap is too-short, reported when the gap is detected', () => {
  const { clock, rx, got, feed } = rig(0);
  const last = feed([0x02, 0x00, 0x03], 0);
  clock.advanceTo(last + GAP_MS - 0.01);
  assert.equal(got, []);
  clock.advanceTo(last + GAP_MS + 0.01);
  assert.equal(shape(got), [{ kind: 'too-short', bytes: [0x02, 0x00, 0x03] }]);
  assert.ok(near(got[0]!.at, last + GAP_MS));
  assert.is(rx.stats.tooShort, 1);
});

test('a single byte has no address: ignored, not too-short', () => {
  const { clock, rx, got, feed } = rig(0);
  feed([0x00], 0);
  clock.advance(20);
  assert.equal(got, []);
  assert.is(rx.stats.ignored, 1);
});

test('LEN below 3 is too-short, but only after the gap, so the reply cannot collide with the rest', () => {
  const { clock, got, feed } = rig(0);
  const last = feed([0x02, 0x00, 0x02, 0x02, 0x00, 0x03, 0xad], 0); // the tail looks like a frame: not taken
  assert.equal(got, []);
  clock.advance(20);
  assert.equal(shape(got), [{ kind: 'too-short', bytes: [0x02, 0x00, 0x02, 0x02, 0x00, 0x03, 0xad] }]);
  assert.ok(near(got[0]!.at, last + GAP_MS));
});

test('4 or more bytes but fewer than LEN + 1 before the gap is truncated', () => {
  const { clock, rx, got, feed } = rig(0);
  feed([0x15, 0x00, 0x05, 0x00, 0x1e], 0);
  clock.advance(20);
  assert.equal(shape(got), [{ kind: 'truncated', bytes: [0x15, 0x00, 0x05, 0x00, 0x1e] }]);
  assert.is(rx.stats.truncated, 1);
});

test('LEN + 1 above the buffer is overflow: bytes are dropped until the gap, then reception resumes', () => {
  const { clock, rx, got, feed } = rig(0);
  const body = Array.from({ length: 97 }, (_, i) => (i % 2 === 0 ? 0x00 : 0x03)); // full of frame look-alikes
  const last = feed([0x1c, 0x00, 0x63, ...body], 0);
  assert.equal(got, [], 'no reply while the host is still sending');
  clock.advanceTo(last + GAP_MS + 1);
  assert.is(got.length, 1);
  assert.is(got[0]!.kind, 'overflow');
  assert.is(got[0]!.bytes.length, 64);
  assert.is(rx.stats.droppedBytes, 100 - 64);
  feed([0x02, 0x00, 0x03, 0xad], clock.now());
  assert.equal(got.map((f) => f.kind), ['overflow', 'frame']);
});

test('overflowDropsUntilGap false: overflow reported at the LEN byte, next byte starts a frame', () => {
  const clock = new VirtualClock();
  const got: ReceivedFrame[] = [];
  const rx = new BoardReceiver({ clock, getId: () => 0, overflowDropsUntilGap: false, onFrame: (f) => got.push(f) });
  rx.receive({ bytes: Uint8Array.of(0x1c, 0x00, 0x63, 0x02, 0x00, 0x03, 0xad), firstByteAt: 0, byteTimeMs: BYTE_MS, endAt: 6 * BYTE_MS, from: 't', collided: false });
  assert.equal(got.map((f) => f.kind), ['overflow', 'frame']);
  assert.ok(near(got[0]!.at, 2 * BYTE_MS));
});

test('a gap inside a frame across two deliveries ends the first part, the rest starts a new frame', () => {
  // Per-byte timestamps alone (no clock advance): the second delivery starts after a long silence.
  const { got, feed } = rig(0);
  const last = feed([0x11, 0x00, 0x04, 0x01], 0);
  feed([0x02, 0x00, 0x03, 0xad], last + GAP_MS + 2 * BYTE_MS);
  assert.equal(shape(got), [
    { kind: 'truncated', bytes: [0x11, 0x00, 0x04, 0x01] },
    { kind: 'frame', bytes: [0x02, 0x00, 0x03, 0xad] },
  ]);
  assert.ok(near(got[0]!.at, last + GAP_MS));
  // A short pause (under the gap) joins the two parts into one frame.
  const joined = rig(0);
  const end = joined.feed([0x11, 0x00], 0);
  joined.feed([0x04, 0x01, 0xd2], end + 3 * BYTE_MS);
  assert.equal(shape(joined.got), [{ kind: 'frame', bytes: [0x11, 0x00, 0x04, 0x01, 0xd2] }]);
});

test('on a real bus the lazy gap timer waits for bytes in flight, ends a partial frame in virtual time, never piles up', () => {
  const clock = new VirtualClock();
  const bus = new Rs485Bus({ clock });
  const got: ReceivedFrame[] = [];
  const node = bus.attach('board', (d) => rx.receive(d));
  const rx = new BoardReceiver({ clock, getId: () => 0, incomingUntil: (t) => node.incomingUntil(t), onFrame: (f) => got.push(f) });
  const host = bus.attach('host', () => {});
  const first = host.transmit(Uint8Array.of(0x11, 0x00));
  clock.advanceTo(first.end + 2 * BYTE_MS); // pause under the gap, then the rest
  const rest = host.transmit(Uint8Array.of(0x04, 0x01, 0xd2));
  // The gap timer fires at first.end + 3.5 byte-times, while the rest is still on the wire: it must wait.
  clock.advanceTo(rest.end);
  assert.equal(shape(got), [{ kind: 'frame', bytes: [0x11, 0x00, 0x04, 0x01, 0xd2] }]);
  const part = host.transmit(Uint8Array.of(0x11, 0x00, 0x04, 0x01));
  clock.advanceTo(part.end);
  assert.ok(clock.pending <= 1, 'at most one gap timer');
  clock.advanceTo(part.end + GAP_MS - 0.01);
  assert.is(got.length, 1);
  clock.advance(0.02);
  assert.equal(shape(got)[1], { kind: 'truncated', bytes: [0x11, 0x00, 0x04, 0x01] });
  assert.ok(near(got[1]!.at, part.end + GAP_MS));
  assert.is(clock.pending, 0);
});

test('a board set to ID 0xFF takes other boards\' replies for requests (FIRMWARE.md section 7 hazard)', () => {
  const { got, feed, setId } = rig(0);
  feed([0x00, 0xff, 0x04, 0x04, 0x88], 0);
  assert.equal(got, [], 'a normal board ignores replies');
  setId(0xff);
  feed([0x00, 0xff, 0x04, 0x04, 0x88], 10);
  assert.equal(shape(got), [{ kind: 'frame', bytes: [0x00, 0xff, 0x04, 0x04, 0x88] }]);
});

test('property: random deliveries never throw, outcomes are well formed and counters add up', () => {
  const delivery = fc.record({ bytes: fc.uint8Array({ maxLength: 80 }), pauseByteTimes: fc.double({ min: 0, max: 8, noNaN: true }) });
  fc.assert(
    fc.property(fc.array(delivery, { maxLength: 20 }), fc.integer({ min: 0, max: 3 }), (deliveries, id) => {
      const { clock, rx, got, feed } = rig(id);
      let total = 0;
      for (const d of deliveries) {
        total += d.bytes.length;
        if (d.bytes.length === 0) continue;
        const start = clock.now() + d.pauseByteTimes * BYTE_MS;
        clock.advanceTo(start);
        clock.advanceTo(feed([...d.bytes], start));
      }
      clock.advance(100);
      assert.is(rx.pending, 0);
      assert.is(clock.pending, 0);
      assert.is(rx.stats.bytes, total);
      const count = (kind: string) => got.filter((f) => f.kind === kind).length;
      assert.is(rx.stats.framesForMe, count('frame'));
      assert.is(rx.stats.tooShort, count('too-short'));
      assert.is(rx.stats.truncated, count('truncated'));
      assert.is(rx.stats.overflow, count('overflow'));
      for (const f of got) {
        const n = f.bytes.length;
        const len = f.bytes[2] ?? 0;
        assert.is(f.bytes[1], id);
        if (f.kind === 'frame') assert.ok(len >= 3 && n === len + 1);
        if (f.kind === 'too-short') assert.ok(n < 4 || len < 3);
        if (f.kind === 'truncated') assert.ok(n >= 4 && n < len + 1 && len + 1 <= 64);
        if (f.kind === 'overflow') assert.ok(len + 1 > 64 && n <= 64);
      }
    }),
  );
});

test('property: valid frames for this board arrive intact whether glued together or spread out', () => {
  const frame = fc.uint8Array({ maxLength: 60 }).map((data) => buildFrame(0x06, 5, data));
  fc.assert(
    fc.property(fc.array(fc.tuple(frame, fc.boolean()), { maxLength: 10 }), (frames) => {
      const { clock, got, feed } = rig(5);
      for (const [bytes, pause] of frames) {
        const start = clock.now() + (pause ? 10 : 0) + BYTE_MS;
        clock.advanceTo(start);
        clock.advanceTo(feed([...bytes], start));
      }
      clock.advance(100);
      assert.equal(shape(got), frames.map(([bytes]) => ({ kind: 'frame', bytes: [...bytes] })));
    }),
  );
});

test.run();
