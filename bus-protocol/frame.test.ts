/** Pure encode/decode of frames, PROTOCOL.md section 2. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { COMMANDS, COMMAND_NAMES, requestLen, responseLen, type CommandName, type FieldSpec } from './commands.ts';
import { crc8 } from './crc8.ts';
import { ArgumentError } from './errors.ts';
import {
  MASTER_ADDRESS, buildFrame, checkFraming, decodeRequest, decodeResponse, encodeErrorResponse, encodeOkResponse, encodeRequest,
} from './frame.ts';
import { fromHex } from './hex.ts';
import type { DecodeResult, InvalidReason } from './types.ts';

const FC = { seed: Number(process.env.FC_SEED ?? 42) };

type Fields = Record<string, number | Uint8Array>;

/** Arbitrary values for a field list, straight from the command table. */
function fieldsArb(fields: readonly FieldSpec[]): fc.Arbitrary<Fields> {
  const model: Record<string, fc.Arbitrary<number | Uint8Array>> = {};
  for (const f of fields) {
    model[f.name] =
      f.type === 'u8' ? fc.integer({ min: 0, max: 0xff })
      : f.type === 'u16' ? fc.integer({ min: 0, max: 0xffff })
      : f.type === 'u32' ? fc.integer({ min: 0, max: 0xffffffff })
      : fc.uint8Array({ maxLength: 60 });
  }
  return fc.record(model).map((o) => ({ ...o })); // plain objects: fc.record's have no prototype
}

const commandArb = fc.constantFrom(...COMMAND_NAMES);
/** Board IDs a request may carry: 0xFF is the master address (PROTOCOL.md section 4). */
const idArb = fc.integer({ min: 0, max: 0xfe });

function reasonOf<T>(r: DecodeResult<T>): InvalidReason | undefined {
  return r.kind === 'invalid' ? r.reason : undefined;
}

function throwsArgument(fn: () => unknown, option: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ArgumentError);
    assert.is((e as ArgumentError).option, option);
    assert.ok((e as Error).message.startsWith(`"${option}"`), (e as Error).message);
    return;
  }
  assert.unreachable(`expected an ArgumentError for "${option}"`);
}

test('request round trip for every command with generated arguments (property)', () => {
  const arb = commandArb.chain((name) => fc.tuple(fc.constant(name), idArb, fieldsArb(COMMANDS[name].request)));
  fc.assert(
    fc.property(arb, ([name, id, args]) => {
      const bytes = encodeRequest(name, id, args as never);
      assert.is(bytes.length, requestLen(name) + 1);
      assert.is(bytes[2], requestLen(name));
      assert.is(crc8(bytes), 0);
      const r = decodeRequest(bytes);
      if (r.kind !== 'frame') throw new Error(`${name}: ${JSON.stringify(r)}`);
      assert.is(r.length, bytes.length);
      assert.is(r.frame.command, name);
      assert.is(r.frame.code, COMMANDS[name].code);
      assert.is(r.frame.id, id);
      assert.equal(r.frame.args, args);
      assert.equal(r.frame.bytes, bytes);
    }),
    { ...FC, numRuns: 2000 },
  );
});

test('OK response round trip for every command with generated payloads (property)', () => {
  const arb = commandArb.chain((name) => fc.tuple(fc.constant(name), fieldsArb(COMMANDS[name].response)));
  fc.assert(
    fc.property(arb, ([name, payload]) => {
      const bytes = encodeOkResponse(name, payload as never);
      if (name !== 'GET_ERROR_BUFFER') assert.is(bytes[2], responseLen(name));
      const r = decodeResponse(bytes, name);
      if (r.kind !== 'frame' || r.frame.status !== 'ok') throw new Error(`${name}: ${JSON.stringify(r)}`);
      assert.is(r.length, bytes.length);
      assert.is(r.frame.command, name);
      assert.equal({ ...r.frame.payload }, payload);
      assert.equal(r.frame.data, bytes.slice(3, -1));
    }),
    { ...FC, numRuns: 2000 },
  );
});

test('error response round trip for every code', () => {
  for (let code = 0; code <= 0xff; code++) {
    const bytes = encodeErrorResponse(code);
    assert.equal([...bytes.slice(0, 4)], [0x01, 0xff, 0x04, code]);
    const r = decodeResponse(bytes);
    if (r.kind !== 'frame' || r.frame.status !== 'error') return assert.unreachable(JSON.stringify(r));
    assert.is(r.frame.code, code);
  }
});

