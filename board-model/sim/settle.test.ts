import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimStack } from '../SimStack.ts';
import { BUILTIN_STACKS } from '../stack.ts';

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  return 'resolved';
}

function sleep(sim: SimStack, ms: number): Promise<void> {
  return new Promise((resolve) => sim.hostClock.setTimeout(resolve, ms));
}

test('settle has no virtual-time ceiling: host work sleeping 2 h in gaps over 1 h settles (issue 10 item 3)', async () => {
  // Guards against "simulation: nothing settled within 3600000 ms" on a replay with a >1 h gap.
  const sim = new SimStack({ stack: BUILTIN_STACKS['single']! }).start();
  const work = (async () => {
    await sleep(sim, 3_700_000);
    await sleep(sim, 3_700_000);
    return 'done';
  })();
  assert.is(await sim.settle(work), 'done');
  assert.is(sim.clock.now(), 7_400_000);
  sim.stop();
});

test('settle gives up on work that can never settle: no host timer pending for 1 h', async () => {
  const sim = new SimStack({ stack: BUILTIN_STACKS['single']! }).start();
  const tick = (): void => void sim.clock.setTimeout(tick, 1000); // the stack keeps running, the host waits on nothing
  tick();
  assert.match(
    await rejection(sim.settle(new Promise(() => {}))),
    /simulation: the host is waiting for something that cannot come \(the host had no timer pending for 1h00m00s of virtual time\)/,
  );
  sim.stop();
  const empty = new SimStack({ stack: { ...BUILTIN_STACKS['single']!, boards: [] } });
  assert.match(await rejection(empty.settle(new Promise(() => {}))), /cannot come \(nothing is left to happen\)/);
});

test('settle keeps an explicit limit when given one', async () => {
  const sim = new SimStack({ stack: BUILTIN_STACKS['single']! }).start();
  assert.match(await rejection(sim.settle(sleep(sim, 120_000), 60_000)), /nothing settled within 60000 ms of virtual time/);
  sim.stop();
});

test('a long settle yields to the host runtime now and then, and gives up once the stack is stopped (Ctrl-C during a long replay)', async () => {
  let yields = 0;
  let sim: SimStack | undefined;
  const yieldToHost = async (): Promise<void> => {
    if (++yields === 2) sim!.stop(); // as `pistack replay` closing the port after Ctrl-C
  };
  sim = new SimStack({ stack: BUILTIN_STACKS['single']!, yieldToHost }).start();
  const forever = (async () => {
    for (;;) await sleep(sim, 1);
  })();
  assert.match(await rejection(sim.settle(forever)), /^simulation: stopped while host work was running$/);
  assert.is(yields, 2);
  assert.ok(sim.clock.now() >= 39_000, 'about 20,000 timers between yields');
});

test.run();
