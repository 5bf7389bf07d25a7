/**
 * `--built` for the simulator and fuzzer benches: the bench script bundled the way the package's
 * build bundles the CLI (scripts/build.ts's esbuild options: xstate, fast-check and every module
 * of the rig in one ESM file, target node20), so it measures the JavaScript an installed
 * `pistack sim` or `pistack fuzz` runs instead of the TypeScript sources compiled by tsx's
 * loader. One file rather than the build's chunks: the same code, fewer files to load.
 * Bench code only (Node); imported dynamically, so a bundle never contains it.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { codeBuildOptions, ROOT, sourceUrls } from '../scripts/build.ts';

/** Where bundles go: inside the checkout, so the packages left external (serialport) resolve from node_modules. */
const CACHE = join(ROOT, 'node_modules/.cache');

/** A bench script's bundle and how to remove it. */
export interface BenchBundle {
  /** Path of the bundled script (an .mjs file in its own temporary folder under node_modules/.cache). */
  readonly file: string;
  /** Delete the temporary folder. */
  remove(): void;
}

/** Bundle the bench script at `entry` (a path) into a fresh temporary folder. */
export async function bundleBench(entry: string): Promise<BenchBundle> {
  mkdirSync(CACHE, { recursive: true });
  const dir = mkdtempSync(join(CACHE, 'pistack-bench-'));
  const file = join(dir, basename(entry).replace(/\.ts$/, '.mjs'));
  const options = codeBuildOptions();
  try {
    await build({
      ...options,
      entryPoints: [entry], outdir: undefined, outfile: file, entryNames: undefined, chunkNames: undefined, splitting: false,
      logLevel: 'silent', // a failure is thrown with esbuild's messages
      plugins: [
        sourceUrls(dir),
        // the bundler itself stays out of the bundle (only the parent process bundles)
        { name: 'leave-out-bundler', setup: (b) => b.onResolve({ filter: /\/bundled\.ts$/ }, (a) => ({ path: a.path, external: true })) },
      ],
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
