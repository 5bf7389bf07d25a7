/**
 * `pistack replay`: sessions recorded against `sim:` replay against `sim:` with no difference
 * (recorded and asap timing); a tampered reply, a different stack or a changed setting is a
 * mismatch with a readable diff, exit 1 and a JUnit failure; analog readings pass within their
 * band and a tolerance file widens it; bad session and tolerance files are explained.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { V4_REFERENCE } from '../board-model/profiles.ts';
import { DEFAULT_SEED } from '../board-model/scenario.ts';
import { DEFAULT_STACK } from '../board-model/stack.ts';
import { encodeOkResponse } from '../bus-protocol/frame.ts';
import { serve } from '../hil/serve/serve.ts';
import { formatSession, parseSession, type RecordedEvent } from '../hil/session/sessionFormat.ts';
import { cli } from './testing/runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'pistack-replay-cli-'));
let files = 0;
const newPath = (ext = 'jsonl') => join(dir, `f-${++files}.${ext}`);

/** Run a host command against sim: with --record; returns the session file. */
async function record(...args: string[]): Promise<string> {
  const path = newPath();
  const r = await cli(...args, '--record', path);
  assert.is(r.code, 0, `${args.join(' ')}: ${r.err}`);
  return path;
}

/** Rewrite the reply to the first request whose note starts with `request`. */
function tamper(path: string, request: string, reply: Uint8Array): string {
  const session = parseSession(readFileSync(path, 'utf8'), path);
  const at = session.events.findIndex((e) => e.dir === 'host' && e.note?.startsWith(request));
  assert.ok(at >= 0, `no ${request} in ${path}`);
  const events: RecordedEvent[] = session.events.map((e, i) => (i === at + 1 ? { ...e, bytes: reply, note: 'tampered' } : e));
  const out = newPath();
  writeFileSync(out, formatSession({ header: session.header, events, end: session.end }));
  return out;
}

function rawOf(path: string, request: string): number {
  const session = parseSession(readFileSync(path, 'utf8'), path);
  const at = session.events.findIndex((e) => e.dir === 'host' && e.note?.startsWith(request));
  const reply = session.events[at + 1]!.bytes;
  return (reply[3]! << 8) | reply[4]!;
}

test('sessions recorded against sim: replay against sim: with no differences, recorded and asap timing', async () => {
  const sessions = [
    await record('status', '--port', 'sim:', '--id', '3'),
    await record('scan', '--port', 'sim:', '--range', '12-17'),
    await record('set', 'HBT_TIME', '45', '--port', 'sim:', '--id', '2', '--pi', '1'),
    await record('pi-on', '--port', 'sim:', '--id', '5', '--pi', '0'),
    await record('errors', '--port', 'sim:', '--id', '7'),
  ];
  for (const path of sessions) {
    for (const timing of ['recorded', 'asap']) {
      const r = await cli('replay', path, '--port', 'sim:', '--timing', timing);
      assert.is(r.code, 0, `${path} ${timing}: ${r.out}${r.err}`);
      assert.match(r.out, new RegExp(`^replayed (\\d+) exchanges? of .* against sim:, timing ${timing}\\n(\\d+) matched, 0 mismatched in `));
      const [, total, matched] = /replayed (\d+) [\s\S]*\n(\d+) matched/.exec(r.out)!;
      assert.is(matched, total);
    }
  }
  const junit = newPath('xml');
  const r = await cli('replay', sessions[0]!, '--port', 'sim:', '--junit', junit, '--json');
  assert.is(r.code, 0);
  assert.equal(JSON.parse(r.out).mismatches, []);
  const xml = readFileSync(junit, 'utf8');
  assert.match(xml, /<testsuite name="pistack replay f-\d+\.jsonl against sim:" [^>]*tests="33" failures="0"/);
  assert.is(xml.match(/<testcase /g)?.length, 33);
  assert.match(xml, /<testcase classname="replay\.f-\d+" name="#5 GET_VIN to 3" time="0\.0\d*"\/>/);
});

test('a 2 h session with gaps over 1 h replays against sim: with recorded timing (issue 10 item 3: no virtual-time ceiling)', async () => {
  // Guards against "simulation: nothing settled within 3600000 ms" for long sessions on sim:.
  const path = await record('pi-on', '--port', 'sim:', '--id', '5', '--pi', '0');
  const session = parseSession(readFileSync(path, 'utf8'), path);
  const span = session.events.at(-1)!.t + 1;
  const GAP_MS = 3_700_000;
  const events = [0, 1, 2].flatMap((k) => session.events.map((e) => ({ ...e, t: e.t + k * (span + GAP_MS) })));
  const long = newPath();
  const end = session.end ? { ...session.end, t: events.at(-1)!.t + 1 } : undefined;
  writeFileSync(long, formatSession({ header: session.header, events, end }));
  const r = await cli('replay', long, '--port', 'sim:', '--timing', 'recorded');
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, /replayed (\d+) exchanges[\s\S]*\n(\d+) matched, 0 mismatched/);
  assert.not.match(r.err, /nothing settled|\n\s+at /);
});

