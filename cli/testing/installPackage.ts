/**
 * Test helpers for the package as a user gets it: `npm pack` into a folder and a global-style
 * install of the tarball into a temporary prefix, with no network.
 *
 * `npm install -g --prefix P TARBALL --offline` needs the full registry documents of every
 * dependency in npm's cache, which a machine that installed with `npm ci` does not have. When it
 * fails for that, the install is done as npm -g lays it out: the tarball unpacked into
 * P/lib/node_modules/pistack-rig, its dependencies installed there by `npm ci --omit=dev
 * --offline` from the checkout's package-lock.json (npm ci takes tarballs from the cache by
 * their integrity, no registry documents needed), and P/bin/pistack linked to its bin.
 */
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** An installed package. */
export interface Installed {
  /** The `pistack` command (P/bin/pistack). */
  bin: string;
  /** The package folder (P/lib/node_modules/pistack-rig). */
  dir: string;
  /** Which way it was installed, for the test log. */
  how: string;
}

function run(command: string, args: readonly string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    // npm_config_* set by an enclosing `npm test` (e.g. a dry run or a global prefix) must not leak into the child npm
    // (and c8's NODE_V8_COVERAGE: npm and the build cover none of the sources c8 counts)
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_') && k !== 'NODE_V8_COVERAGE'));
    execFile(command, [...args], { cwd, env, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 }, (e, out, err) => done({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out, err }));
  });
}

/** `npm pack` the checkout at `root` into `dir` (created); resolves to the tarball's path. */
export async function packTarball(root: string, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const ran = await run('npm', ['pack', '--pack-destination', dir, '--silent'], root);
  if (ran.code !== 0) throw new Error(`npm pack failed (exit ${ran.code}):\n${ran.err}`);
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack wrote no tarball into ${dir}`);
  return join(dir, tgz);
}

/** The paths inside a tarball, without the leading "package/". */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const ran = await run('tar', ['tzf', tarball], '.');
  if (ran.code !== 0) throw new Error(`tar failed: ${ran.err}`);
  return ran.out.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
}

/** Install `tarball` globally into `prefix` without network (see the file comment). */
export async function installPackage(tarball: string, root: string, prefix: string): Promise<Installed> {
  const dir = join(prefix, 'lib/node_modules/pistack-rig');
  const bin = join(prefix, 'bin/pistack');
  const global = await run('npm', ['install', '-g', '--prefix', prefix, tarball, '--offline', '--no-audit', '--no-fund'], root);
  if (global.code === 0) return { bin, dir, how: `npm install -g --prefix ${prefix} --offline` };
  if (!/ENOTCACHED/.test(global.err)) throw new Error(`npm install -g failed (exit ${global.code}):\n${global.err}`);
  mkdirSync(dir, { recursive: true });
  const unpacked = await run('tar', ['xzf', tarball, '-C', dir, '--strip-components=1'], root);
  if (unpacked.code !== 0) throw new Error(`tar failed: ${unpacked.err}`);
  copyFileSync(join(root, 'package-lock.json'), join(dir, 'package-lock.json'));
  const ci = await run('npm', ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], dir);
  if (ci.code !== 0) throw new Error(`npm ci --offline in the unpacked package failed (exit ${ci.code}):\n${ci.err}`);
  mkdirSync(join(prefix, 'bin'), { recursive: true });
  if (!existsSync(bin)) symlinkSync('../lib/node_modules/pistack-rig/bin/pistack.js', bin);
  chmodSync(join(dir, 'bin/pistack.js'), 0o755);
  return { bin, dir, how: 'npm install -g --offline had no registry documents in the cache (ENOTCACHED): unpacked into the prefix and npm ci --omit=dev --offline from package-lock.json' };
}
