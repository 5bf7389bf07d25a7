/**
 * Pre-flight checks of what a command will write, run before any long work (a bench run, a
 * characterisation, a replay, a fuzzing campaign), so a bad path is an error naming the option
 * and nothing is measured for nothing. The rules: a record is never replaced unless the user
 * passed `--overwrite`, and an output file is never one of the command's inputs, whatever the
 * options say (compared by device and inode, so links and `./` spellings do not get past).
 */
import { accessSync, constants, existsSync, lstatSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError } from './output.ts';

/** The project-wide option that allows replacing an existing output file. */
export const OVERWRITE_FLAG = '--overwrite';

/** Add `--overwrite` to a command; `what` names the file(s) it allows replacing. */
export function withOverwrite(cmd: Command, what: string): Command {
  return cmd.option(OVERWRITE_FLAG, `replace ${what} if it exists (by default an existing file is never replaced)`);
}

/** The message for an output file that exists: `"--out": FILE exists; pass --overwrite to replace it`. */
export function existsMessage(option: string, path: string): string {
  return `"${option}": ${path} exists; pass ${OVERWRITE_FLAG} to replace it`;
}

/** A file the command reads, which no output may replace. */
export interface InputFile {
  readonly path: string | undefined;
  /** What it is, for the message: "the session file", "the --tolerance file". */
  readonly what: string;
}

/** How an output file may be written. */
export interface OutputFileRules {
  /** `--overwrite` was given: an existing file (not an input) may be replaced. */
  readonly overwrite?: boolean;
  /** Files the command reads (or writes under another option): never written over, even when they do not exist yet. */
  readonly inputs?: readonly InputFile[];
}

function statOrUndefined(path: string, follow = true): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** True when both paths name the same existing file (same device and inode). */
export function sameFile(a: string, b: string): boolean {
  const sa = statOrUndefined(a);
  const sb = statOrUndefined(b);
  return sa !== undefined && sb !== undefined && sa.dev === sb.dev && sa.ino === sb.ino;
}

/**
 * Check that `path` (the value of `option`) can be created or, with `overwrite`, replaced: it is
 * not an input, not a folder, its folder exists and is writable. Returns the resolved path.
 */
export function checkOutputFile(path: string, option: string, rules: OutputFileRules = {}): string {
  if (path.trim() === '') throw new CliError(`"${option}" needs a file name`);
  const full = resolve(path);
  try {
    for (const input of rules.inputs ?? []) {
      if (input.path !== undefined && (resolve(input.path) === full || sameFile(full, input.path))) {
        throw new CliError(`"${option}": ${path} is ${input.what}, which is read, never written over (even with ${OVERWRITE_FLAG}); choose another file`);
      }
    }
    if (statOrUndefined(full, false) !== undefined) {
      const target = statOrUndefined(full);
      if (target?.isDirectory()) throw new CliError(`"${option}": ${path} is a folder; give a file name`);
      // A device or a pipe (/dev/stdout, a FIFO) is not a record: writing to it replaces nothing.
      if (!rules.overwrite && (target === undefined || target.isFile())) throw new CliError(existsMessage(option, path));
      if (!writable(full)) throw new CliError(`"${option}": ${path} is not writable`);
      return full;
    }
    const parent = dirname(full);
    const folder = statOrUndefined(parent);
    if (folder === undefined) throw new CliError(`"${option}": the folder ${parent} does not exist (create it first)`);
    if (!folder.isDirectory()) throw new CliError(`"${option}": ${parent} is not a folder`);
    if (!writable(parent)) throw new CliError(`"${option}": the folder ${parent} is not writable`);
    return full;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`"${option}": cannot write ${path}: ${(e as Error).message}`);
  }
}

/**
 * Check that files can be written into the folder `path` (the value of `option`): it is a
 * writable folder, or it does not exist yet and its nearest existing parent is a writable folder
 * (the command creates it when it writes). Returns the resolved path; creates nothing.
 */
export function checkOutputDir(path: string, option: string): string {
  if (path.trim() === '') throw new CliError(`"${option}" needs a folder`);
  const full = resolve(path);
  try {
    let existing = full;
    let stats = statOrUndefined(existing);
    while (stats === undefined && dirname(existing) !== existing) {
      existing = dirname(existing);
      stats = statOrUndefined(existing);
    }
    if (stats === undefined) throw new CliError(`"${option}": cannot create the folder ${path}`);
    if (!stats.isDirectory()) {
      throw new CliError(existing === full ? `"${option}": ${path} is not a folder` : `"${option}": cannot create the folder ${path}: ${existing} is not a folder`);
    }
    if (!writable(existing)) throw new CliError(existing === full ? `"${option}": the folder ${path} is not writable` : `"${option}": cannot create the folder ${path}: ${existing} is not writable`);
    return full;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`"${option}": cannot use the folder ${path}: ${(e as Error).message}`);
  }
}

/**
 * Write an output file checked with checkOutputFile: created exclusively (a file that appeared
 * since the check is not replaced) unless `overwrite`. Errors name the option.
 */
export function writeOutputFile(path: string, text: string, option: string, overwrite = false): void {
  try {
    const special = statOrUndefined(path)?.isFile() === false;
    writeFileSync(path, text, { flag: overwrite || special ? 'w' : 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(existsMessage(option, path));
    throw new CliError(`"${option}": cannot write ${path}: ${(e as Error).message}`);
  }
}

/** An output folder without `--overwrite`: none of `files` (names relative to `dir`) may exist there yet; `option` names it in the error. */
export function refuseToReplace(dir: string, files: Iterable<string>, overwrite: boolean | undefined, option = '--out'): void {
  if (overwrite) return;
  for (const file of files) if (existsSync(join(dir, file))) throw new CliError(existsMessage(option, join(dir, file)));
}
