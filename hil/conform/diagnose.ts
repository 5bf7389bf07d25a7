/**
 * Diagnosis: which ASSUMED profile field is wrong. Every field of the schema (profileFields.ts)
 * is set to each of its alternatives in turn and the shrunk session replayed; a field whose
 * value makes the divergence vanish without a new one appearing is a suspect. Durations found
 * on a coarse grid are refined where a value moved the divergence later. When no single field
 * explains it, pairs of the most promising fields are tried (bounded). Suspects that also make
 * every given session conform rank first.
 */
import type { FirmwareProfile } from '../../board-model/profileSchema.ts';
import { describeOutcome } from '../session/replay.ts';
import { RunawayError } from '../../board-model/sim/runawayGuard.ts';
import type { Exchange } from '../session/exchanges.ts';
import type { Tolerance } from '../session/tolerance.ts';
import type { Divergence } from './divergence.ts';
import { replayOnModel, type ModelSetup } from './modelReplay.ts';
import { getField, profileFields, type Hints, type ProfileField } from './profileFields.ts';

/** A field (or pair) and value(s) under which the shrunk session conforms. */
export interface Suspect {
  /** Dotted field name; a pair is `a + b`. */
  readonly field: string;
  /** The value (for a pair, an object of both). */
  readonly value: unknown;
  /** `all sessions`: every given session conforms under it; `shrunk session`: the shrunk one only. */
  readonly explains: 'all sessions' | 'shrunk session';
  /** The changes, as [dotted path, value] pairs. */
  readonly changes: ReadonlyArray<readonly [string, unknown]>;
}

/** What diagnosis needs: the shrunk session on its starting point, and every full session to check suspects against. */
export interface DiagnoseInput {
  readonly shrunk: readonly Exchange[];
  readonly setup: ModelSetup;
  readonly divergence: Divergence;
  readonly sessions: ReadonlyArray<{ readonly exchanges: readonly Exchange[]; readonly setup: ModelSetup; readonly tolerance?: Tolerance }>;
  readonly tolerance: Tolerance;
}

/** Most fields of a pair search, and values per field. */
const PAIR_FIELDS = 6;
const PAIR_VALUES = 3;

/** A copy of `profile` with `path` set to `value` (structure shared elsewhere). */
export function withField(profile: FirmwareProfile, path: readonly string[], value: unknown): FirmwareProfile {
  const set = (o: unknown, i: number): unknown => (i === path.length ? value : { ...(o as object), [path[i]!]: set((o as Record<string, unknown>)[path[i]!], i + 1) });
  return set(profile, 0) as FirmwareProfile;
}

/** Numbers the divergence shows: both values, their difference, byte-array lengths and byte values. */
export function hintsOf(d: Divergence): Hints {
  const numbers: number[] = [];
  for (const text of [d.recordedValue, d.modelValue]) {
    const n = Number.parseFloat(text);
    if (Number.isFinite(n)) numbers.push(n);
    const hex = /^(?:[0-9a-f]{2} ?)+$/i.test(text.trim()) ? text.trim().split(/\s+/) : [];
    if (hex.length > 1) numbers.push(hex.length, ...new Set(hex.map((h) => Number.parseInt(h, 16))));
    const code = /0x([0-9a-f]{2})/i.exec(text);
    if (code) numbers.push(Number.parseInt(code[1]!, 16));
  }
  if (numbers.length >= 2) numbers.push(numbers[0]! - numbers[1]!, numbers[1]! - numbers[0]!);
  return { numbers: [...new Set(numbers)], command: d.command ?? undefined };
}

type Score = number; // exchange index of the first divergence, Infinity when the replay conforms, -Infinity when it ran away

/** A candidate value can make the simulated firmware run away (a timer re-arming every ms): that value explains nothing. */
function guarded<T>(replay: () => T): T | undefined {
  try {
    return replay();
  } catch (error) {
    if (error instanceof RunawayError) return undefined;
    throw error;
  }
}

/**
 * One replay on a candidate profile: its score, and a fingerprint of what the model answered to
 * the diverging exchange (its reply time for a timing divergence, else the reply): a field that
 * cannot change that answer cannot explain the divergence.
 */
