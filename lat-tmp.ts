import { writeSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { V4_REFERENCE } from './board-model/profiles.ts';
import { DEFAULT_SEED } from './board-model/scenario.ts';
import { DEFAULT_STACK } from './board-model/stack.ts';
import { StackClient } from './bus-protocol/StackClient.ts';
import { openPort } from './hil/ports.ts';
import { serve } from './hil/serve/serve.ts';
import { SerialTransport } from './hil/SerialTransport.ts';
const mode = process.argv[2] ?? 'orig';
if (mode !== 'orig') {
  const orig = (SerialTransport.prototype as any).send;
  (SerialTransport.prototype as any).send = function (this: any, bytes: Uint8Array, done: (e?: Error | null) => void) {
    const fd = this.port?.port?.fd;
    if (typeof fd === 'number') {
      try { const n = writeSync(fd, bytes); if (n === bytes.length) { done(null); return; } } catch (e) { /* fall back */ }
    }
    return orig.call(this, bytes, done);
  };
}
const dir = mkdtempSync(join(tmpdir(), 'lat-'));
const server = await serve({ endpoint: { kind: 'pty', path: join(dir, 'tty') }, scenario: { name: 'b', description: '', stack: DEFAULT_STACK, profile: V4_REFERENCE, seed: DEFAULT_SEED, durationMs: 0, steps: [], expect: [] } });
const port = await openPort(server.address);
const client = new StackClient(port.transport, { clock: port.clock });
for (let i = 0; i < 10; i++) await client.request('GET_VIN', 0);
const tot: number[] = [];
for (let i = 0; i < 300; i++) { const t0 = performance.now(); await client.request('GET_VIN', i % 16); tot.push(performance.now() - t0); }
tot.sort((a, b) => a - b);
console.log(mode, 'median', tot[150].toFixed(3), 'p10', tot[30].toFixed(3), 'p90', tot[270].toFixed(3));
await client.close(); await port.close(); await server.stop();
