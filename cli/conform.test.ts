/**
 * `pistack conform`: exit codes and outputs in-process on sim: recordings, and one end-to-end run
 * over a real PTY: `pistack serve --pty` running a profile with a 16-slot error log stands in for
 * a real board, host commands record over the real serialport (9600-baud pacing by serve), and
 * conform finds the divergence and names errorLog.size; the same commands against a served
 * v4-reference conform despite the PTY's timing jitter.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServeChild } from '../hil/serve/testing/hostSide.ts';
import { cli } from './testing/runCli.ts';
import { parseProfile } from '../board-model/profiles.ts';
import { recordOnSimStack } from '../hil/standins/recordSequence.ts';
import { STANDINS, standinProfileJson } from '../hil/standins/standins.ts';
import { formatSession } from '../hil/session/sessionFormat.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-conform-cli-'));
const BIN = resolve(fileURLToPath(import.meta.url), '../../bin/pistack.js');
let n = 0;
const fresh = (name: string) => join(dir, `${n++}-${name}`);

interface Report {
  diverged: boolean;
  exchanges: number;
  firstDivergence: { exchange: number; field: string; words: string } | null;
  shrunk: { exchanges: number; originalExchanges: number; file: string } | null;
  suspects: Array<{ field: string; value: unknown; explains: string }>;
  proposedProfile: { patch: Record<string, unknown>; file: string; verify: string } | null;
  sessions: Array<{ file: string; startingPoint: string[] }>;
}

test('a sim: recording conforms: exit 0, text and --json, JUnit with one passing testcase; the header context picks the model', async () => {
  const session = fresh('status.jsonl');
  assert.is((await cli('status', '--port', 'sim:', '--id', '3', '--record', session)).code, 0);
  const header = JSON.parse(readFileSync(session, 'utf8').split('\n')[0]!) as Record<string, unknown>;
  assert.equal(header['ids'], [3]);
  assert.is(header['profile'], 'v4-reference');
  assert.is(header['firmwareVersion'], 4);
  const text = await cli('conform', session);
  assert.is(text.code, 0, text.err);
  assert.match(text.out, /status\.jsonl: \d+ exchanges, model: profile v4-reference \(session header\); 16 boards \(0, 1, .*\) from the session header, hardware 3\n  conforms\n/);
  const junit = fresh('conform.xml');
  const json = await cli('conform', session, '--json', '--junit', junit);
  const report = JSON.parse(json.out) as Report;
  assert.is(report.diverged, false);
  assert.is(report.firstDivergence, null);
  assert.ok(report.exchanges > 10);
  assert.match(readFileSync(junit, 'utf8'), /<testsuite name="pistack conform"[^>]*tests="1" failures="0"/);
});

test('bad input is exit 2 with a one-line reason: missing file, a session that never reads the firmware, an --out file in the way', async () => {
  const missing = await cli('conform', fresh('nope.jsonl'));
  assert.is(missing.code, 2);
  assert.match(missing.err, /nope\.jsonl: cannot read: no such file/);
  const session = fresh('hbt.jsonl');
  writeFileSync(session, `${JSON.stringify({ format: 'pistack-session', version: 1, baud: 9600, port: '/dev/ttyUSB0', tool: 'pistack-rig', toolVersion: '0.1.0', startedAt: '2026-01-31T12:00:00.000Z', clock: 'wall' })}\n{"t":0,"dir":"host","hex":"0a000388"}\n{"t":11,"dir":"bus","hex":"00ff05631e53"}\n`);
  const unknown = await cli('conform', session);
  assert.is(unknown.code, 2);
  assert.match(unknown.err, /cannot tell which firmware recorded this session .*pass --profile/);
  assert.is((await cli('conform', session, '--profile', 'v4-reference')).code, 0, 'with --profile it runs');
  const out = fresh('out');
  assert.is((await cli('conform', session, '--profile', 'v4-reference', '--diagnose', '--out', out)).code, 0);
  writeFileSync(join(dir, 'taken.json'), '{}');
  const taken = await cli('conform', session, '--profile', 'v4-reference', '--diagnose', '--out', dir);
  assert.not.ok(existsSync(join(dir, 'proposed-profile.json')));
  assert.is(taken.code, 0, 'nothing to write when the model conforms; the folder is only checked');
});

test('a diverging session in text: the divergence, the shrunk file, the suspects, the proposed profile and its verify command (which passes); JUnit failure', async () => {
  const standIn = STANDINS.find((s) => s.field === 'errorLog.size')!;
  const session = fresh('errors.jsonl');
  writeFileSync(session, formatSession(await recordOnSimStack(standIn, parseProfile(standinProfileJson(standIn), standIn.name))));
  const out = fresh('out');
  const junit = fresh('diverges.xml');
  const r = await cli('conform', session, '--profile', 'v4-reference', '--shrink', '--diagnose', '--out', out, '--junit', junit);
  assert.is(r.code, 1, r.err);
  assert.match(r.out, /  diverges \(1 differing\): exchange #3 \(line 6\), GET_ERROR_BUFFER to 0: the board replied OK log=/);
  assert.match(r.out, new RegExp(`shrunk: 2 exchanges \\(of 4\\): ${out}/\\d+-errors\\.shrunk\\.jsonl`));
  assert.match(r.out, /suspects \(most likely first\):\n  1\. errorLog\.size = 16 \(explains every session\)/);
  assert.match(r.out, /proposed profile \(.*proposed-profile\.json\): \{"base":"v4-reference","errorLog":\{"size":16\}\}/);
  assert.match(r.err, /the model diverges from 1 of 1 session \(adopt the proposed profile to make it conform\)/);
  assert.match(readFileSync(junit, 'utf8'), /tests="1" failures="1"/);
  const verify = /verify: pistack (.*)\n/.exec(r.out)![1]!.split(' ');
  assert.is((await cli(...verify)).code, 0, 'the printed verify command passes');
});

/** Serve a single board with `profile` on a fresh PTY, run `work` with its path, stop the server. */
async function served(profile: string, work: (pty: string) => Promise<void>): Promise<void> {
  const link = fresh('ttyPISTACK');
  const server = startServeChild(BIN, ['--pty', link, '--stack', 'single', '--profile', profile]);
  try {
    await server.started;
    await work(link);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

/**
 * The reply-time band for recordings of a served PTY on this loaded machine (fixtures/sessions/
 * tolerance.json, 150 ms): under a load average of ~20 every reply of a short session can come
 * tens of ms late, which conform's wall-clock judgement alone (timingTolerance) may take for a
 * slower firmware; this test is about the error log, and about no false alarm from that jitter.
 */
const PTY_TOLERANCE = resolve(fileURLToPath(import.meta.url), '../../fixtures/sessions/tolerance.json');

/** Record `status` and `errors` of board 0 over the PTY (two sessions). */
async function recordOver(pty: string): Promise<string[]> {
  const files = [fresh('status.jsonl'), fresh('errors.jsonl')];
  for (const [command, file] of [['status', files[0]!], ['errors', files[1]!]] as const) {
    const r = await cli(command, '--port', pty, '--id', '0', '--record', file, '--reply-timeout', '500');
    assert.is(r.code, 0, `${command}: ${r.err}`);
  }
  return files;
}

test('end to end over a PTY: a served board with a 16-slot error log diverges, errorLog.size named, the proposed profile verified; a served v4-reference conforms', async () => {
  const board = fresh('board.json');
  writeFileSync(board, JSON.stringify({ base: 'v4-reference', name: 'stand-in errorLog.size', errorLog: { size: 16 } }));
  let sessions: string[] = [];
  await served(board, async (pty) => void (sessions = await recordOver(pty)));
  const header = JSON.parse(readFileSync(sessions[1]!, 'utf8').split('\n')[0]!) as Record<string, unknown>;
  assert.is(header['clock'], 'wall');
  assert.equal(header['ids'], [0]);
  const out = fresh('out');
  const r = await cli('conform', ...sessions, '--profile', 'v4-reference', '--tolerance', PTY_TOLERANCE, '--shrink', '--diagnose', '--out', out, '--json');
  assert.is(r.code, 1, r.err);
  const report = JSON.parse(r.out) as Report;
  assert.ok(report.diverged);
  const starts = report.sessions.map((s) => s.startingPoint.join('; ')).join(' | ');
  assert.is(report.firstDivergence!.field, 'log', report.firstDivergence!.words);
  assert.ok(report.shrunk!.exchanges <= 3, `shrunk to ${report.shrunk!.exchanges}`);
  assert.is(report.suspects[0]?.field, 'errorLog.size', `${JSON.stringify(report.suspects.slice(0, 3))} (${report.firstDivergence!.words}; ${starts})`);
  assert.equal(report.proposedProfile!.patch, { base: 'v4-reference', errorLog: { size: 16 } });
  assert.ok(existsSync(report.shrunk!.file));
  const verify = await cli('conform', ...sessions, '--profile', report.proposedProfile!.file, '--tolerance', PTY_TOLERANCE);
  assert.is(verify.code, 0, verify.out + verify.err);
  const shrunk = await cli('replay', report.shrunk!.file, '--port', 'sim:', '--stack', 'single', '--timing', 'asap');
  assert.is(shrunk.code, 1, 'the shrunk session still differs from v4-reference when replayed');
  assert.match(shrunk.out + shrunk.err, /log: recorded/);
  const again = await cli('conform', ...sessions, '--profile', 'v4-reference', '--tolerance', PTY_TOLERANCE, '--shrink', '--out', out);
  assert.is(again.code, 2, 'the shrunk file is not replaced without --overwrite');
  assert.match(again.err, /"--out": .*errors\.shrunk\.jsonl exists; pass --overwrite to replace it/);

  let reference: string[] = [];
  await served('v4-reference', async (pty) => void (reference = await recordOver(pty)));
  const fine = await cli('conform', ...reference, '--profile', 'v4-reference', '--tolerance', PTY_TOLERANCE);
  assert.is(fine.code, 0, fine.out + fine.err);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
