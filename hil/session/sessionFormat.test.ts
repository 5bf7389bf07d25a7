/**
 * The session file format: a round trip, every way a line can be wrong (each reported with its
 * line number and the field), and the tolerated damage of a crash (no trailer, a cut-off last line).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import {
  SESSION_FORMAT, SESSION_VERSION, SessionFormatError, formatEndLine, formatEventLine, formatHeaderLine, formatSession,
  makeSessionHeader, parseSession, type RecordedEvent, type SessionHeader,
} from './sessionFormat.ts';

const HEADER: SessionHeader = makeSessionHeader({ port: '/dev/ttyUSB0', clock: 'wall', toolVersion: '0.1.0', startedAt: new Date('2026-01-31T12:00:00.000Z') });
const HEADER_LINE = formatHeaderLine(HEADER).trimEnd();
const EVENT_LINE = '{"t":0,"dir":"host","hex":"020003ad","note":"GET_SW_VERSION to 0"}';

/** The error parseSession throws for these lines (joined with newlines, final newline added). */
function errorFor(lines: string[], source = 'session.jsonl'): SessionFormatError {
  try {
    parseSession(`${lines.join('\n')}\n`, source);
  } catch (error) {
    if (error instanceof SessionFormatError) return error;
    throw error;
  }
  throw new Error(`expected a SessionFormatError for:\n${lines.join('\n')}`);
}

test('round trip: header, events (bytes, notes, times) and trailer', () => {
  const events: RecordedEvent[] = [
    { line: 2, t: 0, dir: 'host', bytes: Uint8Array.of(0x02, 0x00, 0x03, 0xad), note: 'GET_SW_VERSION to 0' },
    { line: 3, t: 7.292, dir: 'bus', bytes: Uint8Array.of(0x00, 0xff, 0x04, 0x04, 0x88), note: 'OK version=4' },
    { line: 4, t: 7.292, dir: 'bus', bytes: Uint8Array.of(0xab) },
  ];
  const text = formatSession({ header: HEADER, events, end: { end: 'closed', t: 12.5 } });
  assert.is(text.split('\n').length, 6, 'five lines and a final newline');
  const session = parseSession(text, 'round.jsonl');
  assert.equal(session.header, HEADER);
  assert.equal(session.events, events);
  assert.equal(session.end, { end: 'closed', t: 12.5 });
  assert.ok(session.complete);
  assert.equal(session.warnings, []);
  assert.is(formatSession(session), text, 'formatting a parsed session gives the same text');
});

test('the header: format tag, version 1, baud 9600, ISO start time, clock kind', () => {
  assert.is(HEADER.format, SESSION_FORMAT);
  assert.is(HEADER.version, SESSION_VERSION);
  assert.is(HEADER.baud, 9600);
  assert.is(HEADER.tool, 'pistack-rig');
  assert.is(HEADER_LINE, '{"format":"pistack-session","version":1,"baud":9600,"port":"/dev/ttyUSB0","tool":"pistack-rig","toolVersion":"0.1.0","startedAt":"2026-01-31T12:00:00.000Z","clock":"wall"}');
  assert.is(makeSessionHeader({ port: 'sim:', clock: 'virtual', toolVersion: 'x', baud: 19200 }).baud, 19200);
});

test('event and trailer lines: compact lower-case hex, times to the microsecond, optional fields only when set', () => {
  assert.is(formatEventLine({ t: 1.23456789, dir: 'bus', bytes: Uint8Array.of(0x00, 0xff, 0x03, 0x63) }), '{"t":1.235,"dir":"bus","hex":"00ff0363"}\n');
  assert.is(formatEventLine({ t: 2, dir: 'host', bytes: Uint8Array.of(0xab), note: 'x' }), '{"t":2,"dir":"host","hex":"ab","note":"x"}\n');
  assert.is(formatEndLine({ end: 'disconnected', t: 3.0001, reason: 'adapter unplugged' }), '{"end":"disconnected","t":3,"reason":"adapter unplugged"}\n');
});

test('the example from the docs: line 7, "hex": "02zz" is not hex bytes', () => {
  const lines = [HEADER_LINE, EVENT_LINE, EVENT_LINE, EVENT_LINE, EVENT_LINE, EVENT_LINE, '{"t":1,"dir":"host","hex":"02zz"}'];
  const error = errorFor(lines);
  assert.is(error.message, 'session.jsonl: line 7: "hex": "02zz" is not hex bytes');
  assert.is(error.line, 7);
  assert.is(error.source, 'session.jsonl');
  assert.is(error.detail, '"hex": "02zz" is not hex bytes');
});

