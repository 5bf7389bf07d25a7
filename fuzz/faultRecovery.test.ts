/** Fuzz property `faultRecovery`: any fault schedule: no exception, only prompted well-formed replies, full recovery. Fixed seed FC_SEED (default 42); a failure prints seed and path. */
import { test } from 'uvu';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { ciParams } from './fcParams.ts';
import { faultRecoveryTarget } from './properties/faultRecoveryProperty.ts';
import { assertTarget } from './target.ts';

test('any fault schedule: no exception, only prompted well-formed replies, full recovery (v4-reference, ' + faultRecoveryTarget.ciRuns + ' runs)', async () => {
  await assertTarget(faultRecoveryTarget, { profile: V4_REFERENCE }, ciParams(faultRecoveryTarget.ciRuns));
});

test.run();
