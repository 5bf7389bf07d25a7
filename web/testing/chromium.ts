/**
 * Headless Debian Chromium for the page's tests and benchmark (playwright-core, never a
 * downloaded browser): a fresh profile folder per launch, removed on close.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep a headless Chromium quiet and offline (TOOLCHAIN.md). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** True when the Debian browser is installed. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** A launched browser: its context, and `close` to end it and remove its profile. */
export interface LaunchedChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A browser context on a fresh profile; `close` ends the browser and removes the profile. */
export async function launchChromium(viewport = { width: 1600, height: 1000 }): Promise<LaunchedChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'pistack-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, viewport, headless: true });
    return {
      context,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}
