/** Loading stack, profile and scenario files for the CLI, with errors that name the file and field. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../board-model/ConfigError.ts';
import { BUILTIN_PROFILES, V4_REFERENCE, profileFromText } from '../board-model/profiles.ts';
import type { FirmwareProfile } from '../board-model/profileSchema.ts';
import { scenarioFromText, DEFAULT_SEED, type Scenario } from '../board-model/scenario.ts';
import { BUILTIN_STACKS, DEFAULT_STACK, stackFromText, type Stack } from '../board-model/stack.ts';
import { CliError } from './output.ts';

/** Read a text file; a missing or unreadable file is a CliError naming it and the option. */
export function readText(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new CliError(`"${option}": cannot read ${path}: ${why}`);
  }
}

/** Run a loader, turning a ConfigError into a CliError with every problem on its own line. */
export function loading<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(`invalid file:\n${e.message}`);
    throw e;
  }
}

/** A profile from a builtin name (v4-reference, v3) or a JSON file. */
export function loadProfile(pathOrName: string): FirmwareProfile {
  const builtin = BUILTIN_PROFILES[pathOrName];
  if (builtin) return builtin;
  return loading(() => profileFromText(readText(pathOrName, '--profile'), pathOrName));
}

/** A stack from a builtin name (default, single) or a JSON file. */
export function loadStack(pathOrName: string, profile: FirmwareProfile = V4_REFERENCE): Stack {
  const builtin = BUILTIN_STACKS[pathOrName];
  if (builtin) return builtin;
  return loading(() => stackFromText(readText(pathOrName, '--stack'), pathOrName, { defaultProfile: profile }));
}

/** What `sim`-like commands accept to pick what to run. */
export interface SimFileOptions {
  stack?: string;
  profile?: string;
  scenario?: string;
}

/**
 * The scenario to run: the file's (or an empty one), with --profile and --stack overriding the
 * scenario's own. Steps naming board IDs are validated against the stack actually used.
 */
export function resolveScenario(options: SimFileOptions, durationMs: number): Scenario {
  const profile = options.profile ? loadProfile(options.profile) : undefined;
  if (options.scenario) {
    const text = readText(options.scenario, '--scenario');
    if (!options.stack && !profile) return loading(() => scenarioFromText(text, options.scenario!));
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return loading(() => scenarioFromText(text, options.scenario!)); // reports the JSON error with its position
    }
    const stack = options.stack ? loadStack(options.stack, profile ?? V4_REFERENCE) : undefined;
    return loading(() => scenarioFromText(JSON.stringify({ ...raw, ...(stack ? { stack } : {}), ...(profile ? { profile } : {}) }), options.scenario!));
  }
  const stack = options.stack ? loadStack(options.stack, profile ?? V4_REFERENCE) : DEFAULT_STACK;
  return {
    name: stack.name, description: '', stack, profile: profile ?? V4_REFERENCE, seed: stack.seed ?? DEFAULT_SEED,
    durationMs, steps: [], expect: [],
  };
}
