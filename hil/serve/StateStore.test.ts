/**
 * `--state` persistence on a real file system: atomic replacement (including a real SIGKILL
 * between writing the temporary file and the rename), coalesced saves, the lock, and errors that
 * name the file. Guards against torn or silently reset state.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlashImage } from '../../board-model/firmware/Flash.ts';
import { DEFAULT_STACK, SINGLE_BOARD_STACK } from '../../board-model/stack.ts';
import { writeFileAtomic } from './atomicWrite.ts';
import { LOCK_FILE, STATE_FORMAT, StateError, StateStore, blockLengths, stateFile, type BoardState } from './StateStore.ts';

const root = mkdtempSync(join(tmpdir(), 'pistack-state-test-'));
let dirs = 0;
const freshDir = () => join(root, `d${dirs++}`);
const ATOMIC_WRITE = resolve(fileURLToPath(import.meta.url), '../atomicWrite.ts');

/** Real block lengths for the reference profile (32 log slots): 14 and 38 bytes. */
const LENGTHS = blockLengths(32);
/** A config block of `byte` repeated (hex), or an error block. */
const config = (byte: string) => byte.repeat(LENGTHS.config);
const errorsOf = (byte: string) => byte.repeat(LENGTHS.errors);

function boardState(index: number, dip: number, configHex: string): BoardState {
  return { format: STATE_FORMAT, version: 1, board: index, dip, prefix: 0, flash: { config: configHex, errors: errorsOf('01') } };
}

function writeState(dir: string, state: BoardState): string {
  mkdirSync(dir, { recursive: true });
  const file = stateFile(dir, state.board);
  writeFileSync(file, JSON.stringify(state));
  return file;
}

/** Run a child Node process to completion; resolves with its exit code or signal. */
function runChild(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; pid: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code, signal) => (code !== 0 && code !== null ? reject(new Error(`child failed (${code}): ${stderr}`)) : resolvePromise({ code, signal, pid: child.pid! })));
  });
}

test('a process killed between writing the temporary file and the rename leaves the previous state intact', async () => {
  const dir = freshDir();
  const file = writeState(dir, boardState(0, 0, config('aa')));
  const replacement = JSON.stringify(boardState(0, 0, config('bb')));
  const script = `import { writeFileAtomic } from ${JSON.stringify(ATOMIC_WRITE)};
await writeFileAtomic(${JSON.stringify(file)}, ${JSON.stringify(replacement)}, { beforeRename: () => { process.kill(process.pid, 'SIGKILL'); return new Promise(() => {}); } });`;
  const { signal } = await runChild(['--import', 'tsx', '--input-type=module', '-e', script]);
  assert.is(signal, 'SIGKILL', 'the writer really died mid-write');
  const leftovers = readdirSync(dir).filter((n) => n.endsWith('.tmp'));
  assert.is(leftovers.length, 1, 'the new contents reached a temporary file only');
  assert.is(readFileSync(join(dir, leftovers[0]!), 'utf8'), replacement);
  assert.equal((JSON.parse(readFileSync(file, 'utf8')) as BoardState).flash.config, config('aa'), 'the state file still holds the previous, complete state');
  const store = await StateStore.open(dir, SINGLE_BOARD_STACK);
  assert.equal(store.image(0), { config: config('aa'), errors: errorsOf('01') });
  assert.equal(readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'the stale temporary file is cleaned up');
  await store.close();
});

test('writeFileAtomic replaces the whole file, and a failure before the rename leaves the old one', async () => {
  const dir = freshDir();
  mkdirSync(dir);
  const file = join(dir, 'x.json');
  await writeFileAtomic(file, 'one');
  await writeFileAtomic(file, 'two');
  assert.is(readFileSync(file, 'utf8'), 'two');
  const error = await writeFileAtomic(file, 'three', { beforeRename: () => { throw new Error('power cut'); } }).catch((e: unknown) => e);
  assert.match(String(error), /power cut/);
  assert.is(readFileSync(file, 'utf8'), 'two');
  assert.equal(readdirSync(dir), ['x.json'], 'no temporary file left by an in-process failure');
});

test('saves are coalesced, the latest image wins, and a reopened store restores it', async () => {
  const dir = freshDir();
  const store = await StateStore.open(dir, DEFAULT_STACK);
  assert.is(store.restored, 0);
  assert.ok(existsSync(join(dir, LOCK_FILE)));
  let image: FlashImage = { config: config('00'), errors: '' };
  let reads = 0;
  store.track({ index: 3, image: () => (reads++, image) });
  for (let i = 1; i <= 20; i++) {
    image = { config: config(i.toString(16).padStart(2, '0')), errors: errorsOf('ff') };
    store.changed(3);
  }
  store.changed(7); // untracked: ignored
  await store.flush();
  assert.ok(reads <= 2, `20 changes in a row are saved in at most 2 writes (got ${reads})`);
  const saved = JSON.parse(readFileSync(stateFile(dir, 3), 'utf8')) as BoardState;
  assert.equal(saved, { format: 'pistack-state', version: 1, board: 3, dip: 3, prefix: 0x14, flash: { config: config('14'), errors: errorsOf('ff') } });
  assert.not.ok(existsSync(stateFile(dir, 7)));
  await store.close();
  assert.not.ok(existsSync(join(dir, LOCK_FILE)), 'close() releases the lock');
  const again = await StateStore.open(dir, DEFAULT_STACK);
  assert.is(again.restored, 1);
  assert.equal(again.image(3), { config: config('14'), errors: errorsOf('ff') });
  assert.is(again.image(4), undefined);
  await again.close();
});

