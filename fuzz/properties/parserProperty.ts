/**
 * Property `parser`: the host's stream parser (bus-protocol/FrameParser.ts) never throws, never
 * yields a frame whose CRC or LEN is wrong, accounts for every byte (frames + discards), and
 * after any garbage recovers by the next valid frame that follows a gap.
 */
import * as fc from 'fast-check';
import { crc8 } from '../../bus-protocol/crc8.ts';
import { encodeErrorResponse, encodeOkResponse } from '../../bus-protocol/frame.ts';
import { BYTE_TIME_9600_MS, FrameParser, type ParserEvent } from '../../bus-protocol/FrameParser.ts';
import { traffic, type Segment } from '../arbitraries/damagedFrames.ts';
import { validRequest } from '../arbitraries/requests.ts';
import { defineTarget } from '../target.ts';

const BT = BYTE_TIME_9600_MS;

/** Frames as they appear on a bus: requests to any ID and replies (OK with data, errors). */
const busFrame: fc.Arbitrary<Uint8Array> = fc.oneof(
  validRequest(fc.integer({ min: 0, max: 254 })).map((r) => r.bytes),
  fc.integer({ min: 0x0f, max: 0x48 }).map((code) => encodeErrorResponse(code)),
  fc.integer({ min: 0, max: 0xffff }).map((raw) => encodeOkResponse('GET_VIN', { raw })),
  fc.constant(encodeOkResponse('LEDS_ON', {})),
);

/** Where a segment is cut into chunks (as a USB adapter hands bytes over): fractions in (0, 1). */
const cuts = fc.array(fc.double({ min: 0.01, max: 0.99, noNaN: true }), { maxLength: 2 });

/** Feed traffic to a parser the way the host client does, and check what comes out. */
export function checkParser(segments: readonly Segment[], chunkCuts: readonly number[]): void {
  const parser = new FrameParser({ byteTimeMs: BT });
  const events: ParserEvent[] = [];
  const markers: Array<{ bytes: Uint8Array; end: number }> = [];
  let t = 0;
  let silence = Number.POSITIVE_INFINITY;
  let bytesIn = 0;
  for (const segment of segments) {
    const n = segment.bytes.length;
    const at = [...new Set(chunkCuts.map((c) => Math.max(1, Math.min(n - 1, Math.round(c * n)))))].filter((k) => k > 0 && k < n).sort((a, b) => a - b);
    let from = 0;
    for (const to of [...at, n]) {
      events.push(...parser.push(segment.bytes.slice(from, to), t + to * BT));
      from = to;
    }
    bytesIn += n;
    if (segment.kind === 'valid' && silence > 3.5) markers.push({ bytes: segment.bytes, end: t + n * BT });
    silence = segment.gapAfterByteTimes;
    t += n * BT + silence * BT;
    events.push(...parser.idle(t));
  }
  events.push(...parser.flush());
  let framed = 0;
  for (const e of events) {
    if (e.kind !== 'frame') continue;
    framed += e.bytes.length;
    if (crc8(e.bytes) !== 0) throw new Error(`frame with a bad CRC yielded: ${[...e.bytes].join(' ')}`);
    if (e.bytes[2]! + 1 !== e.bytes.length || e.bytes[2]! < 3) throw new Error(`frame with a wrong LEN yielded: ${[...e.bytes].join(' ')}`);
  }
  if (framed + parser.stats.discardedBytes !== bytesIn || parser.pending !== 0) {
    throw new Error(`bytes unaccounted for: ${bytesIn} in, ${framed} in frames, ${parser.stats.discardedBytes} discarded, ${parser.pending} pending`);
  }
  for (const m of markers) {
    const found = events.some((e) => e.kind === 'frame' && Math.abs(e.at - m.end) < 1e-6 && e.bytes.length === m.bytes.length && e.bytes.every((b, i) => b === m.bytes[i]));
    if (!found) throw new Error(`valid frame ${[...m.bytes].join(' ')} after a gap (ending at ${m.end.toFixed(3)} ms) was not recovered`);
  }
}

/** The `parser` target. */
export const parserTarget = defineTarget(
  { name: 'parser', summary: 'stream parser: never throws, never a bad-CRC frame, every byte accounted, recovers at the next valid frame after a gap', ciRuns: 400, simOnly: false },
  (options) =>
    fc.asyncProperty(traffic(busFrame, 14), cuts, async (segments, chunkCuts) => {
      options.log?.begin(0);
      let t = 0;
      for (const s of segments) {
        options.log?.chunk('bus', s.bytes, t + s.bytes.length * BT);
        t += (s.bytes.length + s.gapAfterByteTimes) * BT;
      }
      checkParser(segments, chunkCuts);
    }),
);