function probe(input: DiagnoseInput, profile: FirmwareProfile): { score: Score; print: string } {
  const r = guarded(() => replayOnModel(input.shrunk, { ...input.setup, profile }, { tolerance: input.tolerance }));
  if (r === undefined) return { score: Number.NEGATIVE_INFINITY, print: 'ran away' };
  const first = r.results.find((x) => x.diffs.length > 0);
  const target = r.results[input.divergence.exchange - 1];
  const print = target === undefined ? 'not reached' : input.divergence.field === 'reply time' ? `${target.nowReplyMs?.toFixed(1)}` : describeOutcome(target.now);
  return { score: first === undefined ? Number.POSITIVE_INFINITY : first.exchange.index, print };
}

/** Replay `exchanges` on `setup` with `profile`; Infinity when it conforms, else how far it got. */
function scoreOf(exchanges: readonly Exchange[], setup: ModelSetup, profile: FirmwareProfile, tolerance: Tolerance): Score {
  const r = guarded(() => replayOnModel(exchanges, { ...setup, profile }, { tolerance, stopAtFirst: true }));
  if (r === undefined) return Number.NEGATIVE_INFINITY;
  const first = r.results.find((x) => x.diffs.length > 0);
  return first === undefined ? Number.POSITIVE_INFINITY : first.exchange.index;
}

interface Tried {
  readonly field: ProfileField;
  readonly conforming: unknown[];
  /** Values that moved the divergence later without removing it, best first. */
  readonly promising: Array<{ value: unknown; score: Score }>;
  /** Some value changed what the model replied to the shrunk session. */
  readonly relevant: boolean;
}

function tryField(field: ProfileField, input: DiagnoseInput, hints: Hints, baseline: string, count: () => void): Tried {
  const base = input.setup.profile;
  const current = getField(base, field.path);
  const conforming: unknown[] = [];
  const promising: Array<{ value: unknown; score: Score }> = [];
  const seen = new Set<string>();
  let relevant = false;
  const attempt = (value: unknown) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return;
    seen.add(key);
    count();
    const { score, print } = probe(input, withField(base, field.path, value));
    relevant ||= print !== baseline;
    if (score === Number.POSITIVE_INFINITY) conforming.push(value);
    else if (score > input.divergence.exchange) promising.push({ value, score });
  };
  // Numbers first show whether they matter at all to this session; only then is their range searched.
  for (const v of field.screen?.(current, hints) ?? field.alternatives(current, hints)) attempt(v);
  if (!relevant) return { field, conforming, promising, relevant };
  const values = field.alternatives(current, hints);
  for (const v of values) attempt(v);
  if (conforming.length === 0 && field.between && promising.length > 0) {
    // Refine a duration around its most promising grid value, between that value's grid neighbours.
    const sorted = [...(values as number[]), current as number].sort((a, b) => a - b);
    const best = promising.reduce((a, b) => (b.score > a.score ? b : a)).value as number;
    const at = sorted.indexOf(best);
    for (const v of [...field.between(sorted[at - 1] ?? best, best, 8), ...field.between(best, sorted[at + 1] ?? best, 8)]) attempt(v);
  }
  promising.sort((a, b) => b.score - a.score);
  return { field, conforming, promising, relevant };
}

/** Conforming values to check against every session: those the divergence suggested, then from the middle outward. */
function representatives(values: unknown[], field: ProfileField, current: unknown, hints: Hints): unknown[] {
  if (!values.every((v) => typeof v === 'number')) return values;
  const c = current as number;
  const suggested = new Set(hints.numbers.flatMap((h) => [h, c + h].map((v) => Math.round(v * 1000) / 1000)));
  const sorted = [...(values as number[])].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  const outward = [...sorted].sort((a, b) => Math.abs(sorted.indexOf(a) - mid) - Math.abs(sorted.indexOf(b) - mid));
  return [...outward.filter((v) => suggested.has(v)), ...outward.filter((v) => !suggested.has(v))];
}

/** Round numbers near v (1, 2 and 3 significant digits), roundest first. */
function roundNear(v: number): number[] {
  if (v === 0) return [];
  return [1, 2, 3].map((digits) => Number(v.toPrecision(digits))).filter((x, i, all) => x !== v && all.indexOf(x) === i);
}

