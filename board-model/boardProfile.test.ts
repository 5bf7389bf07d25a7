/**
 * The values boards of one profile share (boardProfile.ts): made once per profile object, equal
 * to what each board used to derive itself, and never a way for one board to change another.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { boardProfile, piParams, portSettings } from './boardProfile.ts';
import { defaultConfig } from './boardMcuMachine.ts';
import { decodeConfig, decodeErrors } from './firmware/flashBlocks.ts';
import { V3_PROFILE, V4_REFERENCE } from './profiles.ts';
import { SimStack } from './SimStack.ts';
import { parseStack } from './stack.ts';

test('one shared set per profile object, equal to the values derived afresh', () => {
  for (const profile of [V4_REFERENCE, V3_PROFILE]) {
    const shared = boardProfile(profile);
    assert.is(boardProfile(profile), shared, `${profile.name}: made once`);
    const defaults = defaultConfig(profile);
    assert.equal(shared.defaultPorts, defaults.ports);
    assert.equal(shared.initialSettings, portSettings(defaults.ports[0], profile));
    assert.equal(shared.behaviour, {
      gracefulOffDelay: profile.gracefulOffDelay, piOnCancelsShutdown: profile.piOnCancelsShutdown,
      watchdogAction: profile.watchdogAction, cycleOffTimeMs: profile.cycleOffTimeMs,
    });
    for (const prefix of [0x00, 0x30, 0xe0]) {
      assert.is(shared.factoryConfig(prefix), shared.factoryConfig(prefix), 'encoded once per prefix');
      assert.equal(decodeConfig(shared.factoryConfig(prefix)), { ...defaults, prefix });
    }
    const errors = decodeErrors(shared.factoryErrors, profile.errorLog.size)!;
    assert.equal([errors.pointer, errors.errorCount, errors.bootCount], [0, 0, 0]);
    assert.ok(errors.log.every((slot) => slot === profile.errorLog.unusedSlot), 'every slot unused');
    for (const name of Object.keys(profile.piModels)) {
      assert.is(shared.piParams(name), shared.piParams(name));
      assert.equal(shared.piParams(name), piParams(name, profile.piModels[name]!));
    }
    assert.is(shared.piParams('no such model'), undefined);
  }
  assert.is.not(boardProfile(V4_REFERENCE), boardProfile(V3_PROFILE));
  assert.is.not(boardProfile({ ...V4_REFERENCE }), boardProfile(V4_REFERENCE), 'another profile object, another set');
});

test('boards of one profile start from the shared factory blocks, yet a write to one flash changes no other board', () => {
  const stack = parseStack({ name: 'two', supplyVolts: 12, boards: [{ dip: 1, prefix: 0x20, pis: [null, null] }, { dip: 2, prefix: 0x20, pis: [null, null] }] }, 'test');
  const sim = new SimStack({ stack, seed: 1 });
  const [a, b] = sim.boards as [typeof sim.boards[0], typeof sim.boards[0]];
  assert.equal(a.flash.read('config'), boardProfile(a.profile).factoryConfig(0x20));
  assert.equal(b.flash.read('errors'), boardProfile(b.profile).factoryErrors);
  a.flash.corrupt('config');
  a.flash.corrupt('errors');
  assert.equal(b.flash.read('config'), boardProfile(b.profile).factoryConfig(0x20), 'the other board keeps its blocks');
  assert.equal(decodeConfig(boardProfile(a.profile).factoryConfig(0x20)), { ...defaultConfig(a.profile), prefix: 0x20 }, 'the shared bytes are intact');
  assert.equal(new SimStack({ stack, seed: 1 }).boards[0]!.flash.read('errors'), boardProfile(a.profile).factoryErrors);
});

test.run();
