/**
 * schemas/ is in sync with the zod schemas, every fixture names its schema with "$schema" and
 * passes both its loader (zod, the validator of record) and its JSON Schema, and the bad-file
 * corpus (cli/testing/badFiles.ts) plus a few wrong fields are rejected by both.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../board-model/ConfigError.ts';
import { profileFromText } from '../board-model/profiles.ts';
import { scenarioFromText } from '../board-model/scenario.ts';
import { stackFromText } from '../board-model/stack.ts';
import { BAD_FILE_KINDS, makeBadFiles } from '../cli/testing/badFiles.ts';
import { planFromText } from '../hil/bench/loadPlan.ts';
import { SessionFormatError, parseSession } from '../hil/session/sessionFormat.ts';
import { parseTolerance } from '../hil/session/tolerance.ts';
import { lessonFromText } from '../web/lessons/lessonFile.ts';
import { ROOT, SCHEMAS_DIR, fixturesOf, generateSchemas, schemaRef, schemaText, type SchemaFile } from './schemas.ts';
import { schemaProblems } from './testing/jsonSchemaCheck.ts';

const test = suite('JSON Schemas');
const files = generateSchemas();
const byName = new Map(files.map((f) => [f.name, f]));
const scenarioJson = new Map(readdirSync(join(ROOT, 'fixtures/scenarios')).map((f) => [f, JSON.parse(readFileSync(join(ROOT, 'fixtures/scenarios', f), 'utf8')) as unknown]));

/** The loader of record for each schema: throws on a bad file. */
const LOADERS: Record<string, (text: string, source: string) => unknown> = {
  stack: stackFromText,
  profile: profileFromText,
  scenario: scenarioFromText,
  lesson: (text, source) => lessonFromText(text, basename(source).replace(/^[^0-9]*/, '') || '01-x.json', scenarioJson),
  plan: planFromText,
  tolerance: parseTolerance,
  'session-header': (text, source) => parseSession(`${text}\n`, source),
};

test('schemas/ is what scripts/schemas.ts generates (run `npm run schemas` after changing a zod schema)', () => {
  for (const f of files) assert.is(readFileSync(join(SCHEMAS_DIR, `${f.name}.schema.json`), 'utf8'), schemaText(f), `${f.name}.schema.json is out of date`);
  assert.equal(readdirSync(SCHEMAS_DIR).sort(), files.map((f) => `${f.name}.schema.json`).sort(), 'no stale schema files');
});

test('a loader exists for every schema, and every schema describes its fields', () => {
  assert.equal(Object.keys(LOADERS).sort(), files.map((f) => f.name).sort());
  for (const f of files) {
    assert.type(f.json['description'], 'string');
    const props = f.json['properties'] as Record<string, Record<string, unknown>>;
    for (const [key, prop] of Object.entries(props)) assert.type(prop['description'], 'string', `${f.name}: "${key}" has a description`);
  }
});

test('every fixture names its schema, and passes its loader and its JSON Schema', () => {
  const fixtures = fixturesOf(files);
  assert.ok(fixtures.length >= 30, `found ${fixtures.length} fixtures`);
  for (const [path, schema] of fixtures) {
    const text = readFileSync(join(ROOT, path), 'utf8');
    const json = JSON.parse(text) as Record<string, unknown>;
    assert.is(json['$schema'], schemaRef(join(path, '..'), schema.name), `${path} names ${schema.name}.schema.json`);
    LOADERS[schema.name]!(text, join(ROOT, path));
    assert.equal(schemaProblems(schema.json, json), [], `${path} against ${schema.name}.schema.json`);
  }
});

test('the JSON Schemas accept what the loaders accept beyond fixtures: a partial profile, a tolerance, a session header', () => {
  const samples: Array<[SchemaFile, string]> = [
    [byName.get('profile')!, JSON.stringify({ $schema: '../schemas/profile.schema.json', base: 'v3', name: 'measured', defaults: { hbtTime: 20 }, bus: { replyDelayMs: 3 } })],
    [byName.get('tolerance')!, JSON.stringify({ replyTimeMs: 30, analog: { percent: 5 }, commands: { GET_VIN: { counts: 80 } } })],
    [byName.get('session-header')!, JSON.stringify({ format: 'pistack-session', version: 1, baud: 9600, port: 'sim:', tool: 'pistack scan', toolVersion: '0.1.0', startedAt: '2026-01-31T12:00:00.000Z', clock: 'virtual' })],
  ];
  for (const [schema, text] of samples) {
    LOADERS[schema.name]!(text, `sample.${schema.name}.json`);
    assert.equal(schemaProblems(schema.json, JSON.parse(text)), [], schema.name);
  }
});

test('the bad-file corpus is rejected by every loader (a ConfigError naming the file), and by every JSON Schema where it parses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pistack-schemas-'));
  try {
    const bad = makeBadFiles(dir);
    for (const kind of BAD_FILE_KINDS.filter((k) => !['missing', 'missingDir', 'directory'].includes(k))) {
      const text = readFileSync(bad.paths[kind], 'utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      for (const f of files) {
        const error = (() => {
          try {
            LOADERS[f.name]!(text, bad.paths[kind]);
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        assert.ok(error instanceof ConfigError || error instanceof SessionFormatError, `${f.name} loader rejects ${kind} with a ConfigError (got ${String(error)})`);
        if (parsed !== undefined) assert.ok(schemaProblems(f.json, parsed).length > 0, `${f.name}.schema.json rejects ${kind}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a wrong field is rejected by both: an unknown key, a "$schema" that is not text, a value out of range', () => {
  const demo = JSON.parse(readFileSync(join(ROOT, 'fixtures/scenarios/demo.json'), 'utf8')) as Record<string, unknown>;
  const plan = JSON.parse(readFileSync(join(ROOT, 'fixtures/plans/default.json'), 'utf8')) as Record<string, unknown>;
  const cases: Array<[string, Record<string, unknown>]> = [
    ['scenario', { ...demo, sede: 3 }],
    ['scenario', { ...demo, $schema: 7 }],
    ['scenario', { ...demo, seed: -1 }],
    ['plan', { ...plan, pollMs: 5 }],
    ['stack', { boards: [{ dip: 16, pis: [null, null] }] }],
  ];
  for (const [name, json] of cases) {
    assert.throws(() => LOADERS[name]!(JSON.stringify(json), `case.${name}.json`), (e: unknown) => e instanceof ConfigError, `${name} loader rejects ${JSON.stringify(json).slice(0, 80)}`);
    assert.ok(schemaProblems(byName.get(name)!.json, json).length > 0, `${name}.schema.json rejects it too`);
  }
});

test.run();
