/**
 * The firmware's request handling (FIRMWARE.md section 7): the profile's check order, then
 * command execution through the protocol table. Pure: it returns the reply, the new MCU state
 * and the port actions; the MCU machine applies them.
 */
import { commandByCode, inRelease, requestLen, takesPi, type CommandName } from '../../bus-protocol/commands.ts';
import { crc8 } from '../../bus-protocol/crc8.ts';
import { encodeErrorResponse, encodeOkResponse } from '../../bus-protocol/frame.ts';
import { rawPowerProduct, type Reading } from '../../bus-protocol/conversions.ts';
import type { ResponsePayload } from '../../bus-protocol/types.ts';
import type { FirmwareProfile } from '../profileSchema.ts';
import type { ConfigBlock, ErrorBlock, PortConfig } from './flashBlocks.ts';
import { clearCounts, clearLog, errorLogRules, logCode } from './errorLog.ts';
import type { ReceivedFrame } from '../BoardReceiver.ts';

/** The MCU's RAM state that commands read and change. */
export interface McuState {
  config: ConfigBlock;
  errors: ErrorBlock;
  ledsEnabled: boolean;
  debugLed: [number, number, number];
  /** The DIP switch as read at boot (0..15): a switch changed later counts from the next boot (PROTOCOL.md section 4). */
  dip: number;
}

/** What the firmware can ask of the board's hardware (ADC, port state). Raw ADC counts. */
export interface BoardHardware {
  /** The DIP switch value now, 0..15 (the MCU reads it at boot only). */
  dip(): number;
  /** Raw ADC count of a reading (pi for piV/piC). */
  adc(reading: Reading, pi?: 0 | 1): number;
  /** GET_PI_POWERED: load switch on. */
  powered(pi: 0 | 1): boolean;
  /** GET_PI_HBT: heartbeats arriving in time. */
  healthy(pi: 0 | 1): boolean;
}

/** A port command for the MCU machine to send to a port. */
export interface PortAction {
  pi: 0 | 1;
  type: 'PI_ON' | 'PI_OFF' | 'PI_FORCE_OFF' | 'SEND_SIG';
}

/** The outcome of one request: the reply bytes (none for ignored input), new state, port actions. */
export interface DispatchResult {
  reply: Uint8Array | undefined;
  state: McuState;
  actions: PortAction[];
  /** The command executed, or the error code replied, for logs and monitors. */
  summary: { command?: CommandName; errorCode?: number };
}

/** The board ID from the config prefix and the DIP switch (PROTOCOL.md section 4). */
export function boardIdOf(config: ConfigBlock, dip: number): number {
  return (config.prefix & 0xf0) | (dip & 0x0f);
}

const SETTING_FIELD = {
  HBT_TIME: 'hbtTime', HBT_DELAY: 'hbtDelay', OFF_DELAY: 'offDelay', SIG_OFF_DELAY: 'sigOffDelay', SIG_WIDTH: 'sigWidth', PI_ON_STARTUP: 'piOnStartup',
} as const satisfies Record<string, keyof PortConfig>;

type SettingName = keyof typeof SETTING_FIELD;

function error(state: McuState, code: number, profile: FirmwareProfile): DispatchResult {
  const errors = profile.bus.logErrorReplies ? logCode(state.errors, code, errorLogRules(profile)) : state.errors;
  return { reply: encodeErrorResponse(code), state: { ...state, errors }, actions: [], summary: { errorCode: code } };
}

/**
 * Handle one received frame outcome for this board. Checks run in profile.bus.checkOrder; a
 * check left out of that list is skipped (deliberately broken firmwares use this).
 */
export function dispatch(frame: ReceivedFrame, state: McuState, hw: BoardHardware, profile: FirmwareProfile): DispatchResult {
  const codes = profile.bus.errorCodes;
  const order = profile.bus.checkOrder;
  const bytes = frame.bytes;
  for (const check of order) {
    switch (check) {
      case 'address':
        break; // the receiver only hands over frames for this board's ID
      case 'too-short':
        if (frame.kind === 'too-short') return error(state, codes.tooShort, profile);
        if (frame.kind === 'truncated') return error(state, codes.truncated, profile);
        break;
      case 'overflow':
        if (frame.kind === 'overflow') return error(state, codes.overflow, profile);
        break;
      case 'crc':
        if (frame.kind === 'frame' && crc8(bytes) !== 0) return error(state, codes.crc, profile);
        break;
      case 'unknown-command': {
        const name = commandByCode(bytes[0]!);
        if (name === undefined) return error(state, codes.unknownCommand, profile);
        if (!inRelease(name, profile.release)) return error(state, profile.unknownReleaseCode, profile);
        if (profile.notImplemented.includes(name)) return error(state, codes.notImplemented, profile);
        break;
      }
      case 'length': {
        const name = commandByCode(bytes[0]!);
        if (name !== undefined && bytes[2] !== requestLen(name)) return error(state, codes.length, profile);
        break;
      }
      case 'pi-number': {
        const name = commandByCode(bytes[0]!);
        if (name !== undefined && takesPi(name) && (bytes[3] ?? 0) > 1) return error(state, codes.piNumber, profile);
        break;
      }
    }
  }
  // Checks a broken firmware skipped can leave input that cannot execute: it stays silent.
  if (frame.kind !== 'frame') return ignored(state);
  const name = commandByCode(bytes[0]!);
  if (name === undefined) return ignored(state);
  return execute(name, bytes, state, hw, profile);
}

/** No reply, no change: input the firmware cannot execute. */
function ignored(state: McuState): DispatchResult {
  return { reply: undefined, state, actions: [], summary: {} };
}

