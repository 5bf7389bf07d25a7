/**
 * A small corpus of bad files for the CLI robustness suite (cli/robustness.test.ts), generated
 * in a temporary folder at test time: missing, empty, a directory, binary bytes with terminal
 * escape sequences, truncated JSON, JSON of the wrong shape, and a huge file (a few MB). Also
 * fingerprints every file under the folder, so a test can prove that nothing was replaced.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The kinds of bad file. */
export const BAD_FILE_KINDS = ['missing', 'missingDir', 'empty', 'directory', 'binary', 'truncated', 'wrongShape', 'wrongArray', 'huge'] as const;

/** One kind of bad file. */
export type BadFileKind = (typeof BAD_FILE_KINDS)[number];

/** Size of the huge file, bytes (a few MB: big enough to find quadratic or echo-everything loaders). */
export const HUGE_BYTES = 3 * 1024 * 1024;

/** Bytes a terminal would act on (colour, clear screen, set title, bell), a NUL and invalid UTF-8. */
export const BINARY_BYTES = Uint8Array.of(0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x1b, 0x5b, 0x32, 0x4a, 0x1b, 0x5d, 0x30, 0x3b, 0x70, 0x77, 0x6e, 0x07, 0x00, 0xff, 0xfe, 0xc3, 0x28, 0x9b, 0x0a, 0x7b);

/** The corpus: a path per kind, all inside `dir`. */
export interface BadFiles {
  readonly dir: string;
  readonly paths: Readonly<Record<BadFileKind, string>>;
}

/** Create the corpus in `dir` (which must exist and be empty). */
export function makeBadFiles(dir: string): BadFiles {
  const paths: Record<BadFileKind, string> = {
    missing: join(dir, 'missing.json'),
    missingDir: join(dir, 'no-such-folder', 'file.json'),
    empty: join(dir, 'empty.json'),
    directory: join(dir, 'a-folder.json'),
    binary: join(dir, 'binary.json'),
    truncated: join(dir, 'truncated.json'),
    wrongShape: join(dir, 'wrong-shape.json'),
    wrongArray: join(dir, 'wrong-array.json'),
    huge: join(dir, 'huge.json'),
  };
  writeFileSync(paths.empty, '');
  mkdirSync(paths.directory);
  writeFileSync(join(paths.directory, 'inside.txt'), 'a file inside the folder\n');
  writeFileSync(paths.binary, BINARY_BYTES);
  writeFileSync(paths.truncated, '{"name": "cut", "boards": [{"dip": 1, "pis": [nu');
  writeFileSync(paths.wrongShape, JSON.stringify({ "\u001b[2Jkey": '\u009b31m value', name: 42, boards: 'none', steps: {}, vectors: 7 }));
  writeFileSync(paths.wrongArray, JSON.stringify([1, 'two', null, { three: 3 }]));
  // a big object with one long string and many bad array items: loaders must cap what they echo
  const items = Array.from({ length: 20_000 }, (_, i) => i);
  const filler = 'x'.repeat(HUGE_BYTES - JSON.stringify(items).length - 64);
  writeFileSync(paths.huge, `{"steps": ${JSON.stringify(items)}, "boards": ${JSON.stringify(items)}, "vectors": ${JSON.stringify(items)}, "name": "${filler}"}`);
  return { dir, paths };
}

/**
 * A fingerprint of every file under `dir` (recursively), by path: the SHA-256 of its content, or
 * with `quick` its inode, size and modification time (cheap enough to take around every case; a
 * write or a rename over the file changes it).
 */
export function fingerprint(dir: string, quick = false): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) for (const [p, h] of fingerprint(path, quick)) out.set(p, h);
    else out.set(path, quick ? `${stat.ino}/${stat.size}/${stat.mtimeMs}` : createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
  return out;
}

/** Paths whose content changed or that disappeared between two fingerprints (new files are not counted). */
export function replacedFiles(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  return [...before].filter(([path, hash]) => after.get(path) !== hash).map(([path]) => path);
}
