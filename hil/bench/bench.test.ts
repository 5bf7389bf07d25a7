/**
 * The bench runner on the simulator: the default plan passes a good board and fails each
 * manufacturing defect at the check meant to catch it; --no-prompt and the prompt skip what a
 * person would do (and what needs it); an interruption or a lost adapter still leaves the board
 * powered off with its settings restored, and the result says how the run ended.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import type { Defect } from '../../board-model/defects.ts';
import type { HostPort } from '../ports.ts';
import { loadPlan } from './loadPlan.ts';
import { noPromptOperator, promptOperator, simOperator, type Operator } from './operator.ts';
import { parsePlan } from './planSchema.ts';
import { reopenPort, simReconnect } from './reconnect.ts';
import { runBench, type BenchOptions, type BenchResult } from './runBench.ts';
import { inspector, openBench } from './testing/benchRig.ts';

const { plan, source } = loadPlan('default');

async function bench(port: HostPort, id: number, extra: Partial<BenchOptions> = {}, operator?: Operator): Promise<BenchResult> {
  return runBench({ port, id, plan, planSource: source, operator: operator ?? simOperator(port.sim!, id), ...extra });
}

/** First step that did not pass or skip. */
function firstFailure(result: BenchResult): string | undefined {
  return result.steps.find((s) => s.status === 'failed' || s.status === 'error')?.name;
}

/** The board's state through a second adapter: power of both ports and the timing settings. */
async function boardState(port: HostPort, id: number) {
  const look = await inspector(port);
  const c = look.client;
  const state = {
    powered: [await look.run(c.getPiPowered(id, 0)), await look.run(c.getPiPowered(id, 1))],
    hbtDelay: [await look.run(c.getHbtDelay(id, 0)), await look.run(c.getHbtDelay(id, 1))],
    hbtTime: [await look.run(c.getHbtTime(id, 0)), await look.run(c.getHbtTime(id, 1))],
    offDelay: [await look.run(c.getOffDelay(id, 0)), await look.run(c.getOffDelay(id, 1))],
    sigOffDelay: [await look.run(c.getSigOffDelay(id, 0)), await look.run(c.getSigOffDelay(id, 1))],
  };
  await look.close();
  return state;
}

const FACTORY = { powered: [false, false], hbtDelay: [90, 90], hbtTime: [15, 15], offDelay: [30, 30], sigOffDelay: [30, 30] };

test('a good board passes every check of the default plan, in well under a second of wall time', async () => {
  const port = await openBench(3);
  const result = await bench(port, 3, { serial: 'SN1', operatorName: 'ada' });
  assert.is(result.status, 'passed', JSON.stringify(result.steps.filter((s) => s.status !== 'passed').map((s) => [s.name, s.reason])));
  assert.is(result.verdict, 'PASS');
  assert.equal(result.counts, { passed: plan.steps.length, failed: 0, errors: 0, skipped: 0 });
  assert.ok(result.wallMs < 1500, `wall ${result.wallMs} ms`);
  assert.ok(result.boardMs > 25_000, 'the watchdog and off-delay checks take their real (virtual) time');
  assert.equal(result.board, { id: 3, serial: 'SN1', hardwareVersion: 3, firmwareVersion: 4 });
  assert.is(result.cleanup.poweredOff, true);
  assert.is(result.cleanup.settingsRestored, true);
  const watchdog = result.steps.find((s) => s.name === 'pi0.watchdog')!;
  const trip = watchdog.measurements.find((m) => m.name === 'trip time')!;
  assert.ok(Math.abs(trip.value! - 5) < 0.1, `trip ${trip.value} s`);
  assert.equal(await boardState(port, 3), FACTORY);
  await port.close();
});

