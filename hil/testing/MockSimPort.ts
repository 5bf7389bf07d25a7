/**
 * Test double (hil/testing only, never shipped): a simulated stack behind a SerialPortMock port.
 * The host side is the real SerialTransport over a real SerialPortStream on
 * `SerialPortMock.binding` (never '@serialport/binding-mock' directly, TOOLCHAIN.md); the board
 * side pumps bytes between the opened mock port and the SimStack's host adapter. run() advances
 * the simulator's virtual time one timer at a time, and only while no bytes are in flight
 * through the mock's asynchronous I/O, so the client's virtual reply deadlines are exact. As
 * SimStack.settle, it has no virtual-time ceiling: it gives up only when the host has had no
 * timer pending for HOST_IDLE_LIMIT_MS (it waits for bytes that never come).
 */
import { SerialPortMock } from 'serialport';
import type { ByteTransport } from '../../bus-protocol/transport.ts';
import { HOST_IDLE_LIMIT_MS, type SimStack } from '../../board-model/SimStack.ts';
import { openPort, type HostPort, type OpenPortOptions } from '../ports.ts';
import { openSerialTransport, type SerialBinding } from '../SerialTransport.ts';

type MockPort = Awaited<ReturnType<typeof SerialPortMock.binding.open>>;

/** Settings of the simulated stack (as for `sim:`) and of the mock port. */
export interface MockSimPortOptions extends Pick<OpenPortOptions, 'stack' | 'profile' | 'seed' | 'bootMs'> {
  /** Largest chunk one host read returns, bytes (SerialPortMock's maxReadSize); default 1024. */
  maxReadSize?: number;
}

/** Event-loop turns allowed for bytes in flight before run() gives up on them. */
const MAX_STALLED_TURNS = 10_000;

let ports = 0;

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Open a HostPort whose link is SerialTransport -> SerialPortStream -> SerialPortMock -> simulated stack. */
export async function openMockSimPort(options: MockSimPortOptions = {}): Promise<HostPort & { readonly sim: SimStack }> {
  const { maxReadSize = 1024, ...simOptions } = options;
  const simPort = await openPort('sim:', simOptions);
  const sim = simPort.sim!;
  const path = `/dev/pistack-mock-sim-${process.pid}-${++ports}`;
  const mock = SerialPortMock.binding;
  mock.createPort(path, { echo: false, record: false, maxReadSize });

  let toBoard = 0; // bytes the host wrote that have not reached the simulator yet
  let toHost = 0; // bytes the simulator sent that the host has not received yet
  let board: MockPort | undefined;
  const offSim = sim.host.onData((bytes) => {
    if (!board?.isOpen) return; // nobody at the other end: the bytes are lost, as on a real bus
    toHost += bytes.length;
    board.emitData(Buffer.from(bytes));
  });
  const binding: SerialBinding = {
    list: () => mock.list(),
    open: async (openOptions) => {
      const port = await mock.open(openOptions);
      board = port;
      const write = port.write.bind(port);
      port.write = async (buffer) => {
        await write(buffer);
        toBoard = Math.max(0, toBoard - buffer.length);
        await sim.host.write(Uint8Array.from(buffer));
      };
      return port;
    },
  };
  const serial = await openSerialTransport({ path, binding });
  serial.onData((bytes) => {
    toHost = Math.max(0, toHost - bytes.length);
  });
  const transport: ByteTransport = {
    description: `${serial.description} (SerialPortMock, simulated stack)`,
    write: (bytes) => {
      toBoard += bytes.length;
      return serial.write(bytes).catch((error: unknown) => {
        toBoard = Math.max(0, toBoard - bytes.length);
        throw error;
      });
    },
    onData: (listener) => serial.onData(listener),
    onClose: (listener) => serial.onClose(listener),
    close: () => serial.close(),
  };

  const run = async <T>(work: Promise<T>): Promise<T> => {
    let done = false;
    work.then(() => (done = true), () => (done = true));
    let idleSince = sim.clock.now();
    let stalled = 0;
    for (;;) {
      await turn();
      if (done) return work;
      if (toBoard + toHost > 0) {
        if (++stalled > MAX_STALLED_TURNS) throw new Error(`mock bridge: ${toBoard + toHost} bytes stuck in flight`);
        continue;
      }
      stalled = 0;
      if (sim.hostWaiting) idleSince = sim.clock.now();
      const next = sim.clock.next();
      if (next === undefined || (!sim.hostWaiting && next > idleSince + HOST_IDLE_LIMIT_MS)) {
        throw new Error(`mock bridge: the host is waiting for something that cannot come (no host timer pending${next === undefined ? ', nothing left to happen' : ` for ${HOST_IDLE_LIMIT_MS} ms of virtual time`})`);
      }
      sim.step(next);
    }
  };

  let closing: Promise<void> | undefined;
  return {
    description: transport.description,
    transport,
    clock: sim.hostClock,
    run,
    sim,
    close: () =>
      (closing ??= (async () => {
        await serial.close();
        offSim();
        await simPort.close();
      })()),
  };
}
