/**
 * Model coverage of a recorded session: the session is replayed in the model in virtual time
 * with its recorded timing (hil/session/modelReplay.ts) while the inspection hook counts the
 * states and transitions the machines go through, so a real board's session shows what the
 * model says that board was driven through. As in fuzz coverage, the model's power-up (MCU boot)
 * counts too: a board that answers has booted.
 */
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import type { Stack } from '../../board-model/stack.ts';
import { replayInModel, type ModelReplayResult } from '../../hil/session/modelReplay.ts';
import type { Session } from '../../hil/session/sessionFormat.ts';
import { ModelCoverage, type CoverageKeys } from './ModelCoverage.ts';

/** Where coverage came from: the simulator (fuzz runs, sessions recorded on `sim:`) or hardware (sessions on a real port). */
export type CoverageSide = 'simulator' | 'hardware';

/** A session recorded on `sim:` (its header's port, or virtual-time stamps) is simulator coverage; any real port is hardware. */
export function sessionSide(session: Session): CoverageSide {
  return session.header.port.trim().toLowerCase().startsWith('sim') || session.header.clock === 'virtual' ? 'simulator' : 'hardware';
}

/** The keys a session's replay visited, and the replay itself (mismatches say where the model parted from the recording). */
export async function sessionCoverage(session: Session, options: { stack: Stack; profile: FirmwareProfile }): Promise<{ keys: CoverageKeys; replay: ModelReplayResult }> {
  const coverage = new ModelCoverage();
  const replay = await replayInModel(session, { stack: options.stack, profile: options.profile, inspect: coverage.hook });
  return { keys: coverage.keys(), replay };
}
