/**
 * A board built fast (atRest.ts, no 0 V RAIL to a Pi plugged into a port without power, no
 * MCU_RESET or SETTINGS at boot to a port they would not move, unless inspected) ends up in the same states, with the same contexts, as an inspected board
 * built the XState way, at build, after a runtime unplug and replug, and once powered.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InspectionEvent } from 'xstate';
import { SimStack } from './SimStack.ts';
import { SINGLE_BOARD_STACK } from './stack.ts';

/** Value and context fields (not functions or wires) of every actor of board 0. */
function boardState(sim: SimStack): unknown {
  const board = sim.boards[0]!;
  const plain = (context: object): Record<string, unknown> =>
    Object.fromEntries(Object.entries(context).filter(([, v]) => v === null || typeof v !== 'object' && typeof v !== 'function'));
  return {
    pis: board.pis.map((p) => p && { value: p.getSnapshot().value, context: plain(p.getSnapshot().context) }),
    // offCause aside: a skipped MCU_RESET (portUnmovedBy) leaves the last one, read only when power is cut, which sets it first.
    ports: board.ports.map((p) => ({ value: p.getSnapshot().value, context: { ...plain(p.getSnapshot().context), offCause: undefined }, settings: p.getSnapshot().context.settings })),
    mcu: board.mcu.getSnapshot().value,
    regulator: { value: board.regulator.getSnapshot().value, context: plain(board.regulator.getSnapshot().context) },
    electrical: board.electrical(),
  };
}

test('a fast-built board and an inspected one are in the same states at build, after unplug/replug, and powered', async () => {
  const railsSeen: number[] = [];
  const inspect = (e: InspectionEvent): void => {
    if (e.type === '@xstate.event' && e.event.type === 'RAIL') railsSeen.push((e.event as unknown as { volts: number }).volts);
  };
  const fast = new SimStack({ stack: SINGLE_BOARD_STACK, seed: 3 });
  const inspected = new SimStack({ stack: SINGLE_BOARD_STACK, seed: 3, inspect });
  assert.equal(railsSeen, [0, 0], 'the inspected board tells each new Pi its 0 V (the transition an inspector sees)');
  assert.equal(boardState(fast), boardState(inspected), 'built');
  for (const sim of [fast, inspected]) {
    sim.start();
    await sim.runFor(500);
    sim.boards[0]!.removePi(1);
    sim.boards[0]!.insertPi(1, { model: 'pi3b+', daemon: true });
  }
  assert.equal(boardState(fast), boardState(inspected), 'replugged into an unpowered port');
  for (const sim of [fast, inspected]) {
    sim.boards[0]!.ports[0].send({ type: 'PI_ON' });
    sim.boards[0]!.ports[1].send({ type: 'PI_ON' });
    await sim.runFor(60_000);
  }
  const powered = boardState(fast) as { pis: Array<{ value: unknown }> };
  assert.equal(powered.pis.map((p) => p.value), [{ running: 'daemon' }, { running: 'daemon' }]);
  assert.equal(powered, boardState(inspected), 'powered and running');
  fast.stop();
  inspected.stop();
});

test.run();
