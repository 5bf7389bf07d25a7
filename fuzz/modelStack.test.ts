/**
 * The model-based test's one-board stacks are derived from one parse per profile (issue 14 item
 * 7): each must equal what parsing that board's own description gives, and be made once.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { V3_PROFILE, V4_REFERENCE } from '../board-model/profiles.ts';
import { parseStack } from '../board-model/stack.ts';
import { fuzzStack } from './model/modelTarget.ts';

test('a derived fuzz stack equals the parsed description of its board, for every DIP and prefix', () => {
  for (const profile of [V4_REFERENCE, V3_PROFILE]) {
    for (let dip = 0; dip < 16; dip++) {
      for (let prefix = 0; prefix < 0xf0; prefix += 0x10) {
        const parsed = parseStack({ name: 'fuzz', boards: [{ dip, prefix, pis: ['pi3b+', 'pi3b+'] }] }, 'fuzz model stack', { defaultProfile: profile });
        assert.equal(fuzzStack(profile, dip, prefix), parsed, `${profile.name}, DIP ${dip}, prefix ${prefix}`);
      }
    }
  }
});

test('the same profile, DIP and prefix give the same stack object; another DIP another one', () => {
  assert.is(fuzzStack(V4_REFERENCE, 3, 0x20), fuzzStack(V4_REFERENCE, 3, 0x20));
  assert.is.not(fuzzStack(V4_REFERENCE, 3, 0x20), fuzzStack(V4_REFERENCE, 4, 0x20));
});

test.run();
