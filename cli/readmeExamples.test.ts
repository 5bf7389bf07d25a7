/**
 * README code blocks that claim to run do run: every block fenced as ```ts run in README.md is
 * written to a file with `from 'pistack-rig'` pointing at the sources' index.ts, and run under
 * tsx; it must exit 0 without writing to stderr.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = resolve(import.meta.dirname, '..');
/** Markdown files whose runnable blocks are run. */
const SOURCES = [join(ROOT, 'README.md')];

/** The blocks fenced as ```ts run, with the line each starts on. */
export function runnableBlocks(markdown: string): Array<{ line: number; code: string }> {
  const blocks: Array<{ line: number; code: string }> = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts run\s*$/.test(lines[i]!)) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`line ${i + 1}: a \`\`\`ts run block is not closed`);
    blocks.push({ line: i + 1, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

const test = suite('README examples');

test('runnableBlocks finds only ```ts run blocks', () => {
  const md = 'text\n```ts\nnot run\n```\n```ts run\nconsole.log(1);\n```\n```sh\nls\n```\n```ts run\nconsole.log(2);\n```\n';
  assert.equal(runnableBlocks(md), [{ line: 5, code: 'console.log(1);' }, { line: 11, code: 'console.log(2);' }]);
  assert.throws(() => runnableBlocks('```ts run\nopen'), /not closed/);
});

test('the README has runnable examples (the public API\'s among them)', () => {
  const blocks = runnableBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  assert.ok(blocks.some((b) => b.code.includes("from 'pistack-rig'")), 'a ```ts run block importing pistack-rig');
});

const scratch = mkdtempSync(join(tmpdir(), 'pistack-readme-'));
const api = pathToFileURL(join(ROOT, 'index.ts')).href;
for (const source of SOURCES) {
  for (const block of runnableBlocks(readFileSync(source, 'utf8'))) {
    test(`${source.replace(`${ROOT}/`, '')} line ${block.line} runs`, async () => {
      const file = join(scratch, `block-${block.line}.mts`);
      writeFileSync(file, block.code.replaceAll(/from 'pistack-rig'/g, `from '${api}'`));
      const ran = await new Promise<{ code: number; out: string; err: string }>((done) =>
        execFile(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, timeout: 120_000 }, (e, out, err) => done({ code: e ? 1 : 0, out, err })));
      assert.is(ran.code, 0, ran.err);
      assert.is(ran.err, '', 'nothing on stderr');
      assert.ok(ran.out.length > 0, 'the example prints what it shows');
    });
  }
}
test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();
