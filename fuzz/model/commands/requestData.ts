/** Data bytes of a well-formed request for any command (pi 0, small values), for commands that send one. */
import { COMMANDS, type CommandName } from '../../../bus-protocol/commands.ts';

/** A valid data field list for `command`: `pi` for the pi argument, 1 for anything else. */
export function requestData(command: CommandName, pi: 0 | 1 = 0): number[] {
  return COMMANDS[command].request.map((f) => (f.name === 'pi' ? pi : 1));
}
