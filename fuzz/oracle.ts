/**
 * The spec's answer to "what does a board do with these bytes?" (FIRMWARE.md section 7), written
 * independently of the simulator's receiver and dispatcher so the fuzzer can compare the two.
 *
 * It takes one burst of bytes that arrives after a gap and is followed by a gap. Check order and
 * error codes come from the profile (they are ASSUMED, profile-configurable), but every check of
 * F7 applies: one a profile leaves out is still made, after the others. So a firmware that skips
 * the CRC check disagrees with the oracle, which is how the fuzzer catches it.
 */
import { commandByCode, inRelease, requestLen, takesPi, type CommandName } from '../bus-protocol/commands.ts';
import { crc8 } from '../bus-protocol/crc8.ts';
import { CHECK_NAMES, type CheckName } from '../board-model/busProfileSchema.ts';
import type { FirmwareProfile } from '../board-model/profileSchema.ts';

/** What the board does with a burst: nothing, an error reply, or the command executed with an OK reply. */
export type Reaction =
  | { readonly kind: 'silent'; readonly why: 'other-id' | 'no-address' | 'skipped' }
  /** `atGap`: decided when the gap after the burst is seen (3.5 byte-times after its last byte), not at its last byte. */
  | { readonly kind: 'error'; readonly code: number; readonly atGap: boolean }
  | { readonly kind: 'execute'; readonly command: CommandName }
  /** More than one frame in the burst (the receiver resynchronises inside it): not predicted here. */
  | { readonly kind: 'complex' };

/** How the receiver ends a burst: a whole frame, or why it failed (FIRMWARE.md section 7). */
type Framing = { kind: 'frame' | 'too-short' | 'truncated' | 'overflow'; atGap: boolean; bytes: Uint8Array } | { kind: 'none' } | { kind: 'complex' };

function frameBurst(burst: Uint8Array, profile: FirmwareProfile): Framing {
  const rx = profile.bus.rxBufferBytes;
  const n = burst.length;
  if (n === 0) return { kind: 'none' };
  const len = burst[2];
  if (len !== undefined && len < 3) return { kind: 'too-short', atGap: true, bytes: burst.slice(0, Math.min(n, rx)) };
  if (len !== undefined && len + 1 > rx) {
    if (!profile.bus.overflowDropsUntilGap) return n > 3 ? { kind: 'complex' } : { kind: 'overflow', atGap: false, bytes: burst.slice() };
    return { kind: 'overflow', atGap: true, bytes: burst.slice(0, Math.min(n, rx)) };
  }
  if (len === undefined || n < len + 1) return { kind: n < 4 ? 'too-short' : 'truncated', atGap: true, bytes: burst.slice() };
  if (n > len + 1) return { kind: 'complex' };
  return { kind: 'frame', atGap: false, bytes: burst.slice() };
}

/** effectiveChecks by profile: the oracle asks for every burst. */
const CHECKS = new WeakMap<FirmwareProfile, readonly CheckName[]>();

/** The profile's check order with every F7 check it leaves out appended (the spec requires them all). */
export function effectiveChecks(profile: FirmwareProfile): CheckName[] {
  const order = [...profile.bus.checkOrder];
  for (const check of CHECK_NAMES) if (!order.includes(check)) order.push(check);
  return order;
}

function checksOf(profile: FirmwareProfile): readonly CheckName[] {
  let checks = CHECKS.get(profile);
  if (checks === undefined) CHECKS.set(profile, (checks = effectiveChecks(profile)));
  return checks;
}

/** The spec's reaction of the board with ID `id` (0..254) to one burst between gaps. */
export function expectedReaction(burst: Uint8Array, id: number, profile: FirmwareProfile): Reaction {
  const framing = frameBurst(burst, profile);
  if (framing.kind === 'complex') return { kind: 'complex' };
  if (framing.kind === 'none' || framing.bytes.length < 2) return { kind: 'silent', why: 'no-address' };
  const bytes = framing.bytes;
  if (bytes[1] !== id) return { kind: 'silent', why: 'other-id' };
  const codes = profile.bus.errorCodes;
  const error = (code: number): Reaction => ({ kind: 'error', code, atGap: framing.atGap });
  const name = commandByCode(bytes[0]!);
  for (const check of checksOf(profile)) {
    if (check === 'too-short' && framing.kind === 'too-short') return error(codes.tooShort);
    if (check === 'too-short' && framing.kind === 'truncated') return error(codes.truncated);
    if (check === 'overflow' && framing.kind === 'overflow') return error(codes.overflow);
    if (framing.kind !== 'frame') continue;
    if (check === 'crc' && crc8(bytes) !== 0) return error(codes.crc);
    if (check === 'unknown-command') {
      if (name === undefined) return error(codes.unknownCommand);
      if (!inRelease(name, profile.release)) return error(profile.unknownReleaseCode);
      if (profile.notImplemented.includes(name)) return error(codes.notImplemented);
    }
    if (check === 'length' && name !== undefined && bytes[2] !== requestLen(name)) return error(codes.length);
    if (check === 'pi-number' && name !== undefined && takesPi(name) && (bytes[3] ?? 0) > 1) return error(codes.piNumber);
  }
  if (framing.kind !== 'frame' || name === undefined) return { kind: 'silent', why: 'skipped' };
  return { kind: 'execute', command: name };
}
