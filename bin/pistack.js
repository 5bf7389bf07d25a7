#!/usr/bin/env node
// Entry point of the `pistack` command. Which CLI it runs (one rule, no timestamps compared):
//   - an installed package has no TypeScript sources: it runs the build, dist/pistack.js;
//   - a checkout (cli/pistack.ts present) runs the sources through tsx's ESM loader, so what you
//     edit is what runs, with no build step and no stale build;
//   - PISTACK_FROM=dist or PISTACK_FROM=source forces one (e.g. to time the build in a checkout
//     after `npm run build`).
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// The last-resort net: whatever escapes run() (an error thrown from an event handler, a
// rejection nobody awaited, a failure while loading the CLI) is one line, never a stack trace.
function internalError(e) {
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  const safe = message.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  try {
    process.stderr.write(`error: internal error: ${safe} (run with PISTACK_DEBUG=1 for the stack trace)\n`);
    if (process.env.PISTACK_DEBUG === '1' && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  } catch {
    // stderr is gone too: nothing left to tell
  }
  process.exit(1);
}
process.on('uncaughtException', internalError);
process.on('unhandledRejection', internalError);

// The simulator makes many short-lived XState snapshots; V8's allocation-site pretenuring
// moves them to the old generation early and nearly doubles peak memory (bench/sim-speed.ts).
setFlagsFromString('--no-allocation-site-pretenuring');
const from = process.env.PISTACK_FROM || (existsSync(new URL('../cli/pistack.ts', import.meta.url)) ? 'source' : 'dist');
try {
  let cli;
  if (from === 'dist') {
    cli = await import('../dist/pistack.js');
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    cli = await import('../cli/pistack.ts');
  }
  const { run } = cli;
  process.exitCode = await run(process.argv.slice(2));
} catch (e) {
  internalError(e);
}
