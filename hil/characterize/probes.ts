/**
 * Bus probes of `pistack characterize` that change nothing on the board but its error log: how
 * it answers malformed requests (FIRMWARE.md section 7 checks 2..7, PROTOCOL.md section 6), where
 * those error replies land in the error log (pointer semantics, FIRMWARE.md section 2), and
 * which of the commands newer than firmware v3 it implements (PROTOCOL.md section 5).
 */
import { COMMANDS, COMMAND_NAMES, RELEASE_ORDER, requestLen, type CommandName, type FirmwareRelease } from '../../bus-protocol/commands.ts';
import { buildFrame, encodeRequest } from '../../bus-protocol/frame.ts';
import type { BoardSession } from '../bench/BoardSession.ts';

/** The malformed requests sent, keyed by the profile's bus.errorCodes field they reveal. */
export const ERROR_PROBES = ['crc', 'tooShort', 'truncated', 'unknownCommand', 'length', 'piNumber'] as const;

/** One error probe's name. */
export type ErrorProbe = (typeof ERROR_PROBES)[number];

/** A command code no firmware release defines (PROTOCOL.md section 5 stops at 0x29). */
const UNDEFINED_CODE = 0x7f;

/** The bytes of each probe to board `id`. */
export function probeFrame(probe: ErrorProbe, id: number): Uint8Array {
  switch (probe) {
    case 'crc': {
      const frame = encodeRequest('GET_SW_VERSION', id);
      frame[frame.length - 1] = frame[frame.length - 1]! ^ 0xff;
      return frame;
    }
    case 'tooShort': return Uint8Array.of(COMMANDS.GET_SW_VERSION.code, id, 3); // 3 bytes, then silence
    case 'truncated': return Uint8Array.of(COMMANDS.GET_SW_VERSION.code, id, 5, 0); // LEN 5 claims 6 bytes, 4 come
    case 'unknownCommand': return buildFrame(UNDEFINED_CODE, id);
    case 'length': return buildFrame(COMMANDS.GET_SW_VERSION.code, id, [0]); // LEN 4 for a LEN 3 command
    case 'piNumber': return buildFrame(COMMANDS.GET_PI_POWERED.code, id, [2]);
  }
}

/** How the board answered one request: an error code, OK, or nothing usable. */
export type Answer = { readonly kind: 'error'; readonly code: number } | { readonly kind: 'ok' } | { readonly kind: 'none'; readonly why: string };

/** Send raw bytes once and classify the answer. */
export async function ask(session: BoardSession, frame: Uint8Array): Promise<Answer> {
  const outcome = await session.do((c) => c.requestRaw(frame));
  if (outcome.kind === 'failed') return { kind: 'none', why: outcome.error.kind === 'no-reply' && outcome.error.partial.length === 0 ? 'no reply' : outcome.error.message };
  return outcome.frame.status === 'error' ? { kind: 'error', code: outcome.frame.code } : { kind: 'ok' };
}

/** Answers to the error probes, in ERROR_PROBES order. */
export async function errorReplies(session: BoardSession): Promise<Map<ErrorProbe, Answer>> {
  const out = new Map<ErrorProbe, Answer>();
  for (const probe of ERROR_PROBES) out.set(probe, await ask(session, probeFrame(probe, session.id)));
  return out;
}

/** What the error log showed around the probes. */
export interface LogObservation {
  /** Slots in the log (GET_ERROR_BUFFER payload length). */
  readonly size: number;
  /** True when the probes' codes appeared in the log; false when the log did not change. */
  readonly logged: boolean | undefined;
  /** Which slot the pointer names, or undefined when that could not be told. */
  readonly pointer: 'next-slot' | 'last-written' | undefined;
  /** How it was decided. */
  readonly detail: string;
}

/**
 * Compare the log before and after `codes` were (perhaps) logged: they are stored in order from
 * some slot s. With 'next-slot' the pointer read before was s; with 'last-written' it was s - 1.
 */
