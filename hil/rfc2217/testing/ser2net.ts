/**
 * Test helper (never shipped): Debian's real ser2net exporting a serial device (a `pistack serve`
 * PTY) as RFC 2217 on 127.0.0.1 (TOOLCHAIN.md: YAML config, `ser2net -n -d -c FILE`). It is
 * started on a free port (or a given one, to restart it), awaited until it listens (read from
 * /proc/net/tcp, so no probe connection disturbs it), and stopped by its PID.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** util-linux setpriv (Essential on Debian). */
const SETPRIV = '/usr/bin/setpriv';

/** A running ser2net. */
export interface Ser2net {
  /** Its TCP port on 127.0.0.1. */
  readonly port: number;
  /** Its process ID. */
  readonly pid: number;
  /** rfc2217://127.0.0.1:PORT */
  readonly url: string;
  /** SIGTERM by PID (SIGKILL after 3 s), then its config removed; idempotent. */
  stop(): Promise<void>;
}

/** A TCP port of 127.0.0.1 free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when something listens on 127.0.0.1:port (state 0A in /proc/net/tcp). */
function listening(port: number): boolean {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/tcp', 'utf8').split('\n').some((line) => {
    const fields = line.trim().split(/\s+/);
    return fields[1] === local && fields[3] === '0A';
  });
}

/** Start ser2net exporting `device` (9600 8N1, `local`: no modem lines) as RFC 2217 on 127.0.0.1; resolves once it listens. */
export async function startSer2net(device: string, options: { port?: number; timeoutMs?: number } = {}): Promise<Ser2net> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'pistack-ser2net-'));
  const config = join(dir, 'ser2net.yaml');
  writeFileSync(config, `connection: &pistack\n  accepter: telnet(rfc2217),tcp,127.0.0.1,${port}\n  connector: serialdev,${device},9600n81,local\n`);
  // Under setpriv's parent-death signal (as socat in ptyPair.ts): a test killed outright leaves no ser2net behind.
  const args = ['ser2net', '-n', '-d', '-c', config];
  const child = existsSync(SETPRIV) ? spawn(SETPRIV, ['--pdeathsig', 'TERM', '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    })());
  const deadline = performance.now() + (options.timeoutMs ?? 10_000);
  while (!listening(port)) {
    if (spawnError || child.exitCode !== null || performance.now() > deadline) {
      await stop();
      const why = spawnError ? `cannot start ser2net (${spawnError.message}; apt-get install ser2net)` : child.exitCode !== null ? `ser2net exited with code ${child.exitCode}` : 'ser2net did not listen in time';
      throw new Error(`${why} on 127.0.0.1:${port}: ${output.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { port, pid: child.pid!, url: `rfc2217://127.0.0.1:${port}`, stop };
}
