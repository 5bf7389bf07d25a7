/**
 * One program per serial port: a UUCP-style lock file per device (`LCK..ttyUSB0` in /run/lock,
 * the convention minicom, picocom and lockdev follow, so they and pistack see each other's
 * locks). Created exclusively; the first line is the holder's PID (HDB format, 10 characters),
 * then, for pistack, the device path and the process start time. A lock whose process is dead,
 * or whose PID now belongs to another process, is stale and taken over. serialport's own
 * `lock` (an flock) still applies, but it cannot say who holds the port: this can.
 */
import { accessSync, constants, openSync, readFileSync, readdirSync, realpathSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive, processCommand, processStartTime, sameProcess } from './processInfo.ts';

/** The standard lock directory on Linux (/var/lock links to it). */
export const SYSTEM_LOCK_DIR = '/run/lock';

/** Environment variable naming another lock directory (every program sharing the ports must use the same one). */
export const LOCK_DIR_ENV = 'PISTACK_LOCK_DIR';

/** Who holds a port. */
export interface PortHolder {
  readonly pid: number;
  /** Its command line, when /proc tells. */
  readonly command: string | undefined;
  /** The device path the lock names (pistack's locks record it; others' do not). */
  readonly device: string | undefined;
  /** The lock file. */
  readonly file: string;
}

/** A port held by another live process; the message names its PID and command. */
export class PortBusyError extends Error {
  override name = 'PortBusyError';
  constructor(readonly path: string, readonly holder: PortHolder) {
    super(`${path} is in use by PID ${holder.pid}${holder.command ? ` (${holder.command})` : ''}; lock file ${holder.file}`);
  }
}

/** The lock directory: $PISTACK_LOCK_DIR, else /run/lock when writable, else the temporary directory. */
export function lockDir(): string {
  const chosen = process.env[LOCK_DIR_ENV];
  if (chosen) return chosen;
  try {
    accessSync(SYSTEM_LOCK_DIR, constants.W_OK);
    return SYSTEM_LOCK_DIR;
  } catch {
    return tmpdir();
  }
}

/** The device a path names (links followed: /dev/serial/by-id/... and a PTY link lock the same device). */
export function devicePath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Lock file of a device: LCK..ttyUSB0 for /dev/ttyUSB0, LCK..pts_3 for /dev/pts/3. */
export function lockFileOf(path: string, dir = lockDir()): string {
  const device = devicePath(path);
  const name = (device.startsWith('/dev/') ? device.slice(5) : device.replace(/^\/+/, '')).replace(/[/\\:]/g, '_');
  return join(dir, `LCK..${name}`);
}

/** The live holder of a lock file, or undefined when it is absent, unreadable or stale. */
export function readHolder(file: string): PortHolder | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const [pidText = '', device = '', started = ''] = text.split('\n');
  const pid = Number.parseInt(pidText.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return undefined;
  // A start time is pistack's addition: it unmasks a reused PID. Other programs' locks (a PID only) hold while the PID lives.
  if (started.trim() !== '' && !sameProcess(pid, started.trim())) return undefined;
  return { pid, command: processCommand(pid), device: device.trim() || undefined, file };
}

/** Lock files held by this process, released on exit even without close. */
const HELD = new Set<string>();
process.once('exit', () => {
  for (const file of HELD) releaseFile(file);
});

function releaseFile(file: string): void {
  HELD.delete(file);
  try {
    if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) unlinkSync(file);
  } catch {
    // already gone
  }
}

/**
 * Lock the device at `path` for this process; returns release() (idempotent). Throws
 * PortBusyError naming the holder when another live process (or this one) holds it.
 */
export function lockPort(path: string, dir = lockDir()): () => void {
  const file = lockFileOf(path, dir);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot create the lock file ${file}: ${(e as Error).message}`);
      const holder = HELD.has(file) ? { pid: process.pid, command: processCommand(process.pid), device: devicePath(path), file } : readHolder(file);
      if (holder) throw new PortBusyError(path, holder);
      try {
        unlinkSync(file); // stale: its process is gone, or the PID was reused
      } catch {
        // another program took it over first: try again
      }
      continue;
    }
    try {
      writeSync(fd, `${String(process.pid).padStart(10)}\n${devicePath(path)}\n${processStartTime(process.pid) ?? ''}\n`);
    } finally {
      closeSync(fd);
    }
    HELD.add(file);
    return () => releaseFile(file);
  }
  throw new Error(`cannot lock ${path}: ${file} keeps reappearing`);
}

/** Every live lock in the directory (stale ones are left alone), by lock file name. */
export function listHolders(dir = lockDir()): PortHolder[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith('LCK..')).sort();
  } catch {
    return [];
  }
  return names.map((n) => readHolder(join(dir, n))).filter((h): h is PortHolder => h !== undefined);
}