export function observeLog(before: { log: Uint8Array; pointer: number }, after: { log: Uint8Array; pointer: number }, codes: readonly number[]): LogObservation {
  const n = after.log.length;
  const size = n;
  if (n === 0) return { size, logged: undefined, pointer: undefined, detail: 'the error log has no slots' };
  const unchanged = before.pointer === after.pointer && before.log.every((b, i) => after.log[i] === b);
  if (unchanged) return { size, logged: false, pointer: undefined, detail: `the log and its pointer (${after.pointer}) did not change after ${codes.length} error replies` };
  const tail = codes.slice(Math.max(0, codes.length - n));
  const skipped = codes.length - tail.length;
  const startsAt = (s: number): boolean => tail.every((c, j) => after.log[(s + skipped + j) % n] === c);
  const advanced = (after.pointer - before.pointer + n) % n === codes.length % n;
  if (startsAt(before.pointer % n) && advanced) {
    return { size, logged: true, pointer: 'next-slot', detail: `the ${codes.length} codes were stored from slot ${before.pointer}, the pointer read before them, which then read ${after.pointer}` };
  }
  if (startsAt((before.pointer + 1) % n) && advanced) {
    return { size, logged: true, pointer: 'last-written', detail: `the ${codes.length} codes were stored from slot ${(before.pointer + 1) % n}, one after the pointer read before them (${before.pointer}), which then read ${after.pointer}` };
  }
  return { size, logged: true, pointer: undefined, detail: `the log changed but the codes were not found next to the pointer (before ${before.pointer}, after ${after.pointer})` };
}

/** Which commands newer than v3 answer, and how. */
export interface CommandSupport {
  /** Per command: implemented, known but not implemented (code), or unknown to the firmware (code). */
  readonly answers: ReadonlyArray<{ readonly command: CommandName; readonly status: 'implemented' | 'not-implemented' | 'unknown' | 'no answer'; readonly code?: number }>;
  /** Newest release with any command the firmware knows. */
  readonly release: FirmwareRelease;
  /** Commands it knows but does not implement. */
  readonly notImplemented: CommandName[];
  /** The code answered for commands newer than its release, if any were. */
  readonly unknownReleaseCode: number | undefined;
}

/**
 * Probe every command introduced after v3 (on Pi `pi`). Reads are sent as they are (OK:
 * implemented); writes with one byte too many, so nothing executes (and carrying the value
 * `current` gives, just in case): a known command then fails the length check
 * (FIRMWARE.md section 7 check 6, after check 5: this relies on that order), an unknown one
 * fails check 5 with `unknownCode` or `notImplementedCode`.
 */
export async function commandSupport(session: BoardSession, codes: { unknown: number | undefined; notImplemented: number; length: number | undefined }, pi: 0 | 1, current: (command: CommandName) => number): Promise<CommandSupport> {
  const answers: Array<CommandSupport['answers'][number]> = [];
  const { unknown: unknownCode, notImplemented: notImplementedCode, length: lengthCode } = codes;
  for (const command of COMMAND_NAMES.filter((n) => COMMANDS[n].since !== 'v3')) {
    const spec = COMMANDS[command];
    const takesPi = spec.request.some((f) => f.name === 'pi');
    // A write carries the value the setting already has: should a firmware skip the length check
    // and execute it after all, nothing changes.
    const args = [...(takesPi ? [pi] : []), ...new Array<number>(spec.request.length - (takesPi ? 1 : 0)).fill(current(command))];
    const write = spec.effect === 'write';
    const frame = write ? buildFrame(spec.code, session.id, [...args, 0]) : buildFrame(spec.code, session.id, args);
    if (!write && frame[2] !== requestLen(command)) throw new Error(`internal: ${command} probe has LEN ${frame[2]}`);
    const answer = await ask(session, frame);
    if (answer.kind === 'none') answers.push({ command, status: 'no answer' });
    else if (answer.kind === 'ok') answers.push({ command, status: 'implemented' });
    else if (answer.code === notImplementedCode) answers.push({ command, status: 'not-implemented', code: answer.code });
    else if (write && answer.code === lengthCode) answers.push({ command, status: 'implemented', code: answer.code });
    else if (answer.code === unknownCode || unknownCode === undefined) answers.push({ command, status: 'unknown', code: answer.code });
    else answers.push({ command, status: 'implemented', code: answer.code });
  }
  const known = (a: CommandSupport['answers'][number]): boolean => a.status === 'implemented' || a.status === 'not-implemented';
  let release: FirmwareRelease = 'v3';
  for (const r of RELEASE_ORDER) if (answers.some((a) => COMMANDS[a.command].since === r && known(a))) release = r;
  const rank = RELEASE_ORDER.indexOf(release);
  const notImplemented = answers.filter((a) => RELEASE_ORDER.indexOf(COMMANDS[a.command].since) <= rank && !known(a)).map((a) => a.command);
  notImplemented.push(...answers.filter((a) => a.status === 'not-implemented').map((a) => a.command));
  const beyond = answers.find((a) => RELEASE_ORDER.indexOf(COMMANDS[a.command].since) > rank && a.code !== undefined);
  return { answers, release, notImplemented: [...new Set(notImplemented)], unknownReleaseCode: beyond?.code };
}