test('only bytes of the frame are read; trailing bytes are left alone', () => {
  const r = decodeRequest(fromHex('02 00 03 AD 03 04 03 3D'));
  assert.is(r.kind, 'frame');
  if (r.kind === 'frame') assert.is(r.length, 4);
});

test('OK reply decoded without a command: payload empty, data raw', () => {
  const r = decodeResponse(fromHex('00 FF 05 12 34 7C'));
  if (r.kind !== 'frame' || r.frame.status !== 'ok') return assert.unreachable(JSON.stringify(r));
  assert.is(r.frame.command, undefined);
  assert.equal({ ...r.frame.payload }, {});
  assert.equal([...r.frame.data], [0x12, 0x34]);
});

test('OK reply longer than the command needs is accepted (host library rule: LEN at least)', () => {
  const r = decodeResponse(buildFrame(0x00, MASTER_ADDRESS, [0x04, 0x99]), 'GET_SW_VERSION');
  if (r.kind !== 'frame' || r.frame.status !== 'ok') return assert.unreachable(JSON.stringify(r));
  assert.equal({ ...r.frame.payload }, { version: 4 });
});

test('a corrupted byte other than LEN is always caught as a CRC failure (property)', () => {
  const arb = commandArb.chain((name) => fc.tuple(fc.constant(name), idArb, fieldsArb(COMMANDS[name].request)));
  fc.assert(
    fc.property(arb, fc.nat(), fc.integer({ min: 1, max: 255 }), ([name, id, args], at, flip) => {
      const bytes = encodeRequest(name, id, args as never);
      const positions = [...bytes.keys()].filter((i) => i !== 2);
      const i = positions[at % positions.length]!;
      bytes[i] = bytes[i]! ^ flip;
      assert.is(reasonOf(decodeRequest(bytes)), 'crc');
    }),
    { ...FC, numRuns: 1000 },
  );
});

test('random bytes never throw and give one of the three result kinds (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      for (const r of [decodeRequest(bytes), decodeResponse(bytes), decodeResponse(bytes, 'GET_VIN'), checkFraming(bytes)]) {
        assert.ok(['frame', 'incomplete', 'invalid'].includes(r.kind));
        if (r.kind === 'frame') assert.is(crc8(bytes, 0, r.length), 0);
        if (r.kind === 'incomplete') assert.ok(r.needed > 0);
      }
    }),
    { ...FC, numRuns: 1000 },
  );
});

test('invalid "length": LEN below 3', () => {
  const bytes = fromHex('02 00 02 00');
  bytes[3] = crc8(bytes, 0, 2); // even a matching CRC does not help
  const r = checkFraming(bytes);
  assert.is(reasonOf(r), 'length');
  assert.is(reasonOf(decodeRequest(bytes)), 'length');
  assert.is(reasonOf(decodeResponse(fromHex('00 FF 00 00'))), 'length');
  if (r.kind === 'invalid') assert.match(r.message, 'LEN byte is 2');
});

test('invalid "length": LEN above the caller limit', () => {
  const frame = buildFrame(0x1c, 0x00, new Uint8Array(20));
  assert.is(checkFraming(frame).kind, 'frame');
  const r = checkFraming(frame, 16);
  assert.is(reasonOf(r), 'length');
  if (r.kind === 'invalid') assert.match(r.message, 'above the limit 16');
});

test('invalid "length": request LEN not what the command needs', () => {
  const r = decodeRequest(buildFrame(0x11, 0x00, [])); // PI_ON without its pi byte
  assert.is(reasonOf(r), 'length');
  if (r.kind === 'invalid') assert.match(r.message, 'PI_ON needs LEN 4');
  assert.is(reasonOf(decodeRequest(buildFrame(0x02, 0x00, [0x00]))), 'length'); // GET_SW_VERSION with an argument
});

test('invalid "length": error response not LEN 4, OK reply shorter than the command needs', () => {
  assert.is(reasonOf(decodeResponse(buildFrame(0x01, 0xff, [0x12, 0x00]))), 'length');
  assert.is(reasonOf(decodeResponse(buildFrame(0x01, 0xff, []))), 'length');
  const r = decodeResponse(fromHex('00 FF 04 04 88'), 'GET_VIN');
  assert.is(reasonOf(r), 'length');
  if (r.kind === 'invalid') assert.match(r.message, 'GET_VIN needs LEN 5');
});

