/** Fuzz property `parser`: the stream parser never throws, never yields a bad-CRC frame, accounts for every byte and recovers at the next valid frame after a gap. Fixed seed FC_SEED (default 42); a failure prints seed and path. */
import { test } from 'uvu';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { ciParams } from './fcParams.ts';
import { parserTarget } from './properties/parserProperty.ts';
import { assertTarget } from './target.ts';

test('the stream parser never throws, never yields a bad-CRC frame, accounts for every byte and recovers at the next valid frame after a gap (v4-reference, ' + parserTarget.ciRuns + ' runs)', async () => {
  await assertTarget(parserTarget, { profile: V4_REFERENCE }, ciParams(parserTarget.ciRuns));
});

test.run();
