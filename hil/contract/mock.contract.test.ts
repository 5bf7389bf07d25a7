/**
 * The board contract through node-serialport's SerialPortMock binding, with a simulated stack
 * behind the mock port: the real SerialTransport and SerialPortStream, fragmented reads
 * (maxReadSize 3), virtual time.
 */
import { defineContractSuite } from './contractSuite.ts';
import { openMockSimPort } from '../testing/MockSimPort.ts';

defineContractSuite('SerialPortMock -> simulated stack (reads of at most 3 bytes)', () => openMockSimPort({ maxReadSize: 3 }), { id: 5 });
