/**
 * The package as a user gets it (slow: builds, packs and installs). `npm pack` (which builds
 * dist/ through the prepack script), the tarball's file list, a global-style install into a
 * temporary prefix without network, then every command from the installed `pistack`: its
 * --help, and a short real run where no hardware is needed. Also the public API by package name.
 */
import { execFile, spawn, type ExecFileException } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMAND_TABLE } from './commandTable.ts';
import { installPackage, packTarball, tarballFiles, type Installed } from './testing/installPackage.ts';

const ROOT = resolve(import.meta.dirname, '..');
const test = suite('package');
const scratch = mkdtempSync(join(tmpdir(), 'pistack-package-'));
let tarball = '';
let installed: Installed;
/** The environment without PISTACK_FROM: the installed bin must choose dist/ by itself. */
const withoutFrom = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'PISTACK_FROM' && k !== 'NODE_V8_COVERAGE'));

interface Ran {
  code: number;
  out: string;
  err: string;
}

/** Run the installed `pistack` (cwd: the scratch folder, so nothing lands in the checkout). */
function pistack(...args: string[]): Promise<Ran> {
  return new Promise((done) => {
    execFile(installed.bin, args, { cwd: scratch, timeout: 180_000, maxBuffer: 32 * 1024 * 1024, env: withoutFrom }, (error: ExecFileException | null, out, err) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out, err });
    });
  });
}

function ok(ran: Ran, what: string): void {
  assert.is(ran.code, 0, `${what}: exit ${ran.code}\n${ran.err.slice(0, 2000)}`);
  assert.not.match(ran.err, /internal error|at .*\.js:\d+/, `${what}: no internal error or stack trace\n${ran.err.slice(0, 2000)}`);
}

