/**
 * Replaying a recorded session against a bus: each recorded request is sent again, once (no
 * retries: a retry in the recording is itself a request), either at its recorded offset from the
 * first request or back to back, and the reply compared with the recorded one (tolerance.ts):
 * digital fields exactly, analog readings within a band, and, with recorded timing, the reply
 * time within a window. Time comes from the injected clock, so `sim:` replays in virtual time.
 */
import type { BusClient } from '../../bus-protocol/BusClient.ts';
import type { Clock } from '../../bus-protocol/clock.ts';
import type { CommandName } from '../../bus-protocol/commands.ts';
import { rawPowerToWatts, rawToUnits, type PowerReading, type Reading } from '../../bus-protocol/conversions.ts';
import { describeErrorCode } from '../../bus-protocol/errorCodes.ts';
import { CrcError, DisconnectedError, MalformedReplyError, NoReplyError } from '../../bus-protocol/errors.ts';
import { toHex } from '../../bus-protocol/hex.ts';
import { classifyReply, type Exchange, type ReplyOutcome } from './exchanges.ts';
import { allowedDifference, bandFor, replyTimeFor, type Tolerance } from './tolerance.ts';

/** When requests are sent: at their recorded offsets, or each as soon as the previous one is done. */
export type ReplayTiming = 'recorded' | 'asap';

/** One field that differs: what was recorded, what came now, and by how much when that helps. */
export interface FieldDiff {
  readonly field: string;
  readonly recorded: string;
  readonly now: string;
  readonly detail?: string;
}

/** One exchange replayed: both outcomes, both reply times (ms), and the differences (none = match). */
export interface ExchangeResult {
  readonly exchange: Exchange;
  readonly recorded: ReplyOutcome;
  readonly now: ReplyOutcome;
  readonly recordedReplyMs: number | undefined;
  readonly nowReplyMs: number | undefined;
  readonly diffs: readonly FieldDiff[];
}

/** A whole replay: a result per exchange run, and why it stopped early (the link went away), if it did. */
export interface ReplayResult {
  readonly results: ExchangeResult[];
  readonly mismatched: number;
  /** Exchanges not run because the replay stopped early. */
  readonly notRun: number;
  readonly aborted: string | undefined;
  /** Duration of the replay on the clock, ms. */
  readonly elapsedMs: number;
}

/** How to replay. */
export interface ReplayOptions {
  timing: ReplayTiming;
  tolerance: Tolerance;
  /** Called after each exchange (progress, live output). */
  onResult?: (result: ExchangeResult) => void;
}

const UNITS: Partial<Record<CommandName, { adc: Reading } | { power: PowerReading }>> = {
  GET_VIN: { adc: 'vin' }, GET_CIN: { adc: 'cin' }, GET_5V: { adc: 'rail5v' }, GET_PI_V: { adc: 'piV' }, GET_PI_C: { adc: 'piC' },
  GET_POWER: { power: 'input' }, GET_5V_POWER: { power: 'rail5v' }, GET_PI_POWER: { power: 'pi' },
};

/** A raw reading with its value in units (hardware v3 scales), e.g. `25374 (11.925 V)`. */
export function withUnits(command: CommandName | undefined, raw: number): string {
  const spec = command === undefined ? undefined : UNITS[command];
  if (spec === undefined) return String(raw);
  if ('adc' in spec) return `${raw} (${rawToUnits(spec.adc, raw).toFixed(3)} ${spec.adc === 'cin' || spec.adc === 'piC' ? 'A' : 'V'})`;
  return `${raw} (${rawPowerToWatts(spec.power, raw).toFixed(3)} W)`;
}

/** An outcome in a few words: `OK value=15`, `OK raw=25374 (11.925 V)`, `error 0x12 UNKNOWN_COMMAND: ...`, `no reply`, `garbled (...)`. */
export function describeOutcome(outcome: ReplyOutcome, command?: CommandName): string {
  switch (outcome.kind) {
    case 'silent':
      return 'no reply';
    case 'garbled':
      return `garbled reply (${outcome.reason}) [${toHex(outcome.bytes)}]`;
    case 'error':
      return `error ${describeErrorCode(outcome.code)}`;
    case 'ok': {
      const fields = Object.entries(outcome.fields).map(([k, v]) => `${k}=${v instanceof Uint8Array ? `[${toHex(v)}]` : k === 'raw' ? withUnits(command, v) : v}`);
      return fields.length ? `OK ${fields.join(' ')}` : 'OK';
    }
  }
}

function fieldText(value: number | Uint8Array | undefined): string {
  if (value === undefined) return '(absent)';
  return value instanceof Uint8Array ? toHex(value) : String(value);
}

