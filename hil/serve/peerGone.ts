/**
 * Has the other end of a held link gone? (`pistack serve` backpressure.) A link held back by a
 * full transmit FIFO is not read, so it cannot see its peer leave: a TCP client's FIN, or a
 * host program closing the PTY, waits behind the unread bytes (up to megabytes in the kernel).
 * Linux says so anyway: /proc/net/tcp shows the connection out of ESTABLISHED (CLOSE_WAIT once
 * the FIN is in), and /proc/PID/fd shows which processes hold the PTY. Without /proc the answer
 * is undefined (unknown), and the caller does nothing.
 */
import { readFile, readdir, readlink } from 'node:fs/promises';

/** TCP state ESTABLISHED in /proc/net/tcp (include/net/tcp_states.h). */
const ESTABLISHED = '01';

/**
 * True when the connection localPort <-> remotePort (our side) has left ESTABLISHED, or when the
 * client is on this machine and its side has (a client that closed while its bytes wait in its
 * own send buffer cannot send its FIN through our zero window: only its side shows it, in
 * FIN_WAIT1); false while both are established; undefined when /proc/net/tcp cannot be read.
 */
export async function tcpPeerClosed(localPort: number, remotePort: number, proc = '/proc'): Promise<boolean | undefined> {
  const tables = await Promise.all(['tcp', 'tcp6'].map((t) => readFile(`${proc}/net/${t}`, 'utf8').catch(() => undefined)));
  if (tables.every((t) => t === undefined)) return undefined;
  let ours: string | undefined;
  let theirs: string | undefined;
  for (const table of tables) {
    for (const line of (table ?? '').split('\n').slice(1)) {
      const [, local, remote, state] = line.trim().split(/\s+/);
      if (local === undefined || remote === undefined || state === undefined) continue;
      const l = portOf(local);
      const r = portOf(remote);
      if (l === localPort && r === remotePort) ours = state;
      else if (l === remotePort && r === localPort) theirs = state;
    }
  }
  if (ours !== ESTABLISHED) return true; // closed, reset, or gone from the table
  return theirs !== undefined && theirs !== ESTABLISHED;
}

function portOf(field: string): number {
  return Number.parseInt(field.slice(field.lastIndexOf(':') + 1), 16);
}

/** Processes scanned at once: bounds the memory of a scan on a machine with thousands of descriptors. */
const SCAN_BATCH = 32;

/**
 * True when some process other than those in `except` has the terminal `tty` (e.g. /dev/pts/3)
 * open, false when none has, undefined when /proc cannot be read. Processes whose descriptors
 * we may not read (another user's) are skipped: they cannot open our PTY either. The PIDs
 * found are added to `known` and checked first next time, so a host that stays costs one
 * process's descriptors per check, not the whole machine's.
 */
export async function ttyOpenedByOthers(tty: string, except: ReadonlySet<number>, proc = '/proc', known = new Set<number>()): Promise<boolean | undefined> {
  const holds = async (pid: number): Promise<boolean> => {
    const fds = await readdir(`${proc}/${pid}/fd`).catch(() => [] as string[]);
    // All of a process's links at once: one await per process, not one per descriptor, so a scan
    // stays quick when the event loop is slow (a loaded machine) and the next host is not kept waiting.
    const targets = await Promise.all(fds.map((fd) => readlink(`${proc}/${pid}/fd/${fd}`).catch(() => '')));
    return targets.includes(tty);
  };
  for (const pid of known) {
    if (await holds(pid)) return true;
    known.delete(pid);
  }
  let pids: number[];
  try {
    pids = (await readdir(proc)).filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => !except.has(pid));
  } catch {
    return undefined;
  }
  for (let i = 0; i < pids.length; i += SCAN_BATCH) {
    const batch = pids.slice(i, i + SCAN_BATCH);
    const results = await Promise.all(batch.map(holds));
    const found = batch.filter((_, k) => results[k]);
    for (const pid of found) known.add(pid);
    if (found.length > 0) return true;
  }
  return false;
}