/** Every session under `changes`: Infinity when all conform, else the sum of how far each got (a search score). */
function fitScore(input: DiagnoseInput, changes: ReadonlyArray<readonly [string, unknown]>): Score {
  let total = 0;
  for (const s of input.sessions) {
    const profile = changes.reduce((p, [name, value]) => withField(p, name.split('.'), value), s.setup.profile);
    const score = scoreOf(s.exchanges, s.setup, profile, s.tolerance ?? input.tolerance);
    if (score !== Number.POSITIVE_INFINITY) total += score - s.exchanges.length - 1;
  }
  return total === 0 ? Number.POSITIVE_INFINITY : total;
}

/** Every session conforms under `changes` applied to each session's own starting profile. */
function explainsAll(input: DiagnoseInput, changes: ReadonlyArray<readonly [string, unknown]>): boolean {
  return fitScore(input, changes) === Number.POSITIVE_INFINITY;
}

/** The roundest number in [lo, hi] (fewest significant digits, up to 3), nearest to their middle. */
function roundestIn(lo: number, hi: number): number[] {
  const mid = (lo + hi) / 2;
  const out: number[] = [];
  for (let digits = 1; digits <= 3 && mid > 0; digits++) {
    const step = 10 ** (Math.floor(Math.log10(mid)) - digits + 1);
    const v = Number((Math.round(mid / step) * step).toPrecision(digits + 1));
    if (v >= lo && v <= hi && !out.includes(v)) out.push(v);
  }
  return out;
}

/** Bisection steps for each edge of the range of durations that fit every session. */
const EDGE_STEPS = 8;

/**
 * A duration under which every session conforms: every value that fixed the shrunk session is
 * tried (those the divergence suggested first, then from the middle outward), else a search
 * between the best of them and its neighbours, guided by how far the sessions get. The shrunk
 * session may not pin the value (shrinking drops the reads that bound it from one side), the full
 * sessions do: when the values that fit are bounded on both sides, both edges are bisected and the
 * roundest number nearest the middle of that range is proposed (an OFF_DELAY unit between 250 and
 * 750 ms reads as 500), else the roundest number near the value found.
 */
function fitScale(t: Tried, input: DiagnoseInput, hints: Hints, score: (v: unknown) => Score): number | undefined {
  const current = getField(input.setup.profile, t.field.path) as number;
  const scored = new Map<number, Score>([[current, Number.NEGATIVE_INFINITY]]);
  const fits = (v: number) => {
    if (!scored.has(v)) scored.set(v, score(v));
    return scored.get(v) === Number.POSITIVE_INFINITY;
  };
  let found = (representatives(t.conforming, t.field, current, hints) as number[]).find(fits);
  // Bracket the best value by its scored neighbours and search between them, narrowing each round.
  for (let round = 0; round < 4 && found === undefined && scored.size > 1; round++) {
    const values = [...scored.keys()].sort((a, b) => a - b);
    const best = values.reduce((a, b) => (scored.get(b)! > scored.get(a)! ? b : a));
    const lo = values.filter((v) => v < best).pop() ?? best / 2;
    const hi = values.find((v) => v > best) ?? best * 2;
    found = [...t.field.between!(lo, best, 6), ...t.field.between!(best, hi, 6)].filter((v) => !scored.has(v)).find(fits);
  }
  if (found === undefined) return undefined;
  const valid = (v: number) => t.field.alternatives(current, { numbers: [v] }).includes(v);
  const sorted = [...scored.keys()].sort((a, b) => a - b);
  const from: number = found;
  const edge = (step: -1 | 1): number | undefined => {
    let at = sorted.indexOf(from);
    while (sorted[at + step] !== undefined && scored.get(sorted[at + step]!) === Number.POSITIVE_INFINITY) at += step;
    let ok: number = sorted[at]!;
    const beyond = sorted[at + step];
    if (beyond === undefined) return undefined;
    let bad: number = beyond;
    for (let i = 0; i < EDGE_STEPS; i++) {
      const mid: number | undefined = t.field.between!(ok, bad, 1)[0];
      if (mid === undefined || mid === ok || mid === bad) break;
      if (fits(mid)) ok = mid;
      else bad = mid;
    }
    return ok;
  };
  const lo = edge(-1);
  const hi = lo === undefined ? undefined : edge(1);
  const candidates = lo !== undefined && hi !== undefined ? roundestIn(lo, hi) : roundNear(found);
  return candidates.find((v) => valid(v) && fits(v)) ?? found;
}

/**
 * A value of `t.field` under which every session conforms, if one is near the values that fix
 * the shrunk session (durations: fitScale).
 */
