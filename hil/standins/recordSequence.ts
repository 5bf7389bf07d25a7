/**
 * Record one stand-in's host-command sequence over an open port into a session file, exactly as
 * `--record` does (SessionRecorder through recordTransport): on a served PTY in wall time, or on
 * `sim:` in virtual time (the tests); and replay one in the model the way the stand-ins are checked.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusClient } from '../../bus-protocol/BusClient.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { SINGLE_BOARD_STACK } from '../../board-model/stack.ts';
import { simPort, type HostPort } from '../ports.ts';
import { replayInModel, type ModelReplayResult } from '../session/modelReplay.ts';
import { SessionRecorder, recordTransport } from '../session/SessionRecorder.ts';
import { parseSession, type Session } from '../session/sessionFormat.ts';
import { parseTolerance, type Tolerance } from '../session/tolerance.ts';
import { STANDIN_REPLY_TIMEOUT_MS, STANDIN_TOLERANCE_FILE, standinHost, type Standin } from './standins.ts';

/** Where and how to record. */
export interface RecordTarget {
  /** The session file to create. */
  readonly path: string;
  /** The port as the header names it (the PTY path, or `sim:`). */
  readonly portName: string;
  /** Replace an existing file. */
  readonly overwrite?: boolean;
  /** Slots of the board's error log (the GET_ERROR_BUFFER reply length the client waits for); default 32. */
  readonly errorLogSize?: number;
}

/** Run `standin.sequence` on `port`, recording every byte; the file ends with its `closed` trailer. Returns the number of events. */
export async function recordSequence(standin: Standin, port: HostPort, target: RecordTarget): Promise<number> {
  const recorder = SessionRecorder.create({ path: target.path, port: target.portName, clock: port.sim ? 'virtual' : 'wall', overwrite: target.overwrite === true });
  const transport = recordTransport(port.transport, recorder, port.clock);
  const client = new BusClient(transport, { clock: port.clock, retries: 0, replyTimeoutMs: STANDIN_REPLY_TIMEOUT_MS, ...(target.errorLogSize === undefined ? {} : { errorLogSize: target.errorLogSize }) });
  try {
    await port.run(standin.sequence(standinHost(client, port.clock)));
  } catch (error) {
    recorder.end('error', (error as Error).message);
    throw error;
  } finally {
    await client.close();
    recorder.end('closed');
  }
  return recorder.events;
}

/** The replay tolerance saved beside the stand-in sessions in `dir` (STANDIN_TOLERANCE_FILE). */
export function standinTolerance(dir: string): Tolerance {
  const path = join(dir, STANDIN_TOLERANCE_FILE);
  return parseTolerance(readFileSync(path, 'utf8'), path);
}

/** Replay a stand-in session in the model as the stand-ins are checked: the `single` stack, `profile`, the tolerance given, a 1 s reply allowance. */
export function replayStandin(session: Session, profile: FirmwareProfile, tolerance: Tolerance): Promise<ModelReplayResult> {
  return replayInModel(session, { stack: SINGLE_BOARD_STACK, profile, tolerance, replyTimeoutMs: STANDIN_REPLY_TIMEOUT_MS });
}

/** A stand-in's sequence recorded on `sim:` (the `single` stack) running `profile`, in virtual time, read back as a session. */
export async function recordOnSimStack(standin: Standin, profile: FirmwareProfile): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'pistack-standin-'));
  try {
    const port = await simPort({ stack: SINGLE_BOARD_STACK, profile });
    const path = join(dir, `standin-${standin.name}.jsonl`);
    try {
      await recordSequence(standin, port, { path, portName: 'sim:', errorLogSize: profile.errorLog.size });
    } finally {
      await port.close();
    }
    return parseSession(readFileSync(path, 'utf8'), path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
