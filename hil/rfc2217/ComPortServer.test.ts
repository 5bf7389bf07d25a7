/** The server's COM-PORT-OPTION answers (pure): 9600 8N1 accepted, anything else answered with what stays in effect, SET-CONTROL acknowledged. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COM, CONTROL, PARITY, PURGE, SERVER_OFFSET, comByte, decodeCom, describeSetting, lineRequests, PI_STACK_LINE, setBaudrate } from './comPort.ts';
import { ComPortServer, LINE_STATE, MODEM_STATE } from './ComPortServer.ts';

const answer = (server: ComPortServer, payload: Uint8Array) => {
  const a = server.answer(payload);
  return { reply: a.reply === undefined ? undefined : decodeCom(a.reply), purge: a.purge };
};

test('line settings: 9600 8N1 and queries are answered with it; other values with what stays in effect', () => {
  const server = new ComPortServer('test');
  for (const request of lineRequests(PI_STACK_LINE)) {
    const { reply } = answer(server, request);
    assert.is(reply?.code, request[0]! + SERVER_OFFSET);
    assert.is(reply?.value, decodeCom(request)!.value);
  }
  assert.is(answer(server, setBaudrate(0)).reply?.value, 9600, 'a query');
  assert.is(answer(server, setBaudrate(115200)).reply?.value, 9600, 'refused: 9600 stays');
  assert.is(answer(server, comByte(COM.SET_DATASIZE, 7)).reply?.value, 8);
  assert.is(answer(server, comByte(COM.SET_PARITY, PARITY.EVEN)).reply?.value, PARITY.NONE);
  assert.is(answer(server, comByte(COM.SET_STOPSIZE, 2)).reply?.value, 1);
  assert.equal([...setBaudrate(9600)], [1, 0, 0, 0x25, 0x80], 'network byte order');
});

test('SET-CONTROL: DTR, RTS and BREAK remembered and echoed, queries answered, flow control stays off', () => {
  const server = new ComPortServer('test');
  const control = (v: number) => answer(server, comByte(COM.SET_CONTROL, v)).reply?.value;
  assert.is(control(CONTROL.QUERY_DTR), CONTROL.DTR_ON);
  assert.is(control(CONTROL.DTR_OFF), CONTROL.DTR_OFF);
  assert.is(control(CONTROL.QUERY_DTR), CONTROL.DTR_OFF);
  assert.is(control(CONTROL.RTS_OFF), CONTROL.RTS_OFF);
  assert.is(control(CONTROL.QUERY_RTS), CONTROL.RTS_OFF);
  assert.is(control(CONTROL.RTS_ON), CONTROL.RTS_ON);
  assert.is(control(CONTROL.QUERY_BREAK), CONTROL.BREAK_OFF);
  assert.is(control(CONTROL.BREAK_ON), CONTROL.BREAK_ON);
  assert.is(control(CONTROL.QUERY_BREAK), CONTROL.BREAK_ON);
  assert.is(control(CONTROL.NO_FLOW), CONTROL.NO_FLOW);
  assert.is(control(CONTROL.HARDWARE_FLOW), CONTROL.NO_FLOW, 'hardware flow control refused');
  assert.is(control(CONTROL.QUERY_FLOW), CONTROL.NO_FLOW);
  assert.is(control(CONTROL.QUERY_INBOUND_FLOW), CONTROL.NO_INBOUND_FLOW);
  assert.is(control(15), CONTROL.NO_INBOUND_FLOW);
});

test('signature, modem and line state, masks, purge; nothing answered to server codes, suspend/resume or unknown codes', () => {
  const server = new ComPortServer('pistack test');
  const sig = server.answer(Uint8Array.of(COM.SIGNATURE)).reply!;
  assert.is(sig[0], SERVER_OFFSET);
  assert.is(new TextDecoder().decode(sig.subarray(1)), 'pistack test');
  assert.is(server.answer(Uint8Array.of(COM.SIGNATURE, 0x41)).reply, undefined, 'a client telling its own signature');
  assert.is(answer(server, Uint8Array.of(COM.NOTIFY_MODEMSTATE)).reply?.value, MODEM_STATE);
  assert.is(answer(server, Uint8Array.of(COM.NOTIFY_LINESTATE)).reply?.value, LINE_STATE);
  assert.is(answer(server, comByte(COM.SET_MODEMSTATE_MASK, 0xf0)).reply?.value, 0xf0);
  assert.is(answer(server, comByte(COM.SET_LINESTATE_MASK, 0)).reply?.value, 0);
  assert.equal(answer(server, comByte(COM.PURGE_DATA, PURGE.BOTH)), { reply: decodeCom(comByte(COM.PURGE_DATA + SERVER_OFFSET, 3)), purge: 3 });
  assert.is(server.answer(comByte(COM.PURGE_DATA, 9)).reply, undefined, 'a bad purge value');
  for (const p of [Uint8Array.of(COM.FLOWCONTROL_SUSPEND), Uint8Array.of(COM.FLOWCONTROL_RESUME), Uint8Array.of(99), Uint8Array.of(101, 0, 0, 0x25, 0x80), new Uint8Array(0)]) {
    assert.is(server.answer(p).reply, undefined, `no answer to ${[...p]}`);
  }
});

test('describeSetting words', () => {
  assert.is(describeSetting(COM.SET_BAUDRATE, 115200), '115200 baud');
  assert.is(describeSetting(COM.SET_DATASIZE, 7), '7 data bits');
  assert.is(describeSetting(COM.SET_PARITY, PARITY.EVEN), 'parity even');
  assert.is(describeSetting(COM.SET_STOPSIZE, 3), '1.5 stop bit(s)');
  assert.is(describeSetting(COM.SET_CONTROL, 1), '1');
  assert.is(describeSetting(COM.SET_BAUDRATE, undefined), 'no value');
  assert.is(decodeCom(Uint8Array.of(101, 0, 0))?.value, undefined, 'a short baud answer has no value');
});

test.run();
