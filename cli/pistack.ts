/**
 * The `pistack` command line: builds the commander program and registers one command per
 * file under cli/commands/ (each exports `register(program)`). Run it with bin/pistack.js,
 * `npx tsx cli/pistack.ts`, or in-process with run() (tests).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { ArgumentError, safeLines } from '../bus-protocol/index.ts';
import * as decode from './commands/decode.ts';
import * as checkVectors from './commands/checkVectors.ts';
import * as demo from './commands/demo.ts';
import * as sim from './commands/sim.ts';
import * as encode from './commands/encode.ts';
import * as serveCommand from './commands/serve.ts';
import * as viz from './commands/viz.ts';
import * as chart from './commands/chart.ts';
import * as scan from './commands/scan.ts';
import * as status from './commands/status.ts';
import * as piOn from './commands/piOn.ts';
import * as piOff from './commands/piOff.ts';
import * as piForceOff from './commands/piForceOff.ts';
import * as sendSig from './commands/sendSig.ts';
import * as get from './commands/get.ts';
import * as set from './commands/set.ts';
import * as errors from './commands/errors.ts';
import * as ports from './commands/ports.ts';
import * as tap from './commands/tap.ts';
import * as replay from './commands/replay.ts';
import * as bench from './commands/bench.ts';
import * as benchSummary from './commands/benchSummary.ts';
import * as characterize from './commands/characterize.ts';
import * as fuzzCommand from './commands/fuzz.ts';
import { CliError, flushProcessStdout, printError, processIo, stdoutState, type Io } from './output.ts';

/** Command modules in help order; a new command is one file here plus one line in this list. */
export const COMMAND_MODULES: ReadonlyArray<{ register(program: Command): void }> = [
  demo, sim, serveCommand, viz, chart, scan, status, piOn, piOff, piForceOff, sendSig, get, set, errors, ports, tap, replay, bench, benchSummary, characterize, fuzzCommand, encode, decode, checkVectors,
];

/** Build the program writing to `io`; commander exits become thrown CommanderErrors (see run). */
export function createProgram(io: Io = processIo): Command {
  const program = new Command('pistack')
    .description('pistack-rig: a digital twin of the Pi Stack board and a test rig for real ones')
    .version(pkg.version, '-V, --version', 'print the version')
    // commander's own errors quote what the user typed: escaped, so a pasted escape sequence cannot drive the terminal
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: (s, write) => write(safeLines(s)) })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  for (const module of COMMAND_MODULES) module.register(program);
  return program;
}

/** Environment variable that makes an internal error print its stack trace. */
export const DEBUG_ENV = 'PISTACK_DEBUG';

/**
 * The last-resort net: an exception no command turned into a message is a bug, reported on one
 * line (the stack trace only with PISTACK_DEBUG=1); exit code 1.
 */
export function reportInternalError(io: Io, e: unknown): number {
  const message = e instanceof Error ? e.message : String(e);
  const firstLine = message.split('\n')[0] ?? '';
  printError(io, `internal error: ${firstLine} (run with ${DEBUG_ENV}=1 for the stack trace)`);
  if (process.env[DEBUG_ENV] === '1' && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
  return 1;
}

function exitCodeOf(e: unknown, io: Io): number {
  if (e instanceof CommanderError) return e.exitCode; // commander already printed its message
  if (e instanceof CliError) {
    printError(io, e.message);
    return e.exitCode;
  }
  if (e instanceof ArgumentError) {
    printError(io, e.message);
    return 1;
  }
  return reportInternalError(io, e);
}

/** Run the CLI on user arguments (without node and script); resolves to the exit code. */
export async function run(args: readonly string[], io: Io = processIo): Promise<number> {
  const program = createProgram(io);
  let code: number;
  try {
    await program.parseAsync([...args], { from: 'user' });
    code = 0;
  } catch (e) {
    code = exitCodeOf(e, io);
  }
  if (io === processIo) await flushProcessStdout();
  if (io === processIo && stdoutState.failure !== undefined) {
    printError(io, `cannot write to standard output: ${stdoutState.failure}`);
    return code === 0 ? 1 : code;
  }
  return code;
}

function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) process.exitCode = await run(process.argv.slice(2));
