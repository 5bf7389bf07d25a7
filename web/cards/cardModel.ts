/**
 * What a board's card shows, derived from the board's machines, wires and electrical values:
 * badges (SHORT, CRASHED, HUNG, RAIL 0 V, UNDERVOLTAGE, DUPLICATE ID, MCU BOOTING), the
 * running timers as countdowns, the power LED as voltage present at the port (not only the
 * switch), plain-language states with their XState paths, the heartbeat rate. Reads the
 * board, never the bus: looking changes nothing. Browser-safe.
 */
import type { Board } from '../../board-model/Board.ts';
import { portPowered, portStateName } from '../../board-model/powerPortMachine.ts';
import { piStateName } from '../../board-model/raspberryPiMachine.ts';
import type { BoardTimes } from './BoardTimes.ts';
import { heartbeatPeriod, mcuCountdown, portCountdowns, regulatorCountdown, seconds, type Countdown } from './countdowns.ts';
import { mcuStateWords, piStateKey, piStateWords, portStateWords, regulatorStateWords, statePaths, type StateValue } from './stateNames.ts';

/** A badge: short text and the sentence behind it. */
export interface Badge {
  readonly key: 'short' | 'crashed' | 'hung' | 'rail-0v' | 'undervoltage' | 'duplicate-id' | 'mcu-booting';
  readonly text: string;
  readonly why: string;
}

/** Port voltage above which the power LED lights (V): the LED shows voltage present, not the switch. */
export const POWER_LED_MIN_V = 0.5;

/** One port's view. */
export interface PortView {
  readonly switchOn: boolean;
  readonly volts: number;
  readonly amps: number;
  /** Voltage present at the port (the power LED). */
  readonly powerLed: boolean;
  /** Hover text of the power LED, e.g. "Pi 0 power: 5.08 V at the port (load switch on)". */
  readonly powerWhy: string;
  readonly portState: string;
  readonly portWords: string;
  readonly piState: string | undefined;
  readonly piWords: string;
  /** XState paths of the port and the Pi, for hover. */
  readonly paths: string;
  readonly signalHigh: boolean;
  /** Heartbeat period from the last two edges (ms). */
  readonly beatPeriodMs: number | undefined;
  readonly badges: Badge[];
  readonly countdowns: Countdown[];
}

/** One board's view. */
export interface BoardView {
  readonly id: number;
  readonly dip: number;
  /** DIP the MCU read at its last boot (undefined while unpowered): a new DIP takes effect at the next boot. */
  readonly dipAtBoot: number | undefined;
  readonly vin: number;
  readonly cin: number;
  readonly rail: number;
  readonly mcuState: string;
  readonly mcuWords: string;
  readonly regulatorState: string;
  readonly regulatorWords: string;
  readonly paths: string;
  readonly badges: Badge[];
  readonly countdowns: Countdown[];
  readonly ports: [PortView, PortView];
}