/** An OK reply to `n` with `payload`, or the TX-overflow error when it does not fit the UART buffer. */
function ok<N extends CommandName>(n: N, payload: ResponsePayload<N>, state: McuState, profile: FirmwareProfile, next: McuState = state, actions: PortAction[] = NO_ACTIONS): DispatchResult {
  const reply = encodeOkResponse(n, payload);
  if (reply.length > profile.bus.txBufferBytes) return error(state, 0x23, profile);
  return { reply, state: next, actions, summary: { command: n } };
}

const NO_ACTIONS: PortAction[] = [];

/** The state with one setting of Pi `pi` changed. */
function setPort(state: McuState, pi: 0 | 1, field: keyof PortConfig, value: number | boolean): McuState {
  const ports = state.config.ports.map((p, i) => (i === pi ? { ...p, [field]: value } : p)) as [PortConfig, PortConfig];
  return { ...state, config: { ...state.config, ports } };
}

// Helpers are module functions, not closures made per request: the simulator runs this for every frame.
function execute(name: CommandName, bytes: Uint8Array, state: McuState, hw: BoardHardware, profile: FirmwareProfile): DispatchResult {
  const pi = ((bytes[3] ?? 0) & 1) as 0 | 1;
  const port = state.config.ports[pi];
  const e = state.errors;
  switch (name) {
    case 'GET_SW_VERSION': return ok(name, { version: profile.firmwareVersion }, state, profile);
    case 'GET_HW_VERSION': return ok(name, { version: profile.hardwareVersion }, state, profile);
    case 'LEDS_ON': return ok(name, {}, state, profile, { ...state, ledsEnabled: true });
    case 'LEDS_OFF': return ok(name, {}, state, profile, { ...state, ledsEnabled: false });
    case 'DEBUG_LED': return ok(name, {}, state, profile, { ...state, debugLed: [bytes[3] ?? 0, bytes[4] ?? 0, bytes[5] ?? 0] });
    case 'SET_ID_PREFIX': return ok(name, {}, state, profile, { ...state, config: { ...state.config, prefix: (bytes[3] ?? 0) & 0xf0 } });
    case 'GET_ID_PREFIX': return ok(name, { prefix: state.config.prefix }, state, profile);
    case 'GET_ID': return ok(name, { id: boardIdOf(state.config, state.dip) }, state, profile);
    case 'GET_VIN': return ok(name, { raw: hw.adc('vin') }, state, profile);
    case 'GET_CIN': return ok(name, { raw: hw.adc('cin') }, state, profile);
    case 'GET_5V': return ok(name, { raw: hw.adc('rail5v') }, state, profile);
    case 'GET_PI_V': return ok(name, { raw: hw.adc('piV', pi) }, state, profile);
    case 'GET_PI_C': return ok(name, { raw: hw.adc('piC', pi) }, state, profile);
    case 'GET_PI_HBT': return ok(name, { healthy: hw.healthy(pi) ? 1 : 0 }, state, profile);
    case 'GET_PI_POWERED': return ok(name, { powered: hw.powered(pi) ? 1 : 0 }, state, profile);
    case 'PI_ON':
    case 'PI_OFF':
    case 'PI_FORCE_OFF':
    case 'SEND_SIG':
      return ok(name, {}, state, profile, state, [{ pi, type: name }]);
    case 'GET_HBT_TIME': case 'GET_HBT_DELAY': case 'GET_OFF_DELAY': case 'GET_SIG_OFF_DELAY': case 'GET_SIG_WIDTH':
      return ok(name, { value: port![SETTING_FIELD[name.slice(4) as SettingName]] as number }, state, profile);
    case 'SET_HBT_TIME': case 'SET_HBT_DELAY': case 'SET_OFF_DELAY': case 'SET_SIG_OFF_DELAY': case 'SET_SIG_WIDTH':
      return ok(name, {}, state, profile, setPort(state, pi, SETTING_FIELD[name.slice(4) as SettingName], bytes[4] ?? 0));
    case 'GET_PI_ON_STARTUP': return ok(name, { enabled: port!.piOnStartup ? 1 : 0 }, state, profile);
    case 'SET_PI_ON_STARTUP': return ok(name, {}, state, profile, setPort(state, pi, 'piOnStartup', (bytes[4] ?? 0) !== 0));
    case 'GET_ERROR_BUFFER': return ok(name, { log: e.log.slice() }, state, profile);
    case 'CLEAR_ERROR_BUFFER': return ok(name, {}, state, profile, { ...state, errors: clearLog(e, profile.errorLog.unusedSlot) });
    case 'GET_ERROR_COUNT': return ok(name, { count: e.errorCount }, state, profile);
    case 'CLEAR_ERROR_COUNT': return ok(name, {}, state, profile, { ...state, errors: clearCounts(e) });
    case 'GET_ERROR_POINTER': {
      const n = e.log.length;
      const pointer = profile.errorLog.pointer === 'next-slot' ? e.pointer : (e.pointer - 1 + n) % n;
      return ok(name, { pointer }, state, profile);
    }
    case 'GET_POWER': return ok(name, { raw: rawPowerProduct(hw.adc('vin'), hw.adc('cin')) }, state, profile);
    case 'GET_5V_POWER': return ok(name, { raw: rawPowerProduct(hw.adc('rail5v'), hw.adc('piC', 0) + hw.adc('piC', 1)) }, state, profile);
    case 'GET_PI_POWER': {
      const v = profile.adc.piPowerVoltage === 'pi-voltage' ? hw.adc('piV', pi) : hw.adc('rail5v');
      return ok(name, { raw: rawPowerProduct(v, hw.adc('piC', pi)) }, state, profile);
    }
    case 'GET_BOOT_COUNT': return ok(name, { count: e.bootCount }, state, profile);
  }
}