const DEFECTS: Array<[string, Defect[], string]> = [
  ['a port switch stuck on', [{ kind: 'switch-stuck', pi: 0, state: 'on' }], 'pi0.voltage-while-off'],
  ['a port switch stuck off', [{ kind: 'switch-stuck', pi: 1, state: 'off' }], 'pi1.port-voltage'],
  ['a wrong Pi-voltage divider', [{ kind: 'wrong-scale', reading: 'piV', pi: 0, factor: 0.9 }], 'pi0.port-voltage'],
  ['a wrong input divider', [{ kind: 'wrong-scale', reading: 'vin', factor: 1.25 }], 'input.voltage'],
  ['a wrong Pi current sense resistor', [{ kind: 'wrong-scale', reading: 'piC', pi: 0, factor: 2 }], 'pi0.current-with-load'],
  ['a dead Pi current sensor', [{ kind: 'dead-sensor', reading: 'piC', pi: 1 }], 'pi1.current-with-load'],
  ['a dead input current sensor', [{ kind: 'dead-sensor', reading: 'cin' }], 'load.input-current'],
  ['a stuck DIP bit', [{ kind: 'dip-stuck', bit: 1, value: 1 }], 'identity'],
  ['a regulator with a high output resistance', [{ kind: 'weak-regulator', outputResistanceOhm: 0.5 }], 'load.rail-voltage'],
  ['a regulator with a low current limit', [{ kind: 'weak-regulator', currentLimitA: 0.6 }], 'load.rail-voltage'],
  ['a missing bus termination', [{ kind: 'no-termination', noise: 0.05 }], 'bus.reply-errors'],
];

for (const [what, defects, check] of DEFECTS) {
  test(`defect: ${what} fails at ${check}`, async () => {
    const port = await openBench(0, defects);
    const result = await bench(port, 0);
    assert.is(result.verdict, 'FAIL');
    assert.is(result.status, 'failed');
    assert.is(firstFailure(result), check);
    assert.is(result.steps.find((s) => s.name === check)!.status, 'failed');
    assert.is(result.cleanup.settingsRestored, true);
    await port.close();
  });
}

test('defect: a stuck DIP bit says where the board answers instead, and nothing else runs', async () => {
  const port = await openBench(0, [{ kind: 'dip-stuck', bit: 1, value: 1 }]);
  const result = await bench(port, 0);
  const identity = result.steps.find((s) => s.name === 'identity')!;
  assert.match(identity.measurements[0]!.detail!, /a board answers at ID 2 instead/);
  assert.ok(result.steps.slice(2).every((s) => s.status === 'skipped' && s.reason === 'needs identity (failed)'));
  assert.is(result.cleanup.attempted, false, 'the board never answered at its ID: nothing to put back');
  await port.close();
});

test('a wait longer than 1 h on sim: passes (issue 10 item 3: no virtual-time ceiling, no stack trace, no "never answered")', async () => {
  const port = await openBench(4);
  const long = parsePlan({ name: 'long-wait', steps: [{ name: 'id', do: 'identity', gate: true }, { name: 'soak', do: 'wait', ms: 3_700_000 }, { name: 'id-after', do: 'identity' }] }, 'long.json');
  const progress: string[] = [];
  const result = await runBench({ port, id: 4, plan: long, planSource: 'long.json', operator: simOperator(port.sim!, 4), onProgress: (event) => progress.push(JSON.stringify(event)) });
  assert.equal(result.steps.map((s) => [s.name, s.status]), [['id', 'passed'], ['soak', 'passed'], ['id-after', 'passed']], JSON.stringify(result.steps));
  assert.is(result.verdict, 'PASS');
  assert.not.match(progress.join("\n"), /\\n\s+at |nothing settled|never answered/);
  await port.close();
});

test('--no-prompt: manual steps and the steps that need them are skipped and reported so; the rest passes', async () => {
  const port = await openBench(1);
  const result = await bench(port, 1, {}, noPromptOperator);
  assert.is(result.verdict, 'PASS');
  const skipped = result.steps.filter((s) => s.status === 'skipped');
  assert.equal(skipped.filter((s) => s.do === 'manual').map((s) => [s.name, s.reason]), [
    ['setup', 'needs a person (--no-prompt)'], ['pi0.attach-load', 'needs a person (--no-prompt)'], ['pi1.attach-load', 'needs a person (--no-prompt)'],
  ]);
  assert.is(result.steps.find((s) => s.name === 'pi0.current-with-load')!.reason, 'needs pi0.attach-load (skipped)');
  assert.is(result.steps.find((s) => s.name === 'load.rail-voltage')!.reason, 'needs load.pi0-on (skipped)');
  assert.is(result.counts.skipped, 13);
  assert.is(result.steps.find((s) => s.name === 'pi0.current-no-load')!.status, 'passed');
  await port.close();
});

