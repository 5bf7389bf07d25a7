/**
 * Property `error-log`: whatever frames a board gets, its error log, pointer, error count and
 * boot count stay consistent with the errors it replied with (FIRMWARE.md sections 2 and 7):
 * each error reply's code stored at the pointer, the pointer advancing and wrapping, counts
 * saturating, clears and MCU resets as specified. The host-side model only learns from the
 * replies the board sent (seen on the wire: a burst of two frames gets two replies).
 */
import * as fc from 'fast-check';
import { damagedFrame } from '../arbitraries/damagedFrames.ts';
import { invalidPiRequest, unknownCommandRequest, validRequest, wrongLengthRequest } from '../arbitraries/requests.ts';
import { ErrorLogModel } from '../harness/ErrorLogModel.ts';
import { FuzzSim } from '../harness/FuzzSim.ts';
import { readErrors } from '../harness/readBoard.ts';
import { defineTarget } from '../target.ts';

/** The board under test is alone on the bus at ID 0x07. */
const ID = 7;
const ids = fc.oneof({ arbitrary: fc.constant(ID), weight: 9 }, { arbitrary: fc.constant(0x17), weight: 1 });

/** Frames that provoke errors (and some that do not): several in a row, like a noisy line. */
const frame: fc.Arbitrary<Uint8Array> = fc.oneof(
  invalidPiRequest(ids).map((r) => r.bytes),
  unknownCommandRequest(ids).map((r) => r.bytes),
  wrongLengthRequest(ids).map((r) => r.bytes),
  damagedFrame(validRequest(ids, ['GET_SW_VERSION', 'GET_VIN', 'GET_PI_HBT', 'LEDS_ON']).map((r) => r.bytes)).map((d) => d.bytes),
  validRequest(ids, ['GET_SW_VERSION', 'GET_ERROR_COUNT', 'GET_PI_POWERED', 'DEBUG_LED']).map((r) => r.bytes),
);

/** One step: a burst of frames, a clear, an MCU reset, or a read of the whole error block. */
type Op = { kind: 'frames'; frames: Uint8Array[] } | { kind: 'clear-buffer' } | { kind: 'clear-count' } | { kind: 'reset' } | { kind: 'read' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.array(frame, { minLength: 1, maxLength: 8 }).map((frames) => ({ kind: 'frames' as const, frames })), weight: 8 },
  { arbitrary: fc.constantFrom<Op>({ kind: 'clear-buffer' }, { kind: 'clear-count' }, { kind: 'reset' }), weight: 1 },
  { arbitrary: fc.constant<Op>({ kind: 'read' }), weight: 1 },
);

/** The `error-log` target. */
export const errorLogTarget = defineTarget(
  { name: 'error-log', summary: 'error log, pointer and counts follow the error codes the board replied with, through clears and resets', ciRuns: 40, simOnly: true },
  (options) =>
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30, size: 'medium' }), async (ops) => {
      const fs = await FuzzSim.start({ profile: options.profile, boards: [{ dip: 7, pis: [null, null] }], inspect: options.inspect, log: options.log });
      try {
        const model = new ErrorLogModel(options.profile);
        model.boot(false, false);
        // The board's error replies as they went out on the wire: a burst holding two frames gets
        // two replies, of which the client only reads the first.
        let seen = 0;
        const heard = (): void => {
          for (; seen < fs.transmissions.length; seen++) {
            const t = fs.transmissions[seen]!;
            if (t.from !== 'host' && t.bytes[0] === 1) model.replied(t.bytes[3]!);
          }
        };
        const check = async (when: string): Promise<void> => {
          const got = await readErrors(fs.client, (w) => fs.do(w), ID);
          const want = model.reading();
          if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${when}: board reads ${JSON.stringify(got)}, the replies imply ${JSON.stringify(want)}`);
        };
        for (const [i, o] of ops.entries()) {
          if (o.kind === 'frames') {
            for (const bytes of o.frames) {
              await fs.do(fs.client.requestRaw(bytes));
              await fs.sim.runFor(20); // a gap, so the next frame starts clean, and any late reply is out
              heard();
            }
          } else if (o.kind === 'clear-buffer') {
            await fs.do(fs.client.clearErrorBuffer(ID));
            model.clearLog();
          } else if (o.kind === 'clear-count') {
            await fs.do(fs.client.clearErrorCount(ID));
            model.clearCounts();
          } else if (o.kind === 'reset') {
            fs.log.fault('mcu-reset', { board: 0 }, fs.now);
            fs.sim.control.resetMcu(0);
            await fs.sim.runFor(50);
            model.boot(false, false);
          } else await check(`after step ${i + 1}`);
          heard();
        }
        await check('at the end');
      } finally {
        fs.stop();
      }
    }),
);
