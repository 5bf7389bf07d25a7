/**
 * FIRMWARE.md section 2, persistent state: the config and error blocks, their defaults, when
 * each is written, CRC failure at boot (restore and log 0x40 / 0x41 after the reset block),
 * torn writes, the error log ring (size 32, pointer, unused 0x00, storage order), the error
 * count (0x10 and above, saturating) and boot count, and the two CLEAR commands. Black box:
 * bus commands and the control surface (flash corruption, torn writes, MCU reset).
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NoReplyError } from '../../bus-protocol/errors.ts';
import { buildFrame, encodeRequest } from '../../bus-protocol/frame.ts';
import type { StackClient } from '../../bus-protocol/StackClient.ts';
import { Rig, SPEC } from './testing/rig.ts';

/** fast-check settings: a fixed seed (FC_SEED overrides it), printed with the path on failure. */
const FC = { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: 25 };

/** Frames for board 0 that each draw one error reply, by code. */
const ERROR_FRAMES: Record<number, number[]> = {
  0x10: [0x02, 0x00, 0x03],
  0x11: [0x02, 0x00, 0x03, 0xac],
  0x12: [...buildFrame(0x50, 0)],
  0x13: [...buildFrame(0x02, 0, [1])],
  0x14: [...buildFrame(0x11, 0, [2])],
};

const SETTINGS = ['hbtTime', 'hbtDelay', 'offDelay', 'sigOffDelay', 'sigWidth'] as const;
type Setting = (typeof SETTINGS)[number];

async function readSetting(rig: Rig, id: number, pi: 0 | 1, setting: Setting): Promise<number> {
  const c: StackClient = rig.client;
  const read = { hbtTime: c.getHbtTime, hbtDelay: c.getHbtDelay, offDelay: c.getOffDelay, sigOffDelay: c.getSigOffDelay, sigWidth: c.getSigWidth }[setting];
  return rig.do(read.call(c, id, pi));
}

async function writeSetting(rig: Rig, id: number, pi: 0 | 1, setting: Setting, value: number): Promise<void> {
  const c: StackClient = rig.client;
  const write = { hbtTime: c.setHbtTime, hbtDelay: c.setHbtDelay, offDelay: c.setOffDelay, sigOffDelay: c.setSigOffDelay, sigWidth: c.setSigWidth }[setting];
  await rig.do(write.call(c, id, pi, value));
}

async function readConfig(rig: Rig, id = 0) {
  const ports = [];
  for (const pi of [0, 1] as const) {
    const port: Record<string, number | boolean> = {};
    for (const s of SETTINGS) port[s] = await readSetting(rig, id, pi, s);
    port['piOnStartup'] = await rig.do(rig.client.getPiOnStartup(id, pi));
    ports.push(port);
  }
  return { prefix: await rig.do(rig.client.getIdPrefix(id)), ports };
}

async function readErrors(rig: Rig, id = 0) {
  return {
    log: [...(await rig.do(rig.client.getErrorBuffer(id)))],
    pointer: await rig.do(rig.client.getErrorPointer(id)),
    count: await rig.do(rig.client.getErrorCount(id)),
    boots: await rig.do(rig.client.getBootCount(id)),
  };
}

/** A log of `size` slots holding `codes` from slot 0, the rest unused (0x00). */
function logOf(codes: number[], size: number = SPEC.errorLogSize): number[] {
  return Array.from({ length: size }, (_, i) => codes[i] ?? 0);
}

/** One Pi's settings at their FIRMWARE.md section 2 defaults, as readConfig reports them. */
const DEFAULT_PORT: Record<string, unknown> = {
  hbtTime: SPEC.defaults.hbtTime, hbtDelay: SPEC.defaults.hbtDelay, offDelay: SPEC.defaults.offDelay,
  sigOffDelay: SPEC.defaults.sigOffDelay, sigWidth: SPEC.defaults.sigWidth, piOnStartup: SPEC.defaults.piOnStartup,
};

async function reset(rig: Rig): Promise<void> {
  rig.sim.control.resetMcu(0);
  await rig.runFor(100);
}

test('defaults of a fresh board: HBT_TIME 15, HBT_DELAY 90, OFF_DELAY 30, SIG_OFF_DELAY 30, SIG_WIDTH 2, PI_ON_STARTUP off, prefix 0x00, for both Pis', async () => {
  const rig = await Rig.start();
  assert.equal(await readConfig(rig), { prefix: SPEC.defaults.prefix, ports: [DEFAULT_PORT, DEFAULT_PORT] });
});

