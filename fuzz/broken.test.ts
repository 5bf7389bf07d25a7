/**
 * Proof that the fuzzer bites (STYLE.md rule 10): on each deliberately broken board
 * (fuzz/brokenBoards.ts) the default fuzz run (CI seed, CI budget) fails in the targets that
 * must catch it. Failures are not shrunk here (endOnFailure), only found.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BROKEN_BOARDS } from './brokenBoards.ts';
import { ciParams } from './fcParams.ts';
import { failureReport } from './target.ts';
import { targetByName } from './targets.ts';

for (const board of BROKEN_BOARDS) {
  test(`${board.name} (${board.bug}) is caught by ${board.caughtBy.join(' and ')}`, async () => {
    for (const name of board.caughtBy) {
      const target = targetByName(name)!;
      const details = await target.check({ profile: board.profile }, ciParams(target.ciRuns, { endOnFailure: true }));
      assert.ok(details.failed, `${name} did not catch ${board.name} in ${details.numRuns} runs`);
      assert.ok(/seed: \d+, path: "/.test(failureReport(details) ?? ''), 'the report gives seed and path');
    }
  });
}

test.run();
