/**
 * Test helper (hil/testing only, never shipped): a HostPort onto a simulated stack served by
 * `pistack serve` (hil/serve/serve.ts) in real time, on a TCP or RFC 2217 port of 127.0.0.1, on
 * a socat PTY pair, or on a PTY exported by Debian's ser2net as RFC 2217 ('ser2net'), opened
 * with openPort like any real link. close() also stops the servers (socat and ser2net killed by
 * their PIDs, links removed) and removes the temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import { DEFAULT_SEED, type Scenario } from '../../board-model/scenario.ts';
import { DEFAULT_STACK } from '../../board-model/stack.ts';
import { openPort, type HostPort } from '../ports.ts';
import { serve, type ServeEndpoint, type ServeHandle } from '../serve/serve.ts';
import { startSer2net, type Ser2net } from '../rfc2217/testing/ser2net.ts';

/** The default stack with nothing scripted: the host is whoever connects. */
const SCENARIO: Scenario = {
  name: 'contract', description: '', stack: DEFAULT_STACK, profile: V4_REFERENCE, seed: DEFAULT_SEED, durationMs: 0, steps: [], expect: [],
};

/** A HostPort onto `pistack serve`, with the running server (and ser2net in front of it, if any) for inspection. */
export type ServedPort = HostPort & { readonly server: ServeHandle; readonly ser2net: Ser2net | undefined };

/** How the served stack is reached: `serve --tcp`, `serve --pty`, `serve --rfc2217`, or `serve --pty` exported by ser2net as RFC 2217. */
export type ServedKind = 'tcp' | 'pty' | 'rfc2217' | 'ser2net';

/** Serve the default stack on `kind` (TCP or RFC 2217 on 127.0.0.1, any free port; or a PTY link in a fresh temp dir, for 'ser2net' exported by ser2net) and open it. */
export async function openServedPort(kind: ServedKind): Promise<ServedPort> {
  const dir = kind === 'pty' || kind === 'ser2net' ? mkdtempSync(join(tmpdir(), 'pistack-contract-')) : undefined;
  const endpoint: ServeEndpoint = dir === undefined ? { kind: kind === 'rfc2217' ? 'rfc2217' : 'tcp', host: '127.0.0.1', port: 0 } : { kind: 'pty', path: join(dir, 'ttyPISTACK') };
  let server: ServeHandle | undefined;
  let ser2net: Ser2net | undefined;
  const teardown = async () => {
    await ser2net?.stop();
    await server?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  };
  try {
    server = await serve({ endpoint, scenario: SCENARIO });
    if (kind === 'ser2net') ser2net = await startSer2net(server.address);
    const port = await openPort(ser2net?.url ?? server.address);
    let closing: Promise<void> | undefined;
    return {
      description: `${port.description} (pistack serve)`,
      transport: port.transport,
      clock: port.clock,
      run: (work) => port.run(work),
      server,
      ser2net,
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
