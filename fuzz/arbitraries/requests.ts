/**
 * Request frames for every command of the command table (PROTOCOL.md section 5), with valid
 * arguments, invalid ones (pi 2..255) and out-of-range ones (a prefix with low bits set, an
 * enable flag above 1), plus frames the table does not allow: unknown codes and wrong lengths.
 */
import * as fc from 'fast-check';
import { COMMAND_NAMES, COMMANDS, requestLen, takesPi, type CommandName } from '../../bus-protocol/commands.ts';
import { buildFrame } from '../../bus-protocol/frame.ts';

/** A request as sent: what it is, where it goes, its data bytes and the frame. */
export interface RequestCase {
  readonly label: string;
  readonly id: number;
  readonly bytes: Uint8Array;
}

/** Every command's name, for fc.constantFrom. */
const NAMES: readonly CommandName[] = COMMAND_NAMES;

/** Commands with a `pi` argument. */
export const PI_COMMANDS: readonly CommandName[] = NAMES.filter(takesPi);

/** Codes no firmware release defines as a request (0x00, 0x01 are statuses; the table ends at 0x29). */
export const unknownCode: fc.Arbitrary<number> = fc.oneof(fc.constantFrom(0x00, 0x01, 0x2a, 0x7f, 0xff), fc.integer({ min: 0x2a, max: 0xff }));

/** Data bytes of a command: pi 0..1, u8 values; `out-of-range` puts the prefix and enable flag outside the spec. */
function fieldBytes(name: CommandName, mode: 'valid' | 'out-of-range'): fc.Arbitrary<number[]> {
  const spec = COMMANDS[name];
  const parts = spec.request.map((field) => {
    if (field.name === 'pi') return fc.integer({ min: 0, max: 1 }).map((v) => [v]);
    if (field.name === 'enabled') return (mode === 'valid' ? fc.integer({ min: 0, max: 1 }) : fc.integer({ min: 2, max: 255 })).map((v) => [v]);
    if (field.name === 'prefix') return (mode === 'valid' ? fc.integer({ min: 0, max: 15 }).map((v) => v << 4) : fc.integer({ min: 0, max: 255 })).map((v) => [v]);
    return fc.integer({ min: 0, max: 255 }).map((v) => [v]);
  });
  return fc.tuple(...parts).map((chunks) => chunks.flat());
}

/** A well-formed request for any command, to an ID drawn from `ids`. */
export function validRequest(ids: fc.Arbitrary<number>, names: readonly CommandName[] = NAMES): fc.Arbitrary<RequestCase> {
  return fc.tuple(fc.constantFrom(...names), ids).chain(([name, id]) =>
    fieldBytes(name, 'valid').map((data) => ({ label: `${name} to ${id}${data.length ? ` [${data.join(' ')}]` : ''}`, id, bytes: buildFrame(COMMANDS[name].code, id, data) })),
  );
}

/** A well-formed frame whose arguments are outside what the spec allows, but that the board still executes (prefix low bits, enabled 2..255). */
export function outOfRangeRequest(ids: fc.Arbitrary<number>): fc.Arbitrary<RequestCase> {
  return validRequest(ids, ['SET_ID_PREFIX', 'SET_PI_ON_STARTUP']).chain((c) => {
    const name: CommandName = c.bytes[0] === COMMANDS.SET_ID_PREFIX.code ? 'SET_ID_PREFIX' : 'SET_PI_ON_STARTUP';
    return fieldBytes(name, 'out-of-range').map((data) => ({ label: `${name} to ${c.id} out of range [${data.join(' ')}]`, id: c.id, bytes: buildFrame(COMMANDS[name].code, c.id, data) }));
  });
}

/** A request with pi 2..255: the board must answer 0x14 (FIRMWARE.md section 7 check 7). */
export function invalidPiRequest(ids: fc.Arbitrary<number>): fc.Arbitrary<RequestCase> {
  return fc.tuple(fc.constantFrom(...PI_COMMANDS), ids, fc.integer({ min: 2, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([name, id, pi, value]) => {
    const data = requestLen(name) === 5 ? [pi, value] : [pi];
    return { label: `${name} to ${id} with pi ${pi}`, id, bytes: buildFrame(COMMANDS[name].code, id, data) };
  });
}

/** A frame with a code no release defines: 0x12 (check 5). */
export function unknownCommandRequest(ids: fc.Arbitrary<number>): fc.Arbitrary<RequestCase> {
  return fc.tuple(unknownCode, ids, fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 3 })).map(([code, id, data]) => ({
    label: `unknown code 0x${code.toString(16).padStart(2, '0')} to ${id}`, id, bytes: buildFrame(code, id, data),
  }));
}

/** A known command with too many or too few data bytes, LEN and CRC consistent with them: 0x13 (check 6). */
export function wrongLengthRequest(ids: fc.Arbitrary<number>): fc.Arbitrary<RequestCase> {
  return fc.tuple(fc.constantFrom(...NAMES), ids, fc.integer({ min: 0, max: 4 })).filter(([name, , n]) => 3 + n !== requestLen(name)).map(([name, id, n]) => ({
    label: `${name} to ${id} with ${n} data bytes`, id, bytes: buildFrame(COMMANDS[name].code, id, Array.from({ length: n }, (_, i) => i & 1)),
  }));
}

/** Any of the above, weighted toward valid requests. */
export function anyRequest(ids: fc.Arbitrary<number>): fc.Arbitrary<RequestCase> {
  return fc.oneof(
    { arbitrary: validRequest(ids), weight: 6 },
    { arbitrary: outOfRangeRequest(ids), weight: 1 },
    { arbitrary: invalidPiRequest(ids), weight: 1 },
    { arbitrary: unknownCommandRequest(ids), weight: 1 },
    { arbitrary: wrongLengthRequest(ids), weight: 1 },
  );
}
