/**
 * Finding and loading bench plans: a builtin name (a file of fixtures/plans/, e.g. `default`)
 * or a path to a JSON file. Errors name the file and the field (ConfigError).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseJsonText } from '../../board-model/ConfigError.ts';
import { parsePlan, type Plan } from './planSchema.ts';

/** The folder of builtin plans (fixtures/plans). */
export const PLANS_DIR = fileURLToPath(new URL('../../fixtures/plans/', import.meta.url));

/** Names of the builtin plans. */
export function builtinPlanNames(): string[] {
  return readdirSync(PLANS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
}

/** Parse plan JSON text (bad JSON: line and column), then validate it. */
export function planFromText(text: string, source: string): Plan {
  return parsePlan(parseJsonText(text, source), source);
}

/** A plan by builtin name or file path, with the source to report; throws ConfigError or a file error naming the path. */
export function loadPlan(nameOrPath: string): { plan: Plan; source: string } {
  const builtin = /^[\w-]+$/.test(nameOrPath) ? `${PLANS_DIR}${nameOrPath}.json` : undefined;
  const path = builtin !== undefined && existsSync(builtin) && !existsSync(nameOrPath) ? builtin : nameOrPath;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `no such file (builtin plans: ${builtinPlanNames().join(', ')})` : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new ConfigError(nameOrPath, [{ path: '', message: `cannot read the plan: ${why}` }]);
  }
  const source = path === builtin ? `builtin ${nameOrPath}` : nameOrPath;
  return { plan: planFromText(text, source), source };
}
