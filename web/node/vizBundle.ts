/**
 * The `pistack viz` page script: web/main.ts and everything it imports as one minified IIFE.
 * From the source tree it is bundled by esbuild when first asked for (esbuild loaded only then);
 * an installed package reads the copy scripts/build.ts bundled into dist/viz/app.js (and the
 * stylesheet it joined into dist/viz/style.css), so no bundler runs at the user's.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/** esbuild options of the page script (also used by scripts/build.ts), paths relative to the package root. */
export const VIZ_BUNDLE_OPTIONS: BuildOptions = {
  entryPoints: ['web/main.ts'],
  bundle: true, format: 'iife', platform: 'browser', target: 'es2022',
  minify: true, legalComments: 'eof', logLevel: 'silent',
};

/** The package root (this file is web/node/vizBundle.ts). */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The prebuilt script in an installed package. */
export const PREBUILT_VIZ_SCRIPT = new URL('../../dist/viz/app.js', import.meta.url);

/** True in the built CLI (scripts/build.ts defines PISTACK_BUILT), false when run from the TypeScript sources. */
export const RUNNING_BUILT = process.env.PISTACK_BUILT === '1';

/** The prebuilt stylesheet (web/style.css and web/styles/*.css joined, see buildPage.ts readStylesheet). */
export const PREBUILT_VIZ_STYLESHEET = new URL('../../dist/viz/style.css', import.meta.url);

let bundled: Promise<string> | undefined;

/** The page's script (built once per process). */
export function bundleScript(): Promise<string> {
  bundled ??= RUNNING_BUILT ? readFile(PREBUILT_VIZ_SCRIPT, 'utf8') : bundleFromSource();
  bundled.catch(() => (bundled = undefined)); // a failed build is retried next time
  return bundled;
}

async function bundleFromSource(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({ ...VIZ_BUNDLE_OPTIONS, absWorkingDir: ROOT, write: false });
  return result.outputFiles![0]!.text;
}