function fit(t: Tried, input: DiagnoseInput, hints: Hints, count: () => void): unknown {
  const score = (v: unknown) => (count(), fitScore(input, [[t.field.name, v]]));
  if (t.field.between) return fitScale(t, input, hints, score);
  const current = getField(input.setup.profile, t.field.path);
  const found = representatives(t.conforming, t.field, current, hints).slice(0, 16).find((v) => score(v) === Number.POSITIVE_INFINITY);
  if (typeof found === 'number') return roundNear(found).find((v) => t.field.alternatives(current, { numbers: [v] }).includes(v) && score(v) === Number.POSITIVE_INFINITY) ?? found;
  return found;
}

function suspect(input: DiagnoseInput, changes: Array<readonly [string, unknown]>, all: boolean): Suspect {
  const field = changes.map(([n]) => n).join(' + ');
  const value = changes.length === 1 ? changes[0]![1] : Object.fromEntries(changes);
  return { field, value, explains: all ? 'all sessions' : 'shrunk session', changes };
}

/** How far a change is from the assumed value: an enum flip counts 1, a number its log ratio. */
function distance(profile: FirmwareProfile, changes: ReadonlyArray<readonly [string, unknown]>): number {
  return changes.reduce((sum, [name, value]) => {
    const current = getField(profile, name.split('.'));
    if (typeof value !== 'number' || typeof current !== 'number') return sum + 1;
    return sum + 1 + Math.abs(Math.log((Math.abs(value) + 1) / (Math.abs(current) + 1)));
  }, 0);
}

/** Suspects for `input.divergence`, most likely first, and how many replays it took. */
export function diagnose(input: DiagnoseInput): { suspects: Suspect[]; trials: number; pairs: boolean } {
  let trials = 0;
  const count = () => void trials++;
  const hints = hintsOf(input.divergence);
  const baseline = probe(input, input.setup.profile).print;
  const fields = profileFields(input.setup.profile);
  const stored = new Set(fields.filter((f) => f.setting).map((f) => f.name));
  const tried = fields.map((f) => tryField(f, input, hints, baseline, count));
  const suspects: Suspect[] = [];
  for (const t of tried) {
    if (t.conforming.length === 0) continue;
    const fitting = fit(t, input, hints, count);
    const shown = fitting ?? representatives(t.conforming, t.field, getField(input.setup.profile, t.field.path), hints)[0];
    suspects.push(suspect(input, [[t.field.name, shown]], fitting !== undefined));
  }
  let pairs = false;
  if (suspects.length === 0) {
    pairs = true;
    const top = tried.filter((t) => t.relevant && t.promising.length > 0).sort((a, b) => b.promising[0]!.score - a.promising[0]!.score).slice(0, PAIR_FIELDS);
    const pool = top.length >= 2 ? top : tried.filter((t) => t.relevant).slice(0, PAIR_FIELDS);
    for (let i = 0; i < pool.length; i++) {
      for (let j = i + 1; j < pool.length; j++) {
        const a = pool[i]!;
        const b = pool[j]!;
        const values = (t: Tried) => (t.promising.length ? t.promising.map((p) => p.value) : t.field.alternatives(getField(input.setup.profile, t.field.path), hints)).slice(0, PAIR_VALUES);
        for (const va of values(a)) {
          for (const vb of values(b)) {
            const profile = withField(withField(input.setup.profile, a.field.path, va), b.field.path, vb);
            trials++;
            if (scoreOf(input.shrunk, input.setup, profile, input.tolerance) !== Number.POSITIVE_INFINITY) continue;
            const changes: Array<readonly [string, unknown]> = [[a.field.name, va], [b.field.name, vb]];
            trials += input.sessions.length;
            suspects.push(suspect(input, changes, explainsAll(input, changes)));
          }
        }
      }
    }
  }
  // Most likely first: explains every session; ASSUMED behaviour before stored-setting defaults;
  // fewest fields; the smallest departure from the assumed value.
  const d = (x: Suspect) => distance(input.setup.profile, x.changes);
  const settings = (x: Suspect) => x.changes.filter(([name]) => stored.has(name)).length;
  suspects.sort((x, y) => Number(y.explains === 'all sessions') - Number(x.explains === 'all sessions') || settings(x) - settings(y) || x.changes.length - y.changes.length || d(x) - d(y));
  return { suspects, trials, pairs };
}