test('every header problem names line 1 and the field', () => {
  const header = (patch: Record<string, unknown>, drop?: string) => {
    const value: Record<string, unknown> = { ...HEADER, ...patch };
    if (drop) delete value[drop];
    return JSON.stringify(value);
  };
  const cases: Array<[string[], string]> = [
    [['{"format":'], 'line 1: not JSON ('],
    [['[1,2]'], 'line 1: expected a JSON object, got [1,2]'],
    [['"pistack-session"'], 'line 1: expected a JSON object, got "pistack-session"'],
    [[EVENT_LINE], 'line 1: expected the session header ({"format": "pistack-session", "version": 1, ...})'],
    [[header({ format: 'pistack-scenario' })], 'line 1: "format": "pistack-scenario" is not "pistack-session" (is this a session file?)'],
    [[header({ version: 2 })], 'line 1: "version": 2 is newer than this tool reads (version 1): update pistack-rig'],
    [[header({ version: '1' })], 'line 1: "version": "1" is not a supported version (this tool reads version 1)'],
    [[header({}, 'baud')], 'line 1: "baud" is missing'],
    [[header({ baud: 9600.5 })], 'line 1: "baud": 9600.5 is not a whole number of bit/s'],
    [[header({ baud: 0 })], 'line 1: "baud": 0 is not a baud rate above 0'],
    [[header({ port: '' })], 'line 1: "port": "" is empty'],
    [[header({ toolVersion: 1 })], 'line 1: "toolVersion": 1 is not a version string'],
    [[header({ startedAt: 'yesterday' })], 'line 1: "startedAt": "yesterday" is not an ISO 8601 time'],
    [[header({ clock: 'cpu' })], 'line 1: "clock": "cpu" is neither "wall" nor "virtual"'],
    [[header({ extra: true })], 'line 1: unknown field "extra"'],
    [[header({ clock: 'cpu', baud: 'fast' })], 'line 1: "baud": "fast" is not a baud rate; "clock": "cpu" is neither'],
  ];
  for (const [lines, message] of cases) assert.match(errorFor(lines).message, `session.jsonl: ${message}`);
  assert.is(errorFor(['']).message, 'session.jsonl: line 1: empty file: expected a "pistack-session" header');
  assert.throws(() => parseSession('', 'empty.jsonl'), /empty\.jsonl: line 1: empty file/);
});

test('every event and trailer problem names its line and field', () => {
  const cases: Array<[string, string]> = [
    ['{"t":1,"dir":"host","hex":"020"}', '"hex": "020" is not hex bytes'],
    ['{"t":1,"dir":"host","hex":""}', '"hex": "" is not hex bytes'],
    ['{"t":1,"dir":"host","hex":"02 00"}', '"hex": "02 00" is not hex bytes'],
    ['{"t":1,"dir":"host","hex":2}', '"hex": 2 is not hex bytes'],
    ['{"t":1,"dir":"host"}', '"hex" is missing'],
    ['{"t":1,"dir":"up","hex":"02"}', '"dir": "up" is neither "host" nor "bus"'],
    ['{"t":-1,"dir":"host","hex":"02"}', '"t": -1 is negative (times are ms since the start)'],
    ['{"t":"soon","dir":"host","hex":"02"}', '"t": "soon" is not a time in ms'],
    ['{"dir":"host","hex":"02"}', '"t" is missing'],
    ['{"t":1,"dir":"host","hex":"02","note":5}', '"note": 5 is not text'],
    ['{"t":1,"dir":"host","hex":"02","bytes":[2]}', 'unknown field "bytes"'],
    ['{"time":1}', 'neither an event ({"t", "dir", "hex"}) nor the end trailer ({"end", "t"}): {"time":1}'],
    ['{"t":1,"dir":"host","hex":"02"', 'not JSON ('],
    ['42', 'expected a JSON object, got 42'],
    [HEADER_LINE, 'a second header (session files cannot be concatenated)'],
    ['{"end":"crashed","t":5}', '"end": "crashed" is not one of "closed", "error", "disconnected", "interrupted"'],
    ['{"end":"closed"}', '"t" is missing'],
    ['{"end":"closed","t":5,"reason":false}', '"reason": false is not text'],
    ['{"end":"closed","t":5,"why":"x"}', 'unknown field "why"'],
  ];
  for (const [line, detail] of cases) {
    const error = errorFor([HEADER_LINE, '{"t":3,"dir":"host","hex":"020003ad"}', line, EVENT_LINE.replace('"t":0', '"t":9')]);
    const expected = `session.jsonl: line 3: ${detail}`;
    if (detail.endsWith('(')) assert.ok(error.message.startsWith(expected), error.message);
    else assert.is(error.message, expected, line);
    assert.is(error.line, 3, line);
  }
});

