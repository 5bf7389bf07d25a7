/**
 * The small things a command-line user expects: completion scripts that complete (bash run for
 * real), no live progress without an interactive terminal or with NO_COLOR, --quiet.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { scriptFor } from './commands/completion.ts';
import { liveProgress } from './terminal.ts';
import { cli } from './testing/runCli.ts';

const test = suite('completion, terminal, quiet');

/** What bash's completion offers for the words typed so far (the last one being completed). */
function complete(script: string, words: readonly string[]): Promise<string[]> {
  const line = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _pistack; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return new Promise((done, fail) => execFile('bash', ['--norc', '-c', line], (e, out, err) => (e ? fail(new Error(err)) : done(out.split('\n').filter(Boolean)))));
}

test('bash: commands, options, setting names, builtin stacks and profiles', async () => {
  const script = await scriptFor('bash');
  assert.match(script, 'complete -o default -F _pistack pistack');
  assert.equal(await complete(script, ['pistack', 'enc']), ['encode']);
  assert.ok((await complete(script, ['pistack', ''])).includes('check-vectors'));
  assert.equal(await complete(script, ['pistack', 'encode', '--i']), ['--id']);
  assert.equal(await complete(script, ['pistack', 'get', 'HBT_']), ['HBT_TIME', 'HBT_DELAY']);
  assert.equal(await complete(script, ['pistack', 'sim', '--stack', '']), ['default', 'single']);
  assert.equal(await complete(script, ['pistack', 'bench', '--plan', 'def']), ['default']);
  assert.ok((await complete(script, ['pistack', 'sim', '--profile', ''])).includes('v4-reference'));
  assert.equal(await complete(script, ['pistack', 'sim', '--duration', '']), [], 'a value with no list: files (complete -o default)');
});

test('zsh reuses the bash function through bashcompinit; fish lists every command and option', async () => {
  const zsh = await scriptFor('zsh');
  assert.match(zsh, /^#compdef pistack\n/);
  assert.match(zsh, 'bashcompinit');
  const fish = await scriptFor('fish');
  assert.match(fish, "complete -c pistack -n __fish_use_subcommand -a encode -d 'print the request frame");
  assert.match(fish, "-l stack -r -F -a 'default single'");
  assert.match(fish, "-n '__fish_seen_subcommand_from get' -a 'HBT_TIME");
  assert.match(fish, "remove a Pi\\'s power", 'quotes escaped the fish way');
});

test('`pistack completion` prints the script; an unknown shell is a usage error naming SHELL', async () => {
  const ran = await cli('completion', 'bash');
  assert.is(ran.code, 0);
  assert.match(ran.out, '_pistack()');
  const bad = await cli('completion', 'tcsh');
  assert.is(bad.code, 2);
  assert.match(bad.err, '"SHELL": unknown shell "tcsh"');
});

test('live progress only on an interactive stderr, without NO_COLOR, TERM=dumb or PISTACK_PROGRESS=plain', () => {
  const tty = { isTTY: true };
  assert.ok(liveProgress({}, tty));
  assert.not.ok(liveProgress({}, { isTTY: false }));
  assert.not.ok(liveProgress({}, {}));
  assert.not.ok(liveProgress({ NO_COLOR: '1' }, tty));
  assert.ok(liveProgress({ NO_COLOR: '' }, tty), 'an empty NO_COLOR is unset (no-color.org)');
  assert.not.ok(liveProgress({ TERM: 'dumb' }, tty));
  assert.not.ok(liveProgress({ PISTACK_PROGRESS: 'plain' }, tty));
});

test('fuzz --quiet prints no progress, only the summary on stdout', async () => {
  const out = mkdtempSync(join(tmpdir(), 'pistack-quiet-'));
  try {
    const args = ['fuzz', '--runs', '2', '--workers', '1', '--target', 'parser', '--seed', '3', '--out', out];
    const loud = await cli(...args);
    assert.is(loud.code, 0, loud.err);
    assert.match(loud.err, 'pistack fuzz: seed 3');
    const quiet = await cli(...args, '--quiet');
    assert.is(quiet.code, 0, quiet.err);
    assert.is(quiet.err, '');
    assert.match(quiet.out, /runs, seed 3: no failures/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test.run();
