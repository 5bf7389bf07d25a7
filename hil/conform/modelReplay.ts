/**
 * Replaying exchanges against the model in virtual time, in process and synchronously: a SimStack
 * is driven timer by timer, each request written at its recorded offset from the first (or as
 * soon as the previous reply is done, as replayExchanges does), and the reply taken as the
 * BusClient would take it: the first whole frame by its LEN byte, or what arrived by the reply
 * deadline. No promises, no client, no microtask drains: the conformance loop runs thousands of
 * replays of a shrunk session, and tens of thousands of exchanges per second.
 */
import { DEFAULT_ERROR_LOG_SIZE, DEFAULT_REPLY_TIMEOUT_MS } from '../../bus-protocol/BusClient.ts';
import { BYTE_TIME_9600_MS } from '../../bus-protocol/FrameParser.ts';
import { responseLen } from '../../bus-protocol/commands.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { SimStack } from '../../board-model/SimStack.ts';
import type { Stack } from '../../board-model/stack.ts';
import type { Exchange } from '../session/exchanges.ts';
import { judgeExchange, type ExchangeResult, type ReplayResult } from '../session/replay.ts';
import type { Tolerance } from '../session/tolerance.ts';

/** The model's starting point: which boards with which Pis, running which firmware profile. */
export interface ModelSetup {
  readonly stack: Stack;
  readonly profile: FirmwareProfile;
  /** Seed of the simulation's random streams (default the stack's, else 1). */
  readonly seed?: number;
}

/** How to replay on the model. */
export interface ModelReplayOptions {
  readonly tolerance: Tolerance;
  /** Stop after the first exchange that differs (the conformance loop needs no more). */
  readonly stopAtFirst?: boolean;
  /** Virtual ms after power-up before the first request (MCUs booted); default 100, as `sim:`. */
  readonly bootMs?: number;
  /**
   * Least reply allowance after the wire time (ms); default 40, the client's. The allowance of
   * each exchange also covers the profile's longest reply delay and the recorded reply's own time
   * (replyAllowanceMs), so a slow-replying firmware is never taken for a silent one.
   */
  readonly replyTimeoutMs?: number;
}

/** A reply frame is whole once LEN + 1 bytes are in (PROTOCOL.md section 3). */
function wholeFrame(bytes: readonly number[]): boolean {
  const len = bytes[2];
  return len !== undefined && len >= 3 && bytes.length >= len + 1;
}

function sameAs(a: readonly number[], b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * How long after a request's and its expected reply's wire time the model's reply is waited for
 * (ms): the least allowance, but at least the profile's longest reply delay (replyDelayMs +
 * replyJitterMs) plus the client's DEFAULT_REPLY_TIMEOUT_MS as margin, and at least the time the
 * recorded reply took beyond the wire time plus that margin (what the recording's client waited).
 */
export function replyAllowanceMs(exchange: Exchange, profile: FirmwareProfile, least: number, wireMs: number): number {
  const longestDelay = profile.bus.replyDelayMs + profile.bus.replyJitterMs;
  const recorded = exchange.replyAt === undefined ? 0 : exchange.replyAt - exchange.sentAt - wireMs;
  return Math.max(least, longestDelay + DEFAULT_REPLY_TIMEOUT_MS, recorded + DEFAULT_REPLY_TIMEOUT_MS);
}

/** Replay `exchanges` on a fresh simulated stack; virtual time only, never throws for a mismatch. */
export function replayOnModel(exchanges: readonly Exchange[], setup: ModelSetup, options: ModelReplayOptions): ReplayResult {
  const sim = new SimStack({ stack: setup.stack, profile: setup.profile, eventLimit: 64, ...(setup.seed === undefined ? {} : { seed: setup.seed }) }).start();
  const replyTimeoutMs = options.replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS;
  let reply: number[] = [];
  let lastAt = 0;
  let done = true;
  /** Run to t (ms); with `untilReply`, stop as soon as the reply is whole. */
  const runTo = (t: number, untilReply = false): void => {
    while (sim.step(t)) {
      if (untilReply && done) return;
    }
    if (t > sim.clock.now()) sim.clock.advanceTo(t);
  };
  sim.host.onData((bytes) => {
    if (done) return;
    for (const b of bytes) reply.push(b);
    lastAt = sim.clock.now();
    if (wholeFrame(reply)) done = true;
  });
  try {
    runTo(options.bootMs ?? 100);
    const start = sim.clock.now();
    const first = exchanges[0]?.sentAt ?? 0;
    const results: ExchangeResult[] = [];
    let mismatched = 0;
    for (const exchange of exchanges) {
      const target = start + (exchange.sentAt - first);
      if (target > sim.clock.now()) runTo(target);
      const sentAt = sim.clock.now();
      reply = [];
      done = false;
      void sim.host.write(exchange.request).catch(() => undefined);
      // The reply the client waits for (BusClient.replyBytes): GET_ERROR_BUFFER with a 32-slot log.
      const expected = exchange.command === undefined ? 4 : responseLen(exchange.command) + 1 + (exchange.command === 'GET_ERROR_BUFFER' ? DEFAULT_ERROR_LOG_SIZE : 0);
      const wireMs = (exchange.request.length + expected) * BYTE_TIME_9600_MS;
      const allowance = replyAllowanceMs(exchange, setup.profile, replyTimeoutMs, wireMs);
      const deadline = sentAt + wireMs + allowance;
      runTo(deadline, true);
      // A frame still coming in at the deadline is waited for, as the client does.
      const len = reply[2];
      if (!done && len !== undefined && len >= 3 && reply.length < len + 1) runTo(sentAt + (exchange.request.length + len + 1) * BYTE_TIME_9600_MS + allowance, true);
      const whole = done;
      done = true;
      const bytes = sameAs(reply, exchange.reply) ? exchange.reply : Uint8Array.from(reply);
      const result = judgeExchange(exchange, bytes, whole ? lastAt - sentAt : undefined, { timing: 'recorded', tolerance: options.tolerance });
      results.push(result);
      if (result.diffs.length > 0) {
        mismatched++;
        if (options.stopAtFirst) break;
      }
    }
    return { results, mismatched, notRun: exchanges.length - results.length, aborted: undefined, elapsedMs: sim.clock.now() - start };
  } finally {
    sim.stop();
  }
}
