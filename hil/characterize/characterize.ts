/**
 * `pistack characterize` as a library: measure, on a live board and through any HostPort, every
 * ASSUMED behaviour of FIRMWARE.md that the bus can show without harming the board, as findings
 * keyed by firmware-profile field. The port used for timing is powered on and off; every setting
 * touched is restored, however the run ends. profileOut.ts turns the findings into a partial
 * profile and a comparison with v4-reference.
 */
import { BYTE_TIME_9600_MS } from '../../bus-protocol/FrameParser.ts';
import type { PiIndex } from '../../bus-protocol/StackClient.ts';
import type { CommandName } from '../../bus-protocol/commands.ts';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import type { HostPort } from '../ports.ts';
import { realClock } from '../realClock.ts';
import { BoardSession, InterruptedError, type RestoreOutcome } from '../bench/BoardSession.ts';
import { SETTING_NAMES, type SettingName } from '../bench/settings.ts';
import { ERROR_PROBES, commandSupport, errorReplies, observeLog, type Answer, type ErrorProbe } from './probes.ts';
import { GRACEFUL_RUNS, TrafficLog, WATCHDOG_RUN, gracefulOff, hbtTimeZeroDisables, piOnCancelsShutdown, replyDelays, watchdog } from './timing.ts';
import { hexByte } from '../../bus-protocol/hex.ts';

/** One measured profile field. */
export interface Finding {
  /** Dotted path in the firmware profile, e.g. "bus.errorCodes.crc", "settingUnitMs.offDelay". */
  readonly field: string;
  /** The value for the profile; undefined when the measurement did not settle it. */
  readonly value: unknown;
  /** What was measured, as shown (raw figures, resolution). */
  readonly measured: string;
  /** How it was measured. */
  readonly how: string;
  /** Caveats. */
  readonly note?: string;
}

/** A profile field this run could not observe, and why. */
export interface Unobserved {
  readonly field: string;
  readonly why: string;
}

/** Everything a characterisation found. */
export interface CharacterizeResult {
  readonly id: number;
  /** The port timed through power cycles. */
  readonly pi: PiIndex;
  readonly port: string;
  readonly findings: Finding[];
  readonly unobserved: Unobserved[];
  /** Interval of power-state polling (ms): each timed edge is known to +- half of it. */
  readonly pollMs: number;
  /** Settings put back at the end. */
  readonly restored: RestoreOutcome[];
  /** Settings that could not be put back (restore them by hand). */
  readonly pending: ReadonlyArray<{ setting: SettingName; pi: PiIndex; original: number }>;
  /** Why the run stopped early (interrupted, adapter lost, no answer), if it did. */
  readonly stopped?: string;
  readonly startedAt: string;
  readonly wallMs: number;
  /** Time on the port's clock, ms. */
  readonly boardMs: number;
}

/** What to characterise and how patiently. */
export interface CharacterizeOptions {
  readonly port: HostPort;
  readonly id: number;
  /** Port to time power behaviour on; default the first one that is off. */
  readonly pi?: PiIndex;
  readonly signal?: AbortSignal;
  readonly replyTimeoutMs?: number;
  /** Power-state polling interval, ms; default 50. */
  readonly pollMs?: number;
  /** Requests timed for the reply delay; default 50. */
  readonly replySamples?: number;
  /** Longest wait for a graceful off, ms; default 60000. */
  readonly offTimeoutMs?: number;
  /** Longest wait for the watchdog, ms; default 20000. */
  readonly watchdogTimeoutMs?: number;
  /** Progress notes. */
  readonly onNote?: (text: string) => void;
  readonly date?: () => Date;
}

/** A unit in ms rounded to where the measurement is sure: 50 ms steps from 200 ms, 10 ms from 20 ms, else 1 ms. */
export function snapMs(ms: number): number {
  const step = ms >= 200 ? 50 : ms >= 20 ? 10 : 1;
  return Math.round(ms / step) * step;
}

