/**
 * A lab's own real-board recordings in fixtures/sessions/ (any `NAME.jsonl` not named
 * `standin-*`) must replay in the model without a difference, in virtual time with their
 * recorded timing, on the profile, stack and tolerance given beside them. The checker itself is
 * proved on a temporary folder: a session of the model passes, the same session against a
 * profile saying otherwise fails at the exchange that shows it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import { DEFAULT_STACK } from '../../board-model/stack.ts';
import { simPort } from '../ports.ts';
import { checkLabSession, labSessionFiles } from './labSessions.ts';
import { recordSequence } from './recordSequence.ts';
import { STANDINS } from './standins.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/sessions/', import.meta.url));

for (const file of labSessionFiles(FIXTURES)) {
  test(`lab recording ${file.slice(FIXTURES.length)}: the model reproduces every reply`, async () => {
    const check = await checkLabSession(file);
    assert.is(check.mismatched, 0, `${check.file} against ${check.profile}: ${check.mismatched} of ${check.exchanges} exchanges differ; first ${check.first}`);
  });
}

test('the checker: stand-ins are not lab recordings; a session matches its own board and fails on a profile beside it that says otherwise', async () => {
  assert.ok(labSessionFiles(FIXTURES).every((f) => !f.includes('standin-')));
  const dir = mkdtempSync(join(tmpdir(), 'pistack-lab-'));
  try {
    const file = join(dir, 'board3-offdelay.jsonl');
    const port = await simPort({ stack: DEFAULT_STACK, profile: V4_REFERENCE });
    try {
      await recordSequence(STANDINS.find((s) => s.name === 'off-delay-unit')!, port, { path: file, portName: 'sim:' });
    } finally {
      await port.close();
    }
    assert.equal(labSessionFiles(dir), [file]);
    const good = await checkLabSession(file);
    assert.equal([good.profile, good.mismatched, good.first], ['v4-reference', 0, undefined]);
    assert.ok(good.exchanges >= 5);
    writeFileSync(join(dir, 'board3-offdelay.profile.json'), JSON.stringify({ base: 'v4-reference', name: 'fast-unit', settingUnitMs: { offDelay: 500 } }));
    writeFileSync(join(dir, 'board3-offdelay.tolerance.json'), JSON.stringify({ replyTimeMs: 30 }));
    const bad = await checkLabSession(file);
    assert.is(bad.profile, 'fast-unit');
    assert.ok(bad.mismatched >= 1);
    assert.match(bad.first ?? '', /GET_PI_POWERED to 0 pi=0 \(line \d+\): powered recorded 1, model 0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
