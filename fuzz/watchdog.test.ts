/** Fuzz property `watchdog`: a Pi that stops heartbeating is cycled at last beat + HBT_TIME or power-on + HBT_DELAY; a healthy Pi never is. Fixed seed FC_SEED (default 42); a failure prints seed and path. */
import { test } from 'uvu';
import { V4_REFERENCE, parseProfile } from '../board-model/profiles.ts';
import { ciParams } from './fcParams.ts';
import { watchdogTarget } from './properties/watchdogProperty.ts';
import { assertTarget } from './target.ts';

test('a Pi that stops heartbeating is cycled at last beat + HBT_TIME or power-on + HBT_DELAY; a healthy Pi never is (v4-reference, ' + watchdogTarget.ciRuns + ' runs)', async () => {
  await assertTarget(watchdogTarget, { profile: V4_REFERENCE }, ciParams(watchdogTarget.ciRuns));
});

test('the same with watchdogAction "report-only": expiries at the same moments, no power cycles', async () => {
  const profile = parseProfile({ watchdogAction: 'report-only' }, 'report-only');
  await assertTarget(watchdogTarget, { profile }, ciParams(20));
});

test.run();
