/**
 * The `pistack` command line: builds the commander program and registers one command per
 * file under cli/commands/ (each exports `register(program)`), importing only the module of the
 * command that runs (cli/commandTable.ts). Run it with bin/pistack.js,
 * `npx tsx cli/pistack.ts`, or in-process with run() (tests).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { ArgumentError, safeLines } from '../bus-protocol/index.ts';
import { COMMAND_TABLE, commandRow, type CommandModule } from './commandTable.ts';
import { CliError, flushProcessStdout, printError, processIo, stdoutState, type Io } from './output.ts';

/** Commands registered as their table row only (name, arguments, summary), their module not loaded. */
const stubs = new WeakSet<Command>();

/**
 * Build the program writing to `io`; commander exits become thrown CommanderErrors (see run).
 * Commands whose module is in `loaded` are registered by it; every other one is a stub from
 * cli/commandTable.ts, enough for the root help, suggestions and the command list.
 */
export function createProgram(io: Io = processIo, loaded: ReadonlyMap<string, CommandModule> = new Map()): Command {
  const program = new Command('pistack')
    .description('pistack-rig: a digital twin of the Pi Stack board and a test rig for real ones')
    .version(pkg.version, '-V, --version', 'print the version')
    // commander's own errors quote what the user typed: escaped, so a pasted escape sequence cannot drive the terminal
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: (s, write) => write(safeLines(s)) })
    // a stub has no options registered: its help line says "[options]" as its loaded command's does (unless its row has none)
    .configureHelp({ subcommandTerm: (cmd) => [cmd.name(), ...(cmd.options.length > 0 || stubs.has(cmd) ? ['[options]'] : []), ...cmd.registeredArguments.map(argTerm)].join(' ') })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  for (const row of COMMAND_TABLE) {
    const module = loaded.get(row.name);
    if (module) {
      module.register(program);
      continue;
    }
    const stub = program.command(row.name).description(row.summary).allowUnknownOption().allowExcessArguments();
    if (row.args) stub.arguments(row.args);
    stub.action(() => {
      throw new Error(`command "${row.name}" ran without its module loaded`);
    });
    if (row.options !== false) stubs.add(stub);
  }
  return program;
}

function argTerm(arg: { name(): string; required: boolean; variadic: boolean }): string {
  const name = `${arg.name()}${arg.variadic ? '...' : ''}`;
  return arg.required ? `<${name}>` : `[${name}]`;
}

/** The command `args` run: the first word that is not an option, or the one after `help`. */
export function commandNameOf(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** Import the modules of the named commands (unknown names are left to commander's error). */
export async function loadCommands(names: Iterable<string>): Promise<Map<string, CommandModule>> {
  const loaded = new Map<string, CommandModule>();
  for (const name of names) {
    const row = commandRow(name);
    if (row) loaded.set(name, await row.load());
  }
  return loaded;
}

/** The program for `args`: the command they name loaded, every other one a stub. */
export async function programFor(args: readonly string[], io: Io = processIo): Promise<Command> {
  const name = commandNameOf(args);
  return createProgram(io, await loadCommands(name === undefined ? [] : [name]));
}

/** The program with every command's module loaded (completion scripts, checks of the table). */
export async function fullProgram(io: Io = processIo): Promise<Command> {
  return createProgram(io, await loadCommands(COMMAND_TABLE.map((c) => c.name)));
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
  let code: number;
  try {
    const program = await programFor(args, io);
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
