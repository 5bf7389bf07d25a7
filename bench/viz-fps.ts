/**
 * The `pistack viz` page in headless Chromium at 1280x800: page load time (navigation to first
 * rendered frame, best and worst of 3 loads), then with the default stack's 32 Pis powered on
 * and heartbeating and the scope panel open (scrolled into view, following live, so it redraws
 * every frame), animation frames per second over ~5 s at 100x and at 1000x real time, how much
 * virtual time the page ran meanwhile, and whether the scope recorded every heartbeat edge of
 * that run (its rising edges against the stack cards' pulse counts). Targets: load to first
 * frame under 500 ms, at least 55 fps at 100x and at 1000x. Because fps is a wall-clock figure
 * (a busy machine lowers it), each run also prints the page's own main-thread work per frame
 * from a Chrome trace (bench/frameCost.ts): mean and 95th percentile of script+style+layout,
 * and of paint; target: script+style+layout under 8 ms mean, so a frame fits in 60 Hz on one core.
 * `--top`: the same runs with the page at its top instead (the stack's cards and the charts on
 * screen, the scope off screen), the view a class starts from.
 * Run: `npx tsx bench/viz-fps.ts [--json] [--seconds N] [--top]`. Needs /usr/bin/chromium and Graphviz.
 */
import { cpus, loadavg } from 'node:os';
import { resolveScenario } from '../cli/simFiles.ts';
import { buildVizPage } from '../web/node/buildPage.ts';
import { serveVizPage } from '../web/node/server.ts';
import { switchAllPisOn, traceFrames, type FrameCost } from './frameCost.ts';
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
  /** Main-thread CPU time per frame (ms; Chrome's ThreadTime): the page's own cost, whatever else the machine runs. */
  readonly cpuMsPerFrame: number;
  /** Share of wall time the main thread spent in tasks. */
  readonly taskShare: number;
  /** Heartbeat rising edges the scope recorded during the run, and the stack cards' pulses (equal when nothing was lost). */
  readonly scopeEdges: number;
  readonly cardPulses: number;
  /** Main-thread work per frame from a trace of the same run (ms): script+style+layout and paint, mean and p95. */
  readonly frameCost: FrameCost;
}

/** Targets (issue 11). */
const TARGET_LOAD_MS = 500;
const TARGET_FPS = 55;
const TARGET_FRAME_MS = 8;

const json = process.argv.includes('--json');
const top = process.argv.includes('--top');
const secondsArg = process.argv.indexOf('--seconds');
const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 5;
if (!(seconds > 0)) throw new Error(`--seconds must be a positive number, got ${process.argv[secondsArg + 1]}`);
if (!chromiumAvailable()) {
  console.error(`bench/viz-fps.ts needs ${CHROMIUM_PATH} (Debian: apt-get install chromium)`);
  process.exit(1);
}

