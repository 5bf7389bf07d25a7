/**
 * Scan speed through the paced PTY of `pistack serve --pty` (a separate process, default
 * 16-board stack, 9600 baud wire time), in real time, with the adaptive reply allowance
 * (bus-protocol/ReplyTimer.ts) and, for comparison, the old fixed 40 ms (`--reply-timeout 40`):
 *
 * - `scan 0-254` (targets: at most 6 s; the fixed allowance took 12.2 s), and `scan 0-15`
 *   (target 0.3 s). A full scan asks two questions per board: its floor is 32 exchanges of 9
 *   bytes, 11.4 ms each with the board's 2 ms reply delay, 0.37 s; `--no-firmware` asks one
 *   (discovery only, as the original host library), floor 16 x 11.4 ms = 0.18 s.
 * - Each scan with a fresh client, as `pistack scan` runs: timed in-process (client created to
 *   result), and as the command itself (`node bin/pistack.js scan ... --json`: its elapsedMs,
 *   and its wall time including Node's start-up).
 *
 * Run: `npx tsx bench/scan.ts [--json] [--runs N]` (default 3 runs each, medians). Needs socat.
 * Figures only, no assertions.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StackClient } from '../bus-protocol/StackClient.ts';
import { openPort } from '../hil/ports.ts';
import { alignedRows, BIN, startServeChild, type ServeChild } from './benchKit.ts';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

/** One in-process scan with a fresh client: ms, boards found, and the allowance it ended with. */
async function scanOnce(link: string, from: number, to: number, replyTimeoutMs?: number, firmware = true): Promise<{ ms: number; found: number; allowanceMs: number }> {
  const port = await openPort(link);
  const client = new StackClient(port.transport, { clock: port.clock, ...(replyTimeoutMs === undefined ? {} : { replyTimeoutMs }) });
  try {
    const t0 = performance.now();
    const result = await client.scan({ from, to, firmware });
    return { ms: performance.now() - t0, found: result.found.length, allowanceMs: client.replyAllowanceMs };
  } finally {
    await client.close();
    await port.close();
  }
}

