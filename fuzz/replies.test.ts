/** Fuzz property `replies`: every frame for a board gets its F7 reply exactly once in the reply window, none for another ID. Fixed seed FC_SEED (default 42); a failure prints seed and path. */
import { test } from 'uvu';
import { V3_PROFILE, V4_REFERENCE } from '../board-model/profiles.ts';
import { ciParams } from './fcParams.ts';
import { repliesTarget } from './properties/repliesProperty.ts';
import { assertTarget } from './target.ts';

test('every frame for a board gets its F7 reply exactly once in the reply window, none for another ID (v4-reference, ' + repliesTarget.ciRuns + ' runs)', async () => {
  await assertTarget(repliesTarget, { profile: V4_REFERENCE }, ciParams(repliesTarget.ciRuns));
});

test('the same for firmware v3 (commands 0x22..0x29 answered 0x12)', async () => {
  await assertTarget(repliesTarget, { profile: V3_PROFILE }, ciParams(20));
});

test.run();
