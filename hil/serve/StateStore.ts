/**
 * `pistack serve --state DIR`: each board's flash (config and error blocks, FIRMWARE.md
 * section 2) persists across restarts, one JSON file per board by stack index:
 * `board-00.json` = `{ format, version, board, dip, prefix, flash: { config, errors } }`.
 *
 * - Loaded at start. A file that cannot be read or parsed, that belongs to another stack
 *   (a different DIP at that index), or whose block has the wrong length for the profile (the
 *   firmware would reset it to defaults), is an error naming the file and block: nothing is
 *   silently reset. (A block of the right length with a bad CRC is a torn write, which the
 *   firmware itself handles by restoring that block's defaults and logging it, FIRMWARE.md 2.)
 * - Written after every flash change (coalesced: at most one write per board in flight, the
 *   latest image wins) with writeFileAtomic, so a kill at any moment leaves the previous or
 *   the new state. Stale temporary files of an interrupted write are removed at start.
 * - A lock file (`.lock`: the PID and, on Linux, the process start time) keeps two servers off
 *   one directory. A lock whose PID is dead, or now belongs to another process (PID reused:
 *   another start time, or a command line that is not Node's), is stale and taken over.
 */
import { processAlive, processStartTime, sameProcess } from '../processInfo.ts';
import { mkdir, readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, parseJsonText, validate } from '../../board-model/ConfigError.ts';
import type { FlashImage } from '../../board-model/firmware/Flash.ts';
import { emptyErrors, encodeConfig, encodeErrors, type PortConfig } from '../../board-model/firmware/flashBlocks.ts';
import { intIn, u8 } from '../../board-model/fields.ts';
import type { Stack } from '../../board-model/stack.ts';
import { TEMP_SUFFIX, writeFileAtomic } from './atomicWrite.ts';

/** The `format` tag of a board state file. */
export const STATE_FORMAT = 'pistack-state';

/** The version of the board state file layout. */
export const STATE_VERSION = 1;

/** Name of the lock file in a state directory. */
export const LOCK_FILE = '.lock';

const hexBytes = z.string().regex(/^(?:[0-9a-fA-F]{2})*$/, 'must be hex bytes ("" for a blank block)');

const boardStateSchema = z.strictObject({
  /** "pistack-state". */
  format: z.literal(STATE_FORMAT),
  /** Layout version, 1. */
  version: z.literal(STATE_VERSION),
  /** Index of the board in the stack description. */
  board: intIn(0, 4095),
  /** DIP setting of that board in the stack description (checks the directory belongs to this stack). */
  dip: intIn(0, 15),
  /** ID prefix stored in the config block when saved (informational; the flash is what counts). */
  prefix: u8,
  /** The flash blocks as hex. */
  flash: z.strictObject({ config: hexBytes, errors: hexBytes }),
});

/** One board's saved state (the JSON of a `board-NN.json` file). */
export type BoardState = z.output<typeof boardStateSchema>;

/** A state directory or file that cannot be used; `file` names it. */
export class StateError extends Error {
  override name = 'StateError';
  constructor(message: string, readonly file: string) {
    super(message);
  }
}

/** Where a board's flash is saved, for the board at `index` of the stack: `DIR/board-00.json`. */
export function stateFile(dir: string, index: number): string {
  return join(dir, `board-${String(index).padStart(2, '0')}.json`);
}

/** What the store saves of a board: its flash image, read when the write happens. */
export interface TrackedBoard {
  /** Index in the stack description. */
  readonly index: number;
  /** Current flash contents. */
  image(): FlashImage;
}

/** Options of StateStore.open. */
export interface StateStoreOptions {
  /** Told about a failed save (the server keeps running; the previous file stays valid). Default: ignored. */
  onError?: (error: Error) => void;
  /** Slots of the profile's error log (profile.errorLog.size), which fixes the error block's length; default 32. */
  errorLogSize?: number;
}

/** Byte length of each flash block for an error log of `errorLogSize` slots (FIRMWARE.md section 2). */
export function blockLengths(errorLogSize: number): { config: number; errors: number } {
  const port: PortConfig = { hbtTime: 0, hbtDelay: 0, offDelay: 0, sigOffDelay: 0, sigWidth: 0, piOnStartup: false };
  return { config: encodeConfig({ prefix: 0, ports: [port, port] }).length, errors: encodeErrors(emptyErrors(errorLogSize)).length };
}

interface Slot {
  board: TrackedBoard;
  dirty: boolean;
  writing: Promise<void> | undefined;
}

/** The saved flash of every board of one stack in a directory. */
export class StateStore {
  /** Number of boards whose state was restored from files. */
  readonly restored: number;
  readonly #dir: string;
  readonly #stack: Stack;
  readonly #images: Map<number, FlashImage>;
  readonly #slots = new Map<number, Slot>();
  readonly #onError: (error: Error) => void;
  readonly #lockFile: string;
  #closed = false;

  private constructor(dir: string, lockFile: string, stack: Stack, images: Map<number, FlashImage>, options: StateStoreOptions) {
    this.#dir = dir;
    this.#lockFile = lockFile;
    this.#stack = stack;
    this.#images = images;
    this.restored = images.size;
    this.#onError = options.onError ?? (() => undefined);
  }

