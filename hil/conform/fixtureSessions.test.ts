/**
 * Conformance in CI (issue 12 item 3): every recorded session in fixtures/sessions/ is a
 * conformance case run through `conformSessions`, as `pistack conform` runs it.
 * - The stand-ins (`standin-*.jsonl`, recorded over the real serialport from `pistack serve
 *   --pty` running a profile that differs from v4-reference in one ASSUMED field, saved beside
 *   each as `standin-*.profile.json`) conform to their own profile; against v4-reference each
 *   diverges, shrinks to a handful of exchanges, names its own field first and gets a proposed
 *   profile under which it conforms; the one recorded on v4-reference conforms (no false alarm
 *   under the PTY's timing jitter).
 * - A lab's own recordings (any other `NAME.jsonl`, with optional `NAME.profile.json` and
 *   `NAME.stack.json` beside it) must conform: the model must not drift from what a real board did.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadProfile, loadStack } from '../../cli/simFiles.ts';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import { SINGLE_BOARD_STACK } from '../../board-model/stack.ts';
import { conformSessions } from './conform.ts';
import { loadRecording } from './loadSession.ts';

const DIR = new URL('../../fixtures/sessions/', import.meta.url);
const path = (name: string): string => new URL(name, DIR).pathname;
const sessions = readdirSync(DIR).filter((f) => f.endsWith('.jsonl')).sort();
const standIns = sessions.filter((f) => f.startsWith('standin-'));
const labRecordings = sessions.filter((f) => !f.startsWith('standin-'));
/** At most this many exchanges after shrinking ("a handful"). */
const HANDFUL = 6;

/** The dotted path of the one field a stand-in profile file sets besides base, name and description. */
function standInField(json: Record<string, unknown>): string {
  const leaf = (value: unknown, at: string): string =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? leaf(Object.values(value)[0], `${at}.${Object.keys(value)[0]}`) : at;
  const keys = Object.keys(json).filter((k) => !['base', 'name', 'description', '$schema'].includes(k));
  return keys.length === 0 ? '' : leaf(json[keys[0]!], keys[0]!);
}

test('fixtures/sessions holds the reference take and stand-ins for at least eight ASSUMED fields', () => {
  assert.ok(standIns.includes('standin-v4-reference.jsonl'));
  assert.ok(standIns.length >= 9, `${standIns.length} stand-ins`);
});

for (const file of standIns) {
  const name = file.replace(/\.jsonl$/, '');
  test(`${file}: conforms to the profile it was served with; against v4-reference the divergence is shrunk, diagnosed and patched`, () => {
    const session = loadRecording(path(file));
    const own = loadProfile(path(`${name}.profile.json`));
    const mine = conformSessions([session], { profile: own, stack: SINGLE_BOARD_STACK }).report;
    assert.is(mine.diverged, false, `against its own profile: ${mine.firstDivergence?.words}`);
    const field = standInField(JSON.parse(readFileSync(path(`${name}.profile.json`), 'utf8')) as Record<string, unknown>);
    const { report, proposed } = conformSessions([session], { profile: V4_REFERENCE, stack: SINGLE_BOARD_STACK, shrink: true, diagnose: true });
    if (field === '') {
      assert.is(report.diverged, false, `the reference take against v4-reference: ${report.firstDivergence?.words}`);
      return;
    }
    assert.ok(report.diverged, `${field}: diverges from v4-reference`);
    assert.ok(report.shrunk!.exchanges <= HANDFUL, `shrunk to ${report.shrunk!.exchanges} exchanges`);
    assert.is(report.suspects[0]?.field, field, `first suspect: ${JSON.stringify(report.suspects.slice(0, 3))}`);
    assert.ok(proposed, `a proposed profile (${report.diagnosis?.unexplained})`);
    assert.is(conformSessions([session], { profile: proposed, stack: SINGLE_BOARD_STACK }).report.diverged, false, 'conforms under the proposed profile');
  });
}

for (const file of labRecordings) {
  const name = file.replace(/\.jsonl$/, '');
  test(`lab recording ${file}: the model conforms (it must not drift from what a real board did)`, () => {
    const profile = existsSync(path(`${name}.profile.json`)) ? loadProfile(path(`${name}.profile.json`)) : undefined;
    const stack = existsSync(path(`${name}.stack.json`)) ? loadStack(path(`${name}.stack.json`), profile) : undefined;
    const { report } = conformSessions([loadRecording(path(file))], { profile, stack });
    assert.is(report.diverged, false, report.firstDivergence?.words);
  });
}

test.run();
