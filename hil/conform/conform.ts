/**
 * The conformance loop as a library (issue 12 item 1): replay recorded sessions against the
 * model in virtual time, report the first divergence, shrink it, diagnose which ASSUMED profile
 * field explains it, and propose the smallest profile patch under which every session conforms.
 * `pistack conform` (cli/commands/conform.ts) prints and writes what this returns.
 */
import { BUILTIN_PROFILES, parseProfile } from '../../board-model/profiles.ts';
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import type { Stack } from '../../board-model/stack.ts';
import { sessionExchanges, type Exchange } from '../session/exchanges.ts';
import type { Session } from '../session/sessionFormat.ts';
import { DEFAULT_TOLERANCE, parseTolerance, type Tolerance } from '../session/tolerance.ts';
import { diagnose, withField, type Suspect } from './diagnose.ts';
import { firstDivergence, sameKind, type Divergence } from './divergence.ts';
import { replayOnModel, type ModelSetup } from './modelReplay.ts';
import { pullTogether, sessionOf, shrinkExchanges } from './shrink.ts';
import { contextHeader, startingPoint } from './startingPoint.ts';

/** How to run conform. */
export interface ConformOptions {
  /** Start every session from this profile instead of what the sessions say. */
  readonly profile?: FirmwareProfile | undefined;
  /** And on these boards. */
  readonly stack?: Stack | undefined;
  /** Tolerance (default: the first session header's, else DEFAULT_TOLERANCE). */
  readonly tolerance?: Tolerance | undefined;
  readonly shrink?: boolean;
  /** Diagnose and propose a profile (shrinks internally even without `shrink`). */
  readonly diagnose?: boolean;
  /** Most diagnosis rounds when building the proposed profile (one field or pair per round); default 4. */
  readonly maxRounds?: number;
}

/** One session's verdict. */
export interface SessionVerdict {
  readonly file: string;
  readonly exchanges: number;
  readonly diverged: boolean;
  readonly mismatched: number;
  /** How the model's starting point was chosen. */
  readonly startingPoint: string[];
  readonly firstDivergence: Divergence | null;
  readonly warnings: string[];
}

/** The --json output of `pistack conform` (issue 12 item 1); files are filled in by whoever writes them. */
export interface ConformReport {
  readonly diverged: boolean;
  readonly sessions: SessionVerdict[];
  readonly exchanges: number;
  readonly firstDivergence: Divergence | null;
  readonly shrunk: { exchanges: number; originalExchanges: number; file: string | null } | null;
  readonly suspects: Array<Pick<Suspect, 'field' | 'value' | 'explains'>>;
  /** The patch over `base` under which every session conforms (null: none found or none needed). */
  readonly proposedProfile: { patch: Record<string, unknown>; file: string | null; verify: string | null } | null;
  /** Diagnosis work: replays run, whether pairs were tried, rounds. */
  readonly diagnosis: { trials: number; pairs: boolean; rounds: number; unexplained: string | null } | null;
}

/** The report plus what is written to files: the shrunk session and the proposed profile. */
export interface ConformOutcome {
  readonly report: ConformReport;
  readonly shrunkSession: Session | undefined;
  readonly proposed: FirmwareProfile | undefined;
}

interface Prepared {
  readonly session: Session;
  /** The tolerance for this session (wall-clock jitter taken into account, see timingTolerance). */
  readonly tolerance: Tolerance;
  readonly exchanges: Exchange[];
  readonly setup: ModelSetup;
  readonly base: string;
  readonly how: string[];
  readonly warnings: string[];
}

function toleranceOf(sessions: readonly Session[], given: Tolerance | undefined): Tolerance {
  if (given) return given;
  const recorded = sessions.find((s) => s.header.tolerance !== undefined);
  return recorded ? parseTolerance(JSON.stringify(recorded.header.tolerance), `${recorded.source} (header "tolerance")`) : DEFAULT_TOLERANCE;
}

/**
 * Reply times of a wall-clock recording carry the link's jitter (a loaded host, a USB adapter's
 * latency timer, a served PTY): a reply is seen late, never early, by a varying amount. A firmware
 * with another reply delay shifts every reply by about the same amount instead. So the firmware's
 * shift is the smallest (recorded - model) reply time, and the link's jitter shows as the spread
 * above it (median - smallest). Reply times are compared exchange by exchange only when that shift
 * is beyond the tolerance widened by the spread (a firmware 300 ms slower, or 28 ms slower on a
 * quiet link); a recording whose replies are all a little but unevenly late (a loaded machine) is
 * jitter, not a firmware difference. Virtual-time recordings compare strictly.
 */
