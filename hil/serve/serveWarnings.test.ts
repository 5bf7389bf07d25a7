/** `serve` prints the stack's run-time warnings on its console (TCP on 127.0.0.1, no client needed). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeRequest } from '../../bus-protocol/frame.ts';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import type { Scenario } from '../../board-model/scenario.ts';
import { parseStack } from '../../board-model/stack.ts';
import { serve } from './serve.ts';
import { waitUntil } from './testing/hostSide.ts';

test('serve: a board taking ID 0xFF at run time (SET_ID_PREFIX) is a warning on the console (guards against a silent master-address board)', async () => {
  const stack = parseStack({ boards: [{ dip: 15, pis: [null, null] }] }, 'test');
  const scenario: Scenario = { name: 'test', description: '', stack, profile: V4_REFERENCE, seed: 1, durationMs: 0, steps: [], expect: [] };
  const lines: string[] = [];
  const handle = await serve({ endpoint: { kind: 'tcp', host: '127.0.0.1', port: 0 }, scenario, log: (line) => lines.push(line) });
  try {
    assert.equal(lines.filter((l) => l.startsWith('warning')), []);
    await handle.sim.host.write(encodeRequest('SET_ID_PREFIX', 0x0f, { prefix: 0xf0 }));
    await waitUntil(() => lines.some((l) => l.startsWith('warning')), 2000, 'the warning');
    assert.match(lines.find((l) => l.startsWith('warning'))!, /^warning: at \S+: boards\[0\] now has ID 0xFF .*the master address/);
  } finally {
    await handle.stop();
  }
});

test.run();
