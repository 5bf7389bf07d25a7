/**
 * The page's state in the URL fragment, so a link reopens the same moment: lesson (a scenario,
 * or a guided lesson and which part), virtual time, seed, selected board and Pi, speed and the
 * student's inputs. Compact and versioned, e.g.
 * `#v=1&lesson=watchdog-cycle.json&t=72000&board=3&pi=1&speed=10&in=f:4hk1:crash:3:1,h:8o01:PI_ON:3:1`
 * or `#v=1&guided=02-heartbeat-watchdog.json&predict=It%20stays%20on&t=72205&board=0&pi=0&speed=100`,
 * with the student's prediction, or `&exercise=1` for its exercise (input times in base-36 grid units, inputs.ts). Parsed strictly: anything unknown or out of
 * range is rejected with a reason, never half-applied. Browser-safe.
 */
import { COMMANDS, COMMAND_NAMES, fieldSize, type CommandName } from '../../bus-protocol/commands.ts';
import { FAULTS, FAULT_NAMES, type FaultName } from '../../board-model/faults.ts';
import { SPEEDS, type Speed } from '../TimeDriver.ts';
import { TIME_GRID, type Input } from './inputs.ts';

/** Version of the fragment format this page writes and reads. */
export const URL_STATE_VERSION = 1;

/** Everything a link carries. */
export interface UrlState {
  /** Scenario file name run as a lesson, or undefined for the page's start stack and a guided lesson. */
  readonly lesson?: string | undefined;
  /** Guided lesson file name (fixtures/lessons), if the link opens one. */
  readonly guided?: string | undefined;
  /** With `guided`: its exercise rather than the lesson's own run. */
  readonly exercise?: boolean | undefined;
  /** With `guided` (not its exercise): the prediction the student made, as given (a choice or typed text). */
  readonly prediction?: string | undefined;
  /** Virtual time to show (ms). */
  readonly t: number;
  readonly seed?: number | undefined;
  readonly board: number;
  readonly pi: 0 | 1;
  readonly speed: Speed;
  readonly inputs: readonly Input[];
}

/** A parsed fragment: none given, a state, or why it was ignored. */
export type UrlParse = { readonly kind: 'none' } | { readonly kind: 'state'; readonly state: UrlState } | { readonly kind: 'invalid'; readonly reason: string };

/** Faults the page's buttons inject, with how their value is written. */
const VALUE_FAULTS: Partial<Record<FaultName, 'volts' | 'dip'>> = { 'supply-volts': 'volts', 'duplicate-dip': 'dip', 'set-dip': 'dip' };

const KEYS = ['v', 'lesson', 'guided', 'exercise', 'predict', 't', 'seed', 'board', 'pi', 'speed', 'in'] as const;

/** Longest prediction a link carries (characters): a sentence, not an essay. */
export const MAX_PREDICTION_CHARS = 300;

/** Digits a time may have: JavaScript's shortest text of a number, which reads back as the same number. */
const TIME_TEXT = /^\d{1,10}(\.\d{1,20})?$/;

/**
 * A time as ms text, exact (it reads back as the same number), so a link to the moment of a
 * lesson's pause (72205.20833333333: a reply's 5.2083 ms on the wire) reopens at that moment, with
 * its callout; to the µs only when the exact text is not plain digits.
 */
function timeText(ms: number): string {
  const exact = String(ms);
  return TIME_TEXT.test(exact) ? exact : String(Math.round(ms * 1000) / 1000);
}

function encodeInput(input: Input): string {
  const at = Math.round(input.at * TIME_GRID).toString(36);
  if (input.kind === 'host') {
    const values = COMMANDS[input.command].request.map((f) => String(input.args[f.name] ?? 0));
    return ['h', at, input.command, String(input.id), ...values].join(':');
  }
  return ['f', at, input.fault, String(input.board), String(input.pi), ...(input.value === undefined ? [] : [String(input.value)])].join(':');
}

/** The fragment (without '#') for a state. */
export function encodeUrlState(state: UrlState): string {
  const parts = [`v=${URL_STATE_VERSION}`];
  if (state.lesson !== undefined) parts.push(`lesson=${encodeURIComponent(state.lesson)}`);
  if (state.guided !== undefined) parts.push(`guided=${encodeURIComponent(state.guided)}`);
  if (state.guided !== undefined && state.exercise) parts.push('exercise=1');
  if (state.guided !== undefined && !state.exercise && state.prediction !== undefined) parts.push(`predict=${encodeURIComponent(state.prediction)}`);
  parts.push(`t=${timeText(state.t)}`);
  if (state.seed !== undefined) parts.push(`seed=${state.seed}`);
  parts.push(`board=${state.board}`, `pi=${state.pi}`, `speed=${state.speed}`);
  if (state.inputs.length > 0) parts.push(`in=${state.inputs.map(encodeInput).join(',')}`);
  return parts.join('&');
}

class Bad extends Error {}

function int(text: string, what: string, max: number): number {
  if (!/^\d{1,10}$/.test(text)) throw new Bad(`${what} "${text}" is not a whole number`);
  const n = Number(text);
  if (n > max) throw new Bad(`${what} ${n} is above ${max}`);
  return n;
}