test('the config block survives an MCU reset and a power cut; every SET is kept per Pi', async () => {
  const rig = await Rig.start();
  const values: Record<Setting, [number, number]> = { hbtTime: [7, 8], hbtDelay: [40, 41], offDelay: [12, 13], sigOffDelay: [22, 23], sigWidth: [5, 6] };
  for (const s of SETTINGS) for (const pi of [0, 1] as const) await writeSetting(rig, 0, pi, s, values[s][pi]);
  await rig.do(rig.client.setPiOnStartup(0, 1, true));
  await rig.do(rig.client.setIdPrefix(0, 0x40));
  const expected = {
    prefix: 0x40,
    ports: ([0, 1] as const).map((pi) => ({ ...Object.fromEntries(SETTINGS.map((s) => [s, values[s][pi]])), piOnStartup: pi === 1 })),
  };
  assert.equal(await readConfig(rig, 0x40), expected);
  await reset(rig);
  assert.equal(await readConfig(rig, 0x40), expected, 'after an MCU reset');
  rig.sim.control.setSupplyVolts(0);
  await rig.runFor(1000);
  rig.sim.control.setSupplyVolts(12);
  await rig.runFor(100);
  assert.equal(await readConfig(rig, 0x40), expected, 'after a power cut');
  assert.is(rig.events('config-restored').length, 0);
});

test('the config block is written on every successful SET, even of the value it holds, and never by a GET or a failed SET', async () => {
  const rig = await Rig.start();
  rig.sim.control.armTornWrite(0, 'config'); // the next config write is cut by a power loss
  assert.is(await rig.do(rig.client.getHbtTime(0, 0)), 15, 'a GET writes nothing');
  assert.is(await rig.rawError(buildFrame(0x15, 0, [2, 15])), 0x14, 'a rejected SET writes nothing');
  assert.is(rig.events('torn-write').length, 0);
  const error = await rig.fails(rig.client.setHbtTime(0, 0, 15)); // the value it already holds
  assert.instance(error, NoReplyError, 'the board lost power before it could answer');
  assert.equal(rig.events('torn-write').map((e) => e.block), ['config']);
  await rig.runFor(1000);
  assert.is(rig.events('config-restored').length, 1, 'the torn block fails its CRC at the next boot');
});

test('the error block is written whenever the log or a count changes, and only then', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.setHbtDelay(0, 1, 44));
  rig.sim.control.armTornWrite(0, 'errors');
  await rig.do(rig.client.getErrorCount(0));
  await rig.do(rig.client.getSwVersion(0));
  assert.is(rig.events('torn-write').length, 0, 'reads change nothing');
  const outcome = await rig.raw(ERROR_FRAMES[0x11]!);
  assert.is(outcome.kind, 'failed', 'logging the CRC error tore the error block: no reply');
  assert.equal(rig.events('torn-write').map((e) => e.block), ['errors']);
  await rig.runFor(1000);
  assert.is(rig.events('errors-restored').length, 1);
  assert.is(rig.events('config-restored').length, 0, 'the other block is untouched');
  assert.is(await rig.do(rig.client.getHbtDelay(0, 1)), 44, 'config kept');
  assert.equal(await readErrors(rig), { log: logOf([0x41, 0x0f]), pointer: 2, count: 1, boots: 1 });
});

test('config CRC failure at boot: defaults restored (prefix too, so the ID changes), 0x40 logged before the boot entry', async () => {
  const rig = await Rig.start({ boards: [{ dip: 3, prefix: 0x20, pis: ['pi3b+', 'pi3b+'] }] });
  await rig.do(rig.client.setOffDelay(0x23, 0, 9));
  rig.sim.control.corruptFlash(0, 'config');
  await reset(rig);
  assert.is(rig.events('config-restored').length, 1);
  assert.is((await rig.raw(encodeRequest('GET_ID', 0x23))).kind, 'failed', 'ID 0x23 is gone');
  assert.is(await rig.do(rig.client.getId(0x03)), 0x03, 'prefix back to 0x00');
  assert.equal(await readConfig(rig, 0x03), { prefix: 0, ports: [DEFAULT_PORT, DEFAULT_PORT] });
  assert.equal(await readErrors(rig, 0x03), { log: logOf([0x0f, 0x40, 0x0f]), pointer: 3, count: 1, boots: 2 });
});