/** `pistack scan` as a command: its own elapsed time and the wall time of the whole process, ms. */
function scanCommand(link: string, range: string, ...extra: string[]): { elapsedMs: number; wallMs: number; found: number } {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [BIN, 'scan', '--port', link, '--range', range, '--json', ...extra], { encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  const json = JSON.parse(run.stdout) as { elapsedMs: number; counts: { found: number } };
  return { elapsedMs: json.elapsedMs, wallMs, found: json.counts.found };
}

/** Figures (ms, medians over `runs`). */
export interface ScanFigures {
  readonly runs: number;
  readonly scan255Ms: number;
  readonly scan255Found: number;
  readonly scan16Ms: number;
  readonly scan16Found: number;
  /** `--no-firmware` (one question per ID) of 0..15, in-process and as the command. */
  readonly quick16Ms: number;
  readonly quick16Found: number;
  readonly commandQuick16Ms: number;
  readonly commandQuick16WallMs: number;
  /** Reply allowance at the end of a 0..254 scan, ms. */
  readonly learnedAllowanceMs: number;
  readonly fixed255Ms: number;
  readonly fixed16Ms: number;
  readonly command255Ms: number;
  readonly command255WallMs: number;
  readonly command16Ms: number;
  readonly command16WallMs: number;
}

/** Start `pistack serve --pty`, run every scan `runs` times, stop the server (by its PID). */
export async function measureScans(runs: number): Promise<ScanFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'pistack-bench-scan-'));
  const link = join(dir, 'ttySCAN');
  let server: ServeChild | undefined;
  try {
    server = await startServeChild(link, 20_000);
    const all: Array<Awaited<ReturnType<typeof scanOnce>>> = [];
    const some: Array<Awaited<ReturnType<typeof scanOnce>>> = [];
    const fixedAll: number[] = [];
    const fixedSome: number[] = [];
    const cmdAll: Array<ReturnType<typeof scanCommand>> = [];
    const cmdSome: Array<ReturnType<typeof scanCommand>> = [];
    const quick: Array<Awaited<ReturnType<typeof scanOnce>>> = [];
    const cmdQuick: Array<ReturnType<typeof scanCommand>> = [];
    for (let i = 0; i < runs; i++) {
      all.push(await scanOnce(link, 0, 254));
      some.push(await scanOnce(link, 0, 15));
      fixedAll.push((await scanOnce(link, 0, 254, 40)).ms);
      fixedSome.push((await scanOnce(link, 0, 15, 40)).ms);
      cmdAll.push(scanCommand(link, '0-254'));
      cmdSome.push(scanCommand(link, '0-15'));
      quick.push(await scanOnce(link, 0, 15, undefined, false));
      cmdQuick.push(scanCommand(link, '0-15', '--no-firmware'));
    }
    return {
      runs, scan255Ms: median(all.map((s) => s.ms)), scan255Found: Math.min(...all.map((s) => s.found)),
      scan16Ms: median(some.map((s) => s.ms)), scan16Found: Math.min(...some.map((s) => s.found)),
      quick16Ms: median(quick.map((s) => s.ms)), quick16Found: Math.min(...quick.map((s) => s.found)),
      commandQuick16Ms: median(cmdQuick.map((c) => c.elapsedMs)), commandQuick16WallMs: median(cmdQuick.map((c) => c.wallMs)),
      learnedAllowanceMs: median(all.map((s) => s.allowanceMs)), fixed255Ms: median(fixedAll), fixed16Ms: median(fixedSome),
      command255Ms: median(cmdAll.map((c) => c.elapsedMs)), command255WallMs: median(cmdAll.map((c) => c.wallMs)),
      command16Ms: median(cmdSome.map((c) => c.elapsedMs)), command16WallMs: median(cmdSome.map((c) => c.wallMs)),
    };
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures as an aligned table with the targets. */
export function scanTable(f: ScanFigures): string[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const rows: Array<[string, string, string]> = [
    ['scan 0..254, adaptive allowance', s(f.scan255Ms), `${f.scan255Found} found; target <= 6 s; allowance learned: ${f.learnedAllowanceMs.toFixed(1)} ms after the wire time`],
    ['scan 0..254, --reply-timeout 40', s(f.fixed255Ms), 'the fixed allowance of before'],
    ['pistack scan --range 0-254', s(f.command255Ms), `elapsed as the command reports it; ${s(f.command255WallMs)} for the whole process`],
    ['scan 0..15, adaptive allowance', s(f.scan16Ms), `${f.scan16Found} found; two questions per board (floor: 32 exchanges x 11.4 ms = 0.37 s)`],
    ['scan 0..15, --no-firmware', s(f.quick16Ms), `${f.quick16Found} found; target <= 0.3 s (floor: 16 exchanges x 11.4 ms = 0.18 s)`],
    ['pistack scan --range 0-15 --no-firmware', s(f.commandQuick16Ms), `elapsed as the command reports it; ${s(f.commandQuick16WallMs)} for the whole process`],
    ['scan 0..15, --reply-timeout 40', s(f.fixed16Ms), 'nothing absent: the allowance does not matter'],
    ['pistack scan --range 0-15', s(f.command16Ms), `elapsed as the command reports it; ${s(f.command16WallMs)} for the whole process`],
  ];
  return [`median of ${f.runs} runs each, through node bin/pistack.js serve --pty (9600 baud pacing), real time`, ...alignedRows(rows)];
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, runs: { type: 'string' } } });
  const runs = values.runs === undefined ? 3 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  const figures = await measureScans(runs);
  if (values.json) console.log(JSON.stringify(figures, null, 2));
  else console.log(scanTable(figures).join('\n'));
}
