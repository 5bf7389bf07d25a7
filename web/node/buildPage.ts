/**
 * Build the `pistack viz` page in memory: web/main.ts bundled into one IIFE (vizBundle.ts)
 * (the board model runs in the browser), the statecharts drawn by Graphviz from the machine
 * definitions, the scenarios (fixtures/scenarios/*.json) and the guided lessons (fixtures/lessons/*.json, validated), the stylesheet and index.html. Only
 * classic scripts, no modules and no fetches, so the same files work from a web server and
 * from file://. Nothing outside the files is loaded (no fonts, CDNs or services).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioFromText, type Scenario } from '../../board-model/scenario.ts';
import { CHARTS, chartDot, valuedChartDot, type ChartKey } from '../chart/machines.ts';
import { SimStack } from '../../board-model/SimStack.ts';
import { lessonFromText } from '../lessons/lessonFile.ts';
import { VIZ_DATA_GLOBAL, type VizChart, type VizData, type VizGuidedLesson, type VizLesson } from '../vizData.ts';
import { renderSvg } from './renderSvg.ts';
import { PREBUILT_VIZ_STYLESHEET, RUNNING_BUILT, bundleScript } from './vizBundle.ts';

const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The checkout's fixtures/scenarios folder (the lessons). */
export const SCENARIOS_DIR = resolve(WEB_DIR, '../fixtures/scenarios');

/** The checkout's fixtures/lessons folder (the guided lessons, the curriculum). */
export const LESSONS_DIR = resolve(WEB_DIR, '../fixtures/lessons');

/** One file of the page: its body and MIME type. */
export interface PageFile {
  readonly body: string;
  readonly type: string;
}

/** The page's files by path relative to its root ("index.html", "charts/powerPort.svg"). */
export type VizPage = ReadonlyMap<string, PageFile>;

/** What to build the page with. */
export interface VizPageOptions {
  /** What the page runs first (the CLI's --stack/--profile/--scenario resolved). */
  start: Scenario;
  /** True when `start` came from --scenario: the page runs it as a lesson. */
  startIsLesson: boolean;
  /** Folder of lesson scenarios (default fixtures/scenarios). */
  scenariosDir?: string;
  /** Folder of guided lesson files (default fixtures/lessons). */
  lessonsDir?: string;
  /** Graphviz command (default "dot"). */
  dotCommand?: string;
}

/** Lessons: every scenario file of a folder, validated, in file-name order. */
export function readLessons(dir: string = SCENARIOS_DIR): VizLesson[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const scenario = scenarioFromText(text, file); // a broken fixture stops the build, naming it
    return { file, name: scenario.name, description: scenario.description, json: JSON.parse(text) as unknown };
  });
}

/** Guided lessons: every lesson file of a folder, validated against the scenarios, in file-name (curriculum) order. */
export function readGuidedLessons(scenarios: readonly VizLesson[], dir: string = LESSONS_DIR): VizGuidedLesson[] {
  const byFile = new Map(scenarios.map((s) => [s.file, s.json]));
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const lesson = lessonFromText(text, file, byFile); // a broken lesson stops the build, naming it
    return { file, title: lesson.title, level: lesson.level, minutes: lesson.minutes, json: JSON.parse(text) as unknown };
  });
}

/**
 * The contexts of a stack's first board's machines (its first Pi present) when it starts: the
 * values the page's chart labels show (delays, thresholds), so Graphviz leaves room for them.
 */
export function startContexts(scenario: Scenario): Partial<Record<ChartKey, unknown>> {
  const sim = new SimStack({ stack: scenario.stack, profile: scenario.profile, seed: scenario.seed });
  sim.start();
  try {
    const board = sim.boards[0];
    if (!board) return {};
    const pi = board.pis.find((p) => p !== undefined);
    return { powerPort: board.ports[0].getSnapshot().context, raspberryPi: pi?.getSnapshot().context, regulator: board.regulator.getSnapshot().context, boardMcu: board.mcu.getSnapshot().context };
  } finally {
    sim.stop();
  }
}

/** Every statechart as DOT and SVG (the SVG drawn by Graphviz); with `contexts`, labels carry their values (valuedChartDot). */
export async function renderCharts(dotCommand = 'dot', contexts?: Partial<Record<ChartKey, unknown>>): Promise<Array<VizChart & { dot: string }>> {
  return Promise.all(CHARTS.map(async (spec) => {
    const dot = contexts ? valuedChartDot(spec, contexts[spec.key]) : chartDot(spec);
    return { key: spec.key, title: spec.title, dot, svg: await renderSvg(dot, dotCommand) };
  }));
}

/** The stylesheet: web/style.css, then each panel's own sheet under web/styles/ in file-name order. */
export function readStylesheet(webDir: string = WEB_DIR): string {
  const stylesDir = join(webDir, 'styles');
  let sheets: string[] = [];
  try {
    sheets = readdirSync(stylesDir).filter((f) => f.endsWith('.css')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return [readFileSync(join(webDir, 'style.css'), 'utf8'), ...sheets.map((f) => `/* styles/${f} */\n${readFileSync(join(stylesDir, f), 'utf8')}`)].join('\n');
}

/** The HTML shell: stylesheet, data and script as sibling files, loaded as classic scripts. */
export function indexHtml(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title.replace(/[<&]/g, '')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="style.css">
</head>
<body>
<a class="skip" href="#stack">Skip to the stack</a>
<div id="app" aria-busy="true"><p class="loading">Loading the stack…</p></div>
<noscript><p>This page runs the Pi Stack simulator in your browser: it needs JavaScript.</p></noscript>
<script src="data.js"></script>
<script src="app.js"></script>
</body>
</html>
`;
}

/** Build every file of the page. */
export async function buildVizPage(options: VizPageOptions): Promise<VizPage> {
  const [script, charts] = await Promise.all([bundleScript(), renderCharts(options.dotCommand, startContexts(options.start))]);
  const lessons = readLessons(options.scenariosDir);
  const data: VizData = {
    charts: charts.map(({ key, title, svg }) => ({ key, title, svg })),
    lessons,
    guided: readGuidedLessons(lessons, options.lessonsDir),
    start: options.start,
    startIsLesson: options.startIsLesson,
  };
  const files = new Map<string, PageFile>([
    ['index.html', { body: indexHtml(`pistack viz: ${options.start.name}`), type: 'text/html; charset=utf-8' }],
    ['style.css', { body: RUNNING_BUILT ? readFileSync(PREBUILT_VIZ_STYLESHEET, 'utf8') : readStylesheet(), type: 'text/css; charset=utf-8' }],
    ['data.js', { body: `window.${VIZ_DATA_GLOBAL} = ${JSON.stringify(data)};\n`, type: 'text/javascript; charset=utf-8' }],
    ['app.js', { body: script, type: 'text/javascript; charset=utf-8' }],
  ]);
  for (const chart of charts) {
    files.set(`charts/${chart.key}.svg`, { body: `${chart.svg}\n`, type: 'image/svg+xml' });
    files.set(`charts/${chart.key}.dot`, { body: chart.dot, type: 'text/vnd.graphviz; charset=utf-8' });
  }
  return files;
}

/** Write the page's files under `dir` (created if needed); returns the paths written. */
export function writeVizPage(page: VizPage, dir: string): string[] {
  const written: string[] = [];
  for (const [path, file] of page) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.body);
    written.push(target);
  }
  return written;
}
