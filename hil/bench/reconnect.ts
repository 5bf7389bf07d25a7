/**
 * Getting the link back after the adapter went away, so that a bench run can still power the
 * board off and restore its settings: reopen the same `--port` a few times (a USB adapter
 * plugged back in), or on `sim:` plug a new simulated adapter into the same bus.
 */
import { HostAdapter } from '../../board-model/HostAdapter.ts';
import { openPort, type HostPort, type OpenPortOptions } from '../ports.ts';
import { realClock } from '../realClock.ts';

let adapters = 0;

/**
 * On `sim:`: a new host adapter on the simulated bus (the old one stays unplugged). Its replies
 * wake host code through a zero-delay host-clock timer, as the stack's own adapter does.
 */
export function simReconnect(port: HostPort): () => Promise<HostPort> {
  return async () => {
    const sim = port.sim;
    if (sim === undefined) throw new Error(`${port.description} is not a simulated port`);
    const adapter = new HostAdapter({ bus: sim.bus, name: `host (reconnected ${++adapters})` });
    adapter.onData(() => void port.clock.setTimeout(() => undefined, 0));
    return {
      description: `${port.description} (reconnected)`,
      transport: adapter,
      clock: port.clock,
      run: (work) => port.run(work),
      close: () => adapter.close(),
      sim,
    };
  };
}

/** Reopen `spec` up to `attempts` times, `intervalMs` apart on the wall clock (defaults: 10 tries, 1 s). */
export function reopenPort(spec: string, options: OpenPortOptions = {}, attempts = 10, intervalMs = 1000): () => Promise<HostPort> {
  return async () => {
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise<void>((resolve) => realClock.setTimeout(resolve, intervalMs));
      try {
        return await openPort(spec, options);
      } catch (error) {
        last = error;
      }
    }
    throw last instanceof Error ? last : new Error(String(last));
  };
}
