/**
 * What a `pistack serve --pty` or `pistack tap` killed with SIGKILL leaves behind: its socat
 * (which outlives it), the link at PATH, and the private temporary directory. A restart names
 * the socat by PID so the user can stop it, and sweeps temporary directories nobody uses.
 * Linux /proc is read; without it, nothing is found and nothing is swept.
 */
import { lstat, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Prefix of the private temporary directory of a PTY pair (in os.tmpdir()). */
export const TEMP_PREFIX = 'pistack-pty-';

/** A running process: PID, parent PID, and its arguments. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly args: readonly string[];
}

/** Processes whose arguments satisfy `match` (empty without /proc). */
export async function findProcesses(match: (args: readonly string[]) => boolean, proc = '/proc'): Promise<ProcessInfo[]> {
  const pids = (await readdir(proc).catch(() => [] as string[])).filter((n) => /^\d+$/.test(n));
  const found = await Promise.all(
    pids.map(async (pid): Promise<ProcessInfo | undefined> => {
      const args = (await readFile(`${proc}/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
      if (args.length === 0 || !match(args)) return undefined;
      const stat = await readFile(`${proc}/${pid}/stat`, 'utf8').catch(() => '');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return { pid: Number(pid), ppid, args };
    }),
  );
  return found.filter((p): p is ProcessInfo => p !== undefined);
}

/** socat processes with a PTY linked at `link` (an absolute path). */
export function socatsLinking(link: string, proc?: string): Promise<ProcessInfo[]> {
  const isSocat = (args: readonly string[]) => /(^|\/)socat$/.test(args[0] ?? '') && args.some((a) => a.split(',').includes(`link=${link}`));
  return findProcesses(isSocat, proc);
}

/**
 * Why PATH (absolute, existing) cannot be used, for `command` ("serve" or "tap"): a socat left
 * behind by a killed pistack (named by PID), one that belongs to a running program, a dangling
 * link, or something else (a real device?). One line, starting with the option.
 */
export async function whyPathTaken(link: string, shown: string, command: string, proc?: string): Promise<string> {
  const socats = await socatsLinking(link, proc);
  const socat = socats[0];
  if (socat !== undefined) {
    const parent = socat.ppid > 1 ? await findProcesses(() => true, proc).then((all) => all.find((p) => p.pid === socat.ppid)) : undefined;
    if (parent === undefined || !parent.args.some((a) => /pistack|node/.test(a))) {
      return `--pty ${shown}: already exists: a socat (PID ${socat.pid}) left behind by a pistack serve or tap that was killed still holds it; stop it with "kill ${socat.pid}" (it removes the link) and start ${command} again`;
    }
    return `--pty ${shown}: already exists: it is served by a running program (PID ${parent.pid}, through socat PID ${socat.pid}); stop that one first, or choose another path`;
  }
  const target = await readlink(link).catch(() => undefined);
  if (target !== undefined && (await lstat(target).catch(() => undefined)) === undefined) {
    return `--pty ${shown}: already exists: a dangling link to ${target} (left behind by a killed program?); remove it with "rm ${shown}" and start ${command} again`;
  }
  return `--pty ${shown}: already exists; ${command} will not replace it (a real device, or another server?). Remove it or choose another path`;
}

/** Age (ms) below which a temporary directory is never swept: its program may be starting socat right now. */
export const SWEEP_MIN_AGE_MS = 60_000;

/** Remove temporary directories of PTY pairs whose socat is gone (their program was killed), older than minAgeMs; returns how many. */
export async function sweepTempDirs(dir = tmpdir(), minAgeMs = SWEEP_MIN_AGE_MS, proc?: string): Promise<number> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.startsWith(TEMP_PREFIX));
  if (names.length === 0) return 0;
  const socats = await findProcesses((args) => /(^|\/)socat$/.test(args[0] ?? ''), proc);
  if ((await readdir(proc ?? '/proc').catch(() => undefined)) === undefined) return 0; // cannot tell which are in use
  let swept = 0;
  for (const name of names) {
    const path = join(dir, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isDirectory() || info.mtimeMs > Date.now() - minAgeMs) continue;
    if (socats.some((s) => s.args.some((a) => a.includes(`link=${path}/`)))) continue;
    await rm(path, { recursive: true, force: true });
    swept++;
  }
  return swept;
}
