/**
 * The `pistack viz` page in headless Chromium: page load time (navigation to first rendered
 * frame, best and worst of 3 loads), then with the default stack's 32 Pis powered on and
 * heartbeating, animation frames per second over ~5 s at 100x (and 1000x) real time, and how
 * much virtual time the page ran meanwhile. Targets: load under 1 s, at least 30 fps at 100x.
 * Run: `npx tsx bench/viz-fps.ts [--json] [--seconds N]`. Needs /usr/bin/chromium and Graphviz.
 */
import { resolveScenario } from '../cli/simFiles.ts';
import { buildVizPage } from '../web/node/buildPage.ts';
import { serveVizPage } from '../web/node/server.ts';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from '../web/testing/chromium.ts';

/** One run at a speed: frames per second and virtual time per wall time. */
export interface FpsRow {
  readonly speed: number;
  readonly fps: number;
  readonly frames: number;
  readonly wallMs: number;
  readonly virtualMs: number;
  /** Virtual time run per wall time (the speed actually achieved). */
  readonly achieved: number;
}

const json = process.argv.includes('--json');
const secondsArg = process.argv.indexOf('--seconds');
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 5;
if (!(seconds > 0)) throw new Error(`--seconds must be a positive number, got ${process.argv[secondsArg + 1]}`);
if (!chromiumAvailable()) {
  console.error(`bench/viz-fps.ts needs ${CHROMIUM_PATH} (Debian: apt-get install chromium)`);
  process.exit(1);
}

const page = await buildVizPage({ start: resolveScenario({}, 0), startIsLesson: false });
const server = await serveVizPage(page, '127.0.0.1', 0);
const browser = await launchChromium();
try {
  const tab = await browser.context.newPage();
  const loads: number[] = [];
  for (let i = 0; i < 3; i++) {
    await tab.goto(server.url);
    await tab.waitForFunction(() => window.pistackViz !== undefined);
    loads.push(await tab.evaluate(() => window.pistackViz!.loadMs));
  }
  const bytes = [...page.values()].reduce((sum, f) => sum + Buffer.byteLength(f.body), 0);
  // All 32 Pis on, and booted, so heartbeats and watchdogs run on every port.
  await tab.evaluate(async () => {
    const hook = window.pistackViz!;
    hook.pause();
    await hook.advance(100);
    for (let id = 0; id < 16; id++) for (const pi of [0, 1]) await hook.send('PI_ON', id, { pi });
    await hook.advance(30_000);
  });
  await tab.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const pisOn = await tab.locator('.led.power.on').count();
  const rows: FpsRow[] = [];
  for (const speed of [100, 1000] as const) {
    rows.push(await tab.evaluate(async ({ speed, ms }) => {
      const hook = window.pistackViz!;
      hook.run(speed);
      await new Promise((r) => setTimeout(r, 300)); // settle into the new speed
      const v0 = hook.now();
      const f0 = hook.frames();
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, ms));
      const wallMs = performance.now() - t0;
      const frames = hook.frames() - f0;
      const virtualMs = hook.now() - v0;
      hook.pause();
      return { speed, fps: (frames * 1000) / wallMs, frames, wallMs, virtualMs, achieved: virtualMs / wallMs };
    }, { speed, ms: seconds * 1000 }));
  }
  const result = { loadMs: { best: Math.min(...loads), worst: Math.max(...loads) }, pageBytes: bytes, boards: 16, pisOn, rows };
  if (json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`page: ${(bytes / 1024).toFixed(0)} KiB in ${page.size} files; load to first frame ${result.loadMs.best.toFixed(0)}..${result.loadMs.worst.toFixed(0)} ms (3 loads; target < 1000 ms)`);
    for (const r of rows) {
      console.log(`${String(r.speed).padStart(5)}x: ${r.fps.toFixed(1)} fps (${r.frames} frames in ${(r.wallMs / 1000).toFixed(1)} s; target >= 30 at 100x), ${(r.virtualMs / 1000).toFixed(0)} s virtual = ${r.achieved.toFixed(0)}x achieved, default stack with ${pisOn} Pis on`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
