/**
 * The transport contract, the clock interface and the payload types are types-only modules
 * (STYLE.md rule 7): importing them at run time must yield no values at all.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';

for (const file of ['./transport.ts', './clock.ts', './types.ts']) {
  test(`${file} is types-only: no runtime exports`, async () => {
    const module = (await import(file)) as Record<string, unknown>;
    assert.equal(Object.keys(module), []);
  });
}

test.run();
