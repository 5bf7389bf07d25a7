/**
 * JSON Schemas of every file the rig reads, generated from its zod schemas (zod 4's
 * z.toJSONSchema) with the field docs as descriptions (scripts/fieldDocs.ts), written to
 * schemas/*.schema.json so that editors validate and complete the files that name them with
 * "$schema". zod stays the validator of record: the loaders' cross-field checks (a Pi model
 * known to the board's profile, a step's values against the command table) are theirs alone.
 * Run: `npm run schemas` (write schemas/), `npx tsx scripts/schemas.ts --stamp` (also add the
 * "$schema" key to fixtures missing it).
 */
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SCHEMA_KEY } from '../board-model/ConfigError.ts';
import { BUILTIN_PROFILES } from '../board-model/profiles.ts';
import { profileSchema } from '../board-model/profileSchema.ts';
import { expectSchema, scenarioSchema } from '../board-model/scenario.ts';
import { faultSchema, hostSchema } from '../board-model/scenarioSteps.ts';
import { BUILTIN_STACKS, stackFileSchema } from '../board-model/stack.ts';
import { planSchema } from '../hil/bench/planSchema.ts';
import { headerSchema } from '../hil/session/sessionFormat.ts';
import { toleranceSchema } from '../hil/session/tolerance.ts';
import { lessonSchema, pauseSchema } from '../web/lessons/lessonFile.ts';
import { shapeFor, shapesUnder, type Shape } from './fieldDocs.ts';

/** The package root. */
export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** Where the schemas go. */
export const SCHEMAS_DIR = join(ROOT, 'schemas');

type Json = Record<string, unknown>;

/** One generated schema and the fixture folders whose files it describes. */
export interface SchemaFile {
  readonly name: string;
  readonly json: Json;
  readonly fixtureDirs: readonly string[];
}

function toJson(schema: z.ZodType): Json {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json;
  delete json['$schema'];
  return json;
}

/** Every object node's properties get the doc comment of the zod field they came from. */
function describe(node: unknown, shapes: readonly Shape[]): void {
  if (Array.isArray(node)) return node.forEach((n) => describe(n, shapes));
  if (node === null || typeof node !== 'object') return;
  const o = node as Json;
  const props = o['properties'] as Record<string, Json> | undefined;
  if (props) {
    const shape = shapeFor(shapes, Object.keys(props).filter((k) => k !== SCHEMA_KEY && k !== 'base'));
    if (shape?.doc && o['description'] === undefined) o['description'] = shape.doc;
    for (const [key, prop] of Object.entries(props)) {
      const doc = shape?.docs.get(key);
      if (doc && prop['description'] === undefined) prop['description'] = doc;
    }
  }
  Object.values(o).forEach((v) => describe(v, shapes));
}

/** Every field optional, at every depth (a profile file is merged over its base profile). */
function deepPartial(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(deepPartial);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'required').map(([k, v]) => [k, deepPartial(v)]));
}

function props(json: Json): Record<string, Json> {
  return json['properties'] as Record<string, Json>;
}

/** A top-level file schema: title, description, and the "$schema" key the loaders ignore. */
function fileSchema(title: string, description: string, json: Json, withSchemaKey = true): Json {
  const properties = withSchemaKey ? { [SCHEMA_KEY]: { type: 'string', description: 'the JSON Schema of this file, for editors (ignored by pistack)' }, ...props(json) } : props(json);
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', title, description, ...json, properties };
}

const oneOfNames = (names: readonly string[], what: string, inline: Json): Json => ({ anyOf: [{ type: 'string', enum: [...names], description: `a builtin ${what}` }, inline] });

