import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { buildFrame } from '../bus-protocol/frame.ts';
import { BoardReceiver, type ReceivedFrame } from './BoardReceiver.ts';
import { createRandom } from './random.ts';
import { ReceiverFanout } from './ReceiverFanout.ts';
import { Rs485Bus, type BusNode } from './Rs485Bus.ts';
import { VirtualClock } from './VirtualClock.ts';

const SEED = Number(process.env['FC_SEED'] ?? 42);

/** One step of traffic: who transmits what, after how long (ms). */
type Step =
  | { kind: 'send'; from: number; bytes: number[]; afterMs: number } // from -1 = host
  | { kind: 'id'; board: number; id: number }
  | { kind: 'leave'; board: number };

/** Boards on a bus, heard directly (each its own node) or through one fan-out; returns what each got. */
function run(steps: readonly Step[], boards: number, viaFanout: boolean, rxBufferBytes: number) {
  const clock = new VirtualClock();
  const bus = new Rs485Bus({ clock, random: createRandom(7), noise: 0 });
  const host = bus.attach('host', () => undefined);
  const fanout = viaFanout ? new ReceiverFanout() : undefined;
  if (fanout) bus.attach('board receivers', (d) => fanout.deliver(d));
  const ids = Array.from({ length: boards }, (_, i) => i);
  const got: ReceivedFrame[][] = ids.map(() => []);
  const nodes: BusNode[] = [];
  const receivers: BoardReceiver[] = [];
  const memberships: Array<ReturnType<ReceiverFanout['join']> | undefined> = [];
  for (let i = 0; i < boards; i++) {
    const getId = () => ids[i]!;
    const name = `board ${i}`;
    const node: BusNode = fanout ? bus.attach(name) : bus.attach(name, (d) => receiver.receive(d));
    const receiver: BoardReceiver = new BoardReceiver({
      clock, getId, rxBufferBytes, incomingUntil: (t) => node.incomingUntil(t), onFrame: (f) => got[i]!.push(f),
    });
    nodes.push(node);
    receivers.push(receiver);
    memberships.push(fanout?.join(receiver, name, getId));
  }
  for (const step of steps) {
    if (step.kind === 'id') {
      ids[step.board] = step.id;
      memberships[step.board]?.refreshId();
    } else if (step.kind === 'leave') {
      nodes[step.board]!.detach();
      memberships[step.board]?.leave();
    } else {
      clock.advance(step.afterMs);
      const node = step.from < 0 ? host : nodes[step.from]!;
      try {
        node.transmit(Uint8Array.from(step.bytes));
      } catch {
        // a detached board cannot transmit
      }
    }
  }
  clock.advance(1000);
  const frames = got.map((list) => list.map((f) => ({ kind: f.kind, bytes: [...f.bytes], at: f.at })));
  return { frames, stats: receivers.map((r) => r.stats) };
}

const BOARDS = 5;

/** Whole frames for board IDs (and the master), fragments, garbage, oversized frames and overlaps. */
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.record({
      from: fc.integer({ min: -1, max: BOARDS - 1 }),
      to: fc.oneof(fc.integer({ min: 0, max: BOARDS + 1 }), fc.constant(0xff)),
      data: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }),
      afterMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 12, noNaN: true }), fc.constant(50)),
    }).map(({ from, to, data, afterMs }): Step => ({ kind: 'send', from, bytes: [...buildFrame(0x02, to, data)], afterMs })),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      from: fc.integer({ min: -1, max: BOARDS - 1 }),
      bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 40 }),
      afterMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 12, noNaN: true })),
    }).map((s): Step => ({ kind: 'send', ...s })),
  },
  { weight: 5, arbitrary: fc.record({ board: fc.integer({ min: 0, max: BOARDS - 1 }), id: fc.oneof(fc.integer({ min: -1, max: BOARDS + 1 }), fc.constant(0xff)) }).map((s): Step => ({ kind: 'id', ...s })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: BOARDS - 1 }).map((board): Step => ({ kind: 'leave', board })) },
);

test('through the fan-out every receiver reports exactly what it reports on the bus itself, counters included', () => {
  fc.assert(
    fc.property(fc.array(stepArb, { maxLength: 60 }), fc.constantFrom(16, 64), (steps, rx) => {
      assert.equal(run(steps, BOARDS, true, rx), run(steps, BOARDS, false, rx));
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('a whole frame for another ID costs the idle receivers nothing but their counters', () => {
  const clock = new VirtualClock();
  const fanout = new ReceiverFanout();
  const seen: number[] = [];
  const receivers = [0, 1, 2].map((id) => {
    const rx = new BoardReceiver({ clock, getId: () => id, onFrame: () => seen.push(id) });
    fanout.join(rx, `board ${id}`, () => id);
    return rx;
  });
  const frame = buildFrame(0x02, 1, []);
  fanout.deliver({ bytes: frame, firstByteAt: 0, byteTimeMs: 1, endAt: frame.length - 1, from: 'host', collided: false });
  assert.equal(seen, [1]);
  assert.equal(receivers.map((r) => [r.stats.bytes, r.stats.ignored, r.stats.framesForMe]), [[4, 1, 0], [4, 0, 1], [4, 1, 0]]);
  assert.is(fanout.size, 3);
});

test.run();
