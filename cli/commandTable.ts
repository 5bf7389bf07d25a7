/**
 * Every `pistack` command as data: name, arguments and one-line summary (what the root help
 * lists) and a loader that imports the command's module only when that command runs. A new
 * command is one file under cli/commands/ (exporting `register(program)`) plus one row here;
 * cli/commandTable.test.ts checks each row against what its module registers.
 */
import type { Command } from 'commander';
import { SETTING_NAMES } from './settings.ts';

/** A command module: registers its command (options, help, action) on the program. */
export interface CommandModule {
  register(program: Command): void;
}

/** One row of the table. */
export interface LazyCommand {
  /** The command's name, as typed after `pistack`. */
  readonly name: string;
  /** Its arguments as commander spells them (e.g. "<COMMAND> [VALUE...]"), "" for none. */
  readonly args: string;
  /** The one-line description the root help shows (the module's `.description(...)`). */
  readonly summary: string;
  /** False for a command without options of its own (the help then shows no "[options]"). */
  readonly options?: false;
  /** Import the module (a literal dynamic import, so esbuild splits it into its own chunk). */
  readonly load: () => Promise<CommandModule>;
}

/** The commands in help order. */
export const COMMAND_TABLE: readonly LazyCommand[] = [
  { name: 'demo', args: '', summary: 'run the demo scenario on the default 16-board stack and print its timeline and summary', load: () => import('./commands/demo.ts') },
  { name: 'sim', args: '', summary: 'run a simulated stack in virtual time: timeline of notable events and a summary', load: () => import('./commands/sim.ts') },
  { name: 'serve', args: '', summary: 'run a stack in real time and expose its bus on a PTY (serial programs, 9600 8N1), a TCP port or an RFC 2217 port', load: () => import('./commands/serve.ts') },
  { name: 'viz', args: '', summary: 'teaching page: the stack live in a browser, with its statecharts lit, a bus monitor, a host panel, faults and lessons', load: () => import('./commands/viz.ts') },
  { name: 'chart', args: '', summary: 'write every machine\'s statechart (port, Pi, regulator, MCU) as Graphviz DOT and SVG', load: () => import('./commands/chart.ts') },
  { name: 'scan', args: '', summary: 'find the boards on the bus: ID, hardware and firmware version; corrupt answers and half-answering boards flagged (exit 1, as for an empty bus)', load: () => import('./commands/scan.ts') },
  { name: 'status', args: '', summary: 'read everything about one board: readings in V, A and W, Pi states, settings, versions, counters', load: () => import('./commands/status.ts') },
  { name: 'pi-on', args: '', summary: 'switch a Pi on (PI_ON); the heartbeat grace period HBT_DELAY starts', load: () => import('./commands/piOn.ts') },
  { name: 'pi-off', args: '', summary: 'graceful off (PI_OFF): signal the Pi to shut down, remove power after OFF_DELAY', load: () => import('./commands/piOff.ts') },
  { name: 'pi-force-off', args: '', summary: 'remove a Pi\'s power now (PI_FORCE_OFF; risks its SD card)', load: () => import('./commands/piForceOff.ts') },
  { name: 'send-sig', args: '', summary: 'test: pulse a Pi\'s shutdown signal only (SEND_SIG); power stays on', load: () => import('./commands/sendSig.ts') },
  { name: 'get', args: '<SETTING>', summary: `read a board setting: ${SETTING_NAMES.join(', ')}`, load: () => import('./commands/get.ts') },
  { name: 'set', args: '<SETTING> <VALUE>', summary: `write a board setting and read it back: ${SETTING_NAMES.join(', ')}`, load: () => import('./commands/set.ts') },
  { name: 'errors', args: '', summary: 'read a board\'s error log, newest first, with the error count, log pointer and boot count', load: () => import('./commands/errors.ts') },
  { name: 'ports', args: '', summary: 'list the serial adapters present, to pass as --port, and which are in use by what', load: () => import('./commands/ports.ts') },
  { name: 'tap', args: '', summary: 'record the traffic between a host program and a real bus: the program opens a PTY, tap forwards to the adapter', load: () => import('./commands/tap.ts') },
  { name: 'replay', args: '<FILE>', summary: 'send a recorded session again and compare every reply with the recording (exit 1 on any difference)', load: () => import('./commands/replay.ts') },
  { name: 'conform', args: '<SESSION...>', summary: 'replay recorded sessions against the model in virtual time; shrink, diagnose and propose a profile (exit 0 conforms, 1 diverges, 2 bad input)', load: () => import('./commands/conform.ts') },
  { name: 'bench', args: '', summary: 'run an acceptance test plan against one board: PASS or FAIL, with JUnit XML, JSON and HTML reports', load: () => import('./commands/bench.ts') },
  { name: 'bench-summary', args: '<DIR...>', summary: 'summarise a production batch from its bench reports: yields, Cpk per measurement, failure Pareto; HTML, JSON, CSV', load: () => import('./commands/benchSummary.ts') },
  { name: 'characterize', args: '', summary: 'measure a board\'s firmware behaviour over the bus and write it as a firmware profile (restores every setting it touches)', load: () => import('./commands/characterize.ts') },
  { name: 'fuzz', args: '', summary: 'property-based bus fuzzing and model-based testing, on the simulator or a real board', load: () => import('./commands/fuzz.ts') },
  { name: 'coverage', args: '', summary: 'state and transition coverage of the model machines: fuzz runs (simulator) joined with recorded sessions (hardware or simulator)', load: () => import('./commands/coverage.ts') },
  { name: 'pdu', args: '', summary: 'serve the Pi Stack as a power switch over HTTP: labgrid NetworkPowerPort (model rest), status JSON, Prometheus /metrics', load: () => import('./commands/pdu.ts') },
  { name: 'encode', args: '<COMMAND> [VALUE...]', summary: 'print the request frame for a command as hex (PROTOCOL.md sections 2 and 5)', load: () => import('./commands/encode.ts') },
  { name: 'decode', args: '<HEX...>', summary: 'decode frames from hex, requests and responses (byte 1 = 0xFF), several back to back', load: () => import('./commands/decode.ts') },
  { name: 'check-vectors', args: '', summary: 'check the PROTOCOL.md test vectors both ways, the CRC check value, and show the parser resynchronising', load: () => import('./commands/checkVectors.ts') },
  { name: 'completion', args: '<SHELL>', options: false, summary: 'print a completion script for bash, zsh or fish (commands, options, setting and fixture names)', load: () => import('./commands/completion.ts') },
];

/** The row named `name`, if any. */
export function commandRow(name: string): LazyCommand | undefined {
  return COMMAND_TABLE.find((c) => c.name === name);
}
