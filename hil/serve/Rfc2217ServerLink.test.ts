/**
 * `serve --rfc2217` below the client libraries, on 127.0.0.1: a raw telnet socket sees the
 * options offered, the 0xFF of a reply doubled and SET-CONTROL acknowledged; a flood full of
 * 0xFF through our rfc2217:// client reaches the simulated wire whole and in order through a
 * small FIFO (backpressure holds the socket, bytes decoded meanwhile wait in order); PURGE-DATA of
 * the transmit buffer is acknowledged and throws away what waits. A purge is in-band: while the
 * link is held it is read only once the bytes sent before it have been taken.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect } from 'node:net';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import type { Scenario } from '../../board-model/scenario.ts';
import { SINGLE_BOARD_STACK } from '../../board-model/stack.ts';
import { encodeRequest } from '../../bus-protocol/frame.ts';
import { StackClient } from '../../bus-protocol/StackClient.ts';
import { openPort } from '../ports.ts';
import { COM, CONTROL, PURGE, comByte } from '../rfc2217/comPort.ts';
import { OPTION, TELNET, TelnetDecoder, escapeIac, optionCommand, subnegotiation, type TelnetEvent } from '../rfc2217/telnet.ts';
import { serve, type ServeHandle } from './serve.ts';
import { seededBytes, waitUntil } from './testing/hostSide.ts';

const SCENARIO: Scenario = { name: 'rfc2217', description: '', stack: SINGLE_BOARD_STACK, profile: V4_REFERENCE, seed: 1, durationMs: 0, steps: [], expect: [] };

async function served(fifoBytes: number, work: (handle: ServeHandle) => Promise<void>): Promise<void> {
  const handle = await serve({ endpoint: { kind: 'rfc2217', host: '127.0.0.1', port: 0 }, scenario: SCENARIO, fifoBytes });
  try {
    await work(handle);
  } finally {
    await handle.stop();
  }
}

/** A raw socket speaking telnet by hand, collecting decoded events. */
async function rawClient(port: number) {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const decoder = new TelnetDecoder();
  const events: TelnetEvent[] = [];
  const raw: number[] = [];
  socket.on('data', (chunk) => {
    raw.push(...chunk);
    events.push(...decoder.push(chunk));
  });
  socket.on('error', () => undefined);
  const data = () => events.flatMap((e) => (e.kind === 'data' ? [...e.bytes] : []));
  const subs = () => events.flatMap((e) => (e.kind === 'sub' ? [[...e.payload]] : []));
  return { socket, events, raw, data, subs, close: () => void socket.destroy() };
}

test('a raw telnet client: options offered, 0xFF doubled on the wire, SET-CONTROL acknowledged, ECHO refused', async () => {
  await served(256, async (handle) => {
    const c = await rawClient(handle.port!);
    try {
      await waitUntil(() => c.events.filter((e) => e.kind === 'option').length >= 4, 5000, 'the server to offer its options');
      const offered = c.events.flatMap((e) => (e.kind === 'option' ? [[e.verb, e.option]] : []));
      assert.equal(offered, [[TELNET.DO, OPTION.BINARY], [TELNET.WILL, OPTION.BINARY], [TELNET.WILL, OPTION.SGA], [TELNET.WILL, OPTION.COM_PORT]]);
      c.socket.write(optionCommand(TELNET.DO, OPTION.ECHO));
      c.socket.write(subnegotiation(OPTION.COM_PORT, comByte(COM.SET_CONTROL, CONTROL.DTR_ON)));
      c.socket.write(escapeIac(encodeRequest('GET_SW_VERSION', 0)));
      await waitUntil(() => c.data().length >= 5, 5000, 'the reply');
      assert.equal(c.data(), [0x00, 0xff, 0x04, 0x04, 0x88]);
      const at = c.raw.indexOf(0x00, 12);
      assert.ok(c.raw.join(',').includes('0,255,255,4,4,136'), `0xFF doubled on the wire: ${c.raw.slice(at)}`);
      assert.ok(c.events.some((e) => e.kind === 'option' && e.verb === TELNET.WONT && e.option === OPTION.ECHO), 'ECHO refused');
      assert.ok(c.subs().some((s) => s[0] === COM.SET_CONTROL + 100 && s[1] === CONTROL.DTR_ON), 'SET-CONTROL acknowledged');
    } finally {
      c.close();
    }
  });
});

test('a flood full of 0xFF through a 16-byte FIFO reaches the wire whole and in order; the client is answered afterwards', async () => {
  await served(16, async (handle) => {
    const onWire: number[] = [];
    const write = handle.sim.host.write.bind(handle.sim.host);
    handle.sim.host.write = (bytes: Uint8Array) => (onWire.push(...bytes), write(bytes));
    const port = await openPort(handle.address);
    try {
      const flood = seededBytes(400, 7).map((b, i) => (i % 5 === 0 ? 0xff : b));
      await port.transport.write(flood);
      await waitUntil(() => handle.input().toBus >= flood.length, 15_000, 'the flood to reach the wire');
      assert.equal(onWire, [...flood], 'every byte, 0xFF undoubled, in order');
      const input = handle.input();
      assert.ok(input.peakBuffered <= 16, `the FIFO held at most ${input.peakBuffered} of 16 bytes`);
      await waitUntil(() => handle.wireBusyUntil() <= handle.sim.clock.now(), 5000, 'the wire to go quiet');
      const client = new StackClient(port.transport, { clock: port.clock, replyTimeoutMs: 1000 });
      assert.is(await client.getSwVersion(0), 4);
    } finally {
      await port.close();
    }
  });
});

test('PURGE-DATA of the transmit buffer is acknowledged and throws away what waits in the FIFO', async () => {
  await served(16, async (handle) => {
    const c = await rawClient(handle.port!);
    try {
      // 3 s of wire time and the purge in one write (one segment on loopback): the purge is read while
      // the bytes that did not fit the FIFO wait in the link (a purge sent later would queue behind them).
      const purge = subnegotiation(OPTION.COM_PORT, comByte(COM.PURGE_DATA, PURGE.TRANSMIT));
      const flood = new Uint8Array(3000 + purge.length).fill(0x55);
      flood.set(purge, 3000);
      c.socket.write(flood);
      await waitUntil(() => c.subs().some((s) => s[0] === COM.PURGE_DATA + 100), 10_000, 'the purge to be acknowledged');
      assert.ok(c.subs().some((s) => s[0] === COM.PURGE_DATA + 100 && s[1] === PURGE.TRANSMIT));
      assert.ok(handle.input().discarded > 0, `bytes discarded: ${handle.input().discarded}`);
      assert.ok(handle.input().toBus < 3000, `not all 3000 bytes went to the wire (${handle.input().toBus})`);
    } finally {
      c.close();
    }
  });
});

test.run();
