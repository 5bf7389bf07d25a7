#!/usr/bin/env node
// Entry point of the `pistack` command: registers tsx's ESM loader so the TypeScript CLI runs
// without a build step, then hands the arguments to cli/pistack.ts.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../cli/pistack.ts');
process.exitCode = await run(process.argv.slice(2));
