/**
 * The doc comments of zod object fields, read from the TypeScript sources, for the JSON Schemas
 * (scripts/schemas.ts): the field docs stay the one place a field is described, with its unit.
 * Every `z.strictObject({...})` / `z.object({...})` literal becomes a shape: its field names and
 * the `/** ... *\/` comment above each field.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** One object literal given to z.strictObject / z.object / z.looseObject. */
export interface Shape {
  readonly file: string;
  readonly fields: ReadonlySet<string>;
  readonly docs: ReadonlyMap<string, string>;
  /** The doc comment above the call itself (a variant of a union), if any. */
  readonly doc?: string;
}

const OBJECT_CALLS = new Set(['strictObject', 'object', 'looseObject']);

function docOf(text: string, node: ts.Node): string | undefined {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const doc = ranges.map((r) => text.slice(r.pos, r.end)).filter((c) => c.startsWith('/**')).pop();
  if (doc === undefined) return undefined;
  return doc.replace(/^\/\*\*|\*\/$/g, '').split('\n').map((l) => l.replace(/^\s*\*\s?/, '').trim()).filter(Boolean).join(' ');
}

/** Every shape in one source file. */
export function shapesOf(file: string): Shape[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const shapes: Shape[] = [];
  // plain `const common = { ... }` literals, for fields spread into a shape (`{ ...common, do: ... }`)
  const literals = new Map<string, ts.ObjectLiteralExpression>();
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.isObjectLiteralExpression(node.initializer)) literals.set(node.name.text, node.initializer);
    ts.forEachChild(node, collect);
  };
  collect(source);
  const addFields = (literal: ts.ObjectLiteralExpression, fields: Set<string>, docs: Map<string, string>): void => {
    for (const p of literal.properties) {
      if (ts.isSpreadAssignment(p) && ts.isIdentifier(p.expression)) {
        const spread = literals.get(p.expression.text);
        if (spread) addFields(spread, fields, docs);
        continue;
      }
      if (!p.name || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) continue;
      fields.add(p.name.text);
      const doc = docOf(text, p);
      if (doc) docs.set(p.name.text, doc);
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && OBJECT_CALLS.has(node.expression.name.text)) {
      const literal = node.arguments[0];
      if (literal && ts.isObjectLiteralExpression(literal)) {
        const fields = new Set<string>();
        const docs = new Map<string, string>();
        addFields(literal, fields, docs);
        // the doc of a union variant sits above `z.strictObject(...)` (or above the `z` of a chain)
        let outer: ts.Node = node;
        while (ts.isPropertyAccessExpression(outer.parent) || (ts.isCallExpression(outer.parent) && outer.parent.expression === outer)) outer = outer.parent;
        const doc = docOf(text, outer) ?? docOf(text, node);
        shapes.push({ file, fields, docs, ...(doc ? { doc } : {}) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return shapes;
}

/** Every shape in the non-test .ts files under the given folders. */
export function shapesUnder(root: string, dirs: readonly string[]): Shape[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(path);
    }
  };
  for (const d of dirs) walk(join(root, d));
  return files.flatMap(shapesOf);
}

/** The shape with exactly these fields (the one with the most docs when several have). */
export function shapeFor(shapes: readonly Shape[], fields: readonly string[]): Shape | undefined {
  const same = shapes.filter((s) => s.fields.size === fields.length && fields.every((f) => s.fields.has(f)));
  return same.sort((a, b) => b.docs.size - a.docs.size)[0];
}
