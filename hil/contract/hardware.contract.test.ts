/**
 * The board contract against a real board: set PISTACK_PORT (a device path, tcp://HOST:PORT, or
 * sim:) and optionally PISTACK_ID (default 0). Without PISTACK_PORT a visibly skipped suite says
 * how to enable it. The board under test should have its Pis off; it is left as found.
 */
import { suite } from 'uvu';
import { defineContractSuite } from './contractSuite.ts';
import { openPort } from '../ports.ts';

const spec = process.env['PISTACK_PORT'];
const idText = process.env['PISTACK_ID'] ?? '0';
const id = /^\d+$/.test(idText) ? Number(idText) : NaN;

if (spec === undefined || spec === '') {
  const skipped = suite('contract: real board (skipped: set PISTACK_PORT=/dev/ttyUSB0 and PISTACK_ID=0 to run it)');
  skipped.skip('contract against a real board: set PISTACK_PORT=/dev/ttyUSB0 (or tcp://HOST:PORT) and PISTACK_ID (default 0)', () => undefined);
  skipped.run();
} else if (!(id >= 0 && id <= 254)) {
  const bad = suite('contract: real board');
  bad('PISTACK_ID is a board ID', () => {
    throw new Error(`"PISTACK_ID": ${JSON.stringify(idText)} is not a board ID (0..254)`);
  });
  bad.run();
} else {
  defineContractSuite(`real board ${id} at ${spec}`, () => openPort(spec), { id });
}
