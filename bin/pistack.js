#!/usr/bin/env node
// Entry point of the `pistack` command: registers tsx's ESM loader so the TypeScript CLI runs
// without a build step, then hands the arguments to cli/pistack.ts.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

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
register();
try {
  const { run } = await import('../cli/pistack.ts');
  process.exitCode = await run(process.argv.slice(2));
} catch (e) {
  internalError(e);
}
