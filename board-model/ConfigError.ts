/**
 * One error type for every file the simulator loads (firmware profiles, stack descriptions,
 * scenarios): each problem names the file, the field path and what was wrong, e.g.
 * `my.json: regulator.currentLimitA: expected a number, got "five"`.
 */
import type { z } from 'zod';
import { ELLIPSIS, safeExcerpt } from '../bus-protocol/safeText.ts';

/** One problem in a loaded file: where (a field path like `boards[3].dip`, '' for the whole file) and what. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** Most problems a ConfigError message lists (all stay in `issues`): a huge bad file must not flood the terminal. */
export const MAX_LISTED_ISSUES = 20;

/**
 * A profile, stack or scenario file was rejected; the message lists one `source: path: problem`
 * line per issue, the first MAX_LISTED_ISSUES of them, then how many more there are.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    /** Where the data came from (a file name, or a label such as "builtin"). */
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    const listed = issues.slice(0, MAX_LISTED_ISSUES).map((i) => `${source}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`);
    const more = issues.length - listed.length;
    super([...listed, ...(more > 0 ? [`${source}: ... and ${more} more problem${more === 1 ? '' : 's'}`] : [])].join('\n'));
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Field path in JavaScript accessor form: `boards[3].pis[0].model`, `piModels["pi3b+"].bootTimeMs`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${safeExcerpt(JSON.stringify(String(key)))}]`; // a key from the file: no control character reaches the terminal
  }
  return out;
}

/** Join a path prefix and a relative path (either may be ''). */
export function joinPath(prefix: string, path: string): string {
  if (prefix === '') return path;
  if (path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** Short rendering of a bad value for an error message: `"five"`, `17`, `null`, `[1,2]`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined) return typeof value;
  // file content: escaped (JSON leaves C1 and bidi characters as they are) and capped at 40 characters
  const shown = safeExcerpt(json, 40);
  return shown.endsWith(ELLIPSIS) ? safeExcerpt(json, 37, '...') : shown;
}

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  tuple: 'an array',
  null: 'null',
};

function bound(issue: { inclusive?: boolean | undefined }, op: 'min' | 'max'): string {
  if (op === 'min') return issue.inclusive === false ? 'above' : 'at least';
  return issue.inclusive === false ? 'below' : 'at most';
}

/** One zod issue as a plain sentence (without its path). */
function sentence(issue: z.core.$ZodIssue): string {
  const got = `got ${describeValue(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type': {
      const want = EXPECTED[issue.expected] ?? issue.expected;
      return issue.input === undefined ? `missing (expected ${want})` : `expected ${want}, ${got}`;
    }
    case 'invalid_value': {
      const want = issue.values.length === 1 ? describeValue(issue.values[0]) : `one of ${issue.values.map((v) => describeValue(v)).join(', ')}`;
      return issue.input === undefined ? `missing (must be ${want})` : `must be ${want}, ${got}`;
    }
    case 'too_small':
    case 'too_big': {
      const n = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op = issue.code === 'too_small' ? 'min' : 'max';
      if (issue.origin === 'array' || issue.origin === 'set') {
        const len = Array.isArray(issue.input) ? `, got ${issue.input.length}` : '';
        return issue.exact ? `must have exactly ${n} items${len}` : `must have ${bound(issue, op)} ${n} items${len}`;
      }
      if (issue.origin === 'string') return issue.code === 'too_small' && n === 1 ? 'must not be empty' : `length must be ${bound(issue, op)} ${n}`;
      return `must be ${bound(issue, op)} ${n}, ${got}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}, ${got}`;
    case 'unrecognized_keys':
      return 'unknown field';
    case 'invalid_union':
      return `does not match any accepted form, ${got}`;
    default:
      return issue.message;
  }
}

/** Convert zod issues to ConfigIssues, each path prefixed with `prefix` (a formatted path). */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const base = joinPath(prefix, formatPath(issue.path));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: joinPath(base, formatPath([key])), message: 'unknown field' });
    } else {
      out.push({ path: base, message: sentence(issue) });
    }
  }
  return out;
}

/**
 * Validate `value` with `schema`; on failure append the problems (paths prefixed with
 * `prefix`) to `issues` and return undefined. Lets one pass report every problem of a file.
 */
export function check<S extends z.ZodType>(schema: S, value: unknown, prefix: string, issues: ConfigIssue[]): z.output<S> | undefined {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  issues.push(...fromZodIssues(result.error.issues, prefix));
  return undefined;
}

/** Validate `value` with `schema` or throw a ConfigError naming `source`. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, source: string): z.output<S> {
  const issues: ConfigIssue[] = [];
  const data = check(schema, value, '', issues);
  if (issues.length > 0) throw new ConfigError(source, issues);
  return data as z.output<S>;
}

/** The top-level key naming a file's JSON Schema (schemas/*.schema.json) for editors; every loader ignores it. */
export const SCHEMA_KEY = '$schema';

/** `json` without its top-level "$schema" string (a file's editor hint), so strict schemas accept exactly that extra key. */
export function withoutSchemaKey(json: unknown): unknown {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !(SCHEMA_KEY in json)) return json;
  const { [SCHEMA_KEY]: schema, ...rest } = json as Record<string, unknown>;
  return typeof schema === 'string' ? rest : json; // anything but a string is left for the schema to name
}

/** 1-based line and column of a character offset in text. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Parse JSON text, or throw a ConfigError saying where (line and column when the engine reports a position). */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    let where = '';
    const pos = /at position (\d+)/.exec(raw);
    const lc = /line (\d+) column (\d+)/.exec(raw);
    if (lc) where = ` at line ${lc[1]}, column ${lc[2]}`;
    else if (pos) {
      const { line, column } = lineColumn(text, Number(pos[1]));
      where = ` at line ${line}, column ${column}`;
    } else if (/end of (JSON )?(input|data)/i.test(raw)) {
      const { line, column } = lineColumn(text, text.length);
      where = ` at line ${line}, column ${column} (end of text)`;
    }
    const detail = safeExcerpt(raw.replace(/\s*(in JSON )?at position \d+.*$/, '').replace(/^JSON\.parse: /, ''), 120); // quotes the file's bytes
    throw new ConfigError(source, [{ path: '', message: `not valid JSON${where}: ${detail}` }]);
  }
}