const page = await buildVizPage({ start: resolveScenario({}, 0), startIsLesson: false });
const server = await serveVizPage(page, '127.0.0.1', 0);
const browser = await launchChromium({ width: 1280, height: 800 });
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
  await switchAllPisOn(tab);
  if (!top) await tab.locator('#scope').scrollIntoViewIfNeeded(); // the scope on screen, following live
  await tab.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const pisOn = await tab.locator('.led.power.on').count();
  const scopeOpen = await tab.evaluate(() => {
    const r = document.getElementById('scope-canvas')!.getBoundingClientRect();
    return r.height > 0 && r.top < innerHeight && r.bottom > 0 && window.pistackScope!.window().follow;
  });
  if (!scopeOpen && !top) throw new Error('the scope panel is not on screen and following live');
  const rows: FpsRow[] = [];
  // Main-thread CPU time and task time of the page (Chrome's Performance domain, seconds): CPU per frame does not depend on how busy the machine is.
  const cdp = await browser.context.newCDPSession(tab);
  await cdp.send('Performance.enable');
  const metrics = async (): Promise<{ thread: number; task: number }> => {
    const { metrics: list } = await cdp.send('Performance.getMetrics');
    const value = (name: string): number => list.find((m) => m.name === name)?.value ?? Number.NaN;
    return { thread: value('ThreadTime'), task: value('TaskDuration') };
  };
  // Heartbeat rising edges: the scope's recorder against the stack cards' counts (no named functions inside: tsx would wrap them).
  const edges = (): Promise<[number, number]> => tab.evaluate(() => {
    const rec = window.pistackScope!.recorder();
    let scope = 0;
    let cards = 0;
    for (let b = 0; b < rec.boards; b++) {
      for (const pi of [0, 1]) {
        scope += rec.trace(b, `pi${pi}_heartbeat`).risingEdges();
        cards += Number(document.querySelector(`.board[data-board="${b}"] .port[data-pi="${pi}"] .count`)!.textContent);
      }
    }
    return [scope, cards] as [number, number];
  });
  for (const speed of [100, 1000] as const) {
    const [s0, c0] = await edges();
    await tab.evaluate(async (speed) => {
      window.pistackViz!.run(speed);
      await new Promise((r) => setTimeout(r, 300)); // settle into the new speed
    }, speed);
    const stopTrace = await traceFrames(cdp);
    const m0 = await metrics();
    const p0 = await tab.evaluate(() => ({ v: window.pistackViz!.now(), f: window.pistackViz!.frames(), t: performance.now() }));
    await tab.evaluate((ms) => new Promise((r) => setTimeout(r, ms)), seconds * 1000);
    const p1 = await tab.evaluate(() => ({ v: window.pistackViz!.now(), f: window.pistackViz!.frames(), t: performance.now() }));
    const m1 = await metrics();
    const frameCost = await stopTrace();
    await tab.evaluate(async () => {
      window.pistackViz!.pause();
      await window.pistackViz!.advance(0); // every panel drawn at the paused moment
    });
    const wallMs = p1.t - p0.t;
    const frames = p1.f - p0.f;
    const virtualMs = p1.v - p0.v;
    const row = {
      speed, fps: (frames * 1000) / wallMs, frames, wallMs, virtualMs, achieved: virtualMs / wallMs,
      cpuMsPerFrame: ((m1.thread - m0.thread) * 1000) / Math.max(1, frames), taskShare: (m1.task - m0.task) * 1000 / wallMs,
    };
    const [s1, c1] = await edges();
    rows.push({ ...row, scopeEdges: s1 - s0, cardPulses: c1 - c0, frameCost });
  }
  const result = { loadMs: { best: Math.min(...loads), worst: Math.max(...loads) }, pageBytes: bytes, boards: 16, pisOn, scopeOpen, loadAverage: loadavg()[0]!, cpus: cpus().length, rows };
  if (json) console.log(JSON.stringify(result, null, 2));
  else {
    const mark = (ok: boolean): string => (ok ? 'ok' : 'MISSED');
    console.log(`machine: ${result.cpus} CPUs, load average ${result.loadAverage.toFixed(1)} (fps and load time are wall-clock figures: a busy machine lowers them; CPU per frame is the page's own cost)`);
    console.log(`page: ${(bytes / 1024).toFixed(0)} KiB in ${page.size} files; load to first frame ${result.loadMs.best.toFixed(0)}..${result.loadMs.worst.toFixed(0)} ms (3 loads; target < ${TARGET_LOAD_MS} ms: ${mark(result.loadMs.worst < TARGET_LOAD_MS)})`);
    for (const r of rows) {
      const c = r.frameCost;
      const ms = (x: { mean: number; p95: number }): string => `${x.mean.toFixed(1)} ms mean, ${x.p95.toFixed(1)} ms p95`;
      console.log(`${String(r.speed).padStart(5)}x: ${r.fps.toFixed(1)} fps; per frame: script+style+layout ${ms(c.scriptStyleLayout)} (target mean < ${TARGET_FRAME_MS} ms: ${mark(c.scriptStyleLayout.mean < TARGET_FRAME_MS)}; script ${c.script.mean.toFixed(1)}, style ${c.style.mean.toFixed(1)}, layout ${c.layout.mean.toFixed(1)}), paint ${ms(c.paint)}; ${c.frames} frames traced`);
      console.log(`        ${r.frames} frames in ${(r.wallMs / 1000).toFixed(1)} s (target >= ${TARGET_FPS} fps: ${mark(r.fps >= TARGET_FPS)}), ${(r.virtualMs / 1000).toFixed(0)} s virtual = ${r.achieved.toFixed(0)}x achieved, default stack with ${pisOn} Pis on, main thread ${r.cpuMsPerFrame.toFixed(1)} ms CPU per frame, busy ${(r.taskShare * 100).toFixed(0)}% of the time; ${scopeOpen ? 'scope open' : 'page at its top, scope off screen'}: ${r.scopeEdges} heartbeat edges recorded of ${r.cardPulses} pulses (${mark(r.scopeEdges === r.cardPulses)})`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
