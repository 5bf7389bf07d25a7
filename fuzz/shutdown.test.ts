/** Fuzz property `shutdown`: PI_OFF is safe when the shutdown is shorter than the off delay; PI_FORCE_OFF on a running Pi counts one unsafe loss. Fixed seed FC_SEED (default 42); a failure prints seed and path. */
import { test } from 'uvu';
import { V4_REFERENCE, parseProfile } from '../board-model/profiles.ts';
import { ciParams } from './fcParams.ts';
import { shutdownTarget } from './properties/shutdownProperty.ts';
import { assertTarget } from './target.ts';

test('PI_OFF is safe when the shutdown is shorter than the off delay; PI_FORCE_OFF on a running Pi counts one unsafe loss (v4-reference, ' + shutdownTarget.ciRuns + ' runs)', async () => {
  await assertTarget(shutdownTarget, { profile: V4_REFERENCE }, ciParams(shutdownTarget.ciRuns));
});

test('the same when PI_OFF waits SIG_OFF_DELAY and PI_ON does not cancel a shutdown (profile knobs)', async () => {
  const profile = parseProfile({ gracefulOffDelay: 'sig-off-delay', piOnCancelsShutdown: false }, 'sig-off-delay');
  await assertTarget(shutdownTarget, { profile }, ciParams(20));
});

test.run();
