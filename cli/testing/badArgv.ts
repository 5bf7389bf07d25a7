/**
 * Every pistack command as data for the robustness suite (cli/robustness.test.ts): a valid
 * base command line that finishes quickly on `sim:`, and the options ("slots") a user can get
 * wrong, each with the bad values or bad files it is tried with. A case is the base line with one
 * slot replaced by a bad value; it must fail with exit 1 (or 2), a message naming the option or
 * the file, no stack trace, and no file replaced.
 */
import { join } from 'node:path';
import type { BadFileKind } from './badFiles.ts';

/**
 * One thing the user types: an option (`--id`) or a positional argument (`FILE`, index `at`).
 * `input` slots take bad files to read, `output` slots bad places to write, `value` slots the
 * listed values. `kinds` are the bad-file kinds tried (others may be valid there, e.g. an
 * existing directory for `--out DIR`). `drop` removes base options that would fail first.
 */
export interface Slot {
  readonly option: string;
  readonly kind: 'input' | 'output' | 'value';
  readonly at?: number;
  readonly values?: readonly string[];
  readonly kinds?: readonly BadFileKind[];
  readonly drop?: readonly string[];
  /** Other words that name this slot in a message (e.g. the positional's label). */
  readonly names?: readonly string[];
}

/** A command: its base line (options, then positionals) given a fresh scratch folder, and its slots. */
export interface CommandCase {
  readonly command: string;
  base(scratch: string, fixtures: Fixtures): { options: Record<string, string | true>; positionals: string[] };
  readonly slots: readonly Slot[];
  /** Serves or taps until stopped: only cases that fail before starting are tried. */
  readonly runsForever?: boolean;
}

/** Valid files the base lines need (made by the suite before the cases). */
export interface Fixtures {
  /** A short recorded session on sim: (replay's FILE). */
  readonly session: string;
}

const INPUT_KINDS: readonly BadFileKind[] = ['missing', 'empty', 'directory', 'binary', 'truncated', 'wrongShape', 'wrongArray', 'huge'];
/** Places a FILE output must refuse: an existing file (never replaced), a folder, a missing folder. */
export const OUTPUT_FILE_KINDS: readonly BadFileKind[] = ['empty', 'binary', 'huge', 'directory', 'missingDir'];
/** Places a DIR output must refuse: an existing regular file. */
export const OUTPUT_DIR_KINDS: readonly BadFileKind[] = ['empty', 'binary', 'huge'];

const ESC = '\u001b[2J\u001b]0;pwned\u0007';
/** Values no integer option accepts. */
export const BAD_INTEGERS = ['', 'abc', '-1', '1.5', '0x', '99999999999999999999999', 'NaN', ESC, '1e999'] as const;
const BAD_IDS = [...BAD_INTEGERS, '255', '0xFF', '300'];
const BAD_PIS = ['2', '-1', 'abc', '', ESC];
const BAD_PORTS = ['/dev/null', '/dev/pistack-no-such-device', 'tcp://127.0.0.1:1', 'tcp://', 'nonsense:', ESC];
const BAD_TIMES = ['', 'abc', '-1s', '1x', ESC, '1s2'];

const input = (option: string, extra: Partial<Slot> = {}): Slot => ({ option, kind: 'input', kinds: INPUT_KINDS, ...extra });
const value = (option: string, values: readonly string[], extra: Partial<Slot> = {}): Slot => ({ option, kind: 'value', values, ...extra });

/** The slots every host command shares (hostCommand.ts). */
const HOST_SLOTS: readonly Slot[] = [
  value('--port', BAD_PORTS, { drop: ['--stack', '--profile', '--seed'] }),
  value('--reply-timeout', [...BAD_INTEGERS, '0', '600000']),
  value('--seed', BAD_INTEGERS),
  input('--stack'),
  input('--profile'),
  { option: '--record', kind: 'output', kinds: OUTPUT_FILE_KINDS },
];

const sim = { '--port': 'sim:' } as const;
const board = { '--port': 'sim:', '--id': '0' } as const;
const none = (): { options: Record<string, string | true>; positionals: string[] } => ({ options: {}, positionals: [] });

/** Host commands that act on one Pi (`--id`, `--pi`). */
const PI_COMMANDS = ['pi-on', 'pi-off', 'pi-force-off', 'send-sig'].map((command): CommandCase => ({
  command,
  base: () => ({ options: { ...board, '--pi': '0' }, positionals: [] }),
  slots: [value('--id', BAD_IDS), value('--pi', BAD_PIS), ...HOST_SLOTS],
}));

