/**
 * Crash-safe file replacement (`pistack serve --state`): write a temporary file beside the
 * target, fsync it, rename it over the target, fsync the directory. A rename within one
 * directory is atomic on POSIX file systems, so a kill or power cut at any moment leaves the
 * previous or the new contents, never a torn file; at worst a stale temporary file stays.
 */
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Test hooks of writeFileAtomic. */
export interface AtomicWriteHooks {
  /** Runs after the temporary file is written and synced, before the rename (a crash can be simulated here). */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

/** Suffix of the temporary files writeFileAtomic leaves behind only when interrupted. */
export const TEMP_SUFFIX = '.tmp';

let sequence = 0;

/** Temporary file name for `path`: hidden, in the same directory, unique per process and write. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${sequence++}${TEMP_SUFFIX}`);
}

/** Replace the file at `path` with `data` atomically and durably (see the module comment). */
export async function writeFileAtomic(path: string, data: string | Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  const temp = tempPathFor(path);
  let renamed = false;
  try {
    const file = await open(temp, 'wx', 0o644);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await hooks.beforeRename?.(temp);
    await rename(temp, path);
    renamed = true;
    await syncDirectory(dirname(path));
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

/** fsync a directory so a rename in it is durable; platforms that cannot (EISDIR, EINVAL, EPERM) are skipped. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw e;
  } finally {
    await handle?.close();
  }
}
