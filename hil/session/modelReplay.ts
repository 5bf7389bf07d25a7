/**
 * A recorded session replayed in the model: a fresh simulated stack in virtual time, each
 * recorded request sent at its recorded offset (or back to back) and its reply compared with the
 * recorded one (replay.ts), exactly as `pistack replay FILE --port sim:` does, but with the
 * stack's options open to the caller (an XState inspection hook for model coverage, a profile
 * under test). A session of minutes replays in milliseconds.
 */
import { BusClient } from '../../bus-protocol/BusClient.ts';
import { V4_REFERENCE } from '../../board-model/profiles.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import type { SimStackOptions } from '../../board-model/SimStack.ts';
import { DEFAULT_STACK, type Stack } from '../../board-model/stack.ts';
import { simPort } from '../ports.ts';
import { sessionExchanges } from './exchanges.ts';
import { replayExchanges, type ReplayResult, type ReplayTiming } from './replay.ts';
import type { Session } from './sessionFormat.ts';
import { DEFAULT_TOLERANCE, type Tolerance } from './tolerance.ts';

/** How to replay a session in the model. */
export interface ModelReplayOptions {
  /** The simulated stack (default: the built-in 16-board stack). */
  stack?: Stack;
  /** Firmware profile of its boards (default v4-reference). */
  profile?: FirmwareProfile;
  /** Seed of the simulation (default the stack's). */
  seed?: number;
  /** XState inspection hook on every actor (model coverage). */
  inspect?: SimStackOptions['inspect'];
  /** Default 'recorded': each request at its recorded offset, reply times compared. */
  timing?: ReplayTiming;
  /** Default: the replay defaults (README "Record, tap and replay"). */
  tolerance?: Tolerance;
  /** Reply allowance after the wire time (ms); default the host client's (40 ms), as when the session was recorded. */
  replyTimeoutMs?: number;
}

/** The replay's result plus the session's warnings (bus bytes before the first request, a missing trailer). */
export interface ModelReplayResult extends ReplayResult {
  /** Exchanges in the session. */
  readonly exchanges: number;
  readonly warnings: readonly string[];
}

/** Replay `session` in a fresh simulated stack, in virtual time. */
export async function replayInModel(session: Session, options: ModelReplayOptions = {}): Promise<ModelReplayResult> {
  const { exchanges, warnings } = sessionExchanges(session);
  const profile = options.profile ?? V4_REFERENCE;
  const port = await simPort({
    stack: options.stack ?? DEFAULT_STACK, profile,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });
  try {
    const client = new BusClient(port.transport, { clock: port.clock, ...(options.replyTimeoutMs === undefined ? {} : { replyTimeoutMs: options.replyTimeoutMs }), errorLogSize: profile.errorLog.size, retries: 0 });
    const result = await port.run(replayExchanges(exchanges, client, port.clock, { timing: options.timing ?? 'recorded', tolerance: options.tolerance ?? DEFAULT_TOLERANCE }));
    await client.close();
    return { ...result, exchanges: exchanges.length, warnings: [...session.warnings, ...warnings] };
  } finally {
    await port.close();
  }
}
