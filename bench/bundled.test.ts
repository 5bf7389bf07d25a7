/** bench/bundled.ts: a bench script bundled as the build bundles the CLI runs under plain node, its paths intact, and its folder goes. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleBench } from './bundled.ts';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const CACHE = join(BENCH_DIR, '../node_modules/.cache');

test('the bundle runs without tsx, sees the sources\' import.meta.url, and remove() deletes its folder', async () => {
  // a throwaway entry beside the benches, so its relative imports are the benches' own
  const entry = join(BENCH_DIR, `_bundled-probe-${process.pid}.ts`);
  writeFileSync(entry, [
    "import { crc8 } from '../bus-protocol/crc8.ts';",
    "import { BUILTIN_PROFILES } from '../board-model/profiles.ts';",
    "const check: number = crc8(new TextEncoder().encode('123456789'));",
    "console.log(JSON.stringify({ check, url: import.meta.url, profiles: Object.keys(BUILTIN_PROFILES).length, built: process.env.PISTACK_BUILT }));",
  ].join('\n'));
  const bundle = await bundleBench(entry).finally(() => rmSync(entry));
  try {
    assert.ok(bundle.file.endsWith('.mjs'), bundle.file);
    assert.ok(bundle.file.includes(join('node_modules', '.cache')), bundle.file);
    const out = JSON.parse(execFileSync(process.execPath, [bundle.file], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })) as Record<string, unknown>;
    assert.is(out.check, 0xa1);
    assert.ok((out.profiles as number) > 0);
    assert.is(out.url, `file://${entry}`, 'import.meta.url is the source file\'s, as in the build');
    assert.is(out.built, '1', 'the build\'s define is applied');
  } finally {
    bundle.remove();
  }
  assert.not.ok(existsSync(dirname(bundle.file)));
});

test('a bundle that does not build leaves no folder behind and says why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bundled-test-'));
  const entry = join(dir, 'broken.ts');
  writeFileSync(entry, "import { nothing } from './missing.ts';\nconsole.log(nothing);\n");
  const folders = (): string[] => readdirSync(CACHE).filter((n) => n.startsWith('pistack-bench-')).sort();
  try {
    mkdirSync(CACHE, { recursive: true });
    const before = folders();
    let error: unknown;
    await bundleBench(entry).catch((e: unknown) => (error = e));
    assert.instance(error, Error);
    assert.match((error as Error).message, /missing\.ts/);
    assert.equal(folders(), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
