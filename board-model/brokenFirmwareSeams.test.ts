/**
 * The two profile fields that exist only to build deliberately broken firmwares for the fuzzer's
 * proof that it bites (fuzz/brokenBoards.ts): errorLog.pointerWraps and bus.addressMask. Their
 * defaults are the spec's behaviour; these tests pin both sides.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildFrame } from '../bus-protocol/frame.ts';
import { errorLogRules, logCode } from './firmware/errorLog.ts';
import { emptyErrors } from './firmware/flashBlocks.ts';
import { V4_REFERENCE, parseProfile } from './profiles.ts';
import { Rig } from './spec/testing/rig.ts';

const RULES = { lastStatusCode: 0x0e, countFrom: 0x10, countMax: 0xffff, bootCountMax: 0xffff };

test('defaults: the pointer wraps and the whole address byte is compared (F2, F7)', () => {
  assert.is(V4_REFERENCE.errorLog.pointerWraps, true);
  assert.is(V4_REFERENCE.bus.addressMask, 0xff);
  assert.is(parseProfile({ name: 'partial' }, 'p.json').bus.addressMask, 0xff, 'a partial profile gets the default');
});

test('errorLogRules: the rules boot logging and error replies share come from the profile\'s errorLog fields', () => {
  assert.equal(errorLogRules(V4_REFERENCE), { ...RULES, wraps: true });
  const odd = parseProfile({ name: 'odd', errorLog: { minLoggedCode: 0x20, countedFrom: 0x30, countSaturates: 0xff, bootCountSaturates: 0x7f, pointerWraps: false } }, 'odd.json');
  assert.equal(errorLogRules(odd), { lastStatusCode: 0x1f, countFrom: 0x30, countMax: 0xff, bootCountMax: 0x7f, wraps: false });
});

test('errorLog.pointerWraps false: the pointer sticks at the last slot, which every new code overwrites', () => {
  let wrapping = { ...emptyErrors(3) };
  let stuck = { ...emptyErrors(3) };
  for (const code of [0x11, 0x12, 0x13, 0x14]) {
    wrapping = logCode(wrapping, code, RULES);
    stuck = logCode(stuck, code, { ...RULES, wraps: false });
  }
  assert.equal([[...wrapping.log], wrapping.pointer], [[0x14, 0x12, 0x13], 1]);
  assert.equal([[...stuck.log], stuck.pointer], [[0x11, 0x12, 0x14], 2]);
});

test('bus.addressMask 0x0F: a board at 0x00 answers a frame for 0x10 (and the default board does not)', async () => {
  for (const [mask, answers] of [[0xff, false], [0x0f, true]] as const) {
    const rig = await Rig.start({ profile: { bus: { addressMask: mask } } });
    const outcome = await rig.raw(buildFrame(0x02, 0x10));
    assert.is(outcome.kind === 'reply', answers, `mask 0x${mask.toString(16)}`);
    assert.is((await rig.raw(buildFrame(0x02, 0x00))).kind, 'reply', 'its own ID still answers');
  }
});

test.run();