test.before(async () => {
  tarball = await packTarball(ROOT, join(scratch, 'pack'));
  installed = await installPackage(tarball, ROOT, join(scratch, 'prefix'));
  process.stdout.write(`  (installed with: ${installed.how})\n`);
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test('the tarball ships the build, types, schemas, default fixtures, README and licence, and no sources, tests, screenshots or benches', async () => {
  const files = await tarballFiles(tarball);
  for (const wanted of ['package.json', 'README.md', 'LICENSE', 'bin/pistack.js', 'dist/pistack.js', 'dist/index.js', 'dist/fuzzWorker.js', 'dist/types/index.d.ts', 'dist/viz/app.js', 'dist/viz/style.css', 'fixtures/scenarios/demo.json', 'fixtures/frames/vectors.json', 'fixtures/plans/default.json', 'fixtures/lessons/01-power-on-off.json']) {
    assert.ok(files.includes(wanted), `${wanted} is in the tarball`);
  }
  assert.ok(files.some((f) => /^schemas\/.+\.schema\.json$/.test(f)), 'the JSON schemas are in the tarball');
  const unwanted = files.filter((f) => /\.test\.ts$|^docs\/|screenshot|^bench\/|^scripts\/|(?<!\.d)\.ts$|\.png$|regressions\//.test(f));
  assert.equal(unwanted, [], 'no tests, sources, docs, screenshots or bench sources');
});

test('the install has no tsx and no esbuild: the built CLI needs neither', () => {
  assert.ok(existsSync(join(installed.dir, 'dist/pistack.js')));
  assert.not.ok(existsSync(join(installed.dir, 'node_modules/tsx')), 'tsx is a development dependency only');
  assert.not.ok(existsSync(join(installed.dir, 'node_modules/esbuild')), 'esbuild is a development dependency only');
});

test('pistack --version and --help', async () => {
  const version = await pistack('--version');
  ok(version, '--version');
  assert.is(version.out.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  const help = await pistack('--help');
  ok(help, '--help');
  for (const c of COMMAND_TABLE) assert.match(help.out, new RegExp(`^  ${c.name} `, 'm'), `--help lists ${c.name}`);
});

test('every command prints its --help', async () => {
  for (const c of COMMAND_TABLE) {
    const ran = await pistack(c.name, '--help');
    ok(ran, `${c.name} --help`);
    assert.match(ran.out, `Usage: pistack ${c.name}`);
  }
});

test('codec commands: encode, decode, check-vectors', async () => {
  const encoded = await pistack('encode', 'GET_SW_VERSION', '--id', '0');
  ok(encoded, 'encode');
  assert.is(encoded.out.trim(), '02 00 03 AD');
  const decoded = await pistack('decode', '02 00 03 AD');
  ok(decoded, 'decode');
  assert.match(decoded.out, 'GET_SW_VERSION');
  ok(await pistack('check-vectors'), 'check-vectors (fixtures/frames/vectors.json from the package)');
});

test('simulator commands: sim, demo', async () => {
  const sim = await pistack('sim', '--duration', '5m', '--quiet');
  ok(sim, 'sim');
  assert.match(sim.out, 'Ran 5m');
  const demo = await pistack('demo', '--json');
  ok(demo, 'demo (fixtures/scenarios/demo.json from the package)');
  assert.ok((JSON.parse(demo.out) as { passed: boolean }).passed);
});

test('host commands on sim:', async () => {
  const sim = ['--port', 'sim:', '--id', '0'];
  const session = join(scratch, 'errors.jsonl');
  for (const args of [['scan', '--port', 'sim:'], ['status', ...sim], ['get', 'HBT_TIME', ...sim], ['set', 'HBT_TIME', '30', ...sim, '--pi', '0'], ['pi-on', ...sim, '--pi', '0'], ['pi-off', ...sim, '--pi', '0'], ['pi-force-off', ...sim, '--pi', '1'], ['send-sig', ...sim, '--pi', '0'], ['errors', ...sim, '--record', session]]) {
    ok(await pistack(...args), args.join(' '));
  }
  ok(await pistack('replay', session, '--port', 'sim:'), 'replay');
  ok(await pistack('bench', ...sim, '--no-prompt', '--report', join(scratch, 'reports')), 'bench (fixtures/plans/default.json from the package)');
  ok(await pistack('characterize', ...sim, '--out', join(scratch, 'measured.json')), 'characterize');
});

test('ports loads serialport\'s native binding', async () => {
  const ports = await pistack('ports', '--json');
  ok(ports, 'ports');
  assert.ok(Array.isArray(JSON.parse(ports.out)), 'a JSON list of ports');
});

test('viz --out writes the prebuilt page; chart draws the statecharts', async () => {
  const out = join(scratch, 'viz');
  ok(await pistack('viz', '--out', out), 'viz --out');
  assert.is(readFileSync(join(out, 'app.js'), 'utf8'), readFileSync(join(installed.dir, 'dist/viz/app.js'), 'utf8'), 'the page script is the prebuilt one');
  assert.ok(readdirSync(join(out, 'charts')).some((f) => f.endsWith('.svg')));
  ok(await pistack('chart', '--out', join(scratch, 'charts'), '--dot-only'), 'chart');
});

test('fuzz runs on worker threads from the build', async () => {
  const fuzz = await pistack('fuzz', '--runs', '2', '--seed', '7', '--workers', '2', '--target', 'parser,model', '--out', join(scratch, 'regressions'));
  ok(fuzz, 'fuzz');
  assert.match(fuzz.out, /\d+ runs, seed 7: no failures/);
});

test('completion scripts', async () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    const ran = await pistack('completion', shell);
    ok(ran, `completion ${shell}`);
    assert.match(ran.out, 'pistack');
  }
});

test('serve --tcp starts, then stops on SIGTERM', async () => {
  const child = spawn(installed.bin, ['serve', '--tcp', '127.0.0.1:0'], { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start: ${out}`)), 120_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ctrl-C or SIGTERM stops')) {
        clearTimeout(timer);
        ready();
      }
    });
  });
  const code = await new Promise<number | null>((exited) => {
    child.once('exit', (c) => exited(c));
    child.kill('SIGTERM');
  });
  assert.is(code, 0, out);
  assert.match(out, 'stopped (SIGTERM)');
});

test('the public API by package name, from the installed package', async () => {
  const project = join(scratch, 'project');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  symlinkSync(installed.dir, join(project, 'node_modules/pistack-rig'), 'dir');
  const script = `import { encodeRequest, toHex, SimStack, openPort, StackClient, DEFAULT_STACK } from 'pistack-rig';
const port = await openPort('sim:');
const client = new StackClient(port.transport, { clock: port.clock });
const version = await port.run(client.request('GET_SW_VERSION', 0));
await port.close();
process.stdout.write([toHex(encodeRequest('GET_SW_VERSION', 0)), typeof SimStack, DEFAULT_STACK.boards.length, JSON.stringify(version)].join(' ') + '\\n');`;
  const ran = await new Promise<Ran>((done) => execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: project }, (e, out, err) => done({ code: e ? 1 : 0, out, err })));
  ok(ran, 'import from pistack-rig');
  assert.match(ran.out, /^02 00 03 AD function \d+ /, `stdout: ${ran.out}\nstderr: ${ran.err}`);
});

test.run();
