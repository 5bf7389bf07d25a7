/**
 * Every state and transition of a machine, enumerated from its definition (walking
 * `machine.root` and each state node's `transitions` and `always`), so that model coverage has
 * a known total. A transition is one candidate of one event of one state: guarded alternatives
 * of the same event are separate transitions.
 */
import type { AnyStateMachine } from 'xstate';
import { boardMcuMachine } from '../../board-model/boardMcuMachine.ts';
import { powerPortMachine } from '../../board-model/powerPortMachine.ts';
import { raspberryPiMachine } from '../../board-model/raspberryPiMachine.ts';
import { regulatorMachine } from '../../board-model/regulatorMachine.ts';

/** The machines of one board: MCU, power port, Pi, regulator. */
export const BOARD_MACHINES: readonly AnyStateMachine[] = [boardMcuMachine, powerPortMachine, raspberryPiMachine, regulatorMachine];

/** One transition: `key` names it in reports (`source --event[i]--> target`). */
export interface TransitionInfo {
  readonly key: string;
  readonly source: string;
  readonly event: string;
  readonly index: number;
  readonly target: string;
}

/** The states and transitions of one machine. */
export interface MachineGraph {
  readonly id: string;
  readonly machine: AnyStateMachine;
  /** State node ids, root included (`powerPort.power.on.alive`). */
  readonly states: readonly string[];
  readonly transitions: readonly TransitionInfo[];
  /** The definition objects XState reports in '@xstate.microstep' events, to their keys. */
  readonly byDefinition: ReadonlyMap<object, string>;
}

interface NodeLike {
  id: string;
  states: Record<string, NodeLike>;
  transitions: Map<string, Array<{ target?: ReadonlyArray<{ id: string }> }>>;
  always?: Array<{ target?: ReadonlyArray<{ id: string }> }>;
}

/** 'xstate.after.bootTime.boardMcu.booting' -> 'after bootTime'; other events as they are. */
export function eventLabel(event: string): string {
  const after = /^xstate\.after\.([^.]+)\./.exec(event);
  return after ? `after ${after[1]}` : event;
}

/** Enumerate a machine's states and transitions. */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const states: string[] = [];
  const transitions: TransitionInfo[] = [];
  const byDefinition = new Map<object, string>();
  const add = (node: NodeLike, event: string, list: ReadonlyArray<{ target?: ReadonlyArray<{ id: string }> }>): void => {
    list.forEach((t, index) => {
      const target = t.target && t.target.length > 0 ? t.target.map((x) => x.id).join(',') : '(stays)';
      const key = `${node.id} --${event}[${index}]--> ${target}`;
      transitions.push({ key, source: node.id, event, index, target });
      byDefinition.set(t, key);
    });
  };
  const walk = (node: NodeLike): void => {
    states.push(node.id);
    for (const [event, list] of node.transitions) add(node, eventLabel(event), list);
    if (node.always) add(node, 'always', node.always);
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(machine.root as unknown as NodeLike);
  return { id: machine.id, machine, states, transitions, byDefinition };
}
