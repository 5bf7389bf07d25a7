/**
 * Start-up of the `pistack` command (issue 14): wall and CPU time (user + sys) from start to
 * exit of `encode GET_SW_VERSION --id 0`, `--help` and `sim --duration 1h --quiet`, run from the
 * source tree (bin/pistack.js through tsx), from the checkout's build (PISTACK_FROM=dist, when
 * dist/ exists) and from a tarball installed into a temporary prefix (npm pack + install, as
 * cli/package.test.ts does). Each figure is also a ratio to `node -e 0` timed in the same run,
 * alternating with it, the ratio taken pair by pair (the median quoted), so that a machine whose
 * speed drifts still gives comparable figures. Times come from bash's `time` (the child's own
 * user and sys time). Figures only, no assertions.
 * Run: `npx tsx bench/startup.ts [--runs N] [--json] [--installed PREFIX] [--no-install]`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPackage, packTarball } from '../cli/testing/installPackage.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** One timed run: seconds. */
interface Timing {
  wall: number;
  cpu: number;
}

/** Time one command with bash's `time` (stdout and stderr discarded). */
function timeOnce(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<Timing> {
  const quoted = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const script = `TIMEFORMAT='%R %U %S'; { time ${quoted} >/dev/null 2>&1 ; } 2>&1`;
  return new Promise((done, fail) => execFile('bash', ['-c', script], { cwd: tmpdir(), env, timeout: 600_000 }, (e, out) => {
    if (e) return fail(e);
    const [wall, user, sys] = out.trim().split('\n').pop()!.split(' ').map(Number);
    done({ wall: wall!, cpu: user! + sys! });
  }));
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Medians of the command's times and of its ratios to `node -e 0`, over `runs` alternating pairs. */
async function measure(argv: readonly string[], env: NodeJS.ProcessEnv, runs: number) {
  const node = [process.execPath, '-e', '0'];
  await timeOnce(argv, env); // warm-up: file cache
  const pairs: Array<{ a: Timing; b: Timing }> = [];
  for (let i = 0; i < runs; i++) pairs.push({ b: await timeOnce(node, env), a: await timeOnce(argv, env) });
  return {
    wallS: median(pairs.map((p) => p.a.wall)), cpuS: median(pairs.map((p) => p.a.cpu)),
    nodeWallS: median(pairs.map((p) => p.b.wall)), nodeCpuS: median(pairs.map((p) => p.b.cpu)),
    wallRatio: median(pairs.map((p) => p.a.wall / Math.max(p.b.wall, 0.001))), cpuRatio: median(pairs.map((p) => p.a.cpu / Math.max(p.b.cpu, 0.001))),
  };
}

const CASES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['encode', ['encode', 'GET_SW_VERSION', '--id', '0']],
  ['--help', ['--help']],
  ['sim 1h', ['sim', '--duration', '1h', '--quiet']],
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 7;
  const json = args.includes('--json');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'PISTACK_FROM' && !k.toLowerCase().startsWith('npm_')));
  const targets: Array<{ name: string; bin: string[]; env: NodeJS.ProcessEnv }> = [{ name: 'source tree (tsx)', bin: [process.execPath, join(ROOT, 'bin/pistack.js')], env }];
  if (existsSync(join(ROOT, 'dist/pistack.js'))) targets.push({ name: 'checkout build (dist/)', bin: [process.execPath, join(ROOT, 'bin/pistack.js')], env: { ...env, PISTACK_FROM: 'dist' } });
  let scratch: string | undefined;
  if (!args.includes('--no-install')) {
    let prefix = args.includes('--installed') ? args[args.indexOf('--installed') + 1]! : undefined;
    if (prefix === undefined) {
      scratch = mkdtempSync(join(tmpdir(), 'pistack-startup-'));
      process.stderr.write('packing and installing the tarball (a minute or two)...\n');
      prefix = join(scratch, 'prefix');
      await installPackage(await packTarball(ROOT, join(scratch, 'pack')), ROOT, prefix);
    }
    targets.push({ name: 'installed tarball', bin: [join(prefix, 'bin/pistack')], env });
  }
  const rows = [];
  try {
    for (const t of targets) for (const [name, argv] of CASES) rows.push({ target: t.name, command: name, ...(await measure([...t.bin, ...argv], t.env, runs)) });
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ runs, rows }, null, 2)}\n`);
    return;
  }
  const f = (x: number, d = 3) => x.toFixed(d);
  process.stdout.write(`start to exit, median of ${runs} runs each, alternating with node -e 0 (ratio taken pair by pair)\n`);
  process.stdout.write(`${'target'.padEnd(24)} ${'command'.padEnd(8)} ${'wall s'.padStart(7)} ${'cpu s'.padStart(7)} ${'node wall'.padStart(9)} ${'wall/node'.padStart(9)} ${'cpu/node'.padStart(8)}\n`);
  for (const r of rows) process.stdout.write(`${r.target.padEnd(24)} ${r.command.padEnd(8)} ${f(r.wallS).padStart(7)} ${f(r.cpuS).padStart(7)} ${f(r.nodeWallS).padStart(9)} ${f(r.wallRatio, 2).padStart(9)} ${f(r.cpuRatio, 2).padStart(8)}\n`);
}

await main();
