/**
 * The resynchronising stream parser. Properties run with a fixed seed (FC_SEED overrides it);
 * fast-check's failure message carries the seed and path to replay a counterexample.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { COMMANDS, COMMAND_NAMES, type FieldSpec } from './commands.ts';
import { crc8 } from './crc8.ts';
import { checkFraming, encodeErrorResponse, encodeOkResponse, encodeRequest } from './frame.ts';
import { BYTE_TIME_9600_MS as BT, FrameParser, type ParserEvent } from './FrameParser.ts';
import { fromHex, toHex } from './hex.ts';

const FC = { seed: Number(process.env.FC_SEED ?? 42) };
/** Silence before a frame: more than the parser's 3.5 byte-times. */
const GAP_MS = 5 * BT;
/** Largest LEN the default parser accepts (64-byte frames). */
const MAX_LEN = 63;

function fieldArb(f: FieldSpec): fc.Arbitrary<number | Uint8Array> {
  if (f.type === 'u8') return fc.integer({ min: 0, max: 0xff });
  if (f.type === 'u16') return fc.integer({ min: 0, max: 0xffff });
  if (f.type === 'u32') return fc.integer({ min: 0, max: 0xffffffff });
  return fc.uint8Array({ maxLength: 32 });
}

function fieldsArb(fields: readonly FieldSpec[]): fc.Arbitrary<Record<string, number | Uint8Array>> {
  return fc.tuple(...fields.map(fieldArb)).map((values) => Object.fromEntries(fields.map((f, i) => [f.name, values[i]!])));
}

/** Any valid frame: a request, an OK response or an error response. */
const frameArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constantFrom(...COMMAND_NAMES).chain((name) =>
    fc.tuple(fc.integer({ min: 0, max: 0xfe }), fieldsArb(COMMANDS[name].request)).map(([id, args]) => encodeRequest(name, id, args as never)),
  ),
  fc.constantFrom(...COMMAND_NAMES).chain((name) => fieldsArb(COMMANDS[name].response).map((p) => encodeOkResponse(name, p as never))),
  fc.integer({ min: 0, max: 0xff }).map(encodeErrorResponse),
);

/** True when some offset of bytes starts a complete, CRC-valid frame the parser would accept. */
function containsFrame(bytes: Uint8Array, upTo = bytes.length): boolean {
  for (let i = 0; i < upTo; i++) if (checkFraming(bytes.subarray(i), MAX_LEN).kind === 'frame') return true;
  return false;
}

/** Garbage that by itself holds no valid frame. */
const garbageArb = (minLength: number) => fc.uint8Array({ minLength, maxLength: 24 }).filter((g) => !containsFrame(g));

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function framesOf(events: readonly ParserEvent[]): string[] {
  return events.filter((e) => e.kind === 'frame').map((e) => toHex(e.bytes));
}

/** Feeds bytes with wire-consistent times: back to back at 9600 baud, with optional silence first. */
class Wire {
  t = 0;
  readonly events: ParserEvent[] = [];
  constructor(readonly parser = new FrameParser()) {}
  /** Push bytes in chunks cut at the given offsets, optionally after `silenceMs` of silence. */
  send(bytes: Uint8Array, cuts: readonly number[] = [], silenceMs = 0): void {
    this.t += silenceMs;
    const points = [...new Set([0, ...cuts.map((c) => c % (bytes.length + 1)), bytes.length])].sort((a, b) => a - b);
    for (let i = 1; i < points.length; i++) {
      const chunk = bytes.subarray(points[i - 1]!, points[i]!);
      this.t += chunk.length * BT;
      this.events.push(...this.parser.push(chunk, this.t));
    }
  }
  flush(): void {
    this.events.push(...this.parser.flush());
  }
}

test('(a) valid frames split at every possible chunk boundary yield exactly those frames (property)', () => {
  fc.assert(
    fc.property(fc.array(frameArb, { minLength: 1, maxLength: 4 }), (frames) => {
      const stream = concat(frames);
      const want = frames.map(toHex);
      for (let cut = 0; cut <= stream.length; cut++) {
        const p = new FrameParser();
        const events = [...p.push(stream.subarray(0, cut)), ...p.push(stream.subarray(cut))];
        assert.equal(framesOf(events), want, `cut at ${cut}`);
        assert.is(events.length, frames.length, 'no discards');
        assert.is(p.pending, 0);
      }
      const p = new FrameParser(); // every boundary at once: one byte per chunk
      const events = [...stream].flatMap((b) => p.push(Uint8Array.of(b)));
      assert.equal(framesOf(events), want);
      assert.is(p.stats.frames, frames.length);
      assert.is(p.stats.discardedBytes, 0);
    }),
    { ...FC, numRuns: 1000 },
  );
});

