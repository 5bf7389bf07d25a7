/** Fuzz property `tornWrite`: a torn flash write loses at most the block being written. Fixed seed FC_SEED (default 42); a failure prints seed and path. */
import { test } from 'uvu';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { ciParams } from './fcParams.ts';
import { tornWriteTarget } from './properties/tornWriteProperty.ts';
import { assertTarget } from './target.ts';

test('a torn flash write loses at most the block being written (v4-reference, ' + tornWriteTarget.ciRuns + ' runs)', async () => {
  await assertTarget(tornWriteTarget, { profile: V4_REFERENCE }, ciParams(tornWriteTarget.ciRuns));
});

test.run();
