#!/usr/bin/env node
// Entry point of the `pistack` command: registers tsx's ESM loader so the TypeScript CLI runs
// without a build step, then hands the arguments to cli/pistack.ts.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// The simulator makes many short-lived XState snapshots; V8's allocation-site pretenuring
// moves them to the old generation early and nearly doubles peak memory (bench/sim-speed.ts).
setFlagsFromString('--no-allocation-site-pretenuring');
register();
const { run } = await import('../cli/pistack.ts');
process.exitCode = await run(process.argv.slice(2));