test('(b) frames interleaved with garbage, each frame after a gap, yield exactly the frames (property)', () => {
  const item = fc.record({ garbage: fc.option(garbageArb(1), { nil: undefined }), frame: frameArb, cuts: fc.array(fc.nat(), { maxLength: 3 }) });
  fc.assert(
    fc.property(fc.array(item, { minLength: 1, maxLength: 6 }), fc.option(garbageArb(1), { nil: undefined }), (items, tail) => {
      const wire = new Wire();
      for (const { garbage, frame, cuts } of items) {
        if (garbage) wire.send(garbage, cuts);
        wire.send(frame, cuts, GAP_MS);
      }
      if (tail) wire.send(tail);
      wire.flush();
      assert.equal(framesOf(wire.events), items.map((i) => toHex(i.frame)));
      const garbageBytes = items.reduce((n, i) => n + (i.garbage?.length ?? 0), tail?.length ?? 0);
      assert.is(wire.parser.stats.discardedBytes, garbageBytes);
    }),
    { ...FC, numRuns: 1000 },
  );
});

test('(c) random bytes at random times never throw and the stats add up (property)', () => {
  const chunk = fc.oneof(
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 30 }) },
    { weight: 1, arbitrary: frameArb },
    { weight: 1, arbitrary: fc.tuple(frameArb, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([f, i, x]) => { const g = f.slice(); const k = i % g.length; g[k] = g[k]! ^ x; return g; }) },
  );
  const step = fc.record({ bytes: chunk, dt: fc.double({ min: 0, max: 12, noNaN: true }), idle: fc.boolean() });
  fc.assert(
    fc.property(fc.array(step, { maxLength: 25 }), fc.integer({ min: 8, max: 80 }), (steps, maxFrameBytes) => {
      const p = new FrameParser({ maxFrameBytes });
      let t = 0;
      let frameBytes = 0;
      let discardEventBytes = 0;
      const account = (events: ParserEvent[]) => {
        for (const e of events) {
          if (e.kind === 'frame') {
            frameBytes += e.bytes.length;
            assert.is(crc8(e.bytes), 0, 'emitted frames pass their CRC');
            assert.is(e.bytes.length, e.bytes[2]! + 1, 'emitted frames are LEN + 1 bytes');
          } else {
            discardEventBytes += e.bytes.length;
            assert.ok(e.bytes.length > 0, 'no empty discard events');
          }
        }
        const s = p.stats;
        assert.is(s.bytesIn, frameBytes + s.discardedBytes + p.pending, 'bytesIn == frame bytes + discarded + pending');
        assert.is(s.discards.length + s.discards.crc + s.discards.rejected + s.discards.gap, s.discardedBytes);
        assert.is(discardEventBytes, s.discardedBytes, 'every discarded byte was reported');
      };
      for (const { bytes, dt, idle } of steps) {
        t += dt;
        account(p.push(bytes, t));
        if (idle) account(p.idle(t + dt));
      }
      account(p.flush());
      assert.is(p.pending, 0);
      assert.ok(p.stats.frames * 4 <= frameBytes, 'frames are at least 4 bytes');
    }),
    { ...FC, numRuns: 1000 },
  );
});

test('(d) a frame that lost a byte, then a gap, then a valid frame: the valid frame is recovered (property)', () => {
  fc.assert(
    fc.property(frameArb, fc.nat(), frameArb, fc.array(fc.nat(), { maxLength: 3 }), (damagedFrom, drop, good, cuts) => {
      const i = drop % damagedFrom.length;
      const damaged = concat([damagedFrom.subarray(0, i), damagedFrom.subarray(i + 1)]);
      fc.pre(!containsFrame(damaged));
      const wire = new Wire();
      wire.send(damaged, cuts);
      wire.send(good, cuts, GAP_MS);
      assert.equal(framesOf(wire.events), [toHex(good)], 'found before any flush');
      assert.is(wire.parser.stats.discardedBytes, damaged.length);
      assert.is(wire.parser.pending, 0);
    }),
    { ...FC, numRuns: 1000 },
  );
});

test('(e) a frame glued after garbage with no gap is still found, at the latest on flush (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 24 }), frameArb, (garbage, frame) => {
      const stream = concat([garbage, frame]);
      fc.pre(!containsFrame(stream, garbage.length)); // no false frame starting inside the garbage
      const wire = new Wire();
      wire.send(stream);
      wire.flush();
      assert.equal(framesOf(wire.events), [toHex(frame)]);
      assert.is(wire.parser.stats.discardedBytes, garbage.length);
    }),
    { ...FC, numRuns: 1000 },
  );
});