/** Every command of pistack (the suite checks that none is missing). */
export const COMMAND_CASES: readonly CommandCase[] = [
  { command: 'demo', base: none, slots: [value('--seed', BAD_INTEGERS)] },
  {
    command: 'sim',
    base: () => ({ options: { '--duration': '1s', '--quiet': true }, positionals: [] }),
    slots: [input('--stack'), input('--profile'), input('--scenario'), value('--duration', BAD_TIMES), value('--seed', BAD_INTEGERS), value('--poll', BAD_TIMES)],
  },
  {
    command: 'serve',
    runsForever: true,
    base: () => ({ options: { '--tcp': '127.0.0.1:0' }, positionals: [] }),
    slots: [
      input('--stack'), input('--profile'), input('--scenario'), value('--seed', BAD_INTEGERS), value('--speed', ['abc', '-1', '0', '', 'NaN', ESC]),
      value('--tcp', ['abc', '127.0.0.1:99999', 'x:y', ':-1', ESC]), { option: '--state', kind: 'output', kinds: OUTPUT_DIR_KINDS },
    ],
  },
  {
    command: 'viz',
    runsForever: true,
    base: (scratch) => ({ options: { '--out': join(scratch, 'viz') }, positionals: [] }),
    slots: [input('--stack'), input('--profile'), input('--scenario'), value('--seed', BAD_INTEGERS), value('--listen', ['abc', '127.0.0.1:99999', 'x:y', ESC], { drop: ['--out'] })],
  },
  { command: 'chart', base: (scratch) => ({ options: { '--out': join(scratch, 'charts'), '--dot-only': true }, positionals: [] }), slots: [{ option: '--out', kind: 'output', kinds: OUTPUT_DIR_KINDS }] },
  {
    command: 'scan',
    base: () => ({ options: { ...sim, '--range': '0-1' }, positionals: [] }),
    slots: [value('--range', ['abc', '5-2', '0-255', '-1', '', '0-1-2', ESC]), ...HOST_SLOTS],
  },
  { command: 'status', base: () => ({ options: { ...board }, positionals: [] }), slots: [value('--id', BAD_IDS), ...HOST_SLOTS] },
  ...PI_COMMANDS,
  {
    command: 'get',
    base: () => ({ options: { ...board, '--pi': '0' }, positionals: ['HBT_TIME'] }),
    slots: [value('SETTING', ['NOPE', '', ESC], { at: 0 }), value('--id', BAD_IDS), value('--pi', BAD_PIS), ...HOST_SLOTS],
  },
  {
    command: 'set',
    base: () => ({ options: { ...board, '--pi': '0' }, positionals: ['HBT_TIME', '30'] }),
    slots: [value('SETTING', ['NOPE', '', ESC], { at: 0 }), value('VALUE', ['abc', '-1', '99999999', '', ESC], { at: 1 }), value('--id', BAD_IDS), value('--pi', BAD_PIS), ...HOST_SLOTS],
  },
  { command: 'errors', base: () => ({ options: { ...board }, positionals: [] }), slots: [value('--id', BAD_IDS), ...HOST_SLOTS] },
  { command: 'ports', base: none, slots: [] },
  {
    command: 'pdu',
    runsForever: true,
    base: () => ({ options: { ...sim, '--listen': '127.0.0.1:0', '--range': '0-1' }, positionals: [] }),
    slots: [
      value('--listen', ['abc', '127.0.0.1:99999', 'x:y', '0.0.0.0:0', '192.0.2.1:80', ESC]), value('--range', ['abc', '5-2', '0-255', '', ESC]),
      value('--off-timeout', [...BAD_INTEGERS, '0']), value('--metrics-max-age', BAD_INTEGERS), ...HOST_SLOTS.filter((s) => s.option !== '--record'),
    ],
  },
  {
    command: 'tap',
    runsForever: true,
    base: (scratch) => ({ options: { '--port': '/dev/pistack-no-such-device', '--pty': join(scratch, 'ttyTAP'), '--out': join(scratch, 'tap.jsonl') }, positionals: [] }),
    slots: [value('--port', BAD_PORTS), { option: '--out', kind: 'output', kinds: OUTPUT_FILE_KINDS }],
  },
  {
    command: 'replay',
    base: (scratch, fixtures) => ({ options: { ...sim }, positionals: [fixtures.session] }),
    slots: [
      input('FILE', { at: 0 }), input('--tolerance'), value('--timing', ['abc', '', ESC]), { option: '--junit', kind: 'output', kinds: ['directory', 'missingDir'] },
      ...HOST_SLOTS.filter((s) => s.option !== '--port'), value('--port', BAD_PORTS.filter((p) => p !== 'nonsense:'), { drop: ['--stack', '--profile', '--seed'] }),
    ],
  },
  {
    command: 'conform',
    base: (scratch, fixtures) => ({ options: { '--shrink': true, '--out': join(scratch, 'conform-out') }, positionals: [fixtures.session] }),
    slots: [
      input('SESSION', { at: 0 }), input('--profile'), input('--stack'), input('--tolerance'),
      { option: '--junit', kind: 'output', kinds: ['directory', 'missingDir'] }, { option: '--out', kind: 'output', kinds: OUTPUT_DIR_KINDS },
    ],
  },
  {
    command: 'bench',
    base: (scratch) => ({ options: { ...board, '--no-prompt': true, '--report': join(scratch, 'reports') }, positionals: [] }),
    slots: [
      input('--plan'), input('--stack'), input('--profile'), value('--id', BAD_IDS), value('--reply-timeout', BAD_INTEGERS), value('--seed', BAD_INTEGERS),
      value('--port', BAD_PORTS, { drop: ['--stack', '--profile', '--seed'] }),
    ],
  },
  {
    command: 'bench-summary',
    base: (scratch) => ({ options: { '--html': join(scratch, 'batch.html') }, positionals: [scratch] }),
    slots: [input('DIR', { at: 0 }), { option: '--html', kind: 'output', kinds: OUTPUT_FILE_KINDS }, { option: '--csv', kind: 'output', kinds: OUTPUT_FILE_KINDS }],
  },
  {
    command: 'characterize',
    base: (scratch) => ({ options: { ...board, '--out': join(scratch, 'measured.json') }, positionals: [] }),
    slots: [input('--stack'), input('--profile'), value('--id', BAD_IDS), value('--pi', BAD_PIS), value('--poll', ['abc', '0', '-1', '', ESC]), value('--seed', BAD_INTEGERS)],
  },
  {
    command: 'fuzz',
    base: (scratch) => ({ options: { '--runs': '1', '--seed': '1', '--workers': '1', '--target': 'parser', '--out': join(scratch, 'found') }, positionals: [] }),
    slots: [
      value('--runs', [...BAD_INTEGERS, '0']), value('--seed', BAD_INTEGERS), value('--workers', [...BAD_INTEGERS, '0', '65']), value('--minutes', ['abc', '0', '-1', '', ESC], { drop: ['--runs'] }),
      value('--target', ['', 'nope', ',', ' , ', ESC]), value('--port', BAD_PORTS, { drop: ['--target', '--workers'] }), value('--id', BAD_IDS, { drop: ['--target', '--workers'], names: ['--port'] }),
      input('--profile'), input('--replay'),
    ],
  },
  {
    command: 'coverage',
    base: (_scratch, fixtures) => ({ options: { '--session': fixtures.session, '--stack': 'single' }, positionals: [] }),
    slots: [
      input('--session'), input('--fuzz'), input('--stack'), input('--profile'), { option: '--html', kind: 'output', kinds: OUTPUT_FILE_KINDS },
    ],
  },
  {
    command: 'encode',
    base: () => ({ options: { '--id': '0' }, positionals: ['GET_ID'] }),
    slots: [value('COMMAND', ['NOPE', '', ESC], { at: 0 }), value('--id', BAD_IDS), value('--pi', BAD_PIS)],
  },
  {
    command: 'decode',
    base: () => ({ options: {}, positionals: ['02 00 03 AD'] }),
    slots: [value('HEX', ['ZZ', '', ESC, '0x', 'G0'], { at: 0 }), value('--reply-to', ['NOPE', '', ESC])],
  },
  { command: 'check-vectors', base: none, slots: [input('--vectors')] },
  {
    command: 'completion',
    base: () => ({ options: {}, positionals: ['bash'] }),
    slots: [value('SHELL', ['tcsh', '', ESC, 'BASH'], { at: 0 })],
  },
];

/** Options that cannot work on any command (commander must name them). */
export const BAD_OPTION_NAMES = ['--bogus', '--ID', '-x', '--json=maybe', `--${ESC}`] as const;

/** The command line of `c` with `slot` set to `text`. */
export function argvWith(c: CommandCase, scratch: string, fixtures: Fixtures, slot: Slot | undefined, text: string | undefined): string[] {
  const { options, positionals } = c.base(scratch, fixtures);
  const opts = { ...options };
  for (const d of slot?.drop ?? []) delete opts[d];
  const pos = [...positionals];
  if (slot !== undefined && text !== undefined) {
    if (slot.at !== undefined) pos[slot.at] = text;
    else opts[slot.option] = text;
  }
  const argv = [c.command];
  for (const [k, v] of Object.entries(opts)) argv.push(...(v === true ? [k] : [k, v]));
  // positionals after `--`, so that a value such as "-1" is not taken for an option
  return pos.length ? [...argv, '--', ...pos] : argv;
}