/** The card's view of a board at `now` (ms); `others` are the stack's other boards (duplicate IDs). */
export function boardView(board: Board, times: BoardTimes, others: readonly Board[], now: number): BoardView {
  const e = board.electrical();
  const mcuSnap = board.mcu.getSnapshot();
  const mcuState = String(mcuSnap.value);
  const regSnap = board.regulator.getSnapshot();
  const regulatorState = String(regSnap.value);
  const id = board.id;
  const badges: Badge[] = [];
  if (mcuState === 'booting') badges.push({ key: 'mcu-booting', text: 'MCU BOOTING', why: `The board's MCU is booting (${seconds(board.profile.mcu.bootMs)}): it does not hear the bus yet.` });
  const uvlo = board.profile.regulator.uvloV;
  if (e.vin > 0 && e.vin < uvlo) badges.push({ key: 'undervoltage', text: 'UNDERVOLTAGE', why: `Input ${e.vin.toFixed(2)} V is below the regulator's lockout (${uvlo} V): the 5 V rail is off.` });
  if (e.rail < POWER_LED_MIN_V) {
    const why = e.vin < uvlo ? 'the input is too low' : regulatorState === 'collapsed' ? 'the load went over the current limit (short or overload); the regulator retries' : 'the regulator is off';
    badges.push({ key: 'rail-0v', text: 'RAIL 0 V', why: `The 5 V rail that feeds both Pis is down: ${why}.` });
  }
  const twins = others.filter((b) => b !== board && b.id === id);
  if (twins.length > 0) badges.push({ key: 'duplicate-id', text: 'DUPLICATE ID', why: `Board #${twins.map((b) => b.index).join(', #')} also answers to ID ${id}: their replies collide on the bus.` });
  const countdowns: Countdown[] = [];
  const mcuTimer = mcuCountdown(now, mcuState, times.mcuSince, board.profile.mcu.bootMs);
  if (mcuTimer) countdowns.push(mcuTimer);
  const regTimer = regulatorCountdown(now, regulatorState, times.regulatorSince, regSnap.context.params.hiccupRetryMs);
  if (regTimer) countdowns.push(regTimer);
  const ram = mcuSnap.context.ram;
  return {
    id, dip: board.dip, dipAtBoot: ram?.dip, vin: e.vin, cin: e.cin, rail: e.rail,
    mcuState, mcuWords: mcuStateWords(mcuState), regulatorState, regulatorWords: regulatorStateWords(regulatorState),
    paths: [...statePaths('boardMcu', mcuSnap.value as StateValue), ...statePaths('regulator', regSnap.value as StateValue)].join('\n'),
    badges, countdowns,
    ports: [portView(board, times, 0, e.portV[0], e.portA[0], now), portView(board, times, 1, e.portV[1], e.portA[1], now)],
  };
}

function portView(board: Board, times: BoardTimes, pi: 0 | 1, volts: number, amps: number, now: number): PortView {
  const snap = board.ports[pi].getSnapshot();
  const switchOn = portPowered(snap);
  const portState = portStateName(snap);
  const actor = board.pis[pi];
  const piSnap = actor?.getSnapshot();
  const piState = piSnap ? piStateKey(piSnap.value as StateValue) : undefined;
  const badges: Badge[] = [];
  if (piSnap) {
    const c = piSnap.context;
    if (c.shortCircuit) badges.push({ key: 'short', text: 'SHORT', why: `Pi ${pi} is short-circuited: powered, it draws ${c.params.shortCircuitCurrentA} A and pulls the shared 5 V rail down.` });
    if (piStateName(piSnap) === 'crashed') badges.push({ key: 'crashed', text: 'CRASHED', why: `Pi ${pi} crashed: it stopped sending heartbeats, so the watchdog will fire.` });
    if (piState === 'booting.hung') badges.push({ key: 'hung', text: 'HUNG', why: `Pi ${pi} hangs while booting: no first heartbeat, so the HBT_DELAY grace will run out.` });
    if (c.undervoltage) badges.push({ key: 'undervoltage', text: 'UNDERVOLTAGE', why: `Pi ${pi} sees ${c.volts.toFixed(2)} V, below its undervoltage threshold: it flags undervoltage (and resets if it drops further).` });
  }
  const powerLed = volts >= POWER_LED_MIN_V;
  const powerWhy = `Pi ${pi} power: ${volts.toFixed(2)} V at the port (load switch ${switchOn ? 'on' : 'off'})${switchOn && !powerLed ? ': switched on but no voltage, the 5 V rail is down' : ''}`;
  const beats = times.beats(pi);
  const paths = [...statePaths('powerPort', snap.value as StateValue), ...(piSnap ? statePaths('pi', piSnap.value as StateValue) : [])].join('\n');
  return {
    switchOn, volts, amps, powerLed, powerWhy, portState, portWords: portStateWords(portState),
    piState, piWords: piState === undefined ? 'no Pi plugged in' : piStateWords(piState), paths,
    signalHigh: board.signal[pi].level,
    beatPeriodMs: heartbeatPeriod(beats.previous, beats.last),
    badges,
    countdowns: portCountdowns(now, times.port(pi), snap.context.settings, snap.context.behaviour),
  };
}
