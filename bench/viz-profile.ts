/**
 * Where the `pistack viz` page spends its frames: the same set-up as bench/viz-fps.ts (default
 * stack, 32 Pis on, scope open and following), then a CPU profile of the page (Chrome's
 * sampling profiler over CDP) at one speed, with the page's script unminified so functions keep
 * their names. Prints the functions with the most self time and with the most total time, in
 * ms per animation frame. A tool for finding hot spots, not a figure with a target.
 * `--top`: the top of the page (stack and charts) instead of the scope; `--paint`: what was painted and laid out.
 * Run: `npx tsx bench/viz-profile.ts [--speed 1000] [--seconds 5] [--list 40] [--top] [--paint]`. Needs /usr/bin/chromium and Graphviz.
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { resolveScenario } from '../cli/simFiles.ts';
import { buildVizPage } from '../web/node/buildPage.ts';
import { serveVizPage } from '../web/node/server.ts';
import { switchAllPisOn, type TraceEvent as FrameEvent } from './frameCost.ts';
import { launchChromium } from '../web/testing/chromium.ts';

type TraceEvent = FrameEvent & { args?: Record<string, unknown> };

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

const option = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!(value > 0)) throw new Error(`${name} must be a positive number, got ${process.argv[i + 1]}`);
  return value;
};
const speed = option('--speed', 1000);
const seconds = option('--seconds', 5);
const top = option('--list', 40);

const page = new Map(await buildVizPage({ start: resolveScenario({}, 0), startIsLesson: false }));
const readable = await build({
  entryPoints: [join(import.meta.dirname, '..', 'web', 'main.ts')],
  bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022', minify: false, keepNames: false, logLevel: 'silent',
});
page.set('app.js', { body: readable.outputFiles[0]!.text, type: 'text/javascript; charset=utf-8' });
const server = await serveVizPage(page, '127.0.0.1', 0);
const browser = await launchChromium({ width: 1280, height: 800 });
try {
  const tab = await browser.context.newPage();
  await tab.goto(server.url);
  await tab.waitForFunction(() => window.pistackViz !== undefined);
  await switchAllPisOn(tab);
  if (!process.argv.includes('--top')) await tab.locator('#scope').scrollIntoViewIfNeeded();
  const cdp = await browser.context.newCDPSession(tab);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await tab.evaluate(async (speed) => {
    window.pistackViz!.run(speed as 1000);
    await new Promise((r) => setTimeout(r, 300));
  }, speed);
  const f0 = await tab.evaluate(() => window.pistackViz!.frames());
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const traced = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  await cdp.send('Profiler.start');
  await tab.evaluate((ms) => new Promise((r) => setTimeout(r, ms)), seconds * 1000);
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Tracing.end');
  await traced;
  const frames = (await tab.evaluate(() => window.pistackViz!.frames())) - f0;
  // The page's main thread: the renderer thread that ran the animation frames.
  const fired = events.find((e) => e.name === 'FireAnimationFrame');
  const byName = new Map<string, number>();
  for (const e of events) if (fired && e.pid === fired.pid && e.tid === fired.tid && e.ph === 'X' && e.dur) byName.set(e.name, (byName.get(e.name) ?? 0) + (e.tdur ?? e.dur));
  if (process.argv.includes('--paint')) {
    const mine = events.filter((e) => fired && e.pid === fired.pid && e.tid === fired.tid && e.ph === 'X');
    const paints = new Map<string, { us: number; n: number }>();
    for (const e of mine.filter((x) => x.name === 'Paint')) {
      const d = e.args?.['data'] as { nodeId?: number; clip?: number[]; layerId?: number } | undefined;
      let who = `node ${d?.nodeId}`;
      if (d?.nodeId) {
        try {
          const { node } = await cdp.send('DOM.describeNode', { backendNodeId: d.nodeId });
          who = `${node.nodeName}${node.attributes ? ` ${node.attributes.join(' ').slice(0, 80)}` : ''}`;
        } catch { /* gone */ }
      }
      const c = d?.clip;
      const key = `${who} clip ${c ? `${Math.round(c[2]! - c[0]!)}x${Math.round(c[5]! - c[1]!)}` : '?'}`;
      const p = paints.get(key) ?? { us: 0, n: 0 };
      p.us += e.dur ?? 0;
      p.n++;
      paints.set(key, p);
    }
    console.log('Paint by node:');
    for (const [k, v] of [...paints].sort((a, b) => b[1].us - a[1].us).slice(0, 15)) console.log(`${(v.us / 1000 / Math.max(1, frames)).toFixed(2).padStart(7)} ms  ${v.n}x  ${k}`);
    for (const e of mine.filter((x) => x.name === 'UpdateLayoutTree').slice(-5)) console.log('Style', e.dur, JSON.stringify(e.args).slice(0, 300));
    const layouts = mine.filter((x) => x.name === 'Layout').slice(-5);
    for (const e of layouts) console.log('Layout', e.dur, JSON.stringify(e.args).slice(0, 400));
  }
  console.log('trace events on the main thread, ms of thread time per frame (inclusive):');
  for (const [k, us] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(us / 1000 / Math.max(1, frames)).toFixed(2).padStart(7)} ms  ${k}`);
  const nodes = profile.nodes as ProfileNode[];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? 0));
  const name = (n: ProfileNode): string => {
    const f = n.callFrame;
    const where = f.url ? `${f.url.split('/').pop()}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'} ${where}`.trim();
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    self.set(name(n), (self.get(name(n)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = name(byId.get(at)!);
      if (seen.has(key)) continue; // recursion counts once
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + us);
    }
  }
  const idle = self.get('(idle)') ?? 0;
  const all = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const perFrame = (us: number): string => `${(us / 1000 / Math.max(1, frames)).toFixed(2).padStart(7)} ms`;
  console.log(`${speed}x, ${seconds} s, ${frames} frames; busy ${perFrame(all - idle)} per frame (program+GC+script)`);
  const list = (title: string, m: Map<string, number>): void => {
    console.log(`\n${title}`);
    for (const [k, us] of [...m].filter(([k]) => k !== '(idle)' && k !== '(root)').sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${perFrame(us)}  ${k}`);
  };
  list('self time per frame', self);
  list('total time per frame', total);
} finally {
  await browser.close();
  await server.close();
}