  /**
   * Open (creating it if needed) and lock a state directory for `stack`, and load every board
   * file. Rejects with a StateError naming the file when one is unreadable, corrupt, or saved
   * for another stack, or when another live process holds the lock.
   */
  static async open(dir: string, stack: Stack, options: StateStoreOptions = {}): Promise<StateStore> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      throw new StateError(`cannot create state directory ${dir}: ${(e as Error).message}`, dir);
    }
    const lockFile = await lock(dir);
    try {
      const images = await loadImages(dir, stack, blockLengths(options.errorLogSize ?? 32));
      return new StateStore(dir, lockFile, stack, images, options);
    } catch (e) {
      await release(lockFile);
      throw e;
    }
  }

  /** The state directory. */
  get dir(): string {
    return this.#dir;
  }

  /** The saved flash image of the board at `index`, or undefined (factory defaults). */
  image(index: number): FlashImage | undefined {
    return this.#images.get(index);
  }

  /** Save this board from now on whenever changed() is called for it. */
  track(board: TrackedBoard): void {
    this.#slots.set(board.index, { board, dirty: false, writing: undefined });
  }

  /** The flash of the board at `index` changed: save it soon (coalesced with further changes). */
  changed(index: number): void {
    const slot = this.#slots.get(index);
    if (!slot || this.#closed) return;
    slot.dirty = true;
    if (slot.writing === undefined) slot.writing = this.#drain(slot);
  }

  /** Resolves once every change reported so far is on disk (or its failure reported). */
  async flush(): Promise<void> {
    for (;;) {
      const pending = [...this.#slots.values()].map((s) => s.writing).filter((w) => w !== undefined);
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  /** Flush, stop saving, and release the lock. Idempotent. */
  async close(): Promise<void> {
    await this.flush();
    if (this.#closed) return;
    this.#closed = true;
    await release(this.#lockFile);
  }

  async #drain(slot: Slot): Promise<void> {
    try {
      await Promise.resolve(); // let a burst of changes (a boot writes both blocks) coalesce
      while (slot.dirty) {
        slot.dirty = false;
        await this.#write(slot.board);
      }
    } finally {
      slot.writing = undefined;
    }
  }

  async #write(board: TrackedBoard): Promise<void> {
    const flash = board.image();
    const spec = this.#stack.boards[board.index];
    const state: BoardState = {
      format: STATE_FORMAT, version: STATE_VERSION, board: board.index, dip: spec?.dip ?? 0,
      prefix: flash.config.length >= 2 ? parseInt(flash.config.slice(0, 2), 16) : spec?.prefix ?? 0, flash,
    };
    const file = stateFile(this.#dir, board.index);
    try {
      await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
    } catch (e) {
      this.#onError(new StateError(`cannot save ${file}: ${(e as Error).message}`, file));
    }
  }
}

/** Lock files held by stores of this process (a second store in the same process is refused too). */
const HELD = new Set<string>();

async function lock(dir: string): Promise<string> {
  const file = resolve(dir, LOCK_FILE);
  const inUse = (pid: number) => new StateError(`state directory ${dir} is in use by another pistack serve (PID ${pid}, lock file ${file})`, file);
  if (HELD.has(file)) throw inUse(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n${processStartTime(process.pid) ?? ''}\n`, { flag: 'wx' });
      HELD.add(file);
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new StateError(`cannot lock state directory ${dir}: ${(e as Error).message}`, file);
    }
    const [pidText = '', started = ''] = (await readFile(file, 'utf8').catch(() => '')).split('\n');
    const pid = Number.parseInt(pidText, 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid) && sameProcess(pid, started.trim())) throw inUse(pid);
    await unlink(file).catch(() => undefined); // stale: its process is gone, or the PID was reused
  }
  throw new StateError(`cannot lock state directory ${dir}: ${file} keeps reappearing`, file);
}

async function release(lockFile: string): Promise<void> {
  HELD.delete(lockFile);
  await unlink(lockFile).catch(() => undefined);
}

async function loadImages(dir: string, stack: Stack, lengths: { config: number; errors: number }): Promise<Map<number, FlashImage>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new StateError(`cannot read state directory ${dir}: ${(e as Error).message}`, dir);
  }
  // Leftovers of a write interrupted before its rename: the target file is intact.
  for (const name of names) if (name.startsWith('.board-') && name.endsWith(TEMP_SUFFIX)) await unlink(join(dir, name)).catch(() => undefined);
  const images = new Map<number, FlashImage>();
  for (let index = 0; index < stack.boards.length; index++) {
    const file = stateFile(dir, index);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new StateError(`cannot read ${file}: ${(e as Error).message}`, file);
    }
    let state: BoardState;
    try {
      state = validate(boardStateSchema, parseJsonText(text, file), file);
    } catch (e) {
      if (e instanceof ConfigError) throw new StateError(`corrupt state file (move it away to start that board from factory defaults):\n${e.message}`, file);
      throw e;
    }
    const spec = stack.boards[index]!;
    if (state.board !== index || state.dip !== spec.dip) {
      throw new StateError(
        `${file}: saved for board ${state.board} with DIP ${state.dip}, but board ${index} of stack "${stack.name}" has DIP ${spec.dip}: this state directory belongs to another stack`,
        file,
      );
    }
    for (const block of ['config', 'errors'] as const) {
      const bytes = state.flash[block].length / 2;
      if (bytes !== 0 && bytes !== lengths[block]) {
        throw new StateError(
          `corrupt state file (move it away to start that board from factory defaults):\n${file}: flash.${block}: ${bytes} bytes, but the ${block === 'config' ? 'config' : 'error'} block is ${lengths[block]} bytes for this profile (FIRMWARE.md section 2); the firmware would silently reset it`,
          file,
        );
      }
    }
    images.set(index, state.flash);
  }
  return images;
}
