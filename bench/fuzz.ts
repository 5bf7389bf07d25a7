/**
 * Fuzz throughput: requests per second through the in-process board path (no bus timing: the
 * firmware's dispatch alone, then the MCU machine, then the UART receiver in front of it), one
 * request through the simulated bus for comparison, and model-based and property runs per
 * second, the model-based ones also per CPU second and with model coverage collected (as
 * `pistack fuzz` does). Run: `npx tsx bench/fuzz.ts [--json] [--ms N] [--only model] [--built]`;
 * `--built` measures this script bundled as the package's build bundles the CLI
 * (bench/bundled.ts), in a child process with V8 flags as bin/pistack.js sets them: the
 * JavaScript an installed `pistack fuzz` runs, instead of the sources through tsx.
 * `--against DIR` instead compares model-based runs with another checkout (bench/fuzzAgainst.ts).
 * Figures only, no assertions.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createActor } from 'xstate';
import { COMMANDS, COMMAND_NAMES, type CommandName } from '../bus-protocol/commands.ts';
import { buildFrame } from '../bus-protocol/frame.ts';
import { boardMcuMachine, bootState, type McuIo } from '../board-model/boardMcuMachine.ts';
import { BoardReceiver } from '../board-model/BoardReceiver.ts';
import { dispatch, type BoardHardware } from '../board-model/firmware/dispatch.ts';
import { Flash } from '../board-model/firmware/Flash.ts';
import { encodeConfig, encodeErrors, emptyErrors } from '../board-model/firmware/flashBlocks.ts';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { createRandom } from '../board-model/random.ts';
import { SimStack } from '../board-model/SimStack.ts';
import { SINGLE_BOARD_STACK } from '../board-model/stack.ts';
import { VirtualClock } from '../board-model/VirtualClock.ts';
import { defaultConfig } from '../board-model/boardMcuMachine.ts';
import { StackClient } from '../bus-protocol/StackClient.ts';
import { ModelCoverage } from '../fuzz/coverage/ModelCoverage.ts';
import { CLI_V8_FLAG } from './benchKit.ts';
import { compareModelRuns, type SideFigures } from './fuzzAgainst.ts';
import { modelTarget } from '../fuzz/model/modelTarget.ts';
import { TARGETS } from '../fuzz/targets.ts';

/** One measured figure. */
export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly iterations: number;
  readonly ms: number;
  /** CPU time of the process (user + system, all threads: GC included) while measuring, ms; async rows only. */
  readonly cpuMs?: number;
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const msIndex = args.indexOf('--ms');
const MS = msIndex >= 0 ? Number(args[msIndex + 1]) : 1500;
const onlyIndex = args.indexOf('--only');
/** `--only model`: the model-based rows alone. */
const ONLY = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;
const againstIndex = args.indexOf('--against');
/** `--against DIR`: another checkout to compare model-based runs with. */
const AGAINST = againstIndex >= 0 ? args[againstIndex + 1] : undefined;

if (args.includes('--built')) {
  if (AGAINST !== undefined) throw new RangeError('"--built" and "--against" cannot be combined: --against loads the other checkout\'s TypeScript sources');
  const { bundleBench } = await import('./bundled.ts');
  const bundle = await bundleBench(fileURLToPath(import.meta.url));
  let status: number;
  try {
    const run = spawnSync(process.execPath, [CLI_V8_FLAG, bundle.file, ...args.filter((a) => a !== '--built')], { stdio: 'inherit' });
    status = run.status ?? 1;
  } finally {
    bundle.remove();
  }
  process.exit(status);
}

/** Every command with valid arguments (pi 0/1, small values): the request mix. */
const FRAMES: Uint8Array[] = COMMAND_NAMES.flatMap((name: CommandName) =>
  [0, 1].map((pi) => buildFrame(COMMANDS[name].code, 0, COMMANDS[name].request.map((f) => (f.name === 'pi' ? pi : 5)))),
);

function measure(fn: (i: number) => void, ms: number): { iterations: number; ms: number } {
  const warm = performance.now() + Math.min(200, ms / 4);
  for (let i = 0; performance.now() < warm; i++) fn(i);
  let iterations = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let k = 0; k < 64; k++) fn(iterations++);
    now = performance.now();
  }
  return { iterations, ms: now - start };
}

/** Time `fn` (it returns how many iterations it did) for `ms`, after a warm-up of half that (the JIT settles). */
async function measureAsync(fn: () => Promise<number>, ms: number): Promise<{ iterations: number; ms: number; cpuMs: number }> {
  const warm = performance.now() + ms / 2;
  do await fn();
  while (performance.now() < warm);
  let iterations = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    iterations += await fn();
    now = performance.now();
  }
  const used = process.cpuUsage(cpu);
  return { iterations, ms: now - start, cpuMs: (used.user + used.system) / 1000 };
}

function row(name: string, unit: string, m: { iterations: number; ms: number; cpuMs?: number }): BenchRow {
  return { name, value: (m.iterations * 1000) / m.ms, unit, iterations: m.iterations, ms: m.ms, ...(m.cpuMs === undefined ? {} : { cpuMs: m.cpuMs }) };
}

const hw: BoardHardware = { dip: () => 0, adc: () => 31000, powered: () => true, healthy: () => false };

function freshFlash(): Flash {
  const flash = new Flash(createRandom(1));
  flash.write('config', encodeConfig(defaultConfig(V4_REFERENCE)));
  flash.write('errors', encodeErrors({ ...emptyErrors(32) }));
  return flash;
}

