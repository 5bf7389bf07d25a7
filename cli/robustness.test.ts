/**
 * The CLI robustness suite (issue 10, "Tests that keep it so"): for every command, fast-check
 * draws bad command lines (bad option names, options without their argument, bad values, bad
 * files from a small corpus made at test time: missing, empty, a folder, binary with terminal
 * escapes, truncated, wrong shape, huge) and runs them in-process. Each must end with exit code 1
 * (or 2 for usage), an "error: " message naming the option or the file, no stack trace, no raw
 * control character, nothing replaced in the corpus, within a time bound. (Closed and full stdout:
 * cli/pipeClosed.test.ts.)
 *
 * Reproduce a failure with FC_SEED=<seed> (default 42, printed with every failure);
 * ROBUSTNESS_RUNS=<n> sets the cases per command (default 25).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createProgram } from './pistack.ts';
import { BAD_OPTION_NAMES, COMMAND_CASES, argvWith, type CommandCase, type Fixtures, type Slot } from './testing/badArgv.ts';
import { BAD_FILE_KINDS, fingerprint, makeBadFiles, replacedFiles, type BadFileKind, type BadFiles } from './testing/badFiles.ts';
import { CASE_TIMEOUT_MS, failureProblems } from './testing/checkFailure.ts';
import { cli, type Ran } from './testing/runCli.ts';

const SEED = Number(process.env['FC_SEED'] ?? 42);
const RUNS_PER_COMMAND = Number(process.env['ROBUSTNESS_RUNS'] ?? 25);
process.env['PISTACK_PROGRESS'] = 'plain';

const root = mkdtempSync(join(tmpdir(), 'pistack-robustness-'));
const corpusDir = join(root, 'corpus');
const scratchRoot = join(root, 'scratch');
mkdirSync(corpusDir);
mkdirSync(scratchRoot);
// at exit rather than in an after hook: uvu skips a suite's after hook when one of its tests fails
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
let bad: BadFiles;
let fixtures: Fixtures;
let contentBefore: Map<string, string>;

/** One drawn case: a slot set to a bad value, a bad option name, or an option left without its argument. */
type Case =
  | { readonly type: 'slot'; readonly slot: Slot; readonly text: string; readonly kind?: BadFileKind }
  | { readonly type: 'badOption'; readonly name: string; readonly at: number }
  | { readonly type: 'missingArgument'; readonly option: string };

function slotCases(c: CommandCase): Case[] {
  return c.slots.flatMap((slot) => slot.kind === 'value'
    ? (slot.values ?? []).map((text) => ({ type: 'slot' as const, slot, text }))
    : (slot.kinds ?? BAD_FILE_KINDS).map((kind) => ({ type: 'slot' as const, slot, text: bad.paths[kind], kind })));
}

function arbCase(c: CommandCase): fc.Arbitrary<Case> {
  const valued = Object.entries(c.base(scratchRoot, fixtures).options).filter(([, v]) => v !== true).map(([k]) => k);
  const options: Array<fc.Arbitrary<Case>> = [
    fc.record({ type: fc.constant('badOption' as const), name: fc.constantFrom(...BAD_OPTION_NAMES), at: fc.nat({ max: 8 }) }),
  ];
  if (valued.length > 0) options.push(fc.constantFrom(...valued).map((option): Case => ({ type: 'missingArgument', option })));
  const slots = slotCases(c);
  return slots.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...slots), weight: 4 }, ...options.map((arbitrary) => ({ arbitrary, weight: 1 }))) : fc.oneof(...options);
}

