/**
 * Lazy pulse trains (pulseTrains.ts) change nothing anyone can observe: random scenarios run
 * twice, once with every heartbeat line forced to fire its edges on timers (PulseTrains.setEager,
 * as before lazy trains existed) and once lazily, must give the same event stream (host replies
 * included), the same pulse count, level and last rise per Pi whenever asked, and the same scope
 * waveform of lines a scope watches for part of the run. Pis are powered at integer times (ports
 * on at MCU boot) so that beats fall on whole milliseconds, and steps are aimed at beat times
 * exactly: the same-millisecond ties that only the timers' creation order decides. Fixed seed
 * FC_SEED (default 42); a failure prints fast-check's seed and path.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ciParams, ciSeed } from '../../fuzz/fcParams.ts';
import { BOOTED, observe, scenarioArb } from '../testing/lazyDifferential.ts';

test(`random scenarios: the same events, replies, pulses and scope waveforms with lazy and eager heartbeat lines (seed ${ciSeed()})`, async () => {
  let lazySeen = 0;
  let ties = 0;
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (c) => {
      const eager = await observe(c, true);
      const lazy = await observe(c, false);
      assert.is(eager.lazySeen, 0, 'forced eager: no line ran lazily');
      lazySeen += lazy.lazySeen;
      ties += c.steps.filter((s) => (s.at - BOOTED) % 100 === 0).length;
      assert.equal(lazy.events, eager.events, 'event stream');
      assert.equal(lazy.probes, eager.probes, 'levels, pulse counts and last rises');
      assert.equal(lazy.scope, eager.scope, 'scope waveform');
    }),
    ciParams(Number(process.env["LAZY_RUNS"] ?? 60)),
  );
  // The property proves something only if lines did run lazily and steps did meet beats.
  assert.ok(lazySeen > 1000, `lines were lazy at ${lazySeen} probes`);
  assert.ok(ties > 50, `${ties} steps on beat times`);
});

test.run();
