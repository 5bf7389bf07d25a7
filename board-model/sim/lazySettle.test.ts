/**
 * SimStack.settle() with lazy pulse trains: host code driving the stack request by request (the
 * fuzzer's way) sees the same replies, events, times and give-up errors as with every heartbeat
 * edge on a timer (PulseTrains.setEager). A lazy heartbeat event is one of settle's steps, as
 * its timer would be: the host-idle limit and the error it ends with are counted between steps.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StackClient } from '../../bus-protocol/StackClient.ts';
import { PulseTrains } from '../pulseTrains.ts';
import { SimStack } from '../SimStack.ts';
import { parseStack } from '../stack.ts';
import { ciParams, ciSeed } from '../../fuzz/fcParams.ts';
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

/** One host operation of a random session. */
const op = fc.oneof(
  fc.record({ kind: fc.constantFrom('hbt', 'on', 'off', 'force-off', 'crash', 'shutdown'), pi: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ kind: fc.constant('hbt-time'), pi: fc.integer({ min: 0, max: 1 }), value: fc.constantFrom(0, 1, 5, 13, 15, 26) }),
  // Sleeps that end anywhere, or on a beat of either shape (Pis powered at 10 ms boot at 25_010).
  fc.record({ kind: fc.constant('sleep'), ms: fc.oneof(fc.integer({ min: 1, max: 40_000 }), fc.integer({ min: 1, max: 60 }).map((k) => k * 2600)) }),
  fc.record({ kind: fc.constant('never'), limitMs: fc.constantFrom(undefined, 10_000, 5200) }),
);

type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

async function randomSession(eager: boolean, pis: [string, string], ops: Op[]): Promise<string[]> {
  const stack = parseStack({ boards: [{ dip: 0, pis }] }, 'settle', { defaultProfile: PROFILE });
  const sim = new SimStack({ stack, profile: PROFILE, seed: 5 });
  const out: string[] = [];
  sim.events.subscribe((e) => out.push(JSON.stringify(e)));
  const client = new StackClient(sim.host, { clock: sim.hostClock, retries: 0 });
  sim.start();
  if (eager) PulseTrains.of(sim.clock)!.setEager(true);
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => sim.hostClock.setTimeout(resolve, ms));
  for (const o of [{ kind: 'sleep', ms: 25_100 } as Op, ...ops]) {
    const pi = ('pi' in o ? o.pi : 0) as 0 | 1;
    const work = (): Promise<unknown> => {
      switch (o.kind) {
        case 'hbt': return client.getPiHbt(0, pi);
        case 'on': return client.piOn(0, pi);
        case 'off': return client.piOff(0, pi);
        case 'force-off': return client.request('PI_FORCE_OFF', 0, { pi });
        case 'hbt-time': return client.request('SET_HBT_TIME', 0, { pi, value: o.value });
        case 'sleep': return sleep(o.ms);
        case 'never': return new Promise(() => {});
        default: return Promise.resolve(o.kind === 'crash' ? sim.control.inject('crash', { board: 0, pi }) : sim.control.inject('pi-shutdown', { board: 0, pi }));
      }
    };
    try {
      out.push(`${o.kind} -> ${JSON.stringify(await sim.settle(work(), o.kind === 'never' ? o.limitMs : undefined))} at ${sim.clock.now()}`);
    } catch (error) {
      out.push(`${o.kind} failed at ${sim.clock.now()}: ${(error as Error).message}`);
    }
    out.push(`lines ${sim.boards[0]!.heartbeat.map((line) => `${line.level} ${line.rises}`).join(' ')}`);
  }
  sim.stop();
  return out;
}

test(`random settle sessions: the same with lazy heartbeats as with every edge on a timer (seed ${ciSeed()})`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.tuple(fc.constantFrom('pi3b+', 'quick'), fc.constantFrom('pi3b+', 'quick')), fc.array(op, { maxLength: 12 }), async (pis, ops) => {
      assert.equal(await randomSession(false, pis, ops), await randomSession(true, pis, ops));
    }),
    ciParams(40),
  );
});

test.run();
