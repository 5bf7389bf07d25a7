/** Read a board's persistent state over the bus, the way any host would (fuzz properties). */
import type { StackClient } from '../../bus-protocol/StackClient.ts';
import type { PortConfig } from '../../board-model/firmware/flashBlocks.ts';

/** Config and error block of one board, as read with GET commands. */
export interface BoardReading {
  prefix: number;
  ports: [PortConfig, PortConfig];
  errors: { log: number[]; pointer: number; errorCount: number; bootCount: number };
}

/** Run host work to completion (the simulator's settle, or the identity on hardware). */
export type Runner = <T>(work: Promise<T>) => Promise<T>;

async function readPort(client: StackClient, run: Runner, id: number, pi: 0 | 1): Promise<PortConfig> {
  return {
    hbtTime: await run(client.getHbtTime(id, pi)),
    hbtDelay: await run(client.getHbtDelay(id, pi)),
    offDelay: await run(client.getOffDelay(id, pi)),
    sigOffDelay: await run(client.getSigOffDelay(id, pi)),
    sigWidth: await run(client.getSigWidth(id, pi)),
    piOnStartup: await run(client.getPiOnStartup(id, pi)),
  };
}

/** Read the error block (log, pointer, counts) of board `id`. */
export async function readErrors(client: StackClient, run: Runner, id: number): Promise<BoardReading['errors']> {
  return {
    log: [...(await run(client.getErrorBuffer(id)))],
    pointer: await run(client.getErrorPointer(id)),
    errorCount: await run(client.getErrorCount(id)),
    bootCount: await run(client.getBootCount(id)),
  };
}

/** Read prefix, both ports' settings and the error block of board `id`. */
export async function readBoard(client: StackClient, run: Runner, id: number): Promise<BoardReading> {
  const prefix = await run(client.getIdPrefix(id));
  const ports: [PortConfig, PortConfig] = [await readPort(client, run, id, 0), await readPort(client, run, id, 1)];
  return { prefix, ports, errors: await readErrors(client, run, id) };
}