test('a tampered analog reading outside its band is a mismatch: diff, exit 1, JUnit failure; inside the band it passes', async () => {
  const path = await record('status', '--port', 'sim:', '--id', '3');
  const raw = rawOf(path, 'GET_VIN');
  const far = tamper(path, 'GET_VIN', encodeOkResponse('GET_VIN', { raw: Math.round(raw * 1.1) }));
  const junit = newPath('xml');
  const r = await cli('replay', far, '--port', 'sim:', '--junit', junit);
  assert.is(r.code, 1);
  assert.match(r.out, /mismatch #5 GET_VIN to 3 \(line 10\):\n  raw: recorded \d+ \(13\.\d{3} V\), now \d+ \(12\.\d{3} V\); off by \d+ counts \(9\.\d %\), allowed ±\d+ counts \(3 % or 50 counts, whichever is larger\)\n/);
  assert.match(r.out, /32 matched, 1 mismatched/);
  assert.match(r.err, /^error: 1 of 33 exchanges differ from the recording\n$/);
  const xml = readFileSync(junit, 'utf8');
  assert.match(xml, /tests="33" failures="1"/);
  assert.match(xml, /<testcase [^>]*name="#5 GET_VIN to 3" [^>]*>\n\s*<failure message="raw: recorded \d+ \(13\.\d+ V\), now \d+ \(12\.\d+ V\)" type="mismatch"><!\[CDATA\[mismatch #5 GET_VIN/);

  const near = tamper(path, 'GET_VIN', encodeOkResponse('GET_VIN', { raw: raw + 40 }));
  assert.is((await cli('replay', near, '--port', 'sim:')).code, 0, 'within 50 counts');
  const tolerance = newPath('json');
  writeFileSync(tolerance, JSON.stringify({ commands: { GET_VIN: { percent: 12 } } }));
  assert.is((await cli('replay', far, '--port', 'sim:', '--tolerance', tolerance)).code, 0, 'within a 12 % band from the tolerance file');
});

test('digital fields match exactly: a tampered setting, a different stack', async () => {
  const path = await record('get', 'HBT_TIME', '--port', 'sim:', '--id', '3');
  const changed = tamper(path, 'GET_HBT_TIME to 3 pi=1', encodeOkResponse('GET_HBT_TIME', { value: 16 }));
  const r = await cli('replay', changed, '--port', 'sim:', '--json');
  assert.is(r.code, 1);
  const json = JSON.parse(r.out) as { matched: number; mismatches: Array<{ index: number; diffs: unknown[] }> };
  assert.is(json.matched, 1);
  assert.equal(json.mismatches.map((m) => [m.index, m.diffs]), [[2, [{ field: 'value', recorded: '16', now: '15' }]]]);

  const other = await cli('replay', path, '--port', 'sim:', '--stack', 'single');
  assert.is(other.code, 1);
  assert.match(other.out, /mismatch #1 GET_HBT_TIME to 3 pi=0 \(line 2\):\n  reply: recorded OK value=15, now no reply\n/);
});

test('with recorded timing a reply-time difference beyond the window is a mismatch; asap does not check it', async () => {
  const path = await record('get', 'HBT_TIME', '--port', 'sim:', '--id', '3');
  const session = parseSession(readFileSync(path, 'utf8'), path);
  // The first reply 25 ms later than recorded (everything after it shifted, so times stay ordered).
  const events = session.events.map((e, i) => (i >= 1 ? { ...e, t: e.t + 25 } : e));
  const late = newPath();
  writeFileSync(late, formatSession({ header: session.header, events, end: session.end ? { ...session.end, t: session.end.t + 25 } : undefined }));
  const r = await cli('replay', late, '--port', 'sim:');
  assert.is(r.code, 1);
  assert.match(r.out, /mismatch #1 GET_HBT_TIME to 3 pi=0 \(line 2\):\n  reply time: recorded (\d+\.\d\d) ms, now (\d+\.\d\d) ms; off by 25\.00 ms, allowed ±20 ms\n/);
  assert.match(r.out, /1 matched, 1 mismatched/);
  assert.is((await cli('replay', late, '--port', 'sim:', '--timing', 'asap')).code, 0);
  const wide = newPath('json');
  writeFileSync(wide, JSON.stringify({ replyTimeMs: 30 }));
  assert.is((await cli('replay', late, '--port', 'sim:', '--tolerance', wide)).code, 0);
});

test('replay against a served stack (TCP, wall clock): clean, then a changed setting shows as a mismatch', async () => {
  const server = await serve({
    endpoint: { kind: 'tcp', host: '127.0.0.1', port: 0 },
    scenario: { name: 'replay', description: '', stack: DEFAULT_STACK, profile: V4_REFERENCE, seed: DEFAULT_SEED, durationMs: 0, steps: [], expect: [] },
  });
  try {
    // The server runs in this test's own event loop, so on a loaded machine a reply can take far
    // longer than on a wire: the reply deadline and the reply-time tolerance are generous here,
    // because what this test checks is the comparison of values, not latency (bench/latency.ts).
    const slack = ['--reply-timeout', '1000'];
    const tolerance = newPath('json');
    writeFileSync(tolerance, JSON.stringify({ replyTimeMs: 1000 }));
    const path = newPath();
    const rec = await cli('get', 'OFF_DELAY', '--port', server.address, '--id', '4', '--record', path, ...slack);
    assert.is(rec.code, 0, rec.err);
    assert.is(parseSession(readFileSync(path, 'utf8'), path).header.clock, 'wall');
    const clean = await cli('replay', path, '--port', server.address, '--tolerance', tolerance, ...slack);
    assert.is(clean.code, 0, clean.out + clean.err);
    assert.is((await cli('set', 'OFF_DELAY', '40', '--port', server.address, '--id', '4', '--pi', '1', ...slack)).code, 0);
    const after = await cli('replay', path, '--port', server.address, '--timing', 'asap', ...slack);
    assert.is(after.code, 1);
    assert.match(after.out, /mismatch #2 GET_OFF_DELAY to 4 pi=1 \(line 4\):\n  value: recorded 30, now 40\n/);
  } finally {
    await server.stop();
  }
});

test('a link lost mid-replay stops it: exit 1 with the reason, the run an <error> in the JUnit report (regression: failures="0" errors="0"), the rest skipped', async () => {
  const path = await record('get', 'HBT_DELAY', '--port', 'sim:', '--id', '3');
  const server: Server = createServer((socket) => socket.once('data', () => socket.end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `tcp://127.0.0.1:${(server.address() as { port: number }).port}`;
  const junit = newPath('xml');
  try {
    const r = await cli('replay', path, '--port', url, '--junit', junit);
    assert.is(r.code, 1);
    assert.match(r.out, /0 matched, 0 mismatched, 2 not run/);
    assert.match(r.err, /^error: replay stopped after 0 of 2 exchanges: transport disconnected: connection closed by the server\n$/);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  const xml = readFileSync(junit, 'utf8');
  assert.match(xml, /tests="3" failures="0" errors="1" skipped="2"/);
  assert.match(xml, /<testcase [^>]*name="replay run to its end"[^>]*>\s*<error message="aborted after 0 of 2 exchanges: transport disconnected: connection closed by the server" type="aborted">/);
  assert.match(xml, /<skipped\/>\n\s*<system-out><!\[CDATA\[not run: transport disconnected: connection closed by the server\]\]><\/system-out>/);
});

test('bad session files, tolerance files and options are explained, exit 1', async () => {
  const good = await record('get', 'HBT_TIME', '--port', 'sim:', '--id', '3', '--pi', '0');
  const lines = readFileSync(good, 'utf8').split('\n');
  const broken = newPath();
  writeFileSync(broken, [lines[0], lines[1], lines[2]!.replace(/"hex":"[0-9a-f]+"/, '"hex":"00zz"'), ''].join('\n'));
  const r = await cli('replay', broken, '--port', 'sim:');
  assert.is(r.code, 1);
  assert.is(r.err, `error: ${broken}: line 3: "hex": "00zz" is not hex bytes\n`);
  const missing = await cli('replay', join(dir, 'nope.jsonl'), '--port', 'sim:');
  assert.match(missing.err, /"FILE": cannot read .*nope\.jsonl: no such file/);
  const truncated = newPath();
  writeFileSync(truncated, `${lines[0]}\n${lines[1]}\n${lines[2]}\n`);
  const cut = await cli('replay', truncated, '--port', 'sim:');
  assert.is(cut.code, 0);
  assert.match(cut.err, /warning: .*: no end trailer/);

  const tolerance = newPath('json');
  writeFileSync(tolerance, JSON.stringify({ analog: { percent: -1 }, commands: { GET_ID: { percent: 5 }, GET_NOPE: {} }, extra: 1 }));
  const bad = await cli('replay', good, '--port', 'sim:', '--tolerance', tolerance);
  assert.is(bad.code, 1);
  assert.match(bad.err, /"--tolerance": invalid file:/);
  assert.match(bad.err, /analog\.percent: must be at least 0, got -1/);
  assert.match(bad.err, /commands\.GET_ID: GET_ID is digital: its fields always match exactly; only "replyTimeMs" applies/);
  assert.match(bad.err, /commands\.GET_NOPE: unknown command/);
  assert.match(bad.err, /extra: unknown field/);
  const timing = await cli('replay', good, '--port', 'sim:', '--timing', 'fast');
  assert.match(timing.err, /"--timing" must be "recorded" .* or "asap"/);
});

test('replay --junit never writes over an input, even with --overwrite: the session file stays byte-identical, exit 1 (regression: replaced by XML, exit 0)', async () => {
  const path = await record('get', 'HBT_TIME', '--port', 'sim:', '--id', '3', '--pi', '0');
  const before = readFileSync(path);
  const tolerance = newPath('json');
  writeFileSync(tolerance, '{}');
  const link = join(dir, 'link-to-session.jsonl');
  symlinkSync(path, link);
  const cases: Array<[string[], RegExp]> = [
    [['--junit', path], /"--junit": .* is the session file being replayed, which is read, never written over \(even with --overwrite\)/],
    [['--junit', path, '--overwrite'], /"--junit": .* is the session file being replayed/],
    [['--junit', link, '--overwrite'], /"--junit": .*link-to-session\.jsonl is the session file being replayed/],
    [['--junit', tolerance, '--tolerance', tolerance, '--overwrite'], /"--junit": .* is the --tolerance file/],
    [['--record', path, '--overwrite'], /"--record": .* is the session file being replayed/],
    [['--record', join(dir, 'both.out'), '--junit', join(dir, 'both.out')], /"--junit": .*both\.out is the --record file/],
  ];
  for (const [extra, message] of cases) {
    const r = await cli('replay', path, '--port', 'sim:', ...extra);
    assert.is(r.code, 1, `${extra.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
    assert.ok(readFileSync(path).equals(before), `${extra.join(' ')}: the session is untouched`);
  }
  assert.is(readFileSync(tolerance, 'utf8'), '{}');
  assert.not.ok(existsSync(join(dir, 'both.out')), 'checked before the recording was created');
});

test('replay --junit and --record: an existing file is refused before replaying unless --overwrite (the option the message names exists)', async () => {
  const path = await record('get', 'HBT_TIME', '--port', 'sim:', '--id', '3', '--pi', '0');
  const existing = newPath('xml');
  writeFileSync(existing, 'keep');
  const refused = await cli('replay', path, '--port', 'sim:', '--junit', existing);
  assert.is(refused.code, 1);
  assert.is(refused.err, `error: "--junit": ${existing} exists; pass --overwrite to replace it\n`);
  assert.is(readFileSync(existing, 'utf8'), 'keep');
  assert.is(refused.out, '', 'nothing was replayed');
  const replaced = await cli('replay', path, '--port', 'sim:', '--junit', existing, '--overwrite');
  assert.is(replaced.code, 0, replaced.err);
  assert.match(readFileSync(existing, 'utf8'), /^<\?xml/);
  const recording = newPath();
  writeFileSync(recording, 'old');
  const again = await cli('get', 'HBT_TIME', '--port', 'sim:', '--id', '3', '--pi', '0', '--record', recording);
  assert.match(again.err, /"--record": cannot record to .*: the file already exists; pass --overwrite to replace it/);
  assert.is(readFileSync(recording, 'utf8'), 'old');
  const over = await cli('get', 'HBT_TIME', '--port', 'sim:', '--id', '3', '--pi', '0', '--record', recording, '--overwrite');
  assert.is(over.code, 0, over.err);
  assert.is(parseSession(readFileSync(recording, 'utf8'), recording).end?.end, 'closed');
});

test('an interrupted replay (SIGINT) exits 130 and still writes JUnit with the run in error', async () => {
  const path = await record('status', '--port', 'sim:', '--id', '3');
  let requests = 0;
  const server: Server = createServer((socket) => socket.on('data', () => ++requests === 1 && process.emit('SIGINT', 'SIGINT'))); // never answers
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `tcp://127.0.0.1:${(server.address() as { port: number }).port}`;
  const junit = newPath('xml');
  try {
    const r = await cli('replay', path, '--port', url, '--junit', junit);
    assert.is(r.code, 130, r.err);
    assert.match(r.err, /error: interrupted by SIGINT/);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  const xml = readFileSync(junit, 'utf8');
  assert.match(xml, /errors="1"/);
  assert.match(xml, /<error message="aborted after \d+ of 33 exchanges: interrupted by SIGINT" type="aborted">/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