function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function answerText(answer: Answer | undefined): string {
  if (answer === undefined) return 'not sent';
  return answer.kind === 'error' ? `error ${hexByte(answer.code)}` : answer.kind === 'ok' ? 'answered OK' : answer.why;
}

const PROBE_HOW: Readonly<Record<ErrorProbe, string>> = {
  crc: 'GET_SW_VERSION with its CRC byte inverted',
  tooShort: 'three bytes (02 ID 03), then silence',
  truncated: 'four bytes of a frame whose LEN claims six, then silence',
  unknownCommand: 'command code 0x7F (defined by no release)',
  length: 'GET_SW_VERSION with LEN 4 and one extra byte',
  piNumber: 'GET_PI_POWERED for Pi 2',
};

/** Characterise one board; only a board that does not answer at all makes it throw. */
export async function characterize(options: CharacterizeOptions): Promise<CharacterizeResult> {
  const note = options.onNote ?? (() => undefined);
  const traffic = new TrafficLog();
  const session = new BoardSession(options.port, {
    id: options.id, pollMs: options.pollMs ?? 50, onTraffic: traffic.listener,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.replyTimeoutMs === undefined ? {} : { replyTimeoutMs: options.replyTimeoutMs }),
  });
  const startedAt = (options.date ?? (() => new Date()))().toISOString();
  const wall0 = realClock.now();
  const t0 = session.now();
  const id = options.id;
  const findings: Finding[] = [];
  const unobserved: Unobserved[] = [];
  const found = (f: Finding): void => {
    findings.push(f);
    note(`${f.field}: ${f.measured}`);
  };
  let pi: PiIndex = options.pi ?? 0;
  /** Set once the chosen port is switched by the timing runs: only then does the clean-up switch it off. */
  let timed = false;
  let stopped: string | undefined;

  try {
    const answered = await session.do((c) => c.getId(id));
    if (answered !== id) throw new Error(`the board at ID ${id} says its ID is ${answered}`);

    note('versions and current settings');
    const fw = await session.do((c) => c.getSwVersion(id));
    found({ field: 'firmwareVersion', value: fw, measured: String(fw), how: 'GET_SW_VERSION' });
    const hw = await session.do((c) => c.getHwVersion(id));
    found({ field: 'hardwareVersion', value: hw === 2 || hw === 3 ? hw : undefined, measured: String(hw), how: 'GET_HW_VERSION', ...(hw === 2 || hw === 3 ? {} : { note: 'a profile allows 2 or 3 only' }) });
    const settings = await readSettings(session);
    const prefix = await session.do((c) => c.getIdPrefix(id));
    const current = 'the board\'s current settings, which are its factory defaults only if nobody changed them';
    found({ field: 'defaults.prefix', value: prefix, measured: hexByte(prefix), how: 'GET_ID_PREFIX', note: current });
    const FIELD: Record<SettingName, string> = { HBT_TIME: 'hbtTime', HBT_DELAY: 'hbtDelay', OFF_DELAY: 'offDelay', SIG_OFF_DELAY: 'sigOffDelay', SIG_WIDTH: 'sigWidth', PI_ON_STARTUP: 'piOnStartup' };
    for (const setting of SETTING_NAMES) {
      const [a, b] = [settings[0][setting], settings[1][setting]];
      const field = `defaults.${FIELD[setting]}`;
      if (a === undefined) {
        unobserved.push({ field, why: `GET_${setting} is not answered` });
        continue;
      }
      const value = setting === 'PI_ON_STARTUP' ? a !== 0 : a;
      const differ = b !== undefined && b !== a ? ` (Pi 1 has ${b}; a profile has one value for both)` : '';
      found({ field, value, measured: `${String(value)}${differ}`, how: `GET_${setting} of Pi 0 and Pi 1`, note: current });
    }

    note('error replies and the error log');
    const before = { log: await session.do((c) => c.getErrorBuffer(id)), pointer: await session.do((c) => c.getErrorPointer(id)) };
    const answers = await errorReplies(session);
    const after = { log: await session.do((c) => c.getErrorBuffer(id)), pointer: await session.do((c) => c.getErrorPointer(id)) };
    for (const probe of ERROR_PROBES) {
      const answer = answers.get(probe);
      found({
        field: `bus.errorCodes.${probe}`, value: answer?.kind === 'error' ? answer.code : undefined, measured: answerText(answer), how: PROBE_HOW[probe],
        ...(answer?.kind === 'error' ? {} : { note: 'a profile cannot express this: the firmware did not answer with an error' }),
      });
    }
    const codes = ERROR_PROBES.map((p) => answers.get(p)).flatMap((a) => (a?.kind === 'error' ? [a.code] : []));
    const log = observeLog(before, after, codes);
    found({ field: 'errorLog.size', value: log.size, measured: `${log.size} slots`, how: 'length of the GET_ERROR_BUFFER payload' });
    found({ field: 'bus.logErrorReplies', value: log.logged, measured: log.logged === undefined ? 'unknown' : String(log.logged), how: 'error log and pointer before and after the error probes', note: log.detail });
    if (log.pointer === undefined) unobserved.push({ field: 'errorLog.pointer', why: log.detail });
    else found({ field: 'errorLog.pointer', value: log.pointer, measured: log.pointer, how: 'where the probes\' codes were stored relative to GET_ERROR_POINTER', note: log.detail });

    note('commands newer than v3');
    const unknownCode = answers.get('unknownCommand');
    const lengthCode = answers.get('length');
    const support = await commandSupport(
      session,
      {
        unknown: unknownCode?.kind === 'error' ? unknownCode.code : undefined,
        notImplemented: V4_REFERENCE.bus.errorCodes.notImplemented,
        length: lengthCode?.kind === 'error' ? lengthCode.code : undefined,
      },
      pi,
      (command: CommandName) => (command === 'SET_SIG_WIDTH' ? settings[pi].SIG_WIDTH ?? V4_REFERENCE.defaults.sigWidth : command === 'SET_PI_ON_STARTUP' ? settings[pi].PI_ON_STARTUP ?? 0 : 0),
    );
    const how = 'each command after v3 once: reads as they are, writes with one byte too many (never executed)';
    const list = support.answers.map((a) => `${a.command} ${a.status}${a.code === undefined ? '' : ` (${hexByte(a.code)})`}`).join(', ');
    found({ field: 'release', value: support.release, measured: support.release, how, note: list });
    found({ field: 'notImplemented', value: support.notImplemented, measured: support.notImplemented.length ? support.notImplemented.join(', ') : 'none', how });
    if (support.unknownReleaseCode !== undefined) found({ field: 'unknownReleaseCode', value: support.unknownReleaseCode, measured: hexByte(support.unknownReleaseCode), how: 'the code answered to commands newer than the release' });
    else unobserved.push({ field: 'unknownReleaseCode', why: 'the board knows every command of the newest release' });

    note(`reply delay (${options.replySamples ?? 50} requests)`);
    const delay = await replyDelays(session, traffic, options.replySamples ?? 50, BYTE_TIME_9600_MS);
    const jitter = Math.max(delay.median - delay.min, delay.max - delay.median);
    const delayText = `median ${delay.median.toFixed(2)} ms, min ${delay.min.toFixed(2)}, max ${delay.max.toFixed(2)} (n = ${delay.n})`;
    const adapter = options.port.sim ? 'simulator: exact' : 'includes the adapter\'s latency (up to 16 ms on FTDI): an upper bound';
    found({ field: 'bus.replyDelayMs', value: round1(delay.median), measured: delayText, how: 'write to last reply byte, minus both frames\' wire time at 9600 baud', note: adapter });
    found({ field: 'bus.replyJitterMs', value: round1(jitter), measured: `+-${jitter.toFixed(2)} ms`, how: 'largest distance of min or max from the median' });

    if (options.pi === undefined) {
      const on = [await session.powered(0), await session.powered(1)];
      const free = on.indexOf(false);
      if (free < 0) throw new Error('both Pis are powered: characterize switches a port on and off; shut one down first or choose it with --pi');
      pi = free as PiIndex;
    } else if (await session.powered(pi)) {
      throw new Error(`Pi ${pi} is powered: characterize switches it on and off; shut it down first or choose the other port`);
    }
    note(`timing through the power state of Pi ${pi} (GET_PI_POWERED every ${session.pollMs} ms)`);
    timed = true;
    const graceful = await gracefulOff(session, pi, options.offTimeoutMs ?? 60_000, note);
    const runs = graceful.runs.map((r) => `OFF ${r.offDelay}/SIG_OFF ${r.sigOffDelay}: ${r.ms === undefined ? 'still on' : `${(r.ms / 1000).toFixed(3)} s`}`).join('; ');
    const gracefulHow = `PI_OFF twice, OFF_DELAY/SIG_OFF_DELAY ${GRACEFUL_RUNS.low}/${GRACEFUL_RUNS.high} then ${GRACEFUL_RUNS.high}/${GRACEFUL_RUNS.low}`;
    found({ field: 'gracefulOffDelay', value: graceful.uses, measured: graceful.uses ?? 'neither', how: gracefulHow, note: runs });
    const resolution = `+-${(session.pollMs / (GRACEFUL_RUNS.high - GRACEFUL_RUNS.low)).toFixed(0)} ms`;
    if (graceful.uses !== undefined && graceful.unitMs !== undefined) {
      const field = graceful.uses === 'off-delay' ? 'settingUnitMs.offDelay' : 'settingUnitMs.sigOffDelay';
      found({ field, value: snapMs(graceful.unitMs), measured: `${graceful.unitMs.toFixed(1)} ms per unit (${resolution})`, how: `difference of the two runs / ${GRACEFUL_RUNS.high - GRACEFUL_RUNS.low}` });
      const other = graceful.uses === 'off-delay' ? 'settingUnitMs.sigOffDelay' : 'settingUnitMs.offDelay';
      const otherName = graceful.uses === 'off-delay' ? 'SIG_OFF_DELAY' : 'OFF_DELAY';
      unobserved.push({ field: other, why: `PI_OFF follows the other delay, and only a Pi-initiated shutdown (which the bus cannot start) would use ${otherName}` });
      const cancels = await piOnCancelsShutdown(session, pi, graceful.unitMs);
      if (cancels === undefined) unobserved.push({ field: 'piOnCancelsShutdown', why: 'the power went before PI_ON could be sent' });
      else found({ field: 'piOnCancelsShutdown', value: cancels, measured: String(cancels), how: 'PI_ON one unit into a 4-unit PI_OFF; does the power stay on?' });
    } else {
      unobserved.push({ field: 'settingUnitMs.offDelay', why: 'the power-off time followed neither OFF_DELAY nor SIG_OFF_DELAY' }, { field: 'piOnCancelsShutdown', why: 'the graceful-off delay is unknown' });
    }

    const wd = await watchdog(session, pi, options.watchdogTimeoutMs ?? 20_000, note);
    const wdHow = `PI_ON with HBT_DELAY ${WATCHDOG_RUN.hbtDelay}, HBT_TIME ${WATCHDOG_RUN.hbtTime}, nothing heartbeating`;
    found({ field: 'watchdogAction', value: wd.action, measured: wd.action ?? 'inconclusive', how: wdHow, ...(wd.note ? { note: wd.note } : {}) });
    if (wd.hbtDelayUnitMs !== undefined) {
      found({ field: 'settingUnitMs.hbtDelay', value: snapMs(wd.hbtDelayUnitMs), measured: `${wd.hbtDelayUnitMs.toFixed(1)} ms per unit (+-${(session.pollMs / WATCHDOG_RUN.hbtDelay).toFixed(0)} ms)`, how: `time from PI_ON to the power drop / ${WATCHDOG_RUN.hbtDelay}` });
      if (wd.cycleOffMs !== undefined) found({ field: 'cycleOffTimeMs', value: snapMs(wd.cycleOffMs), measured: `${wd.cycleOffMs.toFixed(0)} ms (+-${session.pollMs} ms)`, how: 'time between the power drop and its return' });
      else unobserved.push({ field: 'cycleOffTimeMs', why: wd.note ?? 'the power did not come back' });
      const disables = await hbtTimeZeroDisables(session, pi, wd.hbtDelayUnitMs);
      found({ field: 'hbtTimeZeroDisablesWatchdog', value: disables, measured: String(disables), how: 'PI_ON with HBT_TIME 0 and HBT_DELAY 2: no power drop means disabled' });
    } else {
      const why = wd.action === 'report-only' ? 'the watchdog only reports (no power drop to time)' : (wd.note ?? 'the watchdog could not be timed');
      unobserved.push({ field: 'settingUnitMs.hbtDelay', why }, { field: 'cycleOffTimeMs', why }, { field: 'hbtTimeZeroDisablesWatchdog', why });
    }
  } catch (error) {
    if (error instanceof InterruptedError) stopped = error.message;
    else if (session.lost !== undefined) stopped = `adapter lost: ${session.lost}`;
    else if (findings.length === 0) {
      session.dispose();
      throw error;
    } else stopped = error instanceof Error ? error.message : String(error);
  }

  unobserved.push(...ALWAYS_UNOBSERVED);
  session.ignoreAbort();
  let restored: RestoreOutcome[] = [];
  if (session.lost === undefined) {
    try {
      if (timed) await session.do((c) => c.piForceOff(id, pi));
      restored = await session.restore();
    } catch (error) {
      note(`could not restore everything: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  session.dispose();
  return {
    id, pi, port: options.port.description, findings, unobserved, pollMs: session.pollMs, restored, pending: session.changed,
    ...(stopped === undefined ? {} : { stopped }),
    startedAt, wallMs: Math.round(realClock.now() - wall0), boardMs: Math.round(session.now() - t0),
  };
}

/** Every setting of both Pis (undefined where the board answers with an error). */
async function readSettings(session: BoardSession): Promise<[Partial<Record<SettingName, number>>, Partial<Record<SettingName, number>>]> {
  const out: [Partial<Record<SettingName, number>>, Partial<Record<SettingName, number>>] = [{}, {}];
  for (const pi of [0, 1] as const) {
    for (const setting of SETTING_NAMES) {
      try {
        out[pi][setting] = await session.readSetting(setting, pi);
      } catch (error) {
        if (error instanceof Error && 'kind' in error && error.kind === 'board') continue; // not in this firmware
        throw error;
      }
    }
  }
  return out;
}

/** Profile fields the bus never shows. */
const ALWAYS_UNOBSERVED: readonly Unobserved[] = [
  { field: 'settingUnitMs.hbtTime', why: 'needs heartbeats: a Pi running the daemon, then stopping it (not possible from the bus alone)' },
  { field: 'settingUnitMs.sigWidth', why: 'the pulse is on the signal wire, not on the bus (a logic analyser on the signal line shows it)' },
  { field: 'bus.interByteGapByteTimes, bus.rxBufferBytes, bus.txBufferBytes, bus.checkOrder', why: 'not measured: would take many malformed frames (each logged), and the check order only partly shows' },
  { field: 'errorLog.unusedSlot, minLoggedCode, countedFrom, countSaturates', why: 'not measured (clearing the log or 65535 errors would destroy the board\'s history)' },
  { field: 'regulator, supply, adc, mcu', why: 'electrical and start-up figures: bench instruments, not the bus (see pistack bench)' },
  { field: 'leds', why: 'the LED state cannot be read over the bus' },
];