test('a person at the prompt: Enter confirms, "s" skips (and what needs it), a closed terminal skips', async () => {
  const small = parsePlan({
    name: 'prompts',
    steps: [
      { name: 'jumper', do: 'manual', action: 'fit-jumper', instruction: 'Fit J3' },
      { name: 'after-jumper', do: 'read', command: 'GET_ID', needs: ['jumper'], limits: { equals: '$id' } },
      { name: 'load', do: 'manual', action: 'attach-load', pi: 0, instruction: 'Attach the load' },
      { name: 'after-load', do: 'read', command: 'GET_SW_VERSION', needs: ['load'], limits: { equals: 4 } },
    ],
  }, 'prompts');
  const input = new PassThrough();
  const output = new PassThrough();
  const answers = ['\n', 's\n'];
  output.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('Press Enter')) input.write(answers.shift() ?? '\n');
  });
  const port = await openBench(2);
  const result = await runBench({ port, id: 2, plan: small, planSource: 'test', operator: promptOperator(input, output) });
  assert.equal(result.steps.map((s) => [s.name, s.status]), [['jumper', 'passed'], ['after-jumper', 'passed'], ['load', 'skipped'], ['after-load', 'skipped']]);
  assert.is(result.steps[2]!.reason, 'skipped by the operator');
  const closed = new PassThrough();
  closed.end();
  const again = await runBench({ port, id: 2, plan: small, planSource: 'test', operator: promptOperator(closed, new PassThrough()) });
  assert.is(again.steps[0]!.reason, 'no terminal input (stdin closed)');
  await port.close();
});

test('interrupted (AbortSignal) mid-watchdog: the board is powered off, settings restored, the result says "interrupted"', async () => {
  const port = await openBench(4);
  const controller = new AbortController();
  const result = await bench(port, 4, {
    signal: controller.signal,
    onProgress: (e) => {
      if (e.type === 'step-start' && e.step.name === 'pi0.watchdog') port.clock.setTimeout(() => controller.abort('SIGINT'), 2000);
    },
  });
  assert.is(result.status, 'interrupted');
  assert.is(result.verdict, 'FAIL');
  assert.is(result.stoppedBy, 'interrupted: SIGINT');
  const wd = result.steps.find((s) => s.name === 'pi0.watchdog')!;
  assert.is(wd.status, 'error');
  assert.is(wd.reason, 'interrupted (SIGINT)');
  assert.ok(result.steps.filter((s) => s.index > wd.index).every((s) => s.status === 'skipped' && s.reason === 'not run (interrupted)'));
  assert.equal(result.cleanup.restored.map((r) => [r.setting, r.pi, r.value, r.ok]), [['HBT_TIME', 0, 15, true], ['HBT_DELAY', 0, 90, true]]);
  assert.is(result.cleanup.poweredOff, true);
  // The port stays off: no watchdog cycle was left pending to switch it back on.
  await port.sim!.runFor(30_000);
  assert.equal(await boardState(port, 4), FACTORY);
  await port.close();
});

test('quit (a second Ctrl-C) mid-watchdog: returns at once, listing every setting left changed with its original value (regression: nothing said, no report)', async () => {
  const port = await openBench(4);
  const stop = new AbortController();
  const quit = new AbortController();
  const progress: string[] = [];
  const result = await bench(port, 4, {
    signal: stop.signal, quit: quit.signal,
    onProgress: (e) => {
      progress.push(e.type);
      if (e.type === 'note' && /nothing heartbeating/.test(e.text)) {
        stop.abort('SIGINT');
        quit.abort('SIGINT');
      }
    },
  });
  assert.is(result.status, 'interrupted');
  const wd = result.steps.find((s) => s.name === 'pi0.watchdog')!;
  assert.is(wd.status, 'error');
  assert.match(wd.reason ?? '', /^abandoned \(quit \(SIGINT\) before the clean-up was done\)/);
  assert.equal(result.cleanup.pending, [{ setting: 'HBT_TIME', pi: 0, original: 15 }, { setting: 'HBT_DELAY', pi: 0, original: 90 }]);
  assert.is(result.cleanup.settingsRestored, false);
  assert.is(result.cleanup.poweredOff, undefined);
  assert.match(result.cleanup.abandoned ?? '', /quit/);
  assert.match(result.cleanup.notes[0] ?? '', /settings left changed: HBT_TIME pi0 \(was 15\), HBT_DELAY pi0 \(was 90\)/);
  assert.not.ok(progress.includes('cleanup'), 'no clean-up was attempted');
  assert.is(progress.at(-1), 'end');
  await port.close();
});