test('unusable state files are errors naming the file, never silently reset', async () => {
  const cases: Array<[string, (dir: string) => void, RegExp]> = [
    ['not JSON', (d) => writeFileSync(writeState(d, boardState(0, 0, '')), '{"format": "pistack-state",'), /board-00\.json/],
    ['bad hex', (d) => writeState(d, boardState(0, 0, 'xyz')), /board-00\.json: flash\.config: must be hex bytes/],
    ['wrong format', (d) => writeState(d, { ...boardState(0, 0, ''), format: 'something' as typeof STATE_FORMAT }), /board-00\.json: format/],
    ['another stack', (d) => writeState(d, boardState(0, 5, '')), /board-00\.json: saved for board 0 with DIP 5, but board 0 of stack "single" has DIP 0/],
    ['unreadable', (d) => mkdirSync(stateFile(d, 0), { recursive: true }), /cannot read .*board-00\.json/],
    // guards against a block of the wrong length being silently reset to defaults by the firmware
    ['config block too short', (d) => writeState(d, boardState(0, 0, '0011')), /board-00\.json: flash\.config: 2 bytes, but the config block is 14 bytes for this profile .*would silently reset it/],
    ['error block too long', (d) => writeState(d, { ...boardState(0, 0, ''), flash: { config: '', errors: '00'.repeat(39) } }), /board-00\.json: flash\.errors: 39 bytes, but the error block is 38 bytes/],
  ];
  for (const [what, make, pattern] of cases) {
    const dir = freshDir();
    make(dir);
    const error = await StateStore.open(dir, SINGLE_BOARD_STACK).catch((e: unknown) => e);
    assert.instance(error, StateError, what);
    assert.match((error as Error).message, pattern, what);
    assert.is((error as StateError).file.endsWith('board-00.json'), true, what);
    assert.not.ok(existsSync(join(dir, LOCK_FILE)), `${what}: the lock is released`);
  }
});

/** A child process that stays alive until killed. */
function liveChild(command: string, args: string[]): { pid: number; kill: () => void } {
  const child = spawn(command, args, { stdio: 'ignore' });
  return { pid: child.pid!, kill: () => void child.kill() };
}

/** Start time of a process as the lock records it (/proc/PID/stat field 22). */
function startOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

test('the lock: a live owner keeps the directory, a dead one does not; a failed save is reported', async () => {
  const dir = freshDir();
  mkdirSync(dir);
  const owner = liveChild(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    for (const lock of [`${owner.pid}\n${startOf(owner.pid)}\n`, `${owner.pid}\n`]) {
      writeFileSync(join(dir, LOCK_FILE), lock); // a live Node process that is not us, with and without its start time
      const busy = await StateStore.open(dir, SINGLE_BOARD_STACK).catch((e: unknown) => e);
      assert.instance(busy, StateError);
      assert.match((busy as Error).message, new RegExp(`in use by another pistack serve \\(PID ${owner.pid}`));
    }
  } finally {
    owner.kill();
  }
  const { pid } = await runChild(['-e', '']); // a process that has exited
  writeFileSync(join(dir, LOCK_FILE), `${pid}\n`);
  const errors: Error[] = [];
  const store = await StateStore.open(dir, SINGLE_BOARD_STACK, { onError: (e) => errors.push(e) });
  assert.is(readFileSync(join(dir, LOCK_FILE), 'utf8').split('\n')[0], String(process.pid), 'a stale lock is taken over');
  store.track({ index: 0, image: () => ({ config: '00', errors: '' }) });
  rmSync(dir, { recursive: true }); // the directory vanishes under the server
  store.changed(0);
  await store.flush();
  assert.is(errors.length, 1);
  assert.match(errors[0]!.message, /cannot save .*board-00\.json/);
  await store.close();
});

test('the lock: a PID reused by an unrelated live process does not block serve (guards against a lock holding a recycled PID)', async () => {
  const sleeper = liveChild('sleep', ['60']);
  try {
    for (const lock of [`${sleeper.pid}\n`, `${sleeper.pid}\n1\n`]) {
      const dir = freshDir();
      mkdirSync(dir);
      writeFileSync(join(dir, LOCK_FILE), lock); // old format (not a Node process), or another start time
      const store = await StateStore.open(dir, SINGLE_BOARD_STACK);
      assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8').split('\n').slice(0, 2), [String(process.pid), startOf(process.pid)], lock);
      await store.close();
    }
  } finally {
    sleeper.kill();
  }
});

test.after(() => rmSync(root, { recursive: true, force: true }));

test.run();