test('order: times never go back, a trailer is last and not before the last event', () => {
  const event = (t: number) => `{"t":${t},"dir":"bus","hex":"00ff0363"}`;
  assert.is(errorFor([HEADER_LINE, event(5), event(4)]).message, 'session.jsonl: line 3: "t": 4 is before the previous event (t 5); times never go back');
  assert.is(errorFor([HEADER_LINE, event(5), '{"end":"closed","t":4}']).message, 'session.jsonl: line 3: "t": 4 is before the last event (t 5)');
  assert.is(errorFor([HEADER_LINE, event(5), '{"end":"closed","t":6}', event(7)]).message, 'session.jsonl: line 4: more data after the end trailer on line 3');
  assert.is(errorFor([HEADER_LINE, '{"end":"closed","t":0}', '{"end":"closed","t":0}']).message, 'session.jsonl: line 3: more data after the end trailer on line 2');
});

test('a crash: no trailer is tolerated and reported, events are intact', () => {
  const session = parseSession(`${HEADER_LINE}\n${EVENT_LINE}\n{"t":7.3,"dir":"bus","hex":"00ff040488"}\n`, 'crash.jsonl');
  assert.not.ok(session.complete);
  assert.is(session.end, undefined);
  assert.is(session.events.length, 2);
  assert.equal(session.warnings, [
    'crash.jsonl: no end trailer: the recording stopped without closing (crash, kill or power loss); 2 events up to t=7.3 ms are intact',
  ]);
  const headerOnly = parseSession(`${HEADER_LINE}\n`, 'h.jsonl');
  assert.is(headerOnly.events.length, 0);
  assert.not.ok(headerOnly.complete);
});

test('a last line cut off mid-write is ignored with a warning; the same damage earlier is an error', () => {
  const cut = `${HEADER_LINE}\n${EVENT_LINE}\n{"t":7.3,"dir":"bu`;
  const session = parseSession(cut, 'cut.jsonl');
  assert.is(session.events.length, 1);
  assert.not.ok(session.complete);
  assert.is(session.warnings[0], 'cut.jsonl: line 3: incomplete last line ignored (the recording was cut off mid-write)');
  assert.match(session.warnings[1]!, 'no end trailer');
  assert.match(errorFor([HEADER_LINE, '{"t":7.3,"dir":"bu', EVENT_LINE]).message, 'session.jsonl: line 2: not JSON');
  assert.match(errorFor([HEADER_LINE, '{"t":7.3,"dir":"bu']).message, 'line 2: not JSON', 'a complete (newline-ended) line is never "cut off"');
  assert.throws(() => parseSession('{"format":"pistack-se', 'h.jsonl'), /h\.jsonl: line 1: not JSON/);
});

test('blank lines and Windows line endings are tolerated', () => {
  const session = parseSession(`${HEADER_LINE}\r\n\r\n${EVENT_LINE}\r\n\n{"end":"interrupted","t":1,"reason":"Ctrl-C"}\r\n`, 'crlf.jsonl');
  assert.is(session.events.length, 1);
  assert.equal(session.end, { end: 'interrupted', t: 1, reason: 'Ctrl-C' });
  assert.ok(session.complete);
});

test('the example in docs/session-format.md is a valid, complete session', () => {
  const doc = readFileSync(new URL('../../docs/session-format.md', import.meta.url), 'utf8');
  const example = /```jsonl\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(example, 'the doc has a jsonl example');
  const session = parseSession(example!, 'docs/session-format.md');
  assert.ok(session.complete);
  assert.equal(session.warnings, []);
  assert.equal(session.events.map((e) => e.dir), ['host', 'bus', 'host', 'bus']);
});

test.run();