test('invalid "crc": names the byte found and the byte expected', () => {
  const r = decodeRequest(fromHex('02 00 03 AE'));
  assert.is(reasonOf(r), 'crc');
  if (r.kind === 'invalid') assert.is(r.message, 'CRC byte is 0xAE, expected 0xAD');
  assert.is(reasonOf(decodeResponse(fromHex('00 FF 03 64'))), 'crc');
});

test('invalid "unknown-command": 0x00, 0x01 and 0x2A.. are no requests', () => {
  for (const code of [0x00, 0x01, 0x2a, 0x80, 0xff]) assert.is(reasonOf(decodeRequest(buildFrame(code, 0x00, []))), 'unknown-command', `0x${code.toString(16)}`);
});

test('invalid "address": request to 0xFF, response not from 0xFF', () => {
  const req = decodeRequest(buildFrame(0x02, 0xff, []));
  assert.is(reasonOf(req), 'address');
  const resp = decodeResponse(buildFrame(0x00, 0x00, []));
  assert.is(reasonOf(resp), 'address');
  if (resp.kind === 'invalid') assert.match(resp.message, 'byte 1 is 0x00');
});

test('invalid "status": response status neither 0x00 nor 0x01', () => {
  const r = decodeResponse(buildFrame(0x02, 0xff, []));
  assert.is(reasonOf(r), 'status');
  if (r.kind === 'invalid') assert.match(r.message, '0x02');
});

test('"incomplete" says how many more bytes are needed', () => {
  const cases: Array<[string, number]> = [['', 3], ['02', 2], ['02 00', 1], ['02 00 03', 1], ['15 00 05 00', 2], ['15 00 05 00 1E', 1]];
  for (const [hex, needed] of cases) {
    for (const r of [checkFraming(fromHex(hex)), decodeRequest(fromHex(hex)), decodeResponse(fromHex(hex))]) {
      assert.equal(r, { kind: 'incomplete', needed }, hex);
    }
  }
});

test('argument validation: out of range, missing, fractional and wrong-typed values name the field', () => {
  throwsArgument(() => encodeRequest('SET_HBT_TIME', 0, { pi: 0, value: 256 }), 'value');
  throwsArgument(() => encodeRequest('SET_HBT_TIME', 0, { pi: -1, value: 1 }), 'pi');
  throwsArgument(() => encodeRequest('SET_HBT_TIME', 0, { pi: 0 } as never), 'value');
  throwsArgument(() => encodeRequest('DEBUG_LED', 0, { red: 1.5, green: 0, blue: 0 }), 'red');
  throwsArgument(() => encodeRequest('DEBUG_LED', 0, { red: 1, green: '2', blue: 0 } as never), 'green');
  throwsArgument(() => encodeRequest('DEBUG_LED', 0, { red: 1, green: 2, blue: Number.NaN }), 'blue');
  throwsArgument(() => encodeOkResponse('GET_VIN', { raw: 0x10000 }), 'raw');
  throwsArgument(() => encodeOkResponse('GET_POWER', { raw: 2 ** 32 }), 'raw');
  throwsArgument(() => encodeOkResponse('GET_ERROR_BUFFER', { log: [1, 2] } as never), 'log');
});

test('argument validation: the board ID', () => {
  for (const id of [-1, 256, 1.5, Number.NaN]) throwsArgument(() => encodeRequest('GET_ID', id), 'id');
});

test('argument validation: data too long for one frame', () => {
  throwsArgument(() => buildFrame(0x00, 0xff, new Uint8Array(253)), 'data');
  assert.is(buildFrame(0x00, 0xff, new Uint8Array(252)).length, 256);
  // A field's bytes longer than any frame (past the encoder's scratch space too) say how many bytes there were.
  const log = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  assert.throws(() => encodeOkResponse('GET_ERROR_BUFFER', { log }), (e: unknown) => e instanceof ArgumentError && e.message.includes('300 bytes do not fit one frame'));
  const longest = encodeOkResponse('GET_ERROR_BUFFER', { log: log.subarray(0, 252) });
  assert.is(longest.length, 256);
  assert.equal([...longest.subarray(3, 255)], [...log.subarray(0, 252)]);
  assert.is(decodeResponse(longest, 'GET_ERROR_BUFFER').kind, 'frame');
});

test('u32 values are big-endian at both ends of the range', () => {
  assert.equal([...encodeOkResponse('GET_POWER', { raw: 0xffffffff }).slice(3, 7)], [0xff, 0xff, 0xff, 0xff]);
  assert.equal([...encodeOkResponse('GET_POWER', { raw: 0x01020304 }).slice(3, 7)], [1, 2, 3, 4]);
});

test.run();