test('(f) idle() after a partial frame discards all of it as "gap" (property)', () => {
  fc.assert(
    fc.property(frameArb, fc.nat(), (frame, n) => {
      const partial = frame.subarray(0, 1 + (n % (frame.length - 1)));
      const p = new FrameParser();
      assert.equal(p.push(partial, 100), []);
      assert.equal(p.idle(100 + 3 * BT), [], 'not yet a gap at 3 byte-times');
      const events = p.idle(100 + 4 * BT);
      assert.equal(events, [{ kind: 'discard', reason: 'gap', bytes: Uint8Array.from(partial), at: 100 }]);
      assert.is(p.pending, 0);
      assert.is(p.stats.discards.gap, partial.length);
    }),
    { ...FC, numRuns: 1000 },
  );
});

test('regression: a cut frame ended by a gap is one "gap" discard, not gap/length/gap pieces', () => {
  // Before the fix the rescan at the gap reported 15 as gap, 00 as "length" (00 05 00: LEN 0), 05 00 as gap.
  const p = new FrameParser();
  p.push(fromHex('15 00 05 00'), 10);
  assert.equal(p.idle(20), [{ kind: 'discard', reason: 'gap', bytes: fromHex('15 00 05 00'), at: 10 }]);
  assert.equal(p.stats.discards, { length: 0, crc: 0, rejected: 0, gap: 4 });
});

test('discard reason "length": LEN byte below 3 or above the frame limit', () => {
  const p = new FrameParser({ maxFrameBytes: 16 });
  const events = p.push(fromHex('AA BB 02 00 03 AD')); // AA BB 02: LEN 2; BB 02 00: LEN 0
  assert.equal(events[0], { kind: 'discard', reason: 'length', bytes: fromHex('AA BB'), at: 0 });
  assert.equal(framesOf(events), ['02 00 03 AD']);
  const big = p.push(fromHex('1C 00 20'));
  assert.equal(big.map((e) => e.kind === 'discard' && e.reason), ['length']);
  assert.is(p.stats.discards.length, 3); // AA, BB and 1C (LEN 0x20 above 15); 00 20 still pending
  assert.is(p.pending, 2);
});

test('discard reason "crc": a complete candidate with a wrong CRC is dropped one byte at a time', () => {
  const p = new FrameParser();
  const events = p.push(fromHex('02 00 03 AE 02 00 03 AD'));
  assert.equal(events[0], { kind: 'discard', reason: 'crc', bytes: fromHex('02'), at: 0 });
  assert.equal(framesOf(events), ['02 00 03 AD']);
  // then 00 03 AE: LEN 0xAE above the limit; 03 AE 02: LEN 2; AE 02 00: LEN 0
  assert.equal(p.stats.discards, { length: 3, crc: 1, rejected: 0, gap: 0 });
});

test('discard reason "rejected": the accept check turns down a CRC-valid candidate', () => {
  const p = new FrameParser({ accept: (f) => f[1] === 0xff });
  const events = p.push(fromHex('02 00 03 AD 00 FF 03 63'));
  assert.equal(events[0], { kind: 'discard', reason: 'rejected', bytes: fromHex('02'), at: 0 });
  assert.equal(framesOf(events), ['00 FF 03 63']);
  assert.is(p.stats.discards.rejected, 1);
});

test('discard reason "gap": silence before a chunk ends pending bytes first', () => {
  const p = new FrameParser();
  assert.equal(p.push(fromHex('15 00 05'), 10), []);
  const events = p.push(fromHex('02 00 03 AD'), 10 + 4 * BT + GAP_MS);
  assert.equal(events, [
    { kind: 'discard', reason: 'gap', bytes: fromHex('15 00 05'), at: 10 },
    { kind: 'frame', bytes: fromHex('02 00 03 AD'), at: 10 + 4 * BT + GAP_MS },
  ]);
});

test('no gap: bytes within 3.5 byte-times continue the pending frame', () => {
  const p = new FrameParser();
  p.push(fromHex('15 00 05'), 10);
  const events = p.push(fromHex('00 1E 19'), 10 + 3 * BT + 3 * BT); // 3 byte-times of silence
  assert.equal(framesOf(events), ['15 00 05 00 1E 19']);
});

test('a complete frame behind a stuck candidate is found at the gap', () => {
  const p = new FrameParser();
  // 20 00 3F claims a 64-byte frame; the real one after it is only found when the gap ends the wait.
  assert.equal(p.push(fromHex('20 00 3F 02 00 03 AD'), 10), []);
  const events = p.idle(20);
  assert.equal(framesOf(events), ['02 00 03 AD']);
  assert.equal(p.stats.discards.gap, 3);
});

test('flush emits buffered frames, reset forgets silently', () => {
  const p = new FrameParser();
  p.push(fromHex('20 00 3F 02 00 03 AD'));
  assert.equal(framesOf(p.flush()), ['02 00 03 AD']);
  p.push(fromHex('15 00'));
  p.reset();
  assert.is(p.pending, 0);
  assert.equal(p.flush(), []);
});

test('a zero-length chunk is a no-op', () => {
  const p = new FrameParser();
  assert.equal(p.push(new Uint8Array(0), 5), []);
  assert.is(p.stats.bytesIn, 0);
});

test.run();
