/**
 * The simulated host's status poll (what the original host software polls, `pistack sim
 * --poll`): per board GET_VIN and GET_CIN, per Pi GET_PI_POWERED, GET_PI_HBT and GET_PI_C. One
 * cycle of it takes the bus a fixed time, and a poll interval shorter than that cannot be kept.
 */
import { requestLen, responseLen } from '../../bus-protocol/commands.ts';
import type { CommandName } from '../../bus-protocol/commands.ts';
import { formatDuration } from '../duration.ts';
import type { FirmwareProfile } from '../profileSchema.ts';
import { boardId, type Stack } from '../stack.ts';

/** Board reads of one poll, per board. */
export const BOARD_POLL = ['GET_VIN', 'GET_CIN'] as const;
/** Pi reads of one poll, per Pi port (0 and 1). */
export const PI_POLL = ['GET_PI_POWERED', 'GET_PI_HBT', 'GET_PI_C'] as const;

/** IDs the poll reads, once each (boards sharing an ID answer as one). */
export function pollIds(stack: Stack): number[] {
  return [...new Set(stack.boards.map((b) => boardId(b.prefix, b.dip)))];
}

/**
 * Time (ms, whole ms rounded up) one poll cycle takes on the bus when every board answers:
 * each request and its reply on the wire at the profile's baud rate, plus the board's reply
 * delay and its worst jitter. The shortest poll interval `--poll` and `"poll"` accept.
 */
export function pollCycleMs(stack: Stack, profile: FirmwareProfile): number {
  const byteMs = (1000 * profile.bus.bitsPerByte) / profile.bus.baud;
  const exchange = (c: CommandName): number => (requestLen(c) + 1 + responseLen(c) + 1) * byteMs + profile.bus.replyDelayMs + profile.bus.replyJitterMs;
  const perBoard = BOARD_POLL.reduce((ms, c) => ms + exchange(c), 0) + 2 * PI_POLL.reduce((ms, c) => ms + exchange(c), 0);
  return Math.ceil(perBoard * pollIds(stack).length);
}

/** Why a poll interval is refused, or undefined when it is 0 (no polling) or at least one poll cycle. */
export function pollProblem(pollMs: number, stack: Stack, profile: FirmwareProfile): string | undefined {
  const cycle = pollCycleMs(stack, profile);
  if (pollMs === 0 || pollMs >= cycle) return undefined;
  const requests = pollIds(stack).length * (BOARD_POLL.length + 2 * PI_POLL.length);
  return `${formatDuration(pollMs)} is shorter than one poll cycle: the shortest poll possible is ${formatDuration(cycle)} ` +
    `(${requests} requests on the ${profile.bus.baud}-baud bus for this stack), or 0 for no polling`;
}
