import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { scenarioFromText } from '../scenario.ts';
import { SimStack } from '../SimStack.ts';
import { BUILTIN_STACKS } from '../stack.ts';
import { V4_REFERENCE } from '../profiles.ts';
import { runScenario } from './runScenario.ts';
import { DEFAULT_BUDGET, RunawayError, runawayError } from './runawayGuard.ts';

const watchdogCycle = scenarioFromText(readFileSync(new URL('../../fixtures/scenarios/watchdog-cycle.json', import.meta.url), 'utf8'), 'watchdog-cycle.json');

test('runaway guard: a profile that bypasses the schema (hbtDelay unit 0.001 ms, no cycle off time) stops with an error naming the machine and the event (issue 10 item 3)', async () => {
  // Guards against the run that looped for minutes gaining 20 MB/s: it now stops within one virtual second.
  const bad = { ...V4_REFERENCE, settingUnitMs: { ...V4_REFERENCE.settingUnitMs, hbtDelay: 0.001 }, cycleOffTimeMs: 0 };
  let error: unknown;
  try {
    await runScenario({ ...watchdogCycle, profile: bad });
  } catch (e) {
    error = e;
  }
  assert.instance(error, RunawayError);
  const message = (error as Error).message;
  assert.match(message, /^simulation runaway at 1\.\d+s: more than 5,000 events logged in one virtual second/);
  assert.match(message, /board 0 \(ID 0x00\) power port of Pi 0 \(machine powerPort\) keeps re-arming "xstate\.after\.cycleOffTime\.powerPort\.power\.cycling" after 0s/);
  assert.ok((error as RunawayError).atMs < 2000, 'stopped within the virtual second it started looping');
});

test('runaway guard: a plain timer re-arming itself at zero delay trips the timer budget and says no machine is to blame', async () => {
  const sim = new SimStack({ stack: BUILTIN_STACKS['single']!, budget: { timersPerS: 1000 } }).start();
  await sim.runFor(500);
  const loop = (): void => void sim.clock.setTimeout(loop, 0);
  sim.clock.setTimeout(loop, 0);
  let error: unknown;
  try {
    await sim.runFor(10_000);
  } catch (e) {
    error = e;
  }
  assert.instance(error, RunawayError);
  assert.match((error as Error).message, /more than 1,000 timers fired in one virtual second; no machine has a delayed event under 1 ms pending \(a plain timer loops\)/);
  assert.is((error as RunawayError).atMs, 500, 'a zero-delay loop never moves virtual time');
  sim.stop();
});

test('runaway guard names the MCU, the regulator or a Pi when its delayed event is the fast one', async () => {
  const fastBoot = { ...V4_REFERENCE, mcu: { ...V4_REFERENCE.mcu, bootMs: 0.5 } };
  const sim = new SimStack({ stack: BUILTIN_STACKS['single']!, profile: fastBoot }).start();
  const error = runawayError(sim.boards, { kind: 'timers', budget: 10 }, 0);
  assert.match(error.message, /^simulation runaway at 0s: more than 10 timers fired in one virtual second; board 0 \(ID 0x00\) MCU \(machine boardMcu\) keeps re-arming "xstate\.after\./);
  sim.stop();
});

test('runaway guard: a busy legitimate run stays far below the default budgets', async () => {
  assert.ok(DEFAULT_BUDGET.timersPerS >= 50_000 && DEFAULT_BUDGET.eventsPerS >= 5_000);
  const sim = new SimStack({ stack: BUILTIN_STACKS['default']!, budget: { timersPerS: 2000, eventsPerS: 400 } }).start();
  await sim.runFor(120_000); // would throw if 16 booting boards needed more than a 25th of the default budget
  sim.stop();
});

test.run();
