import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { ConfigError, MAX_LISTED_ISSUES, check, describeValue, formatPath, joinPath, parseJsonText, validate } from './ConfigError.ts';

test('formatPath writes JavaScript accessors, quoting keys that are not identifiers', () => {
  assert.is(formatPath([]), '');
  assert.is(formatPath(['boards', 3, 'dip']), 'boards[3].dip');
  assert.is(formatPath(['piModels', 'pi3b+', 'bootTimeMs']), 'piModels["pi3b+"].bootTimeMs');
  assert.is(formatPath([0, 'a']), '[0].a');
  assert.is(joinPath('stack', 'boards[0].dip'), 'stack.boards[0].dip');
  assert.is(joinPath('steps', '[2]'), 'steps[2]');
  assert.is(joinPath('', 'x'), 'x');
  assert.is(joinPath('x', ''), 'x');
});

test('describeValue quotes strings, shows numbers and shortens long values', () => {
  assert.is(describeValue('five'), '"five"');
  assert.is(describeValue(17), '17');
  assert.is(describeValue(null), 'null');
  assert.is(describeValue(undefined), 'nothing');
  assert.is(describeValue([1, 2]), '[1,2]');
  assert.is(describeValue('x'.repeat(100)).length, 40);
  assert.ok(describeValue('x'.repeat(100)).endsWith('...'));
});

test('a ConfigError lists at most MAX_LISTED_ISSUES problems, then how many more (a huge bad file cannot flood the terminal)', () => {
  const issues = Array.from({ length: MAX_LISTED_ISSUES + 5 }, (_, i) => ({ path: `steps[${i}]`, message: 'bad' }));
  const lines = new ConfigError('huge.json', issues).message.split('\n');
  assert.is(lines.length, MAX_LISTED_ISSUES + 1);
  assert.is(lines.at(-1), 'huge.json: ... and 5 more problems');
  assert.is(new ConfigError('one.json', [...issues.slice(0, MAX_LISTED_ISSUES), { path: 'x', message: 'bad' }]).message.split('\n').at(-1), 'one.json: ... and 1 more problem');
});

test('describeValue escapes control, C1 and bidi characters of file content (no escape sequence reaches the terminal)', () => {
  assert.is(describeValue('\u001b[2J\u009b\u202e'), '"\\u001b[2J\\x9B\\u202E"');
  assert.is(formatPath(['a\u009bb']), '["a\\x9Bb"]');
  assert.throws(() => parseJsonText('\u001b[31mRED\u0000', 'bin.json'), (e: Error) => !/[\u0000-\u001f]/.test(e.message) && e.message.includes('\\x1B[31mRED'));
});

test('the message has one "source: path: problem" line per issue; issues stay structured', () => {
  const e = new ConfigError('a.json', [
    { path: 'x.y', message: 'bad' },
    { path: '', message: 'whole file bad' },
  ]);
  assert.is(e.message, 'a.json: x.y: bad\na.json: whole file bad');
  assert.is(e.name, 'ConfigError');
  assert.is(e.source, 'a.json');
  assert.ok(e instanceof Error);
});

test('zod issues become plain sentences naming the field and the bad value', () => {
  const schema = z.strictObject({
    n: z.number(),
    e: z.enum(['a', 'b']),
    l: z.literal(1),
    arr: z.array(z.number()).min(2),
    s: z.string().min(1),
    t: z.number().max(3),
  });
  const issues: { path: string; message: string }[] = [];
  const out = check(schema, { n: 'five', e: 'c', l: 2, arr: [1], s: '', t: 4, extra: true }, 'root', issues);
  assert.is(out, undefined);
  assert.equal(issues, [
    { path: 'root.n', message: 'expected a number, got "five"' },
    { path: 'root.e', message: 'must be one of "a", "b", got "c"' },
    { path: 'root.l', message: 'must be 1, got 2' },
    { path: 'root.arr', message: 'must have at least 2 items, got 1' },
    { path: 'root.s', message: 'must not be empty' },
    { path: 'root.t', message: 'must be at most 3, got 4' },
    { path: 'root.extra', message: 'unknown field' },
  ]);
  assert.throws(() => validate(schema, {}, 'v.json'), (err: Error) => err instanceof ConfigError && err.message.startsWith('v.json: n: missing (expected a number)\n'));
});

test('parseJsonText locates syntax errors by line and column when the engine gives a position', () => {
  assert.equal(parseJsonText('{"a": [1, 2]}', 'ok.json'), { a: [1, 2] });
  try {
    parseJsonText('{\n  "a": 1,\n  "b" 2\n}', 'bad.json');
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as ConfigError).message, /^bad\.json: not valid JSON at line 3, column 7: /);
    assert.not.match((e as ConfigError).message, /position/);
  }
  assert.throws(() => parseJsonText('', 'empty.json'), /^empty\.json: not valid JSON at line 1, column 1 \(end of text\)/);
});

test.run();
