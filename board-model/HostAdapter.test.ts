import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BusClient } from '../bus-protocol/BusClient.ts';
import { DisconnectedError } from '../bus-protocol/errors.ts';
import { encodeOkResponse } from '../bus-protocol/frame.ts';
import { VirtualClock } from './VirtualClock.ts';
import { Rs485Bus, type Delivery } from './Rs485Bus.ts';
import { HostAdapter } from './HostAdapter.ts';
import { BoardReceiver } from './BoardReceiver.ts';

const BYTE_MS = 10_000 / 9600;

function rig(latencyMs = 0, echo = false) {
  const clock = new VirtualClock();
  const bus = new Rs485Bus({ clock });
  const adapter = new HostAdapter({ bus, latencyMs, echo });
  const boardHeard: Delivery[] = [];
  const board = bus.attach('board', (d) => boardHeard.push(d));
  const hostGot: Array<{ bytes: number[]; at: number }> = [];
  adapter.onData((bytes) => hostGot.push({ bytes: [...bytes], at: clock.now() }));
  return { clock, bus, adapter, board, boardHeard, hostGot };
}

test('write puts the bytes on the bus and resolves at once; the host hears no echo', async () => {
  const { clock, adapter, boardHeard, hostGot } = rig();
  assert.is(adapter.description, 'sim:');
  await adapter.write(Uint8Array.of(0x02, 0x00, 0x03, 0xad));
  assert.is(clock.now(), 0, 'resolved before any virtual time passed');
  clock.advance(10);
  assert.equal([...boardHeard[0]!.bytes], [0x02, 0x00, 0x03, 0xad]);
  assert.is(boardHeard[0]!.from, 'host');
  assert.equal(hostGot, []);
});

test('a reply reaches every data listener when its last byte is on the wire', () => {
  const { clock, adapter, board, hostGot } = rig();
  const second: number[][] = [];
  const off = adapter.onData((bytes) => second.push([...bytes]));
  const t = board.transmit(Uint8Array.of(0x00, 0xff, 0x03, 0x63));
  clock.advance(10);
  assert.equal(hostGot, [{ bytes: [0x00, 0xff, 0x03, 0x63], at: t.end }]);
  assert.equal(second, [[0x00, 0xff, 0x03, 0x63]]);
  off();
  board.transmit(Uint8Array.of(1));
  clock.advance(10);
  assert.is(second.length, 1, 'unsubscribed listener hears nothing more');
  assert.is(hostGot.length, 2);
});

test('latencyMs delays delivery to the host, keeping order', () => {
  const { clock, board, hostGot } = rig(16);
  const first = board.transmit(Uint8Array.of(1, 2));
  const second = board.transmit(Uint8Array.of(3));
  clock.advanceTo(first.end + 15.9);
  assert.equal(hostGot, []);
  clock.advance(20);
  assert.equal(hostGot.map((g) => g.bytes), [[1, 2], [3]]);
  assert.ok(Math.abs(hostGot[1]!.at - (second.end + 16)) < 1e-9);
});

test('close: listeners hear it once, close is idempotent, writes reject, pending bytes are dropped', async () => {
  const { clock, bus, adapter, board, hostGot } = rig(16);
  const reasons: string[] = [];
  adapter.onClose((r) => reasons.push(r));
  board.transmit(Uint8Array.of(1, 2));
  clock.advance(5); // on the wire, inside the adapter's latency window
  await adapter.close();
  await adapter.close();
  assert.equal(reasons, ['closed by host']);
  assert.ok(adapter.closed);
  clock.advance(50);
  assert.equal(hostGot, []);
  try {
    await adapter.write(Uint8Array.of(1));
    assert.unreachable('write after close must reject');
  } catch (error) {
    assert.instance(error, DisconnectedError);
  }
  assert.equal(bus.nodeNames, ['board'], 'the adapter left the bus');
});

test('unplug reports its reason to close listeners once', () => {
  const { adapter } = rig();
  const reasons: string[] = [];
  const off = adapter.onClose((r) => reasons.push(r));
  const other: string[] = [];
  adapter.onClose((r) => other.push(r));
  off();
  adapter.unplug('cable pulled');
  adapter.unplug('again');
  assert.equal(reasons, []);
  assert.equal(other, ['cable pulled']);
});

test('echo option hands the host its own bytes as they were on the wire', () => {
  const { clock, adapter, hostGot } = rig(0, true);
  void adapter.write(Uint8Array.of(7, 8, 9));
  clock.advance(10);
  assert.equal(hostGot.map((g) => g.bytes), [[7, 8, 9]]);
  assert.throws(() => new HostAdapter({ bus: new Rs485Bus({ clock }), latencyMs: -1 }), /"latencyMs"/);
});

/** Let the client's promise chains run between steps of virtual time. */
async function settle<T>(promise: Promise<T>, clock: VirtualClock, stepMs = 0.5, maxMs = 1000): Promise<T> {
  let done = false;
  const out = promise.finally(() => (done = true));
  for (let t = 0; t < maxMs && !done; t += stepMs) {
    for (let i = 0; i < 5; i++) await Promise.resolve();
    clock.advance(stepMs);
  }
  return out;
}

test('BusClient over the adapter gets a board reply in virtual time', async () => {
  const clock = new VirtualClock();
  const bus = new Rs485Bus({ clock });
  const adapter = new HostAdapter({ bus });
  const board = bus.attach('board 0', (d) => receiver.receive(d));
  const receiver = new BoardReceiver({
    clock,
    getId: () => 0,
    onFrame: (f) => clock.setTimeout(() => board.transmit(encodeOkResponse('GET_SW_VERSION', { version: 4 })), Math.max(0, f.at + 2 - clock.now())),
  });
  const client = new BusClient(adapter, { clock });
  const payload = await settle(client.request('GET_SW_VERSION', 0), clock);
  assert.equal(payload, { version: 4 });
  assert.ok(clock.now() >= 4 * BYTE_MS + 2 + 5 * BYTE_MS, 'request, reply delay and reply took wire time');
  await client.close();
  assert.ok(adapter.closed);
});

test.run();
