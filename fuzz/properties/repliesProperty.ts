/**
 * Property `replies`: on a bus of three boards, every frame addressed to a board gets exactly
 * the reply FIRMWARE.md section 7 prescribes (OK, or the error code of the first failing check),
 * exactly once, starting REPLY_DELAY +- jitter after the request's last byte (after the gap for
 * a frame cut short); a board never answers a frame for another ID and never speaks unprompted.
 * Observed on the wire (Rs485Bus.onTransmission), not through the host client.
 */
import * as fc from 'fast-check';
import { crc8 } from '../../bus-protocol/crc8.ts';
import { encodeErrorResponse, MASTER_ADDRESS } from '../../bus-protocol/frame.ts';
import { damagedFrame } from '../arbitraries/damagedFrames.ts';
import { anyRequest, validRequest } from '../arbitraries/requests.ts';
import { FuzzSim } from '../harness/FuzzSim.ts';
import { expectedReaction } from '../oracle.ts';
import { defineTarget } from '../target.ts';

/** The stack: IDs 0x00, 0x05 and 0x13 (another prefix). */
const BOARDS = [
  { dip: 0, pis: ['pi3b+', null] },
  { dip: 5, pis: [null, 'pi3b+'] },
  { dip: 3, prefix: 0x10, pis: [null, null] },
];

/** Addresses: the boards', absent IDs that share a DIP nibble with one of them, and far-off ones. */
const ids = fc.oneof(
  { arbitrary: fc.constantFrom(0x00, 0x05, 0x13), weight: 3 },
  { arbitrary: fc.constantFrom(0x10, 0x15, 0x03, 0x20, 0x35, 0x80, 0xfe), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 1 },
);

/**
 * Bursts on the bus, each after a gap: a request (maybe invalid), a damaged request, garbage,
 * frames glued together (not predicted, but what follows must be answered right), or a frame
 * split in two by a gap (two bursts: its head, then its tail).
 */
const bursts: fc.Arbitrary<Uint8Array[]> = fc.oneof(
  { arbitrary: anyRequest(ids).map((r) => [r.bytes]), weight: 5 },
  { arbitrary: damagedFrame(validRequest(ids).map((r) => r.bytes)).map((d) => [d.bytes]), weight: 3 },
  { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }).map((b) => [b]), weight: 1 },
  { arbitrary: fc.array(validRequest(ids), { minLength: 2, maxLength: 3 }).map((rs) => [Uint8Array.from(rs.flatMap((r) => [...r.bytes]))]), weight: 1 },
  { arbitrary: fc.tuple(validRequest(ids), fc.nat()).map(([r, k]) => [r.bytes.slice(0, 1 + (k % (r.bytes.length - 1))), r.bytes.slice(1 + (k % (r.bytes.length - 1)))]), weight: 1 },
);

/** The `replies` target. */
export const repliesTarget = defineTarget(
  { name: 'replies', summary: 'each frame for a board gets the F7 reply exactly once in the reply window; no reply to another ID, none unprompted', ciRuns: 80, simOnly: true },
  (options) =>
    fc.asyncProperty(fc.array(bursts, { minLength: 1, maxLength: 25 }).map((lists) => lists.flat()), fc.integer({ min: 1, max: 1000 }), async (sent, seed) => {
      const fs = await FuzzSim.start({ profile: options.profile, boards: BOARDS, seed, inspect: options.inspect, log: options.log });
      try {
        const bus = options.profile.bus;
        const gapMs = bus.interByteGapByteTimes * fs.byteMs;
        const windowMs = gapMs + bus.replyDelayMs + bus.replyJitterMs + 70 * fs.byteMs;
        let quietFrom = fs.now;
        for (const bytes of sent) {
          const start = Math.max(fs.now, fs.sim.bus.busyUntil) + 12;
          await fs.sim.runUntil(start);
          const unprompted = fs.boardTransmissions(quietFrom, start);
          if (unprompted.length > 0) throw new Error(`${unprompted[0]!.from} transmitted unprompted at ${unprompted[0]!.start.toFixed(3)} ms`);
          const boards = fs.sim.boards.map((b) => ({ name: b.node.name, id: b.id, listening: b.listening }));
          const end = fs.send(bytes);
          await fs.sim.runUntil(end + windowMs);
          quietFrom = end + windowMs;
          const heard = fs.boardTransmissions(end, quietFrom);
          const what = `burst ${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
          for (const board of boards) {
            const mine = heard.filter((t) => t.from === board.name);
            const reaction = board.listening ? expectedReaction(bytes, board.id, options.profile) : ({ kind: 'silent', why: 'skipped' } as const);
            if (reaction.kind === 'complex') continue;
            if (reaction.kind === 'silent') {
              if (mine.length > 0) throw new Error(`${what}: board ID 0x${board.id.toString(16)} answered (${reaction.why === 'other-id' ? 'a frame for another ID' : 'nothing to answer'}): ${[...mine[0]!.bytes].join(' ')}`);
              continue;
            }
            if (mine.length !== 1) throw new Error(`${what}: board ID 0x${board.id.toString(16)} answered ${mine.length} times, expected once (${reaction.kind})`);
            const reply = mine[0]!;
            const base = end + (reaction.kind === 'error' && reaction.atGap ? gapMs : 0);
            const lo = base + Math.max(0, bus.replyDelayMs - bus.replyJitterMs) - 1e-6;
            const hi = base + bus.replyDelayMs + bus.replyJitterMs + 1e-6;
            if (reply.start < lo || reply.start > hi) {
              throw new Error(`${what}: reply of board 0x${board.id.toString(16)} started ${(reply.start - base).toFixed(3)} ms after the request, outside ${bus.replyDelayMs} +- ${bus.replyJitterMs} ms`);
            }
            if (reaction.kind === 'error') {
              const want = encodeErrorResponse(reaction.code);
              if (reply.bytes.length !== want.length || reply.bytes.some((b, i) => b !== want[i])) {
                throw new Error(`${what}: board 0x${board.id.toString(16)} replied ${[...reply.bytes].join(' ')}, expected error 0x${reaction.code.toString(16)}`);
              }
            } else if (reply.bytes[0] !== 0 || reply.bytes[1] !== MASTER_ADDRESS || crc8(reply.bytes) !== 0) {
              throw new Error(`${what}: board 0x${board.id.toString(16)} replied ${[...reply.bytes].join(' ')}, expected an OK reply to ${reaction.command}`);
            }
          }
        }
      } finally {
        fs.stop();
      }
    }),
);
