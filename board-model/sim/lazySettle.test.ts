/**
 * SimStack.settle() with lazy pulse trains: host code driving the stack request by request (the
 * fuzzer's way) sees the same replies, events, times and give-up errors as with every heartbeat
 * edge on a timer (PulseTrains.setEager). A lazy heartbeat event is one of settle's steps, as
 * its timer would be: the host-idle limit and the error it ends with are counted between steps.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StackClient } from '../../bus-protocol/StackClient.ts';
import { PulseTrains } from '../pulseTrains.ts';
import { SimStack } from '../SimStack.ts';
import { parseStack } from '../stack.ts';
import { PROFILE } from '../testing/lazyDifferential.ts';

/** A session of host requests and waits; everything observable, as lines. */
async function session(eager: boolean, pis: [string, string]): Promise<string[]> {
  const stack = parseStack({ boards: [{ dip: 0, pis }] }, 'settle', { defaultProfile: PROFILE });
  const sim = new SimStack({ stack, profile: PROFILE, seed: 3 });
  const out: string[] = [];
  sim.events.subscribe((e) => out.push(JSON.stringify(e)));
  const client = new StackClient(sim.host, { clock: sim.hostClock, retries: 0 });
  sim.start();
  if (eager) PulseTrains.of(sim.clock)!.setEager(true);
  let lazySeen = 0;
  const note = async <T>(what: string, promise: Promise<T>, limitMs?: number): Promise<void> => {
    try {
      out.push(`${what} -> ${JSON.stringify(await sim.settle(promise, limitMs))} at ${sim.clock.now()}`);
    } catch (error) {
      out.push(`${what} failed at ${sim.clock.now()}: ${(error as Error).message}`);
    }
    lazySeen += sim.boards[0]!.heartbeat.filter((line) => line.lazy).length;
  };
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => sim.hostClock.setTimeout(resolve, ms));
  await note('boot', sleep(26_000));
  await note('hbt 0', client.getPiHbt(0, 0));
  await note('hbt 1', client.getPiHbt(0, 1));
  await note('sleep', sleep(60_000));
  await note('crash', Promise.resolve(sim.control.crashPi(0, 0)));
  await note('a minute', sleep(60_000));
  await note('hbt 0 again', client.getPiHbt(0, 0));
  await note('hbt time 0', client.request('SET_HBT_TIME', 0, { pi: 1, value: 0 }));
  await note('sleep', sleep(30_000));
  await note('never, limited', new Promise(() => {}), 20_000);
  await note('never', new Promise(() => {}));
  out.push(`pulses ${sim.boards[0]!.heartbeat.map((line) => line.rises).join(' ')} at ${sim.clock.now()}`);
  sim.stop();
  if (!eager) out.push(lazySeen > 0 ? 'lazy seen' : 'never lazy');
  return out;
}

for (const pis of [['pi3b+', 'pi3b+'], ['pi3b+', 'quick']] as [string, string][]) {
  test(`settle with lazy heartbeats: the same replies, events, times and give-up errors as with every edge on a timer (${pis.join(', ')})`, async () => {
    const eager = await session(true, pis);
    const lazy = await session(false, pis);
    assert.is(lazy.pop(), 'lazy seen');
    assert.equal(lazy, eager);
    assert.ok(eager.some((line) => line.includes('cannot come')), 'the give-up path ran');
  });
}

test.run();
