/** Fuzz property `errorLog`: error log, pointer and counts stay consistent with the error replies. Fixed seed FC_SEED (default 42); a failure prints seed and path. */
import { test } from 'uvu';
import { V4_REFERENCE, parseProfile } from '../board-model/profiles.ts';
import { ciParams } from './fcParams.ts';
import { errorLogTarget } from './properties/errorLogProperty.ts';
import { assertTarget } from './target.ts';

test('error log, pointer and counts stay consistent with the error replies (v4-reference, ' + errorLogTarget.ciRuns + ' runs)', async () => {
  await assertTarget(errorLogTarget, { profile: V4_REFERENCE }, ciParams(errorLogTarget.ciRuns));
});

test('the same with an 8-slot log whose pointer reads the last slot written and counts saturating at 5', async () => {
  const profile = parseProfile({ errorLog: { size: 8, pointer: 'last-written', countSaturates: 5, bootCountSaturates: 3 } }, 'small-log');
  await assertTarget(errorLogTarget, { profile }, ciParams(20));
});

test.run();
