/**
 * Test helper (hil/bench/testing only, never shipped): a `sim:` port onto a one-board bench stack,
 * optionally with manufacturing defects, and a fresh client onto the same bus to inspect the
 * board afterwards (through the bus, as a second host would).
 */
import { StackClient } from '../../../bus-protocol/StackClient.ts';
import type { Defect } from '../../../board-model/defects.ts';
import type { FirmwareProfile } from '../../../board-model/profileSchema.ts';
import { parseStack } from '../../../board-model/stack.ts';
import { openPort, type HostPort } from '../../ports.ts';
import { simReconnect } from '../reconnect.ts';

/** A bench port: one board labelled `id`, ports empty, with `defects`. */
export async function openBench(id: number, defects: readonly Defect[] = [], profile?: FirmwareProfile): Promise<HostPort> {
  const stack = parseStack(
    { name: 'bench', boards: [{ dip: id & 0x0f, prefix: id & 0xf0, pis: [null, null], defects }] },
    'bench',
    profile ? { defaultProfile: profile } : {},
  );
  return openPort('sim:', { stack, ...(profile ? { profile } : {}) });
}

/** A second host adapter on the same simulated bus (works after the first was unplugged) and its client. */
export async function inspector(port: HostPort): Promise<{ client: StackClient; run: <T>(work: Promise<T>) => Promise<T>; close: () => Promise<void> }> {
  const other = await simReconnect(port)();
  return { client: new StackClient(other.transport, { clock: other.clock }), run: (work) => other.run(work), close: () => other.close() };
}