test('error-block CRC failure at boot: log, pointer and counts reset, 0x41 logged, then the boot entry; config untouched', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.setSigWidth(0, 0, 9));
  for (const code of [0x11, 0x12, 0x13]) await rig.rawError(ERROR_FRAMES[code]!);
  rig.sim.control.corruptFlash(0, 'errors');
  await reset(rig);
  assert.is(rig.events('errors-restored').length, 1);
  assert.equal(await readErrors(rig), { log: logOf([0x41, 0x0f]), pointer: 2, count: 1, boots: 1 });
  assert.is(await rig.do(rig.client.getSigWidth(0, 0)), 9);
});

test('both blocks failing: 0x40, then 0x41, then 0x0F', async () => {
  const rig = await Rig.start();
  rig.sim.control.corruptFlash(0, 'config');
  rig.sim.control.corruptFlash(0, 'errors');
  await reset(rig);
  assert.equal((await readErrors(rig)).log.slice(0, 4), [0x40, 0x41, 0x0f, 0x00]);
});

test('a torn write loses only that block: config back to defaults, the error log and counts carry on', async () => {
  const rig = await Rig.start();
  await rig.do(rig.client.setHbtTime(0, 0, 20));
  await rig.rawError(ERROR_FRAMES[0x12]!);
  rig.sim.control.armTornWrite(0);
  await rig.fails(rig.client.setHbtDelay(0, 0, 33));
  await rig.runFor(1000);
  assert.equal(rig.events('torn-write').map((e) => e.block), ['config']);
  assert.is(await rig.do(rig.client.getHbtTime(0, 0)), 15, 'the earlier SET went with the torn block');
  assert.is(await rig.do(rig.client.getHbtDelay(0, 0)), 90);
  assert.equal(await readErrors(rig), { log: logOf([0x0f, 0x12, 0x40, 0x0f]), pointer: 4, count: 2, boots: 2 });
});

test('error log ring: 32 slots, each code stored at the pointer, which advances modulo 32; read in storage order', async () => {
  const rig = await Rig.start();
  const model = logOf([0x0f]);
  let pointer = 1;
  const codes = [0x10, 0x11, 0x12, 0x13, 0x14];
  for (let n = 0; n < 40; n++) {
    const code = codes[n % codes.length]!;
    assert.is(await rig.rawError(ERROR_FRAMES[code]!), code);
    model[pointer] = code;
    pointer = (pointer + 1) % SPEC.errorLogSize;
    if (n === 30) assert.equal(await readErrors(rig), { log: model, pointer: 0, count: 31, boots: 1 }, 'full: the pointer wrapped to 0');
  }
  assert.equal(await readErrors(rig), { log: model, pointer: 9, count: 40, boots: 1 });
  assert.is(model[0], codes[31 % codes.length], 'the boot entry in slot 0 was overwritten by the 32nd error');
});

test('CLEAR_ERROR_BUFFER zeroes the slots and the pointer, not the counts; CLEAR_ERROR_COUNT zeroes both counts, not the log', async () => {
  const rig = await Rig.start();
  for (const code of [0x11, 0x13]) await rig.rawError(ERROR_FRAMES[code]!);
  await reset(rig);
  assert.equal(await readErrors(rig), { log: logOf([0x0f, 0x11, 0x13, 0x0f]), pointer: 4, count: 2, boots: 2 });
  await rig.do(rig.client.clearErrorBuffer(0));
  assert.equal(await readErrors(rig), { log: logOf([]), pointer: 0, count: 2, boots: 2 });
  await rig.rawError(ERROR_FRAMES[0x12]!);
  assert.equal(await readErrors(rig), { log: logOf([0x12]), pointer: 1, count: 3, boots: 2 }, 'logging restarts at slot 0');
  await rig.do(rig.client.clearErrorCount(0));
  assert.equal(await readErrors(rig), { log: logOf([0x12]), pointer: 1, count: 0, boots: 0 });
  await reset(rig);
  assert.equal(await readErrors(rig), { log: logOf([0x12, 0x0f]), pointer: 2, count: 0, boots: 1 }, 'both stay cleared across a reset');
});

test('codes above 0x0E are stored; only 0x10 and above are counted (the boot entry 0x0F is not)', async () => {
  const rig = await Rig.start();
  for (let i = 0; i < 3; i++) await reset(rig);
  assert.equal(await readErrors(rig), { log: logOf([0x0f, 0x0f, 0x0f, 0x0f]), pointer: 4, count: 0, boots: 4 });
  await rig.rawError(ERROR_FRAMES[0x10]!);
  assert.is(await rig.do(rig.client.getErrorCount(0)), 1);
});

