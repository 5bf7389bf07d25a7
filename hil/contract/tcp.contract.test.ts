/**
 * The board contract over a real TCP socket on 127.0.0.1: TcpTransport (through openPort) to
 * `pistack serve --tcp`, which runs the simulated stack in real time behind a 9600-baud paced
 * wire. The client gets a 200 ms reply allowance: the simulator runs on the wall clock here, and
 * a loaded machine can delay any step by tens of ms.
 */
import { defineContractSuite } from './contractSuite.ts';
import { openServedPort } from '../testing/servedPort.ts';

defineContractSuite('tcp://127.0.0.1 -> pistack serve (real time, paced 9600 baud)', () => openServedPort('tcp'), { id: 2, replyTimeoutMs: 200 });