/** Generate every schema (in memory). */
export function generateSchemas(): SchemaFile[] {
  const shapes = shapesUnder(ROOT, ['board-model', 'hil', 'web/lessons']);
  const stack = toJson(stackFileSchema());
  // a port may also be a bare model name (z.preprocess turns "pi4" into { model: "pi4" }), which toJSONSchema cannot see
  const port = (props(props(stack)['boards']!['items'] as Json)['pis']!['items'] as Json)['anyOf'] as Json[];
  port.unshift({ type: 'string', minLength: 1, description: 'a Pi model name, a key of the board profile\'s piModels' });
  const profile = deepPartial(toJson(profileSchema)) as Json;
  props(profile)['base'] = { type: 'string', enum: Object.keys(BUILTIN_PROFILES), description: 'the builtin profile this file is merged over (default "v4-reference")' };
  const step = { anyOf: [toJson(hostSchema), toJson(faultSchema)] };
  const expect = toJson(expectSchema);
  const scenario = toJson(scenarioSchema);
  Object.assign(props(scenario), {
    stack: { ...oneOfNames(Object.keys(BUILTIN_STACKS), 'stack name', stack), description: 'the stack: a builtin name or a stack description (default "default")' },
    profile: { ...oneOfNames(Object.keys(BUILTIN_PROFILES), 'profile name', profile), description: 'default firmware profile of the boards: a builtin name or a (partial) profile' },
    steps: { type: 'array', items: step, description: 'host commands and faults, each at a virtual time "at"' },
    expect: { type: 'array', items: expect, description: 'expectations checked after the run: events, when and how often' },
  });
  const lesson = toJson(lessonSchema);
  props(lesson)['pauses'] = { ...props(lesson)['pauses'], items: toJson(pauseSchema) };
  const exercise = props(lesson)['exercise']!;
  // an exercise's expectations are a scenario's, each with the plain words shown when it fails
  const why = { type: 'string', minLength: 1, description: 'why it failed, in plain words; may use {count} and {at}' };
  const check = { ...expect, properties: { ...props(expect), why }, required: [...(expect['required'] as string[]), 'why'] };
  Object.assign(props(exercise), { steps: { ...props(exercise)['steps'], items: step }, expect: { ...props(exercise)['expect'], items: check } });
  const files: SchemaFile[] = [
    { name: 'stack', json: fileSchema('pistack stack description', 'The boards on one RS-485 bus, their DIP switches, profiles and Pis (pistack sim/serve/viz --stack).', stack), fixtureDirs: ['fixtures/stacks'] },
    { name: 'profile', json: fileSchema('pistack firmware profile', 'Every assumed firmware behaviour and number, as a (partial) profile merged over a builtin base (--profile).', profile), fixtureDirs: [] },
    { name: 'scenario', json: fileSchema('pistack scenario', 'A simulated run: stack, profile, timed host commands and faults, and expected events (pistack sim --scenario).', scenario), fixtureDirs: ['fixtures/scenarios'] },
    { name: 'lesson', json: fileSchema('pistack lesson', 'A guided lesson of the teaching page (fixtures/lessons/NN-name.json): a scenario, a prediction, pauses and an exercise.', lesson), fixtureDirs: ['fixtures/lessons'] },
    { name: 'plan', json: fileSchema('pistack bench plan', 'An acceptance test plan for one board (pistack bench --plan): steps with limits.', toJson(planSchema)), fixtureDirs: ['fixtures/plans'] },
    { name: 'tolerance', json: fileSchema('pistack replay tolerance', 'Bands within which a replayed reading matches its recording (pistack replay --tolerance).', toJson(toleranceSchema)), fixtureDirs: [] },
    { name: 'session-header', json: fileSchema('pistack session header', 'Line 1 of a session file (JSON Lines, docs/session-format.md).', toJson(headerSchema), false), fixtureDirs: [] },
  ];
  for (const f of files) describe(f.json, shapes);
  return files;
}

/** The text written for a schema. */
export function schemaText(file: SchemaFile): string {
  return `${JSON.stringify(file.json, null, 2)}\n`;
}

/** The "$schema" value a fixture in `dir` (relative to the root) gives for `name`. */
export function schemaRef(dir: string, name: string): string {
  return `${relative(join(ROOT, dir), join(SCHEMAS_DIR, `${name}.schema.json`)).split('\\').join('/')}`;
}

/** Fixture files described by a schema: [path, schema name]. */
export function fixturesOf(files: readonly SchemaFile[]): Array<[string, SchemaFile]> {
  return files.flatMap((f) => f.fixtureDirs.flatMap((dir) => readdirSync(join(ROOT, dir)).filter((n) => n.endsWith('.json')).sort().map((n): [string, SchemaFile] => [join(dir, n), f])));
}

/** Add `"$schema": "<relative path>"` as the first key of every fixture missing it (formatting kept). */
export function stampFixtures(files: readonly SchemaFile[]): string[] {
  const stamped: string[] = [];
  for (const [path, schema] of fixturesOf(files)) {
    const text = readFileSync(join(ROOT, path), 'utf8');
    if (text.includes(`"${SCHEMA_KEY}"`)) continue;
    const ref = JSON.stringify(schemaRef(join(path, '..'), schema.name));
    const next = text.replace(/^\{(\s*)/, (_m, space: string) => `{${space || '\n  '}"${SCHEMA_KEY}": ${ref},${space || ' '}`);
    writeFileSync(join(ROOT, path), next);
    stamped.push(path);
  }
  return stamped;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = generateSchemas();
  mkdirSync(SCHEMAS_DIR, { recursive: true });
  for (const f of files) writeFileSync(join(SCHEMAS_DIR, `${f.name}.schema.json`), schemaText(f));
  process.stdout.write(`wrote ${files.length} schemas to ${relative(process.cwd(), SCHEMAS_DIR) || '.'}\n`);
  if (process.argv.includes('--stamp')) process.stdout.write(`stamped ${stampFixtures(files).length} fixtures with "$schema"\n`);
}
