/**
 * Leftovers of a `serve --pty` or `tap` killed with SIGKILL, with a real socat orphaned the way
 * a killed parent leaves it (started through a shell that exits): the restart message names the
 * socat by PID and the command that is restarting (guards against "serve" in tap's message and
 * an anonymous "already exists"), and unused temporary directories are swept (guards against
 * temporary folders piling up).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMP_PREFIX, socatsLinking, sweepTempDirs, whyPathTaken } from './leftovers.ts';
import { waitUntil } from './testing/hostSide.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-leftovers-test-'));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a socat orphaned by a killed program is named by PID, with the restarting command', async () => {
  const link = join(dir, 'ttyLEFT');
  const other = join(dir, 'other');
  // The shell starts socat in the background and exits: socat is orphaned, as after a kill -9 of its parent.
  spawnSync('sh', ['-c', `socat pty,raw,echo=0,link=${link} pty,raw,echo=0,link=${other} >/dev/null 2>&1 &`]);
  await waitUntil(() => existsSync(link), 5000, 'socat\'s link');
  const [socat] = await socatsLinking(link);
  assert.ok(socat, 'the orphaned socat is found');
  try {
    for (const command of ['serve', 'tap']) {
      assert.is(
        await whyPathTaken(link, link, command),
        `--pty ${link}: already exists: a socat (PID ${socat.pid}) left behind by a pistack serve or tap that was killed still holds it; stop it with "kill ${socat.pid}" (it removes the link) and start ${command} again`,
      );
    }
  } finally {
    process.kill(socat.pid, 'SIGTERM');
  }
  await waitUntil(() => !alive(socat.pid) && !existsSync(link), 5000, 'socat to go and remove its link');
});

test('a socat of a running program, a dangling link and a plain file each get their own message', async () => {
  const link = join(dir, 'ttyLIVE');
  const child = spawn('socat', [`pty,raw,echo=0,link=${link}`, `pty,raw,echo=0,link=${join(dir, 'live2')}`], { stdio: 'ignore' });
  try {
    await waitUntil(() => existsSync(link), 5000, 'socat\'s link');
    assert.is(await whyPathTaken(link, link, 'tap'), `--pty ${link}: already exists: it is served by a running program (PID ${process.pid}, through socat PID ${child.pid}); stop that one first, or choose another path`);
  } finally {
    child.kill();
  }
  const dangling = join(dir, 'dangling');
  symlinkSync('/dev/pts/99999', dangling);
  assert.is(await whyPathTaken(dangling, 'dangling', 'serve'), '--pty dangling: already exists: a dangling link to /dev/pts/99999 (left behind by a killed program?); remove it with "rm dangling" and start serve again');
  const file = join(dir, 'file');
  writeFileSync(file, '');
  assert.is(await whyPathTaken(file, 'file', 'tap'), '--pty file: already exists; tap will not replace it (a real device, or another server?). Remove it or choose another path');
});

test('temporary directories: old unused ones are swept; fresh ones, used ones and other names are kept', async () => {
  const tmp = join(dir, 'tmp');
  const made = (name: string, ageS: number) => {
    const path = join(tmp, name);
    mkdirSync(path, { recursive: true });
    const t = Date.now() / 1000 - ageS;
    utimesSync(path, t, t);
    return path;
  };
  const stale = made(`${TEMP_PREFIX}stale`, 3600);
  const fresh = made(`${TEMP_PREFIX}fresh`, 0);
  const used = made(`${TEMP_PREFIX}used`, 3600);
  const unrelated = made('pistack-serve-test-keep', 3600);
  const child = spawn('socat', [`pty,raw,echo=0,link=${join(used, 'sim')}`, `pty,raw,echo=0,link=${join(dir, 'used-host')}`], { stdio: 'ignore' });
  try {
    await waitUntil(() => existsSync(join(used, 'sim')), 5000, 'socat\'s link');
    utimesSync(used, Date.now() / 1000 - 3600, Date.now() / 1000 - 3600);
    assert.is(await sweepTempDirs(tmp), 1);
    assert.not.ok(existsSync(stale), 'the stale one is gone');
    for (const kept of [fresh, used, unrelated]) assert.ok(existsSync(kept), kept);
  } finally {
    child.kill();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