test('the error count saturates (profile countSaturates; 0xFFFF by default), and so does the boot count', async () => {
  assert.is(new Rig().profile.errorLog.countSaturates, 0xffff);
  const rig = await Rig.start({ profile: { errorLog: { countSaturates: 3, bootCountSaturates: 2 } } });
  for (let i = 0; i < 5; i++) await rig.rawError(ERROR_FRAMES[0x11]!);
  for (let i = 0; i < 3; i++) await reset(rig);
  const errors = await readErrors(rig);
  assert.is(errors.count, 3, 'stops at 3');
  assert.is(errors.boots, 2, 'stops at 2');
  assert.is(errors.pointer, 9, 'the log itself keeps storing');
});

test('property: any sequence of SET commands and MCU resets reads back as the last value set (seeded)', async () => {
  const setOp = fc.record({ kind: fc.constant('set' as const), setting: fc.constantFrom(...SETTINGS), pi: fc.constantFrom(0 as const, 1 as const), value: fc.integer({ min: 0, max: 255 }) });
  const startupOp = fc.record({ kind: fc.constant('startup' as const), pi: fc.constantFrom(0 as const, 1 as const), on: fc.boolean() });
  const prefixOp = fc.record({ kind: fc.constant('prefix' as const), value: fc.integer({ min: 0, max: 255 }) });
  const resetOp = fc.record({ kind: fc.constant('reset' as const) });
  const op = fc.oneof({ arbitrary: setOp, weight: 6 }, { arbitrary: startupOp, weight: 1 }, { arbitrary: prefixOp, weight: 1 }, { arbitrary: resetOp, weight: 1 });
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
      const rig = await Rig.start({ boards: [{ dip: 5, pis: [{ model: 'pi3b+', daemon: false }, null] }] });
      const model = { prefix: 0, ports: [{ ...DEFAULT_PORT }, { ...DEFAULT_PORT }] as Array<Record<string, unknown>> };
      const id = () => (model.prefix & 0xf0) | 5;
      for (const o of ops) {
        if (o.kind === 'set') {
          await writeSetting(rig, id(), o.pi, o.setting, o.value);
          model.ports[o.pi]![o.setting] = o.value;
        } else if (o.kind === 'startup') {
          await rig.do(rig.client.setPiOnStartup(id(), o.pi, o.on));
          model.ports[o.pi]!['piOnStartup'] = o.on;
        } else if (o.kind === 'prefix') {
          await rig.do(rig.client.setIdPrefix(id(), o.value));
          model.prefix = o.value & 0xf0;
        } else await reset(rig);
      }
      assert.equal(await readConfig(rig, id()), model);
      assert.is(await rig.do(rig.client.getId(id())), id());
    }),
    FC,
  );
});

test('property: the error log, pointer and counts follow a ring-buffer model through errors, clears and resets (seeded)', async () => {
  const size = 8;
  const countMax = 6;
  const op = fc.oneof(
    { arbitrary: fc.constantFrom(0x10, 0x11, 0x12, 0x13, 0x14).map((code) => ({ kind: 'error' as const, code })), weight: 6 },
    { arbitrary: fc.constant({ kind: 'clear-buffer' as const }), weight: 1 },
    { arbitrary: fc.constant({ kind: 'clear-count' as const }), weight: 1 },
    { arbitrary: fc.constant({ kind: 'reset' as const }), weight: 1 },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
      const rig = await Rig.start({ profile: { errorLog: { size, countSaturates: countMax } } });
      const m = { log: logOf([0x0f], size), pointer: 1, count: 0, boots: 1 };
      const store = (code: number): void => {
        m.log[m.pointer] = code;
        m.pointer = (m.pointer + 1) % size;
        if (code >= 0x10) m.count = Math.min(countMax, m.count + 1);
      };
      for (const o of ops) {
        if (o.kind === 'error') {
          assert.is(await rig.rawError(ERROR_FRAMES[o.code]!), o.code);
          store(o.code);
        } else if (o.kind === 'clear-buffer') {
          await rig.do(rig.client.clearErrorBuffer(0));
          m.log.fill(0);
          m.pointer = 0;
        } else if (o.kind === 'clear-count') {
          await rig.do(rig.client.clearErrorCount(0));
          m.count = 0;
          m.boots = 0;
        } else {
          await reset(rig);
          m.boots++;
          store(0x0f);
        }
      }
      assert.equal(await readErrors(rig), m);
    }),
    FC,
  );
});

test.run();