function decodeInput(token: string, previous: number): Input {
  const [kind, atText = '', name = '', ...rest] = token.split(':');
  if (!/^[0-9a-z]{1,12}$/.test(atText)) throw new Bad(`input "${token}": time "${atText}" is not base-36`);
  const at = parseInt(atText, 36) / TIME_GRID;
  if (!(at > previous)) throw new Bad(`input "${token}": inputs must be in increasing time order`);
  if (kind === 'h') {
    if (!(COMMAND_NAMES as readonly string[]).includes(name)) throw new Bad(`input "${token}": unknown command "${name}"`);
    const command = name as CommandName;
    const fields = COMMANDS[command].request;
    if (rest.length !== fields.length + 1) throw new Bad(`input "${token}": ${command} takes an ID and ${fields.length} value(s)`);
    const id = int(rest[0]!, 'board ID', 255);
    const args: Record<string, number> = {};
    fields.forEach((f, k) => (args[f.name] = int(rest[k + 1]!, f.name, 2 ** (8 * (fieldSize(f.type) ?? 1)) - 1)));
    return { kind: 'host', at, command, id, args };
  }
  if (kind === 'f') {
    if (!(FAULT_NAMES as readonly string[]).includes(name)) throw new Bad(`input "${token}": unknown fault "${name}"`);
    const fault = name as FaultName;
    const valueKind = VALUE_FAULTS[fault];
    if (valueKind === undefined && FAULTS[fault].value !== 'none') throw new Bad(`input "${token}": the page does not inject ${fault}`);
    if (rest.length !== (valueKind === undefined ? 2 : 3)) throw new Bad(`input "${token}": ${fault} takes a board and a Pi${valueKind ? ' and a value' : ''}`);
    const board = int(rest[0]!, 'board', 255);
    const pi = int(rest[1]!, 'Pi', 1) as 0 | 1;
    if (valueKind === undefined) return { kind: 'fault', at, fault, board, pi };
    const text = rest[2]!;
    const value = valueKind === 'dip' ? int(text, 'DIP', 15) : Number(text);
    if (!/^\d{1,2}(\.\d{1,3})?$/.test(text) || !(value <= 30)) throw new Bad(`input "${token}": value "${text}" is not ${valueKind === 'dip' ? 'a DIP 0..15' : 'a voltage 0..30'}`);
    return { kind: 'fault', at, fault, board, pi, value };
  }
  throw new Bad(`input "${token}" is neither a host command (h:) nor a fault (f:)`);
}

/** Parse a fragment (with or without '#'). Never throws. */
export function decodeUrlState(fragment: string): UrlParse {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (text === '') return { kind: 'none' };
  try {
    const map = new Map<string, string>();
    for (const part of text.split('&')) {
      const eq = part.indexOf('=');
      const key = eq < 0 ? part : part.slice(0, eq);
      if (!(KEYS as readonly string[]).includes(key)) throw new Bad(`unknown key "${key}"`);
      if (map.has(key)) throw new Bad(`"${key}" given twice`);
      let value: string;
      try {
        value = decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1));
      } catch {
        throw new Bad(`"${key}" is not URL-encoded text`);
      }
      map.set(key, value);
    }
    const v = map.get('v');
    if (v === undefined) throw new Bad('no version (v=1)');
    if (v !== String(URL_STATE_VERSION)) throw new Bad(`version ${v} is not ${URL_STATE_VERSION}`);
    const tText = map.get('t') ?? '0';
    if (!TIME_TEXT.test(tText)) throw new Bad(`time t "${tText}" is not a number of ms`);
    const speedText = map.get('speed') ?? '1';
    const speed = SPEEDS.find((s) => String(s) === speedText);
    if (speed === undefined) throw new Bad(`speed ${speedText} is not one of ${SPEEDS.join(', ')}`);
    const lesson = map.get('lesson');
    if (lesson !== undefined && !/^[\w.-]{1,100}$/.test(lesson)) throw new Bad(`lesson "${lesson}" is not a file name`);
    const guided = map.get('guided');
    if (guided !== undefined && !/^[\w.-]{1,100}$/.test(guided)) throw new Bad(`guided lesson "${guided}" is not a file name`);
    if (guided !== undefined && lesson !== undefined) throw new Bad('a link opens a lesson or a guided lesson, not both');
    const exerciseText = map.get('exercise');
    if (exerciseText !== undefined && exerciseText !== '1') throw new Bad(`exercise "${exerciseText}" is not 1`);
    if (exerciseText !== undefined && guided === undefined) throw new Bad('exercise=1 needs a guided lesson');
    const prediction = map.get('predict');
    if (prediction !== undefined && (guided === undefined || exerciseText !== undefined)) throw new Bad('predict= needs a guided lesson (not its exercise)');
    if (prediction !== undefined && (prediction.trim() === '' || prediction.length > MAX_PREDICTION_CHARS)) throw new Bad(`the prediction must be 1..${MAX_PREDICTION_CHARS} characters`);
    const seedText = map.get('seed');
    let previous = 0;
    const inputs = (map.get('in') ?? '').split(',').filter((s) => s !== '').map((token) => {
      const input = decodeInput(token, previous);
      previous = input.at;
      return input;
    });
    const state: UrlState = {
      lesson, ...(guided === undefined ? {} : { guided, exercise: exerciseText === '1' }), ...(prediction === undefined ? {} : { prediction }), t: Number(tText), seed: seedText === undefined ? undefined : int(seedText, 'seed', 0xffffffff),
      board: int(map.get('board') ?? '0', 'board', 255), pi: int(map.get('pi') ?? '0', 'Pi', 1) as 0 | 1, speed, inputs,
    };
    return { kind: 'state', state };
  } catch (e) {
    if (e instanceof Bad) return { kind: 'invalid', reason: e.message };
    throw e;
  }
}
