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
import { parseScenario } from '../scenario.ts';
import type { SimStack } from '../SimStack.ts';
import { parseStack } from '../stack.ts';
import { BOOTED, observe, scenarioArb } from '../testing/lazyDifferential.ts';
import { runScenario } from './runScenario.ts';

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

test('steady heartbeats cost no timers: 32 Pis heartbeating for 6 h fire only a handful, and every pulse is counted', async () => {
  const stack = parseStack({ name: 'default', supplyVolts: 12, boards: Array.from({ length: 16 }, (_, dip) => ({ dip, pis: ['pi3b+', 'pi3b+'] })) }, 'test');
  const steps = stack.boards.flatMap((b) => [0, 1].map((pi) => ({ at: 1000, host: 'PI_ON', id: b.dip, pi })));
  let sim: SimStack | undefined;
  await runScenario(parseScenario({ name: 'steady', stack, seed: 1, duration: '6h', steps }, 'test'), { onStart: (s) => (sim = s) });
  assert.ok(sim!.clock.fired < 1000, `${sim!.clock.fired} timers fired`);
  const pulses = sim!.boards.flatMap((b) => [b.heartbeat[0].rises, b.heartbeat[1].rises]);
  // Booted 25 s after its PI_ON arrived (just after 1 s), a Pi beats every 5.2 s: 4150 rises in 6 h.
  assert.equal(new Set(pulses), new Set([Math.floor((6 * 3_600_000 - 26_000) / 5200) + 1]));
});

test.run();
