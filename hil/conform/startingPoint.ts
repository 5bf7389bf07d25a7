/**
 * Where the model starts for a session: which firmware profile and which boards. Given options
 * win; else the session header's context (issue 12 item 4); else the session's own replies
 * (GET_SW_VERSION and GET_HW_VERSION, and the IDs that answered); else the caller must say.
 */
import { BUILTIN_PROFILES, V3_PROFILE, V4_REFERENCE } from '../../board-model/profiles.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { boardId, parseStack, type Stack } from '../../board-model/stack.ts';
import { classifyReply, type Exchange } from '../session/exchanges.ts';
import type { Session, SessionHeader } from '../session/sessionFormat.ts';
import type { ModelSetup } from './modelReplay.ts';

/** Bad or missing input for a conformance run (exit code 2): names the session and what to pass. */
export class ConformInputError extends Error {
  override name = 'ConformInputError';
}

/** A model starting point and how it was chosen, for the report. */
export interface StartingPoint {
  readonly setup: ModelSetup;
  /** The builtin profile the proposed patch is written over. */
  readonly base: string;
  /** One phrase per choice: `firmware 4 from GET_SW_VERSION replies: v4-reference`. */
  readonly how: string[];
}

/** The first OK value of `field` in replies to `command`, if the session has one. */
function readBack(exchanges: readonly Exchange[], command: string, field: string): number | undefined {
  for (const e of exchanges) {
    if (e.command !== command) continue;
    const outcome = classifyReply(e.reply, e.command);
    const value = outcome.kind === 'ok' ? outcome.fields[field] : undefined;
    if (typeof value === 'number') return value;
  }
  return undefined;
}

/** The firmware and hardware versions a session shows: its header's, else its own GET replies. */
export function versionsOf(session: Session, exchanges: readonly Exchange[]): { firmwareVersion?: number; hardwareVersion?: number } {
  const firmwareVersion = session.header.firmwareVersion ?? readBack(exchanges, 'GET_SW_VERSION', 'version');
  const hardwareVersion = session.header.hardwareVersion ?? readBack(exchanges, 'GET_HW_VERSION', 'version');
  return { ...(firmwareVersion === undefined ? {} : { firmwareVersion }), ...(hardwareVersion === undefined ? {} : { hardwareVersion }) };
}

/**
 * The header of a session cut from `session` (a shrunk one): the original's, plus the context the
 * cut may have dropped (the versions its replies showed, the boards the model started with).
 */
export function contextHeader(session: Session, exchanges: readonly Exchange[], stack: Stack): SessionHeader {
  const boards = stack.boards.map((b) => ({ id: boardId(b.prefix, b.dip), pis: [b.pis[0]?.model ?? null, b.pis[1]?.model ?? null] as [string | null, string | null] }));
  return { ...session.header, ...versionsOf(session, exchanges), stack: session.header.stack ?? { boards, supplyVolts: stack.supplyVolts } };
}

/** The builtin a firmware version starts from: v3 for 3, v4-reference for anything else. */
export function builtinFor(firmwareVersion: number): FirmwareProfile {
  return firmwareVersion === 3 ? V3_PROFILE : V4_REFERENCE;
}

/** The builtin profile closest to `profile` (fewest differing top-level fields): the base of a patch over it. */
export function closestBuiltin(profile: FirmwareProfile): string {
  const differ = (b: FirmwareProfile) => Object.keys(b).filter((k) => JSON.stringify(b[k as keyof FirmwareProfile]) !== JSON.stringify(profile[k as keyof FirmwareProfile])).length;
  return Object.values(BUILTIN_PROFILES).reduce((best, b) => (differ(b) < differ(best) ? b : best)).name;
}

function chooseProfile(session: Session, exchanges: readonly Exchange[], how: string[], given: FirmwareProfile | undefined): FirmwareProfile {
  if (given) {
    how.push(`profile ${given.name} (given)`);
    return given;
  }
  const named = session.header.profile === undefined ? undefined : BUILTIN_PROFILES[session.header.profile];
  if (named) {
    how.push(`profile ${named.name} (session header)`);
    return named;
  }
  const fromHeader = session.header.firmwareVersion;
  const version = fromHeader ?? readBack(exchanges, 'GET_SW_VERSION', 'version');
  if (version === undefined) {
    throw new ConformInputError(
      `${session.source}: cannot tell which firmware recorded this session (no firmwareVersion in its header, no GET_SW_VERSION reply in it): pass --profile (a builtin name such as v4-reference, or a profile file)`,
    );
  }
  const profile = builtinFor(version);
  how.push(`firmware ${version} from ${fromHeader === undefined ? 'its GET_SW_VERSION replies' : 'the session header'}: ${profile.name}`);
  return profile;
}

/** Boards of the session: the header's, else every ID that answered (and the header's `ids`), two Pi 3B+ each. */
function chooseStack(session: Session, exchanges: readonly Exchange[], how: string[], profile: FirmwareProfile, given: Stack | undefined): Stack {
  if (given) {
    how.push(`stack ${given.name} (given)`);
    return given;
  }
  const header = session.header;
  const hardwareVersion = header.hardwareVersion ?? readBack(exchanges, 'GET_HW_VERSION', 'version');
  const hw = hardwareVersion === 2 || hardwareVersion === 3 ? { hardwareVersion } : {};
  const model = Object.keys(profile.piModels).includes('pi3b+') ? 'pi3b+' : Object.keys(profile.piModels)[0]!;
  const known = header.stack?.boards.map((b) => ({ id: b.id, pis: b.pis ?? [model, model] }));
  const ids = new Set<number>(header.ids ?? []);
  for (const e of exchanges) if (e.id !== undefined && e.reply.length > 0 && e.id !== 0xff) ids.add(e.id);
  const boards = known ?? [...ids].sort((a, b) => a - b).map((id) => ({ id, pis: [model, model] as [string | null, string | null] }));
  how.push(`${boards.length} board${boards.length === 1 ? '' : 's'} (${boards.map((b) => b.id).join(', ') || 'none'}) from ${known ? 'the session header' : 'the IDs that answered'}${hardwareVersion === undefined ? '' : `, hardware ${hardwareVersion}`}`);
  const json = {
    name: `${session.source} boards`, supplyVolts: header.stack?.supplyVolts ?? profile.supply.nominalV,
    boards: boards.map((b) => ({ dip: b.id & 0x0f, prefix: b.id & 0xf0, pis: b.pis, ...hw })),
  };
  return parseStack(json, `${session.source} (boards)`, { defaultProfile: profile });
}

/** The starting point for `session` (its exchanges given); throws ConformInputError when the firmware cannot be told. */
export function startingPoint(session: Session, exchanges: readonly Exchange[], given: { profile?: FirmwareProfile | undefined; stack?: Stack | undefined } = {}): StartingPoint {
  const how: string[] = [];
  const profile = chooseProfile(session, exchanges, how, given.profile);
  const stack = chooseStack(session, exchanges, how, profile, given.stack);
  return { setup: { stack, profile }, base: given.profile ? closestBuiltin(given.profile) : profile.name, how };
}
