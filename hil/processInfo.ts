/**
 * What a lock file's PID still means (Node only; Linux /proc where there is one): is the
 * process alive, is it still the one that wrote the lock (not a reused PID), and what command
 * it runs, to name the holder in a refusal. Shared by the state-directory lock of `serve
 * --state` and the serial port locks.
 */
import { readFileSync } from 'node:fs';

/** True while a process with this PID exists (also when it belongs to another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Start time of a process (clock ticks since boot, /proc/PID/stat field 22), or undefined without /proc. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]; // fields after "(comm)" start at field 3
  } catch {
    return undefined;
  }
}

/**
 * Is the live process `pid` still the one that wrote a lock recording `lockedStart`? The start
 * time decides when both are known; a lock without one needs a Node or pistack command line;
 * without /proc, yes.
 */
export function sameProcess(pid: number, lockedStart: string): boolean {
  const now = processStartTime(pid);
  if (now !== undefined && lockedStart !== '') return now === lockedStart;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return true;
  }
  const program = cmdline.split('\0')[0] ?? '';
  return /(^|\/)node[\d.]*$/.test(program) || cmdline.includes('pistack');
}

/** The command line of a process, arguments joined by spaces (at most `max` characters), or undefined without /proc. */
export function processCommand(pid: number, max = 120): string | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    if (args.length === 0) return undefined;
    const text = args.join(' ');
    return text.length > max ? `${text.slice(0, max - 3)}...` : text;
  } catch {
    return undefined;
  }
}
