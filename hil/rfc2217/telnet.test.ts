/**
 * The telnet codec (pure): IAC doubling both ways, commands and subnegotiations decoded
 * whatever the chunking (a property over every split position), and the option negotiator's
 * answers (no acknowledgement loops, refusals seen).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ciParams } from '../../fuzz/fcParams.ts';
import { MAX_SUB_BYTES, OPTION, TELNET, TelnetDecoder, encodeEvent, escapeIac, optionCommand, subnegotiation, verbName, type TelnetEvent } from './telnet.ts';
import { TelnetOptions } from './TelnetOptions.ts';

const { IAC, WILL, WONT, DO, DONT, SB, SE } = TELNET;

/** Adjacent data events merged, so streams decoded in different chunkings compare equal. */
function normalise(events: readonly TelnetEvent[]): unknown[] {
  const out: unknown[] = [];
  for (const e of events) {
    const last = out[out.length - 1] as { kind: string; bytes: number[] } | undefined;
    if (e.kind === 'data') {
      if (e.bytes.length === 0) continue;
      if (last?.kind === 'data') last.bytes.push(...e.bytes);
      else out.push({ kind: 'data', bytes: [...e.bytes] });
    } else if (e.kind === 'sub') out.push({ kind: 'sub', option: e.option, payload: [...e.payload] });
    else out.push({ ...e });
  }
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}

const bytesWithIac = fc.uint8Array({ maxLength: 12 }).map((b) => b.map((x, i) => (i % 3 === 0 ? 0xff : x)));
const eventArb: fc.Arbitrary<TelnetEvent> = fc.oneof(
  fc.record({ kind: fc.constant('data' as const), bytes: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 16 }), bytesWithIac.filter((b) => b.length > 0)) }),
  fc.record({ kind: fc.constant('option' as const), verb: fc.constantFrom(WILL, WONT, DO, DONT), option: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('sub' as const), option: fc.integer({ min: 0, max: 255 }), payload: fc.oneof(fc.uint8Array({ maxLength: 8 }), bytesWithIac) }),
  fc.record({ kind: fc.constant('command' as const), code: fc.constantFrom(TELNET.NOP, 0xf2, 0xf3, 0xf4, 0xf9) }),
);

test('escapeIac doubles every 0xFF and leaves other bytes alone', () => {
  assert.equal([...escapeIac(Uint8Array.of(1, 0xff, 2, 0xff, 0xff))], [1, 0xff, 0xff, 2, 0xff, 0xff, 0xff, 0xff]);
  const plain = Uint8Array.of(0, 13, 10, 0xfe);
  assert.is(escapeIac(plain), plain, 'no copy without 0xFF');
});

test('a Pi Stack reply with 0xFF survives encode and decode, and IAC SB payloads are undoubled', () => {
  const reply = Uint8Array.of(0x00, 0xff, 0x05, 0x10, 0x2c, 0x9a); // OK reply toward the master (0xFF)
  const stream = concat([escapeIac(reply), subnegotiation(OPTION.COM_PORT, [101, 0, 0, 0xff, 0xff]), optionCommand(DO, OPTION.BINARY)]);
  assert.equal(normalise(new TelnetDecoder().push(stream)), [
    { kind: 'data', bytes: [...reply] },
    { kind: 'sub', option: OPTION.COM_PORT, payload: [101, 0, 0, 0xff, 0xff] },
    { kind: 'option', verb: DO, option: OPTION.BINARY },
  ]);
});

test('property: any event sequence decodes the same split at every position (and in random chunks)', () => {
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }), (events, sizes) => {
      const stream = concat(events.map(encodeEvent));
      const expected = normalise(events);
      assert.equal(normalise(new TelnetDecoder().push(stream)), expected, 'one chunk');
      for (let cut = 0; cut <= stream.length; cut++) {
        const d = new TelnetDecoder();
        assert.equal(normalise([...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))]), expected, `split at ${cut}`);
      }
      const d = new TelnetDecoder();
      const got: TelnetEvent[] = [];
      for (let i = 0, k = 0; i < stream.length; k++) {
        const n = sizes[k % sizes.length]!;
        got.push(...d.push(stream.subarray(i, i + n)));
        i += n;
      }
      assert.equal(normalise(got), expected, 'random chunks');
    }),
    ciParams(300),
  );
});

test('byte by byte: IAC IAC split across chunks is one 0xFF data byte, not a command', () => {
  const d = new TelnetDecoder();
  assert.equal(d.push(Uint8Array.of(IAC)), []);
  assert.equal(normalise(d.push(Uint8Array.of(IAC, 7))), [{ kind: 'data', bytes: [0xff, 7] }]);
});

test('a subnegotiation cut short by another command ends there; an overlong one is truncated', () => {
  const d = new TelnetDecoder();
  assert.equal(normalise(d.push(Uint8Array.of(IAC, SB, 44, 1, 2, IAC, WILL, 3, 9))), [
    { kind: 'sub', option: 44, payload: [1, 2] },
    { kind: 'option', verb: WILL, option: 3 },
    { kind: 'data', bytes: [9] },
  ]);
  const long = d.push(concat([Uint8Array.of(IAC, SB, 44), new Uint8Array(MAX_SUB_BYTES + 50).fill(7), Uint8Array.of(IAC, SE)]));
  assert.is(long.length, 1);
  assert.is(long[0]!.kind === 'sub' && long[0]!.payload.length, MAX_SUB_BYTES);
});

test('verb names', () => {
  assert.equal([WILL, WONT, DO, DONT].map((v) => verbName(v as 0xfb)), ['WILL', 'WONT', 'DO', 'DONT']);
});

test('TelnetOptions: accepts what the policy allows, refuses the rest, never answers an answer', () => {
  const t = new TelnetOptions({ local: new Set([OPTION.BINARY]), remote: new Set([OPTION.COM_PORT]) });
  assert.equal([...t.receive(DO, OPTION.BINARY).reply], [IAC, WILL, OPTION.BINARY], 'DO BINARY accepted');
  assert.ok(t.enabled('local', OPTION.BINARY));
  assert.is(t.receive(DO, OPTION.BINARY).reply.length, 0, 'a repeated DO is not answered (no loop)');
  assert.equal([...t.receive(DO, OPTION.ECHO).reply], [IAC, WONT, OPTION.ECHO], 'DO ECHO refused');
  assert.equal([...t.receive(WILL, OPTION.ECHO).reply], [IAC, DONT, OPTION.ECHO], 'WILL ECHO refused');
  assert.equal([...t.receive(DONT, OPTION.BINARY).reply], [IAC, WONT, OPTION.BINARY], 'DONT of an enabled option is acknowledged');
  assert.is(t.receive(DONT, OPTION.BINARY).reply.length, 0, 'DONT of a disabled option is not');
  assert.equal([...t.request('remote', OPTION.COM_PORT)], [IAC, DO, OPTION.COM_PORT]);
  assert.is(t.request('remote', OPTION.COM_PORT).length, 0, 'asked once');
  assert.is(t.state('remote', OPTION.COM_PORT), 'wantyes');
  const refused = t.receive(WONT, OPTION.COM_PORT);
  assert.ok(refused.refused, 'WONT answering our DO is a refusal');
  assert.is(refused.reply.length, 0, 'and is not answered');
  assert.equal([...t.request('local', OPTION.SGA)], [IAC, WILL, OPTION.SGA]);
  const yes = t.receive(DO, OPTION.SGA);
  assert.is(yes.state, 'yes', 'a request answered yes is on even outside the policy (we asked)');
  assert.is(yes.reply.length, 0);
});

test.run();
