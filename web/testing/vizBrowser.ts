/**
 * The shared set-up of the page's browser tests: build the `pistack viz` page, serve it on
 * 127.0.0.1:0, launch Debian Chromium, open pages that collect page and console errors, and
 * close it all after the suite; a suite is skipped, visibly, without /usr/bin/chromium. Also the
 * helpers several suites share: advance virtual time, axe-core's serious problems, screenshots.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { test } from 'uvu';
import type { Scenario } from '../../board-model/scenario.ts';
import { resolveScenario } from '../../cli/simFiles.ts';
import { buildVizPage, writeVizPage, type VizPage } from '../node/buildPage.ts';
import { serveVizPage, type VizServer } from '../node/server.ts';
import type { Speed } from '../TimeDriver.ts';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium, type LaunchedChromium } from './chromium.ts';

/** Where screenshots go: docs/screenshots, or PISTACK_SCREENSHOTS=DIR. */
export const SCREENSHOTS = process.env['PISTACK_SCREENSHOTS'] ?? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** Define a browser suite, or one visibly skipped test when Debian's chromium is missing. */
export function browserSuite(file: string, what: string, define: () => void): void {
  if (chromiumAvailable()) return define();
  console.log(`${file}: skipped, ${CHROMIUM_PATH} is missing (Debian: apt-get install chromium)`);
  test.skip(`${what} in Chromium (skipped: ${CHROMIUM_PATH} is missing; apt-get install chromium)`, () => undefined);
}

/** How a suite's page is set up. */
export interface VizSuiteOptions {
  /** Browser window (px); default 1280x800. */
  readonly viewport?: { width: number; height: number };
  /** What the page runs first; default the CLI's default stack as free play. */
  readonly start?: { scenario: Scenario; lesson: boolean };
  /** Open `page` at the served URL plus this fragment before the first test ('' for none); false: no page. */
  readonly open?: string | false;
  /** Then pause time (true) or run it at a speed. */
  readonly time?: 'paused' | Speed;
}

/** A built, served page and a browser on it; its fields are set before the first test runs. */
export class VizSuite {
  built!: VizPage;
  server!: VizServer;
  browser!: LaunchedChromium;
  /** The page opened before the first test (options.open). */
  page!: Page;
  /** Page errors and console errors of every page opened here, "url: message". */
  readonly errors: string[] = [];
  private staticDir: string | undefined;

  /** A new tab that reports its errors into `errors` (not navigated yet). */
  async newPage(): Promise<Page> {
    const page = await this.browser.context.newPage();
    page.on('pageerror', (e) => this.errors.push(`${page.url()}: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && this.errors.push(`${page.url()}: ${m.text()}`));
    return page;
  }

  /** A new tab at `url` (default the served page), once the page's hook is there (the link's state, if any, restored). */
  async open(url = this.server.url): Promise<Page> {
    const page = await this.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.pistackViz !== undefined);
    return page;
  }

  /** The page's static files (as `viz --out` writes them) opened from file://, with `fragment` (e.g. "#v=1&t=0"). */
  staticUrl(fragment = ''): string {
    if (this.staticDir === undefined) {
      this.staticDir = mkdtempSync(join(tmpdir(), 'pistack-viz-static-'));
      writeVizPage(this.built, this.staticDir);
    }
    return `${pathToFileURL(join(this.staticDir, 'index.html')).href}${fragment}`;
  }

  /** Build, serve, launch and open (test.before). */
  async setUp(options: VizSuiteOptions): Promise<void> {
    const start = options.start ?? { scenario: resolveScenario({}, 0), lesson: false };
    this.built = await buildVizPage({ start: start.scenario, startIsLesson: start.lesson });
    this.server = await serveVizPage(this.built, '127.0.0.1', 0);
    this.browser = await launchChromium(options.viewport ?? { width: 1280, height: 800 });
    if (options.open === false) return;
    this.page = await this.open(`${this.server.url}${options.open ?? ''}`);
    const time = options.time;
    if (time === 'paused') await this.page.evaluate(() => window.pistackViz!.pause());
    else if (time !== undefined) await this.page.evaluate((speed) => window.pistackViz!.run(speed), time);
  }

  /** Close the browser and the server, remove the static files (test.after). */
  async tearDown(): Promise<void> {
    await this.browser?.close();
    await this.server?.close();
    if (this.staticDir !== undefined) rmSync(this.staticDir, { recursive: true, force: true });
  }
}

/** A VizSuite set up before the suite's first test and closed after its last. */
export function useVizPage(options: VizSuiteOptions = {}): VizSuite {
  const suite = new VizSuite();
  test.before(() => suite.setUp(options));
  test.after(() => suite.tearDown());
  return suite;
}

/** Advance virtual time through the page's hook; resolves with the new time (ms) once every panel shows it. */
export function advance(page: Page, ms: number): Promise<number> {
  return page.evaluate((step) => window.pistackViz!.advance(step), ms);
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical axe-core violations (in the elements `include` selects, default the whole page): "rule (impact): target" lines. */
export async function axeProblems(page: Page, include?: readonly string[]): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  return page.evaluate(async (selectors) => {
    type Result = { violations: Array<{ id: string; impact?: string; nodes: Array<{ target: unknown[] }> }> };
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<Result> } }).axe;
    const result = await axe.run(selectors ? { include: selectors.map((s) => [s]) } : document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.slice(0, 3).map((n) => `${v.id} (${v.impact}): ${JSON.stringify(n.target)}`));
  }, include ? [...include] : undefined);
}

/** Scroll the page so that the top of `selector`'s element sits just under the sticky time bar (header.top), not behind it. */
export async function scrollBelowBar(page: Page, selector: string): Promise<void> {
  await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) throw new Error(`scrollBelowBar: nothing matches ${sel}`);
    el.scrollIntoView({ block: 'start' }); // inside its scrolling panel too
    const bar = document.querySelector('header.top')?.getBoundingClientRect().bottom ?? 0;
    window.scrollBy(0, el.getBoundingClientRect().top - bar - 8);
  }, selector);
}

/**
 * Screenshot SCREENSHOTS/NAME.png (NAME may hold a folder): the viewport with `selector`'s
 * element just under the sticky time bar, that element alone (scrolled the same way), or the
 * whole page.
 */
export async function screenshot(page: Page, name: string, selector: string, how: 'viewport' | 'element' | 'full' = 'viewport'): Promise<void> {
  const path = join(SCREENSHOTS, `${name}.png`);
  mkdirSync(dirname(path), { recursive: true });
  if (how === 'full') return void (await page.screenshot({ path, fullPage: true }));
  await scrollBelowBar(page, selector);
  if (how === 'element') await page.locator(selector).screenshot({ path });
  else await page.screenshot({ path });
}
