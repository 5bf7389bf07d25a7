/**
 * Simulator speed: a stack with every Pi switched on over the bus and heartbeating, the host
 * polling every board's status every 60 s over the simulated bus (runScenario's poll), for
 * hours of virtual time. Two stacks: the default 16 boards / 32 Pi 3B+ (24 h), and a full bus
 * of 255 boards / 510 Pis (16 prefixes x 16 DIP settings less ID 0xFF, 2 h) as a scale figure.
 *
 * Run: `npx tsx bench/sim-speed.ts [--json] [--runs N] [--hours N] [--full-hours N] [--only default|full] [--code built|source|both] [--pretenuring]`.
 * Each run is a fresh Node process (JIT warm-up included, as for `pistack sim`); the table shows
 * the best of `--runs` (default 3) and the median ratio, because single runs on a shared machine
 * vary a lot from one minute to the next. `--code` (default both): `built` runs this script
 * bundled as the package's build bundles the CLI (bench/bundled.ts), the JavaScript an
 * installed `pistack sim` runs; `source` runs the TypeScript sources through tsx, as
 * `pistack sim` runs in a checkout.
 * Figures only, no assertions on speed: wall time is machine-dependent. Sanity checks (no host
 * timeouts or errors, no watchdog expiry, the expected number of heartbeats) are reported.
 * Heartbeats are counted by the lines themselves (HeartbeatLine.rises), so the steady pulse
 * trains run lazily as in any run nobody watches edge by edge (board-model/pulseTrains.ts).
 *
 * Definitions: "timers/s" = virtual-clock timers fired per wall second; "frames/s" = bus
 * transmissions (requests and replies) delivered per wall second; peak RSS from the kernel
 * (process.resourceUsage().maxRSS of the run's own process), peak heap from process.memoryUsage() sampled every 10 minutes of virtual time
 * between runUntil slices. About 100 MB of the RSS is Node, tsx's loader thread and the modules.
 *
 * V8 runs as bin/pistack.js runs every command: without allocation-site pretenuring. XState's
 * snapshot and context allocation sites get tenured while the stack is built (everything made
 * then survives), so later every transition's short-lived snapshot would go straight to the old
 * generation; `--pretenuring` measures with V8's default instead (larger, usually slower).
 */
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseScenario, parseStack, type Stack } from '../board-model/index.ts';
import { runScenario } from '../board-model/sim/runScenario.ts';
import type { SimStack } from '../board-model/SimStack.ts';
import type { HeartbeatLine } from '../board-model/wires.ts';
import { CLI_V8_FLAG } from './benchKit.ts';

const HOUR_MS = 3_600_000;
const POLL_MS = 60_000;
const SAMPLE_EVERY_MS = 600_000;

/** Figures of one run; times in ms, memory in MB. */
export interface SpeedFigures {
  readonly stack: string;
  readonly boards: number;
  readonly pis: number;
  readonly virtualHours: number;
  readonly wallMs: number;
  /** CPU time of the process meanwhile, all threads (GC helpers included; ms). */
  readonly cpuMs: number;
  /** Virtual time over wall time. */
  readonly ratio: number;
  readonly timersFired: number;
  readonly timersPerSecond: number;
  readonly busFrames: number;
  readonly framesPerSecond: number;
  readonly hostRequests: number;
  readonly peakRssMB: number;
  readonly peakHeapMB: number;
  readonly sanity: {
    readonly ok: boolean;
    readonly hostTimeouts: number;
    readonly hostErrors: number;
    readonly watchdogExpiries: number;
    readonly heartbeatsTotal: number;
    readonly heartbeatsPerPi: { readonly min: number; readonly max: number; readonly expected: number };
    readonly problems: readonly string[];
  };
}

/** 16 prefixes x 16 DIP settings, less ID 0xFF (the master address): 255 boards, two Pi 3B+ each. */
function fullBusStack(): Stack {
  const boards = [];
  for (let prefix = 0; prefix < 256; prefix += 16) {
    for (let dip = 0; dip < 16; dip++) if ((prefix | dip) !== 0xff) boards.push({ dip, prefix, pis: ['pi3b+', 'pi3b+'] });
  }
  return parseStack({ name: 'full-bus', supplyVolts: 12, boards }, 'bench full bus');
}

/** Default stack: 16 boards, DIP 0..15, two Pi 3B+ each. */
function defaultStack(): Stack {
  const boards = Array.from({ length: 16 }, (_, dip) => ({ dip, prefix: 0, pis: ['pi3b+', 'pi3b+'] }));
  return parseStack({ name: 'default', supplyVolts: 12, boards }, 'bench default');
}

const PI_ON_AT_MS = 1000;

