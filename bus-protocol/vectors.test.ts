/** Every PROTOCOL.md section 9 test vector, both ways: encode gives the hex, decode gives the fields. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadVectors } from '../cli/vectors.ts';
import { crc8 } from './crc8.ts';
import { STATUS } from './commands.ts';
import { MASTER_ADDRESS, buildFrame, decodeRequest, decodeResponse, encodeErrorResponse, encodeOkResponse, encodeRequest } from './frame.ts';
import { fromHex, toHex } from './hex.ts';
import type { CommandName } from './commands.ts';

const file = loadVectors();

test('the file holds all nine section 9 vectors', () => {
  assert.is(file.vectors.length, 9);
  assert.is(new Set(file.vectors.map((v) => v.hex)).size, 9);
});

test('CRC check value of "123456789" is the one in the file (0xA1)', () => {
  assert.is(file.crcCheck.crc, 0xa1);
  assert.is(crc8(new TextEncoder().encode(file.crcCheck.ascii)), file.crcCheck.crc);
  assert.is(file.crcCheck.crc.toString(16).toUpperCase(), file.crcCheck.hex);
});

for (const v of file.vectors) {
  const bytes = fromHex(v.hex);

  test(`${v.name}: encode gives ${v.hex}`, () => {
    let encoded: Uint8Array;
    if (v.direction === 'request') encoded = encodeRequest(v.command as CommandName, v.id, v.fields as never);
    else if (v.status === 'error') encoded = encodeErrorResponse(v.fields['code']!);
    else if (v.command === null) encoded = buildFrame(STATUS.OK, MASTER_ADDRESS, []);
    else encoded = encodeOkResponse(v.command as CommandName, v.fields as never);
    assert.is(toHex(encoded), toHex(bytes));
  });

  test(`${v.name}: decode gives the fields`, () => {
    if (v.direction === 'request') {
      const r = decodeRequest(bytes);
      if (r.kind !== 'frame') return assert.unreachable(`not a frame: ${JSON.stringify(r)}`);
      assert.is(r.length, bytes.length);
      assert.is(r.frame.command, v.command);
      assert.is(r.frame.id, v.id);
      assert.equal(r.frame.args, v.fields);
      return;
    }
    const r = decodeResponse(bytes, (v.command ?? undefined) as CommandName | undefined);
    if (r.kind !== 'frame') return assert.unreachable(`not a frame: ${JSON.stringify(r)}`);
    assert.is(r.length, bytes.length);
    assert.is(r.frame.status, v.status);
    if (r.frame.status === 'error') assert.equal({ code: r.frame.code }, v.fields);
    else assert.equal({ ...r.frame.payload }, v.fields);
  });
}

test.run();
