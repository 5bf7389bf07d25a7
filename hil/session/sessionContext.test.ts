/**
 * The optional context fields of a session header (issue 12 item 4): written by makeSessionHeader
 * and formatHeaderLine, read back by parseSession; files without them still read; a bad value
 * is an error naming the field.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SessionFormatError, formatSession, makeSessionHeader, parseSession } from './sessionFormat.ts';

const context = {
  command: 'replay', ids: [3], firmwareVersion: 4, hardwareVersion: 3, profile: 'v4-reference',
  stack: { boards: [{ id: 3, pis: ['pi3b+', null] as [string | null, string | null], loadA: [0.4, null] as [number | null, number | null] }], supplyVolts: 12 },
  tolerance: { replyTimeMs: 30 },
};

test('context fields round-trip through the header line', () => {
  const header = makeSessionHeader({ port: 'sim:', clock: 'virtual', toolVersion: '0.1.0', startedAt: new Date(0), context });
  const text = formatSession({ header, events: [], end: { end: 'closed', t: 0 } });
  assert.match(text.split('\n')[0]!, /"clock":"virtual","command":"replay","ids":\[3\],"firmwareVersion":4/);
  const parsed = parseSession(text, 's.jsonl');
  assert.equal(parsed.header.stack, context.stack);
  assert.equal(parsed.header.tolerance, context.tolerance);
  assert.is(parsed.header.version, 1, 'the version is unchanged: the fields are optional');
});

test('a header without context still reads; undefined context fields are not written', () => {
  const header = makeSessionHeader({ port: '/dev/ttyUSB0', clock: 'wall', toolVersion: '0.1.0', context: { ids: undefined } });
  assert.not.ok('ids' in header);
  const parsed = parseSession(formatSession({ header, events: [] }), 'old.jsonl');
  assert.is(parsed.header.firmwareVersion, undefined);
});

test('a bad context value is an error naming the field', () => {
  const header = { ...makeSessionHeader({ port: 'sim:', clock: 'virtual', toolVersion: '0.1.0' }), ids: [300] };
  const error = (() => {
    try {
      parseSession(`${JSON.stringify(header)}\n`, 'bad.jsonl');
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  assert.instance(error, SessionFormatError);
  assert.match((error as Error).message, /bad\.jsonl: line 1: "ids": \[300\]/);
});

test.run();
