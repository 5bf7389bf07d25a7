/**
 * A small JSON Schema (2020-12) checker for the tests of schemas/: only the keywords that
 * scripts/schemas.ts generates (type, properties, additionalProperties, required, enum, const,
 * anyOf, oneOf, items, prefixItems, min/maxItems, minimum, maximum, exclusiveMinimum,
 * multipleOf, minLength, pattern, propertyNames). No JSON Schema validator is installed; zod
 * stays the validator of record, this only shows that editors will not flag a valid file.
 */
type Schema = Record<string, unknown>;

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function hasType(v: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(v);
  return typeOf(v) === type;
}

/** Problems of `value` against `schema`, as "path: why" lines (empty when it conforms). */
export function schemaProblems(schema: Schema, value: unknown, path = '$'): string[] {
  const out: string[] = [];
  const s = schema;
  if (s['type'] !== undefined) {
    const types = ([] as string[]).concat(s['type'] as string | string[]);
    if (!types.some((t) => hasType(value, t))) return [`${path}: is ${typeOf(value)}, not ${types.join(' or ')}`];
  }
  if (s['const'] !== undefined && value !== s['const']) out.push(`${path}: is not ${JSON.stringify(s['const'])}`);
  if (Array.isArray(s['enum']) && !s['enum'].includes(value)) out.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s['enum'])}`);
  if (Array.isArray(s['anyOf']) && !s['anyOf'].some((sub) => schemaProblems(sub as Schema, value, path).length === 0)) out.push(`${path}: matches none of anyOf`);
  if (Array.isArray(s['oneOf']) && s['oneOf'].filter((sub) => schemaProblems(sub as Schema, value, path).length === 0).length !== 1) out.push(`${path}: does not match exactly one of oneOf`);
  if (typeof value === 'number') {
    if (typeof s['minimum'] === 'number' && value < s['minimum']) out.push(`${path}: below ${s['minimum']}`);
    if (typeof s['maximum'] === 'number' && value > s['maximum']) out.push(`${path}: above ${s['maximum']}`);
    if (typeof s['exclusiveMinimum'] === 'number' && value <= s['exclusiveMinimum']) out.push(`${path}: not above ${s['exclusiveMinimum']}`);
    if (typeof s['multipleOf'] === 'number' && value % s['multipleOf'] !== 0) out.push(`${path}: not a multiple of ${s['multipleOf']}`);
  }
  if (typeof value === 'string') {
    if (typeof s['minLength'] === 'number' && value.length < s['minLength']) out.push(`${path}: shorter than ${s['minLength']}`);
    if (typeof s['pattern'] === 'string' && !new RegExp(s['pattern'], 'u').test(value)) out.push(`${path}: does not match ${s['pattern']}`);
  }
  if (Array.isArray(value)) {
    if (typeof s['minItems'] === 'number' && value.length < s['minItems']) out.push(`${path}: fewer than ${s['minItems']} items`);
    if (typeof s['maxItems'] === 'number' && value.length > s['maxItems']) out.push(`${path}: more than ${s['maxItems']} items`);
    const prefix = (s['prefixItems'] as Schema[] | undefined) ?? [];
    value.forEach((item, i) => {
      const sub = prefix[i] ?? (s['items'] as Schema | undefined);
      if (sub) out.push(...schemaProblems(sub, item, `${path}[${i}]`));
    });
  }
  if (typeOf(value) === 'object') {
    const o = value as Record<string, unknown>;
    const props = (s['properties'] as Record<string, Schema> | undefined) ?? {};
    for (const key of (s['required'] as string[] | undefined) ?? []) if (!(key in o)) out.push(`${path}: "${key}" is missing`);
    for (const [key, v] of Object.entries(o)) {
      if (s['propertyNames']) out.push(...schemaProblems(s['propertyNames'] as Schema, key, `${path} key "${key}"`));
      if (props[key]) out.push(...schemaProblems(props[key], v, `${path}.${key}`));
      else if (s['additionalProperties'] === false) out.push(`${path}: "${key}" is not allowed`);
      else if (typeof s['additionalProperties'] === 'object') out.push(...schemaProblems(s['additionalProperties'] as Schema, v, `${path}.${key}`));
    }
  }
  return out;
}
