/** The cards' derivations on a live simulated stack: countdowns, badges, state names, the memory view. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StackClient } from '../bus-protocol/StackClient.ts';
import { SimStack } from '../board-model/SimStack.ts';
import { parseStack } from '../board-model/stack.ts';
import { BoardTimes } from './cards/BoardTimes.ts';
import { boardView } from './cards/cardModel.ts';
import { formatLeft, heartbeatPeriod, nameNextTimer, portCountdowns, seconds, stepTimers } from './cards/countdowns.ts';
import { boardMemory, byteRoles, codeWords } from './cards/memory.ts';
import { piStateKey, portStateWords, statePaths } from './cards/stateNames.ts';

async function rig(boards: unknown[] = [{ dip: 0, pis: ['pi3b+', 'pi3b+'] }, { dip: 1, pis: ['pi3b+', null] }]) {
  const sim = new SimStack({ stack: parseStack({ boards }, 'test') }).start();
  const client = new StackClient(sim.host, { clock: sim.hostClock, retries: 0 });
  const times = sim.boards.map((b) => new BoardTimes(b, () => sim.clock.now()));
  const view = (i: number) => boardView(sim.boards[i]!, times[i]!, sim.boards, sim.clock.now());
  await sim.runFor(200);
  return { sim, client, times, view };
}

const keys = (badges: readonly { key: string }[]) => badges.map((b) => b.key);

test('the watchdog countdown is HBT_TIME minus the time since the last beat, and shrinks as time runs', async () => {
  const { sim, client, times, view } = await rig();
  await sim.settle(client.piOn(0, 0));
  await sim.runFor(40_000);
  const v = view(0).ports[0];
  assert.is(v.portState, 'on.alive');
  assert.is(v.portWords, 'powered, heartbeat OK');
  const wd = v.countdowns.find((c) => c.kind === 'watchdog');
  assert.ok(wd, 'watchdog countdown');
  const last = times[0]!.port(0).lastBeat!;
  assert.is(wd.totalMs, 15_000);
  assert.is(wd.leftMs, 15_000 - (sim.clock.now() - last));
  assert.ok(v.beatPeriodMs !== undefined && v.beatPeriodMs > 1000 && v.beatPeriodMs < 15_000, `heartbeat period ${v.beatPeriodMs}`);
  sim.control.inject('crash', { board: 0, pi: 0 });
  await sim.runFor(2000);
  const a = view(0).ports[0].countdowns.find((c) => c.kind === 'watchdog')!;
  await sim.runFor(3000);
  const b = view(0).ports[0].countdowns.find((c) => c.kind === 'watchdog')!;
  assert.is(a.leftMs - b.leftMs, 3000, 'no beats: it counts down with virtual time');
  assert.equal(keys(view(0).ports[0].badges), ['crashed']);
  for (let i = 0; i < 200 && view(0).ports[0].portState !== 'cycling'; i++) await sim.runFor(100);
  const cyc = view(0).ports[0];
  assert.is(cyc.portState, 'cycling');
  assert.not.ok(cyc.powerLed, 'the power LED is off while cycling');
  const off = cyc.countdowns.find((c) => c.kind === 'cycle-off')!;
  assert.ok(off.leftMs > 0 && off.leftMs <= 5000, `cycle off time left ${off.leftMs}`);
  sim.stop();
});

test('the HBT_DELAY grace counts from power-on; a hung boot shows HUNG', async () => {
  const { sim, client, view } = await rig();
  sim.control.inject('hang-boot', { board: 0, pi: 1 });
  await sim.settle(client.piOn(0, 1));
  await sim.runFor(10_000);
  const v = view(0).ports[1];
  assert.is(v.portState, 'on.booting');
  const grace = v.countdowns.find((c) => c.kind === 'grace')!;
  assert.is(grace.totalMs, 90_000);
  assert.ok(grace.leftMs > 79_000 && grace.leftMs < 81_000, `grace left ${grace.leftMs}`);
  assert.equal(keys(v.badges), ['hung']);
  assert.is(v.piWords, 'boot hung');
  assert.ok(v.powerLed && v.volts > 4.5, 'voltage present at the port');
  assert.match(v.paths, 'powerPort.power.on.booting');
  assert.match(v.paths, 'pi.booting.hung');
  sim.stop();
});

test('PI_OFF: the OFF_DELAY countdown and the signal pulse', async () => {
  const { sim, client, view } = await rig();
  await sim.settle(client.piOn(0, 0));
  await sim.runFor(30_000);
  await sim.settle(client.piOff(0, 0));
  const v = view(0).ports[0];
  assert.is(v.portState, 'stopping.byBoard');
  assert.equal(v.countdowns.map((c) => c.kind), ['off-delay', 'sig-width']);
  assert.match(v.countdowns[0]!.label, 'OFF_DELAY 30 s');
  sim.stop();
});

test('a short: SHORT on the Pi, RAIL 0 V on the board, the regulator retry counting down, both power LEDs dark with the switches on', async () => {
  const { sim, client, view } = await rig();
  await sim.settle(client.piOn(0, 0));
  await sim.settle(client.piOn(0, 1));
  await sim.runFor(30_000);
  sim.control.inject('short-circuit', { board: 0, pi: 1 });
  await sim.runFor(300);
  const v = view(0);
  assert.equal(keys(v.ports[1].badges), ['short']);
  assert.ok(keys(v.badges).includes('rail-0v'));
  assert.is(v.regulatorState, 'collapsed');
  const retry = v.countdowns.find((c) => c.kind === 'regulator-retry')!;
  assert.is(retry.leftMs, 700);
  assert.ok(v.ports[0].switchOn && !v.ports[0].powerLed, 'switch on, no voltage: the LED shows the voltage');
  assert.match(v.ports[0].powerWhy, 'the 5 V rail is down');
  sim.stop();
});

test('supply below the lockout: UNDERVOLTAGE and RAIL 0 V; a duplicate DIP: DUPLICATE ID and MCU BOOTING', async () => {
  const { sim, view } = await rig();
  sim.control.inject('supply-volts', { value: 5 });
  await sim.runFor(10);
  assert.equal(keys(view(0).badges), ['undervoltage', 'rail-0v']);
  sim.control.inject('supply-volts', { value: 12 });
  await sim.runFor(1000);
  sim.control.inject('duplicate-dip', { board: 1, value: 0 });
  await sim.runFor(4);
  const v = view(1);
  assert.ok(keys(v.badges).includes('mcu-booting'));
  assert.ok(keys(v.badges).includes('duplicate-id'));
  assert.is(v.mcuWords, 'MCU booting (deaf to the bus)');
  const boot = v.countdowns.find((c) => c.kind === 'mcu-boot')!;
  assert.is(boot.leftMs, boot.totalMs - 4);
  assert.ok(keys(view(0).badges).includes('duplicate-id'), 'both boards say it');
  sim.stop();
});

test('memory: flash vs RAM, settings in time, the error log in words; a corrupted config block shows its CRC mismatch', async () => {
  const { sim, view } = await rig();
  const m = boardMemory(sim.boards[0]!);
  assert.ok(m.flash[0].valid && m.flash[1].valid);
  assert.is(m.flash[0].length, 14);
  const ram = m.ram!;
  assert.equal(ram.settings[0].map((s) => [s.name, s.raw, s.value]).slice(0, 2), [['HBT_TIME', 15, '15 s'], ['HBT_DELAY', 90, '90 s']]);
  assert.is(ram.bootCount, 1);
  const used = ram.log.filter((s) => !s.unused);
  assert.equal(used.map((s) => s.name), ['BOOTED']);
  assert.ok(ram.log[ram.pointer]!.atPointer);
  assert.not.ok(ram.configDiffersFromFlash);
  sim.control.inject('corrupt-config', { board: 0 });
  const bad = boardMemory(sim.boards[0]!);
  assert.not.ok(bad.flash[0].valid);
  assert.match(bad.flash[0].problem!, /CRC mismatch|pointer|bytes/);
  assert.ok(bad.ram!.configDiffersFromFlash, 'RAM keeps the good copy until the next boot');
  sim.control.inject('mcu-reset', { board: 0 });
  await sim.runFor(1000);
  const after = boardMemory(sim.boards[0]!);
  assert.ok(after.flash[0].valid, 'the boot rewrote defaults');
  assert.ok(after.ram!.log.some((s) => s.name === 'CONFIG_CRC'));
  assert.is(view(0).dipAtBoot, 0);
  sim.stop();
});

test('an unpowered MCU has no RAM; byte roles follow the layout, a block of the wrong length says so; disposed times stop following', async () => {
  const { sim, times } = await rig();
  const m = boardMemory(sim.boards[0]!);
  assert.is(m.flash[0].roles[0], 'ID prefix');
  assert.is(m.flash[0].roles[13], 'CRC-8 of the bytes before it');
  assert.is(m.flash[1].roles[32], 'error pointer');
  assert.equal(byteRoles('config', 2, 32), ['ID prefix', 'last byte: the CRC-8 if the length is right']);
  assert.equal(byteRoles('config', 16, 32).slice(12), ['Pi 1 PI_ON_STARTUP', 'byte past the layout', 'byte past the layout', 'last byte: the CRC-8 if the length is right']);
  sim.boards[0]!.flash.load({ config: 'dead', errors: '' });
  const odd = boardMemory(sim.boards[0]!);
  assert.is(odd.flash[0].problem, '2 bytes, 14 expected');
  assert.is(odd.flash[1].problem, 'blank: the firmware restores defaults at boot');
  sim.control.inject('supply-volts', { value: 0 });
  await sim.runFor(10);
  assert.is(boardMemory(sim.boards[0]!).ram, undefined);
  times[1]!.dispose();
  const before = times[1]!.port(0).powerSince;
  sim.control.inject('supply-volts', { value: 12 });
  await sim.runFor(1000);
  assert.is(times[1]!.port(0).powerSince, before, 'no longer listening');
  sim.stop();
});

test('pure helpers: words, paths, periods, next timer', () => {
  assert.equal(statePaths('powerPort', { power: { on: 'alive' }, signal: 'released' }), ['powerPort.power.on.alive', 'powerPort.signal.released']);
  assert.is(piStateKey({ booting: 'loading' }), 'booting');
  assert.is(piStateKey('running'), 'running');
  assert.is(portStateWords('weird'), 'weird');
  assert.is(seconds(200), '0.2 s');
  assert.is(heartbeatPeriod(undefined, 5), undefined);
  assert.is(heartbeatPeriod(1000, 6000), 5000);
  assert.is(nameNextTimer(undefined, []), undefined);
  assert.is(nameNextTimer(72_205, [{ dueAt: 72_205, name: 'watchdog of board 0 Pi 0' }, { dueAt: 1, name: 'x' }]), 'watchdog of board 0 Pi 0');
  assert.is(nameNextTimer(5, [{ dueAt: 6, name: 'x' }]), undefined);
  assert.equal(stepTimers([{ kind: 'host', atMs: 1000, command: 'PI_ON', id: 3 }, { kind: 'fault', atMs: 60_000, fault: 'crash', board: 0, pi: 1 }, { kind: 'fault', atMs: 61_000, fault: 'supply-volts' }, { kind: 'host', atMs: 10, command: 'PI_ON', id: 3 }], 500),
    [{ dueAt: 1000, name: 'lesson step: host sends PI_ON to board 3' }, { dueAt: 60_000, name: 'lesson step: fault crash on board #0 Pi 1' }, { dueAt: 61_000, name: 'lesson step: fault supply-volts' }]);
  assert.equal(codeWords(0x99), { name: '0x99', words: 'unknown code' });
  const settings = { hbtTimeMs: 0, hbtDelayMs: 90_000, offDelayMs: 30_000, sigOffDelayMs: 20_000, sigWidthMs: 200 };
  const behaviour = { gracefulOffDelay: 'sig-off-delay', piOnCancelsShutdown: true, watchdogAction: 'power-cycle', cycleOffTimeMs: 5000 } as const;
  const timing = { power: 'on.booting', powerSince: 0, signal: 'released', signalSince: 0, lastBeat: undefined };
  assert.equal(portCountdowns(1000, timing, settings, behaviour), [], 'HBT_TIME 0: no grace, no watchdog');
  const stop = portCountdowns(1000, { ...timing, power: 'stopping.byBoard' }, settings, behaviour);
  assert.is(stop[0]!.kind, 'sig-off-delay');
  assert.is(formatLeft(stop[0]!), '19.0 s');
  assert.is(portCountdowns(1000, { ...timing, power: 'stopping.byPi' }, settings, behaviour)[0]!.leftMs, 19_000);
});

test.run();
