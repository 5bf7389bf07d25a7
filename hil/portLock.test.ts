/**
 * Port lock files (one program per serial port): UUCP names and format, a second lock refused
 * naming the holder's PID and command, stale locks (dead PID) taken over, foreign locks
 * (minicom's: a PID line only) respected. Each test uses its own lock directory.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortBusyError, listHolders, lockFileOf, lockPort, readHolder } from './portLock.ts';
import { processStartTime } from './processInfo.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'pistack-locks-'));

test('lock file names: LCK..ttyUSB0, LCK..pts_3, and a link locks the device it points to', () => {
  const dir = fresh();
  assert.is(lockFileOf('/dev/ttyUSB0', dir), join(dir, 'LCK..ttyUSB0'));
  assert.is(lockFileOf('/dev/pts/3', dir), join(dir, 'LCK..pts_3'));
  const target = join(dir, 'device');
  writeFileSync(target, '');
  symlinkSync(target, join(dir, 'link'));
  assert.is(lockFileOf(join(dir, 'link'), dir), lockFileOf(target, dir));
});

test('lockPort: HDB format (PID in 10 characters, then device and start time); a second lock is refused naming this PID; release frees it', () => {
  const dir = fresh();
  const release = lockPort('/dev/ttyTEST0', dir);
  const file = join(dir, 'LCK..ttyTEST0');
  const [pid, device, started] = readFileSync(file, 'utf8').split('\n');
  assert.is(pid, String(process.pid).padStart(10));
  assert.is(device, '/dev/ttyTEST0');
  assert.is(started, processStartTime(process.pid) ?? '');
  let busy: unknown;
  try {
    lockPort('/dev/ttyTEST0', dir);
  } catch (e) {
    busy = e;
  }
  assert.instance(busy, PortBusyError);
  assert.match((busy as Error).message, new RegExp(`^/dev/ttyTEST0 is in use by PID ${process.pid} \\(.*node.*\\); lock file ${file}$`));
  release();
  release();
  assert.not.ok(existsSync(file));
  lockPort('/dev/ttyTEST0', dir)();
});

test('a stale lock (its process is gone) is taken over; a live foreign lock (PID line only, as minicom writes) is respected', () => {
  const dir = fresh();
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  writeFileSync(join(dir, 'LCK..ttyTEST1'), `${String(dead).padStart(10)}\n`);
  assert.is(readHolder(join(dir, 'LCK..ttyTEST1')), undefined);
  const release = lockPort('/dev/ttyTEST1', dir);
  assert.is(Number.parseInt(readFileSync(join(dir, 'LCK..ttyTEST1'), 'utf8'), 10), process.pid);
  release();
  const parent = process.ppid;
  writeFileSync(join(dir, 'LCK..ttyTEST2'), `${String(parent).padStart(10)}\n/dev/ttyTEST2\n${processStartTime(parent) ?? ''}\n`);
  assert.throws(() => lockPort('/dev/ttyTEST2', dir), (e: unknown) => e instanceof PortBusyError && e.holder.pid === parent && e.message.includes(`in use by PID ${parent}`));
  writeFileSync(join(dir, 'LCK..ttyTEST3'), `${parent}\n`);
  assert.throws(() => lockPort('/dev/ttyTEST3', dir), /in use by PID/);
  const holders = listHolders(dir);
  assert.equal(holders.map((h) => [h.pid, h.device]), [[parent, '/dev/ttyTEST2'], [parent, undefined]]);
});

test('a lock recorded by a process whose PID was reused (another start time) is stale', () => {
  const dir = fresh();
  writeFileSync(join(dir, 'LCK..ttyTEST4'), `${String(process.ppid).padStart(10)}\n/dev/ttyTEST4\n1\n`);
  if (processStartTime(process.ppid) === undefined) return; // without /proc the start time cannot tell
  lockPort('/dev/ttyTEST4', dir)();
});

test.run();