/** The argv of a case and the words its message may name it by. */
function argvOf(c: CommandCase, k: Case, scratch: string): { argv: string[]; names: string[] } {
  if (k.type === 'slot') {
    const names = [k.slot.option, ...(k.slot.names ?? []), ...(k.kind ? [basename(k.text)] : []), ...(k.slot.option === '--port' && k.text.length > 2 ? [k.text] : [])];
    return { argv: argvWith(c, scratch, fixtures, k.slot, k.text), names };
  }
  const argv = argvWith(c, scratch, fixtures, undefined, undefined);
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  if (k.type === 'missingArgument') {
    const i = argv.indexOf(k.option);
    const rest = [...argv.slice(0, i), ...argv.slice(i + 2)];
    return { argv: [...rest.slice(0, end - 2), k.option, ...rest.slice(end - 2)], names: [k.option] };
  }
  // between two options (or after the command), never between an option and its value
  const boundaries = [...argv.keys()].filter((i) => i >= 1 && i <= end && (i === end || argv[i]!.startsWith('-')));
  const at = boundaries[k.at % boundaries.length] ?? end;
  return { argv: [...argv.slice(0, at), k.name, ...argv.slice(at)], names: [k.name.split('=')[0]!.replace(/[\u0000-\u001f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)] };
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still running after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Run one bad command line in-process; the problems with how it failed (empty when it failed well). */
async function tryCase(argv: string[], names: string[], corpus = corpusDir): Promise<{ ran: Ran; problems: string[] }> {
  const before = fingerprint(corpus, true);
  const ran = await withTimeout(cli(...argv), CASE_TIMEOUT_MS, argv.join(' '));
  const problems = failureProblems(ran, names);
  const replaced = replacedFiles(before, fingerprint(corpus, true));
  if (replaced.length > 0) problems.push(`replaced ${replaced.join(', ')}`);
  return { ran, problems };
}

function report(argv: string[], ran: Ran, problems: string[]): string {
  return `pistack ${argv.map((a) => JSON.stringify(a)).join(' ')}\n  ${problems.join('\n  ')}\n  stderr: ${JSON.stringify(ran.err.slice(0, 600))}\n  (FC_SEED=${SEED})`;
}

// ---- bad command lines, in-process ----

const badArgv = suite('bad command lines');

badArgv.before(async () => {
  bad = makeBadFiles(corpusDir);
  const session = join(corpusDir, 'session.jsonl');
  const recorded = await cli('errors', '--port', 'sim:', '--id', '0', '--record', session);
  assert.is(recorded.code, 0, recorded.err);
  fixtures = { session };
  contentBefore = fingerprint(corpusDir);
});

badArgv('the table covers every command of pistack', () => {
  const registered = createProgram().commands.map((c) => c.name()).sort();
  assert.equal(COMMAND_CASES.map((c) => c.command).sort(), registered);
});

for (const c of COMMAND_CASES) {
  badArgv(`${c.command}: bad argv exits 1 (or 2) naming the option or file, no stack trace, nothing replaced${c.runsForever ? ' (only cases that fail before starting)' : ''}`, async () => {
    await fc.assert(
      fc.asyncProperty(arbCase(c), async (k) => {
        const scratch = mkdtempSync(join(scratchRoot, `${c.command}-`));
        const { argv, names } = argvOf(c, k, scratch);
        const { ran, problems } = await tryCase(argv, names);
        if (problems.length > 0) throw new Error(report(argv, ran, problems));
      }),
      { seed: SEED, numRuns: RUNS_PER_COMMAND },
    );
  });
}

badArgv('a session line with a crafted field name is named escaped (no escape sequence reaches the terminal)', async () => {
  const header = readFileSync(fixtures.session, 'utf8').split('\n')[0]!;
  const session = join(mkdtempSync(join(scratchRoot, 'keys-')), 'crafted.jsonl');
  writeFileSync(session, `${header}\n${JSON.stringify({ t: 1, dir: 'host', hex: '020003ad', '\u001b]0;owned\u0007': 1 })}\n`);
  const line = ['replay', session, '--port', 'sim:'];
  const { ran, problems } = await tryCase(line, ['crafted.jsonl']);
  assert.equal(problems, [], report(line, ran, problems));
  assert.match(ran.err, 'unknown field "\\x1B]0;owned\\x07"');
});

badArgv('the corpus files have the same content after every case (SHA-256)', () => {
  assert.equal(replacedFiles(contentBefore, fingerprint(corpusDir)), []);
});

badArgv.run();

// ---- outputs over existing files, and one rule for times ----

const outputs = suite('outputs never replaced; one rule for times');

/** An existing file given as an output (FILE or DIR) is refused before any work, named, and kept. */
const OUTPUT_OVER_EXISTING: ReadonlyArray<{ command: string; argv: () => string[]; option: string; kinds: readonly BadFileKind[] }> = [
  { command: 'characterize', option: '--out', kinds: ['binary', 'empty', 'directory', 'missingDir'], argv: () => ['characterize', '--port', 'sim:', '--id', '0'] },
  { command: 'replay', option: '--junit', kinds: ['binary', 'empty', 'huge'], argv: () => ['replay', fixtures.session, '--port', 'sim:'] },
  { command: 'bench', option: '--report', kinds: ['binary', 'empty', 'huge'], argv: () => ['bench', '--port', 'sim:', '--id', '0', '--no-prompt'] },
  { command: 'fuzz', option: '--out', kinds: ['binary', 'empty', 'huge'], argv: () => ['fuzz', '--runs', '1', '--seed', '1', '--workers', '1', '--target', 'parser'] },
];

/** A fresh corpus of its own for a case that may replace files (on a branch without the fix). */
function ownCorpus(): BadFiles {
  return makeBadFiles(mkdtempSync(join(scratchRoot, 'own-')));
}

for (const { command, argv, option, kinds } of OUTPUT_OVER_EXISTING) {
  outputs(`${command} ${option} over an existing file, a folder or a missing folder: refused up front, nothing replaced`, async () => {
    const own = ownCorpus();
    for (const kind of kinds) {
      const line = [...argv(), option, own.paths[kind]];
      const { ran, problems } = await tryCase(line, [option, basename(own.paths[kind])], own.dir);
      assert.equal(problems, [], report(line, ran, problems));
      assert.not.match(ran.out + ran.err, /\[ ?1\/\d+\]|characterize: versions/, 'refused before touching the board');
    }
  });
}

outputs('replay --junit naming the session itself is refused (regression: the recording was replaced by JUnit XML)', async () => {
  const own = ownCorpus();
  const session = join(own.dir, 'session.jsonl');
  copyFileSync(fixtures.session, session);
  const line = ['replay', session, '--port', 'sim:', '--junit', session];
  const { ran, problems } = await tryCase(line, ['--junit'], own.dir);
  assert.equal(problems, [], report(line, ran, problems));
});

outputs('a refusal to replace a file names the option that allows it (--overwrite)', async () => {
  const own = ownCorpus();
  const line = ['scan', '--port', 'sim:', '--range', '0-1', '--record', own.paths.binary];
  const { ran } = await tryCase(line, ['--record'], own.dir);
  assert.match(ran.err, /--overwrite/);
});

outputs('sim --duration "" and --poll "" are refused like any bad time (one rule)', async () => {
  for (const line of [['sim', '--duration', '', '--quiet'], ['sim', '--duration', '1s', '--poll', '', '--quiet']]) {
    const { ran, problems } = await tryCase(line, [line.includes('--poll') ? '--poll' : '--duration']);
    assert.equal(problems, [], report(line, ran, problems));
  }
});

outputs.run();

