/** The board model's machines that get a statechart, in the order the page and the docs show them. */
import type { AnyStateMachine } from 'xstate';
import { machineToDot } from './toDot.ts';
import type { ChartTransition } from './statechart.ts';
import { delayOf, valuedLabel } from './values.ts';
import { boardMcuMachine } from '../../board-model/boardMcuMachine.ts';
import { powerPortMachine } from '../../board-model/powerPortMachine.ts';
import { raspberryPiMachine } from '../../board-model/raspberryPiMachine.ts';
import { regulatorMachine } from '../../board-model/regulatorMachine.ts';

/** Which part of a board a chart shows. */
export type ChartKey = 'powerPort' | 'raspberryPi' | 'regulator' | 'boardMcu';

/** One chart: file/key name, heading, source file and the machine it is drawn from. */
export interface ChartSpec {
  readonly key: ChartKey;
  readonly title: string;
  readonly source: string;
  readonly machine: AnyStateMachine;
  /** Graphviz rank direction that draws this machine most legibly. */
  readonly rankdir: 'TB' | 'LR';
}

/** Every chart: port, Pi, regulator, MCU (docs/charts/<key>.dot and .svg). */
export const CHARTS: readonly ChartSpec[] = [
  { key: 'powerPort', title: 'Power port (board-model/powerPortMachine.ts)', source: 'board-model/powerPortMachine.ts', machine: powerPortMachine, rankdir: 'TB' },
  { key: 'raspberryPi', title: 'Raspberry Pi (board-model/raspberryPiMachine.ts)', source: 'board-model/raspberryPiMachine.ts', machine: raspberryPiMachine, rankdir: 'LR' },
  { key: 'regulator', title: '5 V regulator (board-model/regulatorMachine.ts)', source: 'board-model/regulatorMachine.ts', machine: regulatorMachine, rankdir: 'TB' },
  { key: 'boardMcu', title: 'Board MCU (board-model/boardMcuMachine.ts)', source: 'board-model/boardMcuMachine.ts', machine: boardMcuMachine, rankdir: 'TB' },
];

/** DOT text of one chart as committed in docs/charts/<key>.dot. */
export function chartDot(spec: ChartSpec): string {
  return machineToDot(spec.machine, { title: spec.title, rankdir: spec.rankdir });
}

/** Second label line of a delayed transition on the page, as wide as its countdown ("12.3 s left"), blank until the delay runs. */
export const COUNTDOWN_ROOM = '000.0 s left';

/** DOT text of one chart for the page: labels carry the values an actor's context gives (`after OFF_DELAY (30 s)`, `[load > 5.0 A]`). */
export function valuedChartDot(spec: ChartSpec, context: unknown): string {
  const labelOf = (t: ChartTransition): string => {
    const text = valuedLabel(spec.key, spec.machine, t.label, t.event, t.guard, context);
    return delayOf(t.event) !== undefined && t.targets.length > 0 ? `${text}\n${COUNTDOWN_ROOM}` : text; // a second line for the countdown
  };
  return machineToDot(spec.machine, { title: spec.title, rankdir: spec.rankdir, labelOf });
}