/** The pure firmware path: F7 checks, execution through the command table, the encoded reply. */
function benchDispatch(): BenchRow {
  let state = bootState(V4_REFERENCE, freshFlash()).ram;
  const m = measure((i) => {
    state = dispatch({ kind: 'frame', bytes: FRAMES[i % FRAMES.length]!, at: 0 }, state, hw, V4_REFERENCE).state;
  }, MS);
  return row('firmware dispatch (checks, execute, encode)', 'req/s', m);
}

/** The MCU machine: dispatch plus RAM and flash updates and the reply hand-off, as an XState actor. */
function mcuActor(onReply: () => void) {
  const io: McuIo = {
    ...hw, flash: freshFlash(), port: () => undefined, settings: () => undefined,
    reply: onReply, cancelReplies: () => undefined, powerLost: () => undefined,
  };
  const clock = new VirtualClock();
  const actor = createActor(boardMcuMachine, { clock, input: { profile: V4_REFERENCE, io } }).start();
  actor.send({ type: 'POWER_UP' });
  clock.advance(20);
  return actor;
}

function benchMcu(): BenchRow {
  let replies = 0;
  const actor = mcuActor(() => void replies++);
  const m = measure((i) => actor.send({ type: 'FRAME', frame: { kind: 'frame', bytes: FRAMES[i % FRAMES.length]!, at: 0 } }), MS);
  actor.stop();
  if (replies < m.iterations) throw new Error('the MCU did not answer every request');
  return row('MCU machine (dispatch + RAM/flash + reply)', 'req/s', m);
}

function benchReceiver(): BenchRow {
  const actor = mcuActor(() => undefined);
  const receiver = new BoardReceiver({ clock: new VirtualClock(), getId: () => 0, onFrame: (frame) => actor.send({ type: 'FRAME', frame }) });
  const bt = 10_000 / 9600;
  let t = 0;
  const m = measure((i) => {
    const bytes = FRAMES[i % FRAMES.length]!;
    receiver.receive({ bytes, firstByteAt: t, byteTimeMs: bt, endAt: t + bytes.length * bt, from: 'host', collided: false });
    t += 100;
  }, MS);
  actor.stop();
  return row('UART receiver + MCU machine', 'req/s', m);
}

async function benchBus(): Promise<BenchRow> {
  const sim = new SimStack({ stack: SINGLE_BOARD_STACK, seed: 1 }).start();
  await sim.runFor(100);
  const client = new StackClient(sim.host, { clock: sim.hostClock, retries: 0 });
  let i = 0;
  const m = await measureAsync(async () => {
    for (let k = 0; k < 50; k++) await sim.settle(client.requestRaw(FRAMES[i++ % FRAMES.length]!));
    return 50;
  }, MS);
  sim.stop();
  return row('through the simulated bus (9600 baud timing, host client)', 'req/s', m);
}

async function benchTarget(name: string, runs: number, variants: boolean, coverage?: ModelCoverage): Promise<BenchRow> {
  const target = TARGETS.find((t) => t.name === name) ?? modelTarget;
  let seed = 1;
  const m = await measureAsync(async () => {
    const d = await target.check({ profile: V4_REFERENCE, variants, inspect: coverage?.hook }, { seed: seed++, numRuns: runs });
    if (d.failed) throw new Error(`${name} failed during the benchmark`);
    return runs;
  }, MS);
  return row(`${name} runs${coverage ? ', model coverage collected' : ''}`, 'runs/s', m);
}

if (AGAINST !== undefined) {
  const plain = await compareModelRuns(AGAINST, MS, false);
  const covered = await compareModelRuns(AGAINST, MS, true);
  if (json) console.log(JSON.stringify({ node: process.version, against: AGAINST, plain, covered }, null, 2));
  else {
    const line = (f: SideFigures) => `${f.label}: ${Math.round(f.runsPerS)} runs/s, ${Math.round(f.runsPerCpuS)} per CPU s (${f.runs} runs${f.transitions === undefined ? '' : `, ${f.transitions} transitions covered`})`;
    console.log(`model-based runs, this checkout and ${AGAINST} alternating (Node ${process.version}, ${MS} ms each)`);
    for (const [name, [here, there]] of [['without coverage', plain], ['model coverage collected', covered]] as const) {
      console.log(`  ${name}: ${(here.runsPerCpuS / there.runsPerCpuS).toFixed(2)}x per CPU s, ${(here.runsPerS / there.runsPerS).toFixed(2)}x wall\n    ${line(here)}\n    ${line(there)}`);
    }
  }
  process.exit(0);
}

const rows: BenchRow[] = [];
if (ONLY === undefined) rows.push(benchDispatch(), benchMcu(), benchReceiver(), await benchBus());
rows.push(await benchTarget('model', 20, true), await benchTarget('model', 20, true, new ModelCoverage()));
if (ONLY === undefined) for (const t of TARGETS) if (t.name !== 'model') rows.push(await benchTarget(t.name, 10, false));

if (json) {
  console.log(JSON.stringify({ node: process.version, rows }, null, 2));
} else {
  const perCpu = (r: BenchRow) => (r.cpuMs === undefined || r.name.startsWith('model') === false ? '' : ` (${Math.round((r.iterations * 1000) / r.cpuMs).toLocaleString('en')} per CPU s)`);
  const fmt = (r: BenchRow) => `${Math.round(r.value).toLocaleString('en')} ${r.unit}`;
  const width = Math.max(...rows.map((r) => r.name.length));
  const valueWidth = Math.max(...rows.map((r) => fmt(r).length));
  console.log(`fuzz benchmarks (Node ${process.version}, ${MS} ms each)`);
  for (const r of rows) console.log(`  ${r.name.padEnd(width)}  ${fmt(r).padStart(valueWidth)}${perCpu(r)}`);
}
