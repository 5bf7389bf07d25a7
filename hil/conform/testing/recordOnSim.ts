/**
 * Test and bench helper: record a session of ordinary host commands against a simulated stack
 * running any profile (a "real board" stand-in), in virtual time and in memory, through the same
 * StackClient the CLI uses. The session comes back parsed, as conform reads files.
 */
import { StackClient } from '../../../bus-protocol/StackClient.ts';
import type { FirmwareProfile } from '../../../board-model/profileSchema.ts';
import type { SimStack } from '../../../board-model/SimStack.ts';
import { SINGLE_BOARD_STACK, type Stack } from '../../../board-model/stack.ts';
import { SessionLog, loggedTransport } from '../../../fuzz/harness/SessionLog.ts';
import { simPort } from '../../ports.ts';
import { formatSession, parseSession, type Session } from '../../session/sessionFormat.ts';

/** What a script gets: the client on the recorded link, the stack, and a virtual sleep (ms). */
export interface SimScript {
  readonly client: StackClient;
  readonly sim: SimStack;
  sleep(ms: number): Promise<void>;
}

/** Run `script` against `profile` on `stack` (default one board, ID 0) and return its recording. */
export async function recordOnSim(profile: FirmwareProfile, script: (s: SimScript) => Promise<void>, stack: Stack = SINGLE_BOARD_STACK, name = 'recorded.jsonl'): Promise<Session> {
  const port = await simPort({ stack, profile });
  const log = new SessionLog('sim:', 'virtual');
  log.begin(port.clock.now());
  const client = new StackClient(loggedTransport(port.transport, log, port.clock), { clock: port.clock, checkFirmware: true, errorLogSize: profile.errorLog.size });
  const sleep = (ms: number) => new Promise<void>((resolve) => port.clock.setTimeout(resolve, ms));
  try {
    await port.run(script({ client, sim: port.sim, sleep }));
  } finally {
    await port.close();
  }
  return parseSession(formatSession(log.session()), name);
}
