/**
 * A socat PTY pair for `pistack serve --pty PATH` (TOOLCHAIN.md "socat PTY pairs"): one end
 * linked at PATH for the host, the other at a private link in a temporary directory that the
 * server opens. socat makes its links asynchronously, so both are polled for. Stopping sends
 * socat SIGTERM by its PID (it removes its links), waits for it, and removes whatever is left.
 * A program killed with SIGKILL cannot do that, so socat runs under `setpriv --pdeathsig TERM`
 * (util-linux): when its parent dies, however, it gets SIGTERM and removes its links. Where
 * setpriv is missing, socat, link and temporary directory stay: the next start names that socat
 * by PID (leftovers.ts) and sweeps unused temporary directories.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, lstat, mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { sweepTempDirs, TEMP_PREFIX, whyPathTaken } from './leftovers.ts';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

/** Options of openPtyPair. */
export interface PtyPairOptions {
  /** socat executable; default 'socat' from PATH. */
  socat?: string;
  /** How long to wait for socat's links (ms); default 5000. */
  timeoutMs?: number;
  /** The command asking, for messages ("serve" or "tap"); default "serve". */
  command?: string;
}

/** A running socat PTY pair. */
export interface PtyPair {
  /** The host's end: the link at the requested PATH (absolute). */
  readonly path: string;
  /** The server's end: a link in a private temporary directory. */
  readonly privatePath: string;
  /** socat's process ID. */
  readonly pid: number;
  /** Subscribe to socat exiting on its own (not through stop()); returns an unsubscribe function. */
  onExit(listener: (reason: string) => void): () => void;
  /** Stop socat (SIGTERM, SIGKILL after 2 s) and remove the links and the temporary directory. Idempotent. */
  stop(): Promise<void>;
}

/** Characters with a meaning in socat's address syntax, which a link path must not contain. */
const SOCAT_SPECIAL = /[,!"'\\\s{}[\]]/;

const POLL_MS = 10;

/** Start socat with a PTY pair linked at `path`; rejects with a clear message when that cannot work. */
export async function openPtyPair(path: string, options: PtyPairOptions = {}): Promise<PtyPair> {
  const link = resolve(path);
  if (SOCAT_SPECIAL.test(link)) throw new Error(`--pty ${path}: the path may not contain spaces or any of , ! " ' \\ { } [ ] (socat address syntax)`);
  if (await exists(link)) throw new Error(await whyPathTaken(link, path, options.command ?? 'serve'));
  const parent = dirname(link);
  const dir = await stat(parent).catch(() => undefined);
  if (!dir?.isDirectory()) throw new Error(`--pty ${path}: directory ${parent} does not exist`);

  await sweepTempDirs();
  const temp = await mkdtemp(join(tmpdir(), TEMP_PREFIX));
  const privatePath = join(temp, 'sim');
  let child: ChildProcess;
  try {
    child = await startSocat(options.socat ?? 'socat', link, privatePath);
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw e;
  }
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    if (stderr.join('').length < 4096) stderr.push(text);
  });
  let exitReason: string | undefined;
  let stopping = false;
  const exitListeners = new Set<(reason: string) => void>();
  const exited = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      exitReason = signal ? `socat killed by ${signal}` : `socat exited with code ${code}`;
      const last = stderr.join('').trim().split('\n').slice(-2).join('; ');
      if (!stopping) for (const listener of [...exitListeners]) listener(`${exitReason}${last ? ` (${last})` : ''}`);
      done();
    }),
  );

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      stopping = true;
      if (exitReason === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }
      // socat removes its links on SIGTERM; after a SIGKILL or a crash they may remain.
      for (const p of [link, privatePath]) if ((await lstat(p).catch(() => undefined))?.isSymbolicLink()) await unlink(p).catch(() => undefined);
      await rm(temp, { recursive: true, force: true });
    })());

  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  while (!((await exists(link)) && (await exists(privatePath)))) {
    if (exitReason !== undefined || Date.now() > deadline) {
      const why = exitReason ?? `its links did not appear within ${options.timeoutMs ?? 5000} ms`;
      await stop();
      throw new Error(`socat failed: ${why}${stderr.length ? `\n${stderr.join('').trim()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return {
    path: link, privatePath, pid: child.pid!,
    onExit: (listener) => {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },
    stop,
  };
}

/** Runs a program with a parent-death signal (util-linux, Essential on Debian), keeping its PID. */
const SETPRIV = 'setpriv';

/** Spawn socat (under setpriv when it and socat are there); a missing socat becomes the install hint. */
async function startSocat(socat: string, link: string, privatePath: string): Promise<ChildProcess> {
  // No -d: socat then logs only errors. With -d -d its SIGTERM handler logs through stdio, which
  // is not async-signal-safe: a signal (the parent-death SIGTERM after a kill -9) arriving while
  // it logs its start-up notices could hang it before it removes its links.
  const args = [`pty,raw,echo=0,link=${link}`, `pty,raw,echo=0,link=${privatePath}`];
  const socatPath = await findExecutable(socat);
  if (socatPath === undefined) throw new Error('socat is not installed: apt-get install socat');
  const setpriv = await findExecutable(SETPRIV);
  return new Promise((resolvePromise, reject) => {
    const child = setpriv === undefined
      ? spawn(socatPath, args, { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(setpriv, ['--pdeathsig', 'TERM', '--', socatPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.once('error', (error: NodeJS.ErrnoException) => reject(new Error(`cannot start socat: ${error.message}`)));
    child.once('spawn', () => {
      child.on('error', () => undefined); // e.g. a failed kill(): the exit handler reports what matters
      resolvePromise(child);
    });
  });
}

/** The executable file `name` resolves to (a path, or a name searched in PATH), or undefined. */
async function findExecutable(name: string): Promise<string | undefined> {
  const candidates = name.includes('/') ? [resolve(name)] : (process.env['PATH'] ?? '').split(delimiter).filter(Boolean).map((d) => join(d, name));
  for (const candidate of candidates) {
    if ((await stat(candidate).catch(() => undefined))?.isFile() && (await access(candidate, constants.X_OK).then(() => true, () => false))) return candidate;
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined)) !== undefined;
}