/** The differences between a recorded and a live outcome of one command (timing excluded). */
export function compareOutcomes(command: CommandName | undefined, recorded: ReplyOutcome, now: ReplyOutcome, tolerance: Tolerance): FieldDiff[] {
  if (recorded.kind !== now.kind) return [{ field: 'reply', recorded: describeOutcome(recorded, command), now: describeOutcome(now, command) }];
  if (recorded.kind === 'error' && now.kind === 'error') {
    return recorded.code === now.code ? [] : [{ field: 'error code', recorded: describeErrorCode(recorded.code), now: describeErrorCode(now.code) }];
  }
  if (recorded.kind !== 'ok' || now.kind !== 'ok') return []; // silence matches silence; garbage matches garbage
  const diffs: FieldDiff[] = [];
  const band = command === undefined ? undefined : bandFor(tolerance, command);
  for (const field of new Set([...Object.keys(recorded.fields), ...Object.keys(now.fields)])) {
    const a = recorded.fields[field];
    const b = now.fields[field];
    if (band !== undefined && field === 'raw' && typeof a === 'number' && typeof b === 'number') {
      const allowed = allowedDifference(band, a);
      const off = Math.abs(b - a);
      if (off > allowed) {
        const pct = a === 0 ? '' : ` (${((off / Math.abs(a)) * 100).toFixed(1)} %)`;
        diffs.push({
          field, recorded: withUnits(command, a), now: withUnits(command, b),
          detail: `off by ${off} counts${pct}, allowed ±${Math.round(allowed)} counts (${band.percent} % or ${band.counts} counts, whichever is larger)`,
        });
      }
    } else if (fieldText(a) !== fieldText(b)) {
      diffs.push({ field, recorded: fieldText(a), now: fieldText(b) });
    }
  }
  return diffs;
}

/** The live reply of one attempt as bytes: the frame, or what arrived before the client gave up. */
function liveBytes(outcome: Awaited<ReturnType<BusClient['requestRaw']>>): Uint8Array {
  if (outcome.kind === 'reply') return outcome.frame.bytes;
  const error = outcome.error;
  if (error instanceof NoReplyError) return error.partial;
  if (error instanceof CrcError || error instanceof MalformedReplyError) return error.received;
  throw error; // DisconnectedError: the replay cannot go on
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/** Recorded replies classified once per exchange (a conformance run replays a session many times). */
const recordedOutcomes = new WeakMap<Exchange, ReplyOutcome>();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Compare one exchange's live reply (`bytes`, its last byte `nowReplyMs` after the request was
 * written, undefined when nothing came) with the recorded one: fields as compareOutcomes, and with
 * recorded timing the reply time within the tolerance's window.
 */
export function judgeExchange(exchange: Exchange, bytes: Uint8Array, nowReplyMs: number | undefined, options: Pick<ReplayOptions, 'timing' | 'tolerance'>): ExchangeResult {
  let recorded = recordedOutcomes.get(exchange);
  if (recorded === undefined) recordedOutcomes.set(exchange, (recorded = classifyReply(exchange.reply, exchange.command)));
  const now = sameBytes(bytes, exchange.reply) ? recorded : classifyReply(bytes, exchange.command);
  const recordedReplyMs = exchange.replyAt === undefined ? undefined : exchange.replyAt - exchange.sentAt;
  const diffs = now === recorded ? [] : compareOutcomes(exchange.command, recorded, now, options.tolerance);
  const timed = (recorded.kind === 'ok' || recorded.kind === 'error') && recorded.kind === now.kind;
  if (options.timing === 'recorded' && timed && recordedReplyMs !== undefined && nowReplyMs !== undefined) {
    const allowed = replyTimeFor(options.tolerance, exchange.command);
    const off = Math.abs(nowReplyMs - recordedReplyMs);
    if (off > allowed) {
      diffs.push({ field: 'reply time', recorded: `${recordedReplyMs.toFixed(2)} ms`, now: `${nowReplyMs.toFixed(2)} ms`, detail: `off by ${off.toFixed(2)} ms, allowed ±${allowed} ms` });
    }
  }
  return { exchange, recorded, now, recordedReplyMs, nowReplyMs, diffs };
}

/** Replay `exchanges` through `client` (time from `clock`); never throws for a lost link, reports it in `aborted`. */
export async function replayExchanges(exchanges: readonly Exchange[], client: BusClient, clock: Clock, options: ReplayOptions): Promise<ReplayResult> {
  const results: ExchangeResult[] = [];
  const start = clock.now();
  const first = exchanges[0]?.sentAt ?? 0;
  let aborted: string | undefined;
  for (const exchange of exchanges) {
    if (options.timing === 'recorded') {
      const wait = start + (exchange.sentAt - first) - clock.now();
      if (wait > 0) await sleep(clock, wait);
    }
    const sentAt = clock.now();
    let outcome: Awaited<ReturnType<BusClient['requestRaw']>>;
    let bytes: Uint8Array;
    try {
      outcome = await client.requestRaw(exchange.request, exchange.command);
      bytes = liveBytes(outcome);
    } catch (error) {
      if (!(error instanceof DisconnectedError)) throw error;
      aborted = error.message;
      break;
    }
    const result = judgeExchange(exchange, bytes, outcome.kind === 'reply' ? outcome.at - sentAt : undefined, options);
    results.push(result);
    options.onResult?.(result);
  }
  return {
    results, mismatched: results.filter((r) => r.diffs.length > 0).length, notRun: exchanges.length - results.length,
    aborted, elapsedMs: clock.now() - start,
  };
}
