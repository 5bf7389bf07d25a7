/**
 * The shared pre-flight checks of output paths (cli/outputPaths.ts): a file that exists is never
 * replaced without --overwrite and an input never at all (links included); a missing or non-folder
 * parent, a folder given as a file, and a folder that cannot be created are named errors; devices
 * such as /dev/null are not records; the write itself is exclusive, so a file that appeared after
 * the check is not replaced either.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutputDir, checkOutputFile, sameFile, writeOutputFile } from './outputPaths.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-output-paths-'));
const file = join(dir, 'file.txt');
writeFileSync(file, 'keep');

test('checkOutputFile: a new file in an existing folder is fine; an existing one needs overwrite', () => {
  assert.is(checkOutputFile(join(dir, 'new.json'), '--out'), join(dir, 'new.json'));
  assert.throws(() => checkOutputFile(file, '--out'), /^"--out": .*file\.txt exists; pass --overwrite to replace it$/);
  assert.is(checkOutputFile(file, '--out', { overwrite: true }), file);
  const dangling = join(dir, 'dangling');
  symlinkSync(join(dir, 'nowhere'), dangling);
  assert.throws(() => checkOutputFile(dangling, '--out'), /dangling exists; pass --overwrite/);
});

test('checkOutputFile: bad places are named errors', () => {
  assert.throws(() => checkOutputFile('  ', '--junit'), /^"--junit" needs a file name$/);
  assert.throws(() => checkOutputFile(dir, '--out', { overwrite: true }), /^"--out": .* is a folder; give a file name$/);
  assert.throws(() => checkOutputFile(join(dir, 'missing', 'x.json'), '--out'), /^"--out": the folder .*missing does not exist \(create it first\)$/);
  assert.throws(() => checkOutputFile(join(file, 'x.json'), '--out'), /^"--out": .*file\.txt is not a folder$/);
});

test('checkOutputFile: an input is never an output, even with overwrite, whatever the spelling (relative, symlink, not yet existing)', () => {
  const link = join(dir, 'link.txt');
  symlinkSync(file, link);
  assert.ok(sameFile(link, file));
  assert.not.ok(sameFile(join(dir, 'nope'), file));
  const inputs = [{ path: file, what: 'the session file' }, { path: undefined, what: 'an option not given' }];
  assert.throws(() => checkOutputFile(link, '--junit', { overwrite: true, inputs }), /^"--junit": .*link\.txt is the session file, which is read, never written over \(even with --overwrite\); choose another file$/);
  assert.throws(() => checkOutputFile(join(dir, '.', 'file.txt'), '--junit', { overwrite: true, inputs }), /is the session file/);
  const later = join(dir, 'later.out');
  assert.throws(() => checkOutputFile(later, '--junit', { inputs: [{ path: later, what: 'the --record file' }] }), /is the --record file/);
});

test('checkOutputFile and writeOutputFile: a device is not a record (no overwrite needed)', () => {
  assert.is(checkOutputFile('/dev/null', '--junit'), '/dev/null');
  writeOutputFile('/dev/null', 'discarded', '--junit');
});

test('writeOutputFile: exclusive unless overwrite; errors name the option', () => {
  const out = join(dir, 'written.json');
  writeOutputFile(out, 'one', '--out');
  assert.throws(() => writeOutputFile(out, 'two', '--out'), /^"--out": .*written\.json exists; pass --overwrite to replace it$/);
  assert.is(readFileSync(out, 'utf8'), 'one');
  writeOutputFile(out, 'three', '--out', true);
  assert.is(readFileSync(out, 'utf8'), 'three');
  assert.throws(() => writeOutputFile(join(dir, 'missing', 'x'), 'x', '--out'), /^"--out": cannot write .*: ENOENT/);
});

test('checkOutputDir: an existing folder, or a creatable one; a file, or a path under a file, is refused; nothing is created', () => {
  assert.is(checkOutputDir(dir, '--report'), dir);
  assert.is(checkOutputDir(join(dir, 'a', 'b', 'c'), '--report'), join(dir, 'a', 'b', 'c'));
  assert.not.ok(existsSync(join(dir, 'a')), 'nothing created');
  assert.throws(() => checkOutputDir(file, '--report'), /^"--report": .*file\.txt is not a folder$/);
  assert.throws(() => checkOutputDir(join(file, 'sub'), '--out'), /^"--out": cannot create the folder .*sub: .*file\.txt is not a folder$/);
  assert.throws(() => checkOutputDir('', '--out'), /^"--out" needs a folder$/);
});

test('checkOutputDir and checkOutputFile: a read-only folder is refused (as a normal user: root writes anywhere)', () => {
  const locked = join(dir, 'locked');
  mkdirSync(locked);
  chmodSync(locked, 0o555);
  try {
    if (process.getuid?.() === 0) return;
    assert.throws(() => checkOutputDir(locked, '--report'), /^"--report": the folder .*locked is not writable$/);
    assert.throws(() => checkOutputDir(join(locked, 'sub'), '--report'), /cannot create the folder .*sub: .*locked is not writable/);
    assert.throws(() => checkOutputFile(join(locked, 'x.json'), '--out'), /^"--out": the folder .*locked is not writable$/);
  } finally {
    chmodSync(locked, 0o755);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
