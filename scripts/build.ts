/**
 * Build the package's dist/ (run by `npm run build`, and by npm before `npm pack`/`publish`):
 *   - dist/pistack.js: the CLI, ESM, one chunk per command and per shared group of modules
 *     (esbuild code splitting), so a command loads only what it imports;
 *   - dist/index.js: the public API (index.ts), sharing those chunks;
 *   - dist/fuzzWorker.js: the fuzz worker thread's entry;
 *   - dist/viz/app.js and style.css: the `pistack viz` page script and stylesheet, built here
 *     instead of at run time;
 *   - dist/types/: declarations of the public API (tsc --emitDeclarationOnly).
 * serialport and @serialport/* stay external (native addon, dynamic require); so does esbuild,
 * which only the source tree's viz imports. Everything else is bundled.
 * Run: `npx tsx scripts/build.ts [--no-types]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { readStylesheet } from '../web/node/buildPage.ts';
import { VIZ_BUNDLE_OPTIONS } from '../web/node/vizBundle.ts';

/** The package root (this file is scripts/build.ts). */
export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** Where the build goes. */
export const DIST = resolve(ROOT, 'dist');

/**
 * Source files find their fixtures with `new URL('../fixtures/…', import.meta.url)`. Bundled, a
 * module's import.meta.url would be its chunk's; this rewrites it to the URL the source file
 * would have, relative to the chunk (every output file sits directly in `outDir`), so those
 * paths keep pointing at the package's own files.
 */
export function sourceUrls(outDir: string): Plugin {
  return {
    name: 'source-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes('node_modules')) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const fromOut = relative(outDir, args.path).split('\\').join('/');
        return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
}

/** esbuild options of the CLI, the API and the fuzz worker. */
export function codeBuildOptions(): BuildOptions {
  return {
    absWorkingDir: ROOT,
    entryPoints: { pistack: 'cli/pistack.ts', index: 'index.ts', fuzzWorker: 'fuzz/runner/worker.ts' },
    outdir: DIST, entryNames: '[name]', chunkNames: 'chunk-[hash]',
    bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20',
    external: ['serialport', '@serialport/*', 'esbuild'],
    // bundled CommonJS packages (commander, cli-progress…) call require(): give ESM chunks one
    banner: { js: 'import { createRequire as __pistackRequire } from "node:module"; const require = __pistackRequire(import.meta.url);' },
    define: { 'process.env.PISTACK_BUILT': '"1"' },
    plugins: [sourceUrls(DIST)],
    legalComments: 'none', logLevel: 'warning',
  };
}

/** Bundle the CLI, the API and the fuzz worker into dist/. */
export async function buildCode(): Promise<void> {
  await build(codeBuildOptions());
}

/** Bundle the viz page script into dist/viz/app.js and its stylesheet into dist/viz/style.css. */
export async function buildVizPage(): Promise<void> {
  await build({ ...VIZ_BUNDLE_OPTIONS, absWorkingDir: ROOT, write: true, outfile: resolve(DIST, 'viz/app.js') });
  mkdirSync(resolve(DIST, 'viz'), { recursive: true });
  writeFileSync(resolve(DIST, 'viz/style.css'), readStylesheet());
}

/** Declarations of the public API into dist/types/ (tsconfig.types.json). */
export function buildTypes(): void {
  execFileSync(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', resolve(ROOT, 'tsconfig.types.json')], { stdio: 'inherit' });
}

/** The whole build, dist/ emptied first. */
export async function buildAll(options: { types: boolean } = { types: true }): Promise<void> {
  rmSync(DIST, { recursive: true, force: true });
  await Promise.all([buildCode(), buildVizPage()]);
  if (options.types) buildTypes();
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildAll({ types: !process.argv.includes('--no-types') });
  process.stdout.write(`built ${relative(process.cwd(), DIST) || '.'} in ${Math.round(performance.now() - started)} ms\n`);
}
