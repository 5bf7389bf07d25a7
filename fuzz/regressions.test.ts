/**
 * Every saved fuzz failure under fixtures/regressions/ replays here: its session must be a valid
 * session file that plays back identically on the recorded stack, and its counterexample (seed,
 * path) must pass on the board it was found on, unless it is labelled an example found on a
 * deliberately broken board, which must still fail there and pass on v4-reference. A folder with
 * only its README passes trivially.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { profileFromPatch, regressionSession } from './regressions/regressionFile.ts';
import { replayCase, replaySession } from './regressions/replay.ts';
import { formatRegression, loadRegressions, saveRegression } from './regressions/saveRegression.ts';
import { failureReport } from './target.ts';

const DIR = fileURLToPath(new URL('../fixtures/regressions/', import.meta.url));

for (const { file, regression: r } of loadRegressions(DIR)) {
  const name = file.slice(DIR.length);
  test(`${name}: ${r.example ? 'example (deliberately broken board)' : 'regression'} of ${r.target}, seed ${r.seed} path ${r.path}, replays`, async () => {
    const session = regressionSession(r, name);
    assert.ok(session.complete, 'the session has its end trailer');
    const differences = await replaySession(r, name);
    assert.equal(differences ?? [], [], 'the session plays back identically on the recorded stack');
    const recorded = await replayCase(r, profileFromPatch(r.profile, `${name} (profile)`));
    if (r.example) {
      assert.ok(recorded.failed, 'an example still fails on the broken board it was found on');
      assert.ok((failureReport(recorded) ?? '').includes(r.error.slice(0, 40)), `the same failure: ${failureReport(recorded)}`);
      const reference = await replayCase(r, V4_REFERENCE);
      assert.ok(!reference.failed, `and passes on v4-reference: ${failureReport(reference)}`);
    } else {
      assert.ok(!recorded.failed, `still failing: ${failureReport(recorded)}`);
    }
  });
}

test('a folder holding only a README has nothing to replay; a saved file loads back as written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pistack-regressions-'));
  try {
    writeFileSync(join(dir, 'README.md'), '# nothing here\n');
    assert.equal(loadRegressions(dir), []);
    const [first] = loadRegressions(DIR);
    assert.ok(first, 'fixtures/regressions holds at least one example');
    const file = saveRegression(dir, first.regression, (f) => `pistack fuzz --replay ${f}`);
    const [again] = loadRegressions(dir);
    assert.equal(again!.regression, { ...first.regression, replay: `pistack fuzz --replay ${file}` });
    assert.is(readFileSync(file, 'utf8'), formatRegression(again!.regression));
    assert.is(saveRegression(dir, first.regression, () => '').endsWith('-2.json'), true, 'an existing file is never replaced');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
