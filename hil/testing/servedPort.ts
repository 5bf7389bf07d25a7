/**
 * Test helper (hil/testing only, never shipped): a HostPort onto a simulated stack served by
 * `pistack serve` (hil/serve/serve.ts) in real time, on a TCP port of 127.0.0.1 or on a socat
 * PTY pair, opened with openPort like any real link. close() also stops the server (socat is
 * killed by its PID, its links removed) and removes the temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import { DEFAULT_SEED, type Scenario } from '../../board-model/scenario.ts';
import { DEFAULT_STACK } from '../../board-model/stack.ts';
import { openPort, type HostPort } from '../ports.ts';
import { serve, type ServeHandle } from '../serve/serve.ts';

/** The default stack with nothing scripted: the host is whoever connects. */
const SCENARIO: Scenario = {
  name: 'contract', description: '', stack: DEFAULT_STACK, profile: V4_REFERENCE, seed: DEFAULT_SEED, durationMs: 0, steps: [], expect: [],
};

/** A HostPort onto `pistack serve`, with the running server for inspection. */
export type ServedPort = HostPort & { readonly server: ServeHandle };

/** Serve the default stack on `kind` (TCP on 127.0.0.1, any free port; or a PTY link in a fresh temp dir) and open it. */
export async function openServedPort(kind: 'tcp' | 'pty'): Promise<ServedPort> {
  const dir = kind === 'pty' ? mkdtempSync(join(tmpdir(), 'pistack-contract-')) : undefined;
  const endpoint = dir === undefined ? ({ kind: 'tcp', host: '127.0.0.1', port: 0 } as const) : ({ kind: 'pty', path: join(dir, 'ttyPISTACK') } as const);
  let server: ServeHandle | undefined;
  const teardown = async () => {
    await server?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  };
  try {
    server = await serve({ endpoint, scenario: SCENARIO });
    const port = await openPort(server.address);
    let closing: Promise<void> | undefined;
    return {
      description: `${port.description} (pistack serve)`,
      transport: port.transport,
      clock: port.clock,
      run: (work) => port.run(work),
      server,
      close: () =>
        (closing ??= (async () => {
          try {
            await port.close();
          } finally {
            await teardown();
          }
        })()),
    };
  } catch (error) {
    await teardown();
    throw error;
  }
}
