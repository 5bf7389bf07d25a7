/**
 * The model-based test (fuzz/model/): random command sequences, time and faults included, checked
 * against the plain host-side model. Always on the simulator (fresh stack per run, behaviour
 * variants of the profile); on a real board when PISTACK_PORT is set (a device path or
 * tcp://HOST:PORT; PISTACK_ID, default 0, is the board under test; PISTACK_FUZZ_RUNS, default 5,
 * runs of at most 60 commands with real waits of at most 1 s). Otherwise that test is visibly skipped.
 */
import { suite, test } from 'uvu';
import * as assert from 'uvu/assert';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { SINGLE_BOARD_STACK } from '../board-model/stack.ts';
import { openPort } from '../hil/ports.ts';
import { ciParams } from './fcParams.ts';
import { openSimPort } from './harness/simPort.ts';
import { modelTarget, variantProfile } from './model/modelTarget.ts';
import { assertTarget } from './target.ts';

test(`model-based run on the simulator: ${modelTarget.ciRuns} runs, profile variants`, async () => {
  await assertTarget(modelTarget, { profile: V4_REFERENCE, variants: true }, ciParams(modelTarget.ciRuns));
});

test('the hardware flavour of the model (unknown Pis, read-back start, no faults) holds on a simulated port too', async () => {
  let seed = 0;
  await assertTarget(modelTarget, { profile: V4_REFERENCE, openPort: () => openSimPort({ stack: SINGLE_BOARD_STACK, profile: V4_REFERENCE, seed: ++seed }), boardId: 0 }, ciParams(40));
});

test('a variant changes exactly the three behaviour knobs', () => {
  const p = variantProfile(V4_REFERENCE, { watchdogAction: 'report-only', gracefulOffDelay: 'sig-off-delay', piOnCancelsShutdown: false });
  assert.is(p.watchdogAction, 'report-only');
  assert.is(p.gracefulOffDelay, 'sig-off-delay');
  assert.is(p.piOnCancelsShutdown, false);
  assert.equal({ ...p, name: '', watchdogAction: 'power-cycle', gracefulOffDelay: 'off-delay', piOnCancelsShutdown: true }, { ...V4_REFERENCE, name: '' });
});

test.run();

const spec = process.env['PISTACK_PORT'];
if (spec === undefined || spec === '' || spec.startsWith('sim')) {
  const skipped = suite('model-based run on a real board (skipped: set PISTACK_PORT=/dev/ttyUSB0 and PISTACK_ID=0 to run it)');
  skipped.skip('model-based run against a real board: set PISTACK_PORT (a device or tcp://HOST:PORT) and PISTACK_ID', () => undefined);
  skipped.run();
} else {
  const hardware = suite(`model-based run on board ${process.env['PISTACK_ID'] ?? '0'} at ${spec}`);
  hardware('random command sequences against the real board (its Pis switched on and off, settings restored after each run)', async () => {
    const port = await openPort(spec);
    try {
      const shared = { ...port, close: async () => undefined };
      const runs = Number(process.env['PISTACK_FUZZ_RUNS'] ?? 5);
      await assertTarget(modelTarget, { profile: V4_REFERENCE, openPort: async () => shared, boardId: Number(process.env['PISTACK_ID'] ?? 0) }, ciParams(runs));
    } finally {
      await port.close();
    }
  });
  hardware.run();
}
