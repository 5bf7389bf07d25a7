/**
 * `pistack demo` (the README's main job, `npm start`): the demo scenario on the default stack,
 * fixtures/scenarios/demo.json, with its timeline, summary and verdicts.
 */
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { withJson } from '../output.ts';
import { simulate } from './sim.ts';

/** The demo scenario file shipped with the project. */
export const DEMO_SCENARIO = fileURLToPath(new URL('../../fixtures/scenarios/demo.json', import.meta.url));

/** Register `demo` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('demo')
    .description('run the demo scenario on the default 16-board stack and print its timeline and summary')
    .option('--seed <N>', 'seed of every random stream');
  withJson(cmd).action(async function (this: Command, options: { seed?: string; json?: boolean }) {
    await simulate(this, { scenario: DEMO_SCENARIO, ...(options.seed === undefined ? {} : { seed: options.seed }), ...(options.json ? { json: true } : {}) });
  });
}
