/**
 * The lazy command table: each row says what its module registers, the program for a command
 * line loads only that command, and in the build a command's chunk does not pull in the heavy
 * packages (zod, xstate, fast-check, serialport, esbuild, cli-progress) unless it uses them.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { build, type Metafile } from 'esbuild';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { codeBuildOptions } from '../scripts/build.ts';
import { COMMAND_TABLE } from './commandTable.ts';
import { commandNameOf, createProgram, fullProgram, programFor } from './pistack.ts';

const test = suite('command table');
const silent = { out: () => undefined, err: () => undefined };

function argsOf(cmd: Command): string {
  return cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`)).join(' ');
}

test('each row has the name, arguments and description its module registers, in the same order', async () => {
  const program = await fullProgram(silent);
  const real = program.commands.filter((c) => c.name() !== 'help');
  assert.equal(real.map((c) => c.name()), COMMAND_TABLE.map((c) => c.name));
  for (const [i, row] of COMMAND_TABLE.entries()) {
    assert.is(real[i]!.description(), row.summary, `${row.name}: summary`);
    assert.is(argsOf(real[i]!), row.args, `${row.name}: args`);
  }
});

test('the root help is the same with stubs as with every module loaded', async () => {
  const stubs = createProgram(silent).helpInformation();
  assert.is(stubs, (await fullProgram(silent)).helpInformation());
  assert.match(stubs, /^ {2}encode \[options\] <COMMAND> \[VALUE\.\.\.\] +print the request frame/m);
});

test('the command named on the line is the only one loaded (options registered), also after `help`', async () => {
  assert.is(commandNameOf(['encode', 'GET_ID', '--id', '0']), 'encode');
  assert.is(commandNameOf(['--json', 'sim']), 'sim');
  assert.is(commandNameOf(['help', 'status']), 'status');
  assert.is(commandNameOf(['--help']), undefined);
  const program = await programFor(['encode', 'GET_ID', '--id', '0'], silent);
  const loaded = program.commands.filter((c) => c.options.length > 0).map((c) => c.name());
  assert.equal(loaded, ['encode']);
  const helped = await programFor(['help', 'status'], silent);
  assert.equal(helped.commands.filter((c) => c.options.length > 0).map((c) => c.name()), ['status']);
});

/** Every input file the build puts into `output` and the chunks it imports statically (not dynamic imports). */
function staticInputs(meta: Metafile, output: string, seen = new Set<string>()): Set<string> {
  if (seen.has(output)) return new Set();
  seen.add(output);
  const out = meta.outputs[output]!;
  const inputs = new Set([...Object.keys(out.inputs), ...out.imports.filter((i) => i.external && i.kind === 'import-statement').map((i) => `external:${i.path}`)]);
  for (const i of out.imports) if (!i.external && i.kind === 'import-statement') for (const x of staticInputs(meta, i.path, seen)) inputs.add(x);
  return inputs;
}

test('in the build, encode and --help load no zod, xstate, fast-check, serialport, esbuild or cli-progress; ports loads serialport only when run', async () => {
  const result = await build({ ...codeBuildOptions(), write: false, metafile: true, logLevel: 'silent' });
  const meta = result.metafile!;
  const outDir = resolve(codeBuildOptions().outdir!);
  const key = (abs: string) => Object.keys(meta.outputs).find((o) => resolve(o) === abs)!;
  const entry = key(resolve(outDir, 'pistack.js'));
  const chunkOf = (source: string) => Object.keys(meta.outputs).find((o) => o.endsWith('.js') && Object.keys(meta.outputs[o]!.inputs).includes(source))!;
  const heavy = /node_modules\/(zod|xstate|fast-check|esbuild|cli-progress|junit-report-builder)\/|external:(serialport|@serialport)/;
  const atStart = [...staticInputs(meta, entry)];
  assert.equal(atStart.filter((i) => heavy.test(i)), [], '--help');
  const encode = [...staticInputs(meta, chunkOf('cli/commands/encode.ts'))];
  assert.equal(encode.filter((i) => heavy.test(i)), [], 'encode');
  const ports = [...staticInputs(meta, chunkOf('cli/commands/ports.ts'))];
  assert.equal(ports.filter((i) => heavy.test(i)), [], 'ports: serialport is imported inside its action');
  const sim = [...staticInputs(meta, chunkOf('cli/commands/sim.ts'))];
  assert.ok(sim.some((i) => /node_modules\/xstate\//.test(i)), 'sim does load xstate (the check can fail)');
});

test.run();