/** Run `stack` for `hours` with every Pi switched on over the bus at 1 s and polling every 60 s. */
async function measure(stack: Stack, hours: number): Promise<SpeedFigures> {
  const durationMs = hours * HOUR_MS;
  const steps = stack.boards.flatMap((b) =>
    b.pis.flatMap((p, pi) => (p === null ? [] : [{ at: PI_ON_AT_MS, host: 'PI_ON', id: (b.prefix & 0xf0) | b.dip, pi }])),
  );
  const scenario = parseScenario({ name: `speed ${stack.name}`, stack, seed: 1, duration: durationMs, poll: POLL_MS, steps }, 'bench');
  let lines: HeartbeatLine[] = [];
  let firstBeatAt: number[] = [];
  let sim: SimStack | undefined;
  let peakHeap = 0;
  let peakRss = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
    if (m.rss > peakRss) peakRss = m.rss;
  };
  sample();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await runScenario(scenario, {
    sliceMs: SAMPLE_EVERY_MS,
    onStart: (s) => {
      sim = s;
      lines = [];
      firstBeatAt = [];
      // Pulses are counted by the line itself: a listener on every rise would make every line
      // run its edges on timers, and the bench would not measure the lazy pulse trains. Only
      // the first rise is watched, then the listener leaves.
      for (const board of s.boards) {
        for (const pi of [0, 1] as const) {
          if (!board.pis[pi]) continue;
          const line = board.heartbeat[pi];
          const slot = lines.push(line) - 1;
          firstBeatAt.push(Number.NaN);
          const stop = line.onRise(() => {
            firstBeatAt[slot] = s.clock.now();
            stop();
          });
        }
      }
    },
    onSlice: sample,
  });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  sample();
  const s = sim!;
  const heartbeats = lines.map((line) => line.rises);
  const counts = s.events.counts;
  const pis = heartbeats.length;
  // First rise when the Pi has booted (PI_ON plus boot time), then one per period: the bus
  // switches Pis on one after another, so each Pi is checked from its own first beat.
  const { heartbeatPeriodMs: period, bootTimeMs } = s.boards[0]!.models[0]!.model;
  const expected = Math.floor((durationMs - PI_ON_AT_MS - bootTimeMs) / period) + 1;
  const offBeat = heartbeats.filter((n, i) => n !== Math.floor((durationMs - firstBeatAt[i]!) / period) + 1).length;
  const min = Math.min(...heartbeats);
  const max = Math.max(...heartbeats);
  const total = heartbeats.reduce((a, b) => a + b, 0);
  const hostTimeouts = (counts.get('host-timeout') ?? 0) + result.summary.bus.timeouts;
  const hostErrors = counts.get('host-error') ?? 0;
  const watchdogExpiries = counts.get('watchdog-expired') ?? 0;
  const problems: string[] = [];
  if (hostTimeouts > 0) problems.push(`${hostTimeouts} host timeouts`);
  if (hostErrors > 0) problems.push(`${hostErrors} host errors`);
  if (watchdogExpiries > 0) problems.push(`${watchdogExpiries} watchdog expiries`);
  if ((counts.get('host-reply') ?? 0) !== pis) problems.push(`${counts.get('host-reply') ?? 0} PI_ON replies for ${pis} Pis`);
  if (offBeat > 0) problems.push(`${offBeat} Pis missed heartbeats`);
  if (firstBeatAt.some((t) => !(t <= PI_ON_AT_MS + 60_000 + bootTimeMs))) problems.push('a Pi did not boot within a minute of PI_ON');
  const pollRequests = Math.floor((durationMs - 1) / POLL_MS) * stack.boards.length * (2 + 3 * 2);
  const requests = result.summary.bus.frames;
  if (requests < pollRequests + pis) problems.push(`${requests} host requests, expected at least ${pollRequests + pis}`);
  const ru = process.resourceUsage();
  const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
  return {
    stack: stack.name,
    boards: stack.boards.length,
    pis,
    virtualHours: hours,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    ratio: Math.round(durationMs / wallMs),
    timersFired: s.clock.fired,
    timersPerSecond: Math.round(s.clock.fired / (wallMs / 1000)),
    busFrames: s.bus.stats.transmissions,
    framesPerSecond: Math.round(s.bus.stats.transmissions / (wallMs / 1000)),
    hostRequests: requests,
    peakRssMB: mb(Math.max(peakRss, ru.maxRSS * 1024)),
    peakHeapMB: mb(peakHeap),
    sanity: {
      ok: problems.length === 0,
      hostTimeouts, hostErrors, watchdogExpiries,
      heartbeatsTotal: total,
      heartbeatsPerPi: { min, max, expected },
      problems,
    },
  };
}

