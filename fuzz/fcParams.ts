/**
 * Seeds and run counts of the fuzz properties (STYLE.md rule 11): a fixed seed in CI (FC_SEED,
 * default 42) so every `npm test` explores the same cases, and fast-check's own report on a
 * failure (seed, path, counterexample) so it can be replayed with `{ seed, path }`.
 */
import type * as fc from 'fast-check';

/** The default CI seed when FC_SEED is not set. */
export const DEFAULT_FC_SEED = 42;

/** The seed of this test run: FC_SEED from the environment, else 42. */
export function ciSeed(): number {
  const text = process.env['FC_SEED'];
  if (text === undefined || text.trim() === '') return DEFAULT_FC_SEED;
  const seed = Number(text);
  if (!Number.isInteger(seed)) throw new Error(`"FC_SEED": ${JSON.stringify(text)} is not an integer seed`);
  return seed;
}

/** fast-check parameters for a CI run of `numRuns` runs at the CI seed (plus any overrides). */
export function ciParams<T>(numRuns: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { seed: ciSeed(), numRuns, ...extra };
}