test('quit during the clean-up: the clean-up is abandoned, the report says so', async () => {
  const port = await openBench(4);
  const stop = new AbortController();
  const quit = new AbortController();
  const result = await bench(port, 4, {
    signal: stop.signal, quit: quit.signal,
    onProgress: (e) => {
      if (e.type === 'note' && /nothing heartbeating/.test(e.text)) {
        stop.abort('SIGINT');
        port.clock.setTimeout(() => quit.abort('SIGTERM'), 1); // inside the clean-up's first PI_FORCE_OFF
      }
    },
  });
  assert.is(result.status, 'interrupted');
  assert.is(result.stoppedBy, 'interrupted: SIGINT, then quit (SIGTERM) before the clean-up was done');
  assert.is(result.steps.find((s) => s.name === 'pi0.watchdog')!.reason, 'interrupted (SIGINT)');
  assert.is(result.cleanup.pending.length, 2);
  await port.close();
});

test('adapter lost mid-step: reconnects, powers off, restores; the result says "adapter lost"', async () => {
  const port = await openBench(5);
  const result = await bench(port, 5, {
    reconnect: simReconnect(port),
    onProgress: (e) => {
      if (e.type === 'step-start' && e.step.name === 'pi1.graceful-off') port.clock.setTimeout(() => port.sim!.host.unplug('USB adapter unplugged'), 1000);
    },
  });
  assert.is(result.status, 'adapter lost');
  assert.is(result.stoppedBy, 'adapter lost: USB adapter unplugged');
  assert.is(result.steps.find((s) => s.name === 'pi1.graceful-off')!.status, 'error');
  assert.is(result.cleanup.reconnected, true);
  assert.is(result.cleanup.poweredOff, true);
  assert.is(result.cleanup.settingsRestored, true);
  assert.equal(result.cleanup.restored.map((r) => r.setting), ['OFF_DELAY', 'SIG_OFF_DELAY']);
  assert.equal(await boardState(port, 5), FACTORY);
  await port.close();
});

test('adapter lost and no way back: the result lists the settings still changed, with their original values', async () => {
  const port = await openBench(6);
  const result = await bench(port, 6, {
    onProgress: (e) => {
      if (e.type === 'step-start' && e.step.name === 'pi0.graceful-off') port.clock.setTimeout(() => port.sim!.host.unplug(), 1000);
    },
  });
  assert.is(result.status, 'adapter lost');
  assert.is(result.cleanup.attempted, false);
  assert.is(result.cleanup.settingsRestored, false);
  assert.equal(result.cleanup.pending.map((p) => [p.setting, p.pi, p.original]), [['OFF_DELAY', 0, 30], ['SIG_OFF_DELAY', 0, 30]]);
  await port.close();
});

test('reopenPort: opens the --port again, a few tries apart, and gives up with the last error', async () => {
  const again = await reopenPort('sim:', { bootMs: 10 }, 2, 1)();
  assert.match(again.description, /^sim:/);
  await again.close();
  const failure = async (work: () => Promise<unknown>): Promise<string> => work().then(() => 'resolved', (e: unknown) => (e as Error).message);
  assert.match(await failure(reopenPort('sim:nonsense', {}, 2, 1)), /"--port"/);
  assert.match(await failure(simReconnect({ ...again, sim: undefined } as HostPort)), /not a simulated port/);
});

test.run();