function table(results: readonly StackRuns[]): string {
  const fmt = (n: number): string => n.toLocaleString('en');
  const head = ['stack', 'code', 'boards', 'Pis', 'virtual', 'wall', 'CPU', 'x real time', 'median x', 'timers/s', 'frames/s', 'requests', 'peak RSS', 'peak heap', 'heartbeats/Pi', 'sanity'];
  const body = results.map(({ code, best: r, medianRatio, peakRssMB }) => [
    r.stack, code, String(r.boards), String(r.pis), `${r.virtualHours} h`, `${(r.wallMs / 1000).toFixed(2)} s`, `${(r.cpuMs / 1000).toFixed(2)} s`, fmt(r.ratio), fmt(medianRatio),
    fmt(r.timersPerSecond), fmt(r.framesPerSecond), fmt(r.hostRequests), `${peakRssMB} MB`, `${r.peakHeapMB} MB`,
    `${fmt(r.sanity.heartbeatsPerPi.min)}..${fmt(r.sanity.heartbeatsPerPi.max)}`, r.sanity.ok ? 'ok' : r.sanity.problems.join('; '),
  ]);
  const numeric = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** Which code a run measures: the build's bundle, or the sources through tsx. */
type Code = 'built' | 'source';

/** One stack's runs: the best (highest ratio), the median ratio and the highest peak RSS of them all. */
interface StackRuns {
  readonly code: Code;
  readonly best: SpeedFigures;
  readonly medianRatio: number;
  readonly ratios: readonly number[];
  readonly peakRssMB: number;
}


/**
 * Measure one stack in a fresh Node process (`script` with `--child`): a first run pays for its
 * JIT warm-up, as `pistack sim` does. `script` is this file (run with this process's tsx loader)
 * or its bundle (plain node).
 */
function measureInChild(script: { file: string; code: Code }, which: 'default' | 'full', hours: number, pretenuring: boolean): SpeedFigures {
  const loader = script.code === 'source' ? process.execArgv : [];
  const args = [...loader, ...(pretenuring ? [] : [CLI_V8_FLAG]), script.file, '--child', which, '--hours', String(hours)];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`sim-speed: the ${which} run failed (exit ${run.status ?? run.signal}): ${run.stderr.trim().split('\n').pop()}`);
  return JSON.parse(run.stdout) as SpeedFigures;
}

function summarise(code: Code, runs: readonly SpeedFigures[]): StackRuns {
  const ratios = runs.map((r) => r.ratio).sort((a, b) => a - b);
  const best = runs.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  const m = ratios.length >> 1;
  const medianRatio = ratios.length % 2 ? ratios[m]! : Math.round((ratios[m - 1]! + ratios[m]!) / 2);
  return { code, best, medianRatio, ratios, peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      hours: { type: 'string', default: '24' },
      'full-hours': { type: 'string', default: '2' },
      only: { type: 'string' },
      runs: { type: 'string', default: '3' },
      pretenuring: { type: 'boolean', default: false },
      code: { type: 'string', default: 'both' },
      child: { type: 'string' },
    },
  });
  const hours = Number(values.hours);
  const fullHours = Number(values['full-hours']);
  const runs = Number(values.runs);
  for (const [name, v] of [['--hours', hours], ['--full-hours', fullHours]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`"${name}" must be a positive number of hours`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError('"--runs" must be a whole number >= 1');
  if (values.child !== undefined) {
    // One measurement in this process, for the parent (measureInChild).
    const figures = await measure(values.child === 'full' ? fullBusStack() : defaultStack(), hours);
    process.stdout.write(JSON.stringify(figures));
    return;
  }
  if (values.only !== undefined && values.only !== 'default' && values.only !== 'full') throw new RangeError('"--only" must be default or full');
  if (!['built', 'source', 'both'].includes(values.code)) throw new RangeError('"--code" must be built, source or both');
  const codes: Code[] = values.code === 'both' ? ['built', 'source'] : [values.code as Code];
  const stacks: Array<['default' | 'full', number]> = [];
  if (values.only !== 'full') stacks.push(['default', hours]);
  if (values.only !== 'default') stacks.push(['full', fullHours]);
  const bundle = codes.includes('built') ? await (await import('./bundled.ts')).bundleBench(fileURLToPath(import.meta.url)) : undefined;
  const results: StackRuns[] = [];
  try {
    for (const [which, h] of stacks) {
      // built and source runs alternate, so a busy minute on the machine slows both alike
      const figures = new Map<Code, SpeedFigures[]>(codes.map((code) => [code, []]));
      for (let i = 0; i < runs; i++) {
        for (const code of codes) {
          const script = { code, file: code === 'built' ? bundle!.file : fileURLToPath(import.meta.url) };
          figures.get(code)!.push(measureInChild(script, which, h, values.pretenuring));
        }
      }
      for (const code of codes) results.push(summarise(code, figures.get(code)!));
    }
  } finally {
    bundle?.remove();
  }
  const v8 = values.pretenuring ? "V8's defaults" : `${CLI_V8_FLAG}, as bin/pistack.js runs every command`;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ node: process.version, v8, runs, pretenuring: values.pretenuring, figures: results.map((r) => ({ code: r.code, ...r.best, peakRssMB: r.peakRssMB, medianRatio: r.medianRatio, ratios: r.ratios })) }, null, 2)}\n`);
  } else {
    process.stdout.write(`Simulator speed (Node ${process.version}, ${v8}): all Pis on over the bus, host polls every board every 60 s\n`);
    process.stdout.write(`best of ${runs} run${runs === 1 ? '' : 's'} per stack, each in a fresh process; peak RSS is the highest of the runs\n\n${table(results)}\n`);
    process.stdout.write('\ncode: built = bundled as the package build (an installed pistack), source = TypeScript through tsx (a checkout)\n');
    process.stdout.write('timers/s = virtual-clock timers fired per wall second; frames/s = bus transmissions per wall second\n');
  }
}

await main();