export function timingTolerance(session: Session, exchanges: readonly Exchange[], setup: ModelSetup, tolerance: Tolerance, how: string[]): Tolerance {
  if (session.header.clock === 'virtual') return tolerance;
  const r = replayOnModel(exchanges, setup, { tolerance });
  const offsets = r.results.flatMap((x) => (x.recordedReplyMs === undefined || x.nowReplyMs === undefined ? [] : [x.recordedReplyMs - x.nowReplyMs])).sort((a, b) => a - b);
  if (offsets.length === 0) return tolerance;
  const shift = offsets[0]!;
  const spread = offsets[Math.floor(offsets.length / 2)]! - shift;
  if (Math.abs(shift) > tolerance.replyTimeMs + spread) return tolerance;
  const ms = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)} ms`;
  how.push(`reply times (wall clock) ${ms(shift)} from the model's at least, ${ms(shift + spread)} in the median: within ±${tolerance.replyTimeMs} ms and the link's jitter, not compared one by one`);
  return withoutReplyTimes(tolerance);
}

/** `tolerance` with reply times not compared. */
function withoutReplyTimes(tolerance: Tolerance): Tolerance {
  const commands = Object.fromEntries(Object.entries(tolerance.commands).map(([k, v]) => [k, { ...v, replyTimeMs: Number.POSITIVE_INFINITY }]));
  return { ...tolerance, replyTimeMs: Number.POSITIVE_INFINITY, commands };
}

/** Deep difference of `value` against `base`: the smallest object that, merged over base, gives value. */
function difference(value: unknown, base: unknown): unknown {
  if (JSON.stringify(value) === JSON.stringify(base)) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || base === null || typeof base !== 'object' || Array.isArray(base)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const d = difference(v, (base as Record<string, unknown>)[k]);
    if (d !== undefined) out[k] = d;
  }
  return out;
}

/** `{ "base": ..., field: value }` turning the builtin `base` into `profile` (identity fields left out). */
export function profilePatch(profile: FirmwareProfile, base: string): Record<string, unknown> {
  const diff = (difference(profile, BUILTIN_PROFILES[base]) ?? {}) as Record<string, unknown>;
  delete diff['name'];
  delete diff['description'];
  return { base, ...diff };
}

function firstDiverging(prepared: readonly Prepared[], profileOf: (p: Prepared) => FirmwareProfile): { p: Prepared; d: Divergence } | undefined {
  for (const p of prepared) {
    const r = replayOnModel(p.exchanges, { ...p.setup, profile: profileOf(p) }, { tolerance: p.tolerance, stopAtFirst: true });
    const d = firstDivergence(r, p.session.source);
    if (d) return { p, d };
  }
  return undefined;
}

function shrinkFor(p: Prepared, profile: FirmwareProfile, d: Divergence): Exchange[] {
  const setup = { ...p.setup, profile };
  const tolerance = p.tolerance;
  return shrinkExchanges(p.exchanges, d, (candidate) => firstDivergence(replayOnModel(candidate, setup, { tolerance, stopAtFirst: true }), ''));
}

/** Run the conformance loop over parsed sessions; throws ConformInputError (startingPoint.ts) for a session the model cannot be set up for. */
export function conformSessions(sessions: readonly Session[], options: ConformOptions = {}): ConformOutcome {
  const tolerance = toleranceOf(sessions, options.tolerance);
  const prepared: Prepared[] = sessions.map((session) => {
    const { exchanges, warnings } = sessionExchanges(session);
    const start = startingPoint(session, exchanges, { profile: options.profile, stack: options.stack });
    const own = timingTolerance(session, exchanges, start.setup, tolerance, start.how);
    return { session, tolerance: own, exchanges, setup: start.setup, base: start.base, how: start.how, warnings: [...session.warnings, ...warnings] };
  });
  const verdicts: SessionVerdict[] = prepared.map((p) => {
    const r = replayOnModel(p.exchanges, p.setup, { tolerance: p.tolerance });
    const d = firstDivergence(r, p.session.source) ?? null;
    return { file: p.session.source, exchanges: p.exchanges.length, diverged: d !== null, mismatched: r.mismatched, startingPoint: p.how, firstDivergence: d, warnings: p.warnings };
  });
  const first = verdicts.find((v) => v.diverged);
  const firstP = first ? prepared[verdicts.indexOf(first)]! : undefined;
  let shrunk: ConformReport['shrunk'] = null;
  let shrunkSession: Session | undefined;
  let suspects: Suspect[] = [];
  let diagnosis: ConformReport['diagnosis'] = null;
  let proposed: FirmwareProfile | undefined;
  if (first && firstP && (options.shrink || options.diagnose)) {
    // Diagnosis runs for --shrink too: pulling gaps together must keep the suspect's timers.
    const changes: Array<readonly [string, unknown]> = [];
    const profileOf = (p: Prepared) => changes.reduce((profile, [name, value]) => withField(profile, name.split('.'), value), p.setup.profile);
    const sessionsNow = () => prepared.map((p) => ({ exchanges: p.exchanges, tolerance: p.tolerance, setup: { ...p.setup, profile: profileOf(p) } }));
    let trials = 0;
    let pairs = false;
    let rounds = 0;
    let unexplained: string | null = null;
    let target: { p: Prepared; d: Divergence } | undefined = { p: firstP, d: first.firstDivergence! };
    while (target && rounds < (options.maxRounds ?? 4)) {
      rounds++;
      const setup = { ...target.p.setup, profile: profileOf(target.p) };
      const tolerance = target.p.tolerance;
      const small = shrinkFor(target.p, setup.profile, target.d);
      const divergence = firstDivergence(replayOnModel(small, setup, { tolerance, stopAtFirst: true }), target.p.session.source)!;
      // A divergence in what the board replied is diagnosed on the shrunk session without its reply
      // times: a reply that was also late (a slower firmware, or a whole session late on a loaded
      // link) must not hide the field that explains the reply; the full sessions still judge them.
      const focus = divergence.field === 'reply time' ? tolerance : withoutReplyTimes(tolerance);
      const found = diagnose({ shrunk: small, setup, divergence, tolerance: focus, sessions: sessionsNow() });
      trials += found.trials;
      pairs ||= found.pairs;
      const best = found.suspects[0];
      if (rounds === 1) {
        suspects = found.suspects;
        const explained = best?.explains === 'all sessions' ? best : undefined;
        const fixed = explained ? explained.changes.reduce((pr, [name, value]) => withField(pr, name.split('.'), value), setup.profile) : undefined;
        const keeps = (c: readonly Exchange[]) =>
          sameKind(divergence, firstDivergence(replayOnModel(c, setup, { tolerance, stopAtFirst: true }), '')) &&
          (fixed === undefined || replayOnModel(c, { ...setup, profile: fixed }, { tolerance, stopAtFirst: true }).mismatched === 0);
        const pulled = explained ? pullTogether(small, keeps) : small;
        shrunkSession = sessionOf(pulled, contextHeader(firstP.session, firstP.exchanges, firstP.setup.stack), `${firstP.session.source} (shrunk)`);
        if (options.shrink) shrunk = { exchanges: pulled.length, originalExchanges: firstP.exchanges.length, file: null };
        if (!options.diagnose) break;
      }
      if (best === undefined) {
        unexplained = `no single field${found.pairs ? ' or pair of fields' : ''} explains: ${target.d.words}`;
        break;
      }
      changes.push(...best.changes);
      target = firstDiverging(prepared, profileOf);
    }
    if (options.diagnose && target === undefined && changes.length > 0) {
      proposed = parseProfile(profilePatch(profileOf(firstP), firstP.base), 'proposed profile');
      // Verified as the user will: every session under the one proposed profile.
      if (firstDiverging(prepared, () => proposed!)) proposed = undefined;
    }
    if (options.diagnose) diagnosis = { trials, pairs, rounds, unexplained };
  }
  return {
    report: {
      diverged: first !== undefined, sessions: verdicts, exchanges: verdicts.reduce((n, v) => n + v.exchanges, 0),
      firstDivergence: first?.firstDivergence ?? null, shrunk,
      suspects: suspects.map(({ field, value, explains }) => ({ field, value, explains })),
      proposedProfile: proposed && firstP ? { patch: profilePatch(proposed, firstP.base), file: null, verify: null } : null,
      diagnosis,
    },
    shrunkSession, proposed,
  };
}

