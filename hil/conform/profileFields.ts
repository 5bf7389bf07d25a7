/**
 * The ASSUMED fields of the firmware profile, found by walking the profile schema
 * (board-model/profileSchema.ts), each with the alternative values diagnosis tries: the other
 * members of an enum, literal set or boolean; for numbers, values across the range the schema
 * accepts (its bounds are found by asking the schema, so a physical bound such as
 * PROFILE_BOUNDS.cycleOffTimeMs is honoured without being copied): a log grid for durations and
 * units, a ladder for counts and codes, plus the values the divergence itself suggests.
 */
import type { z } from 'zod';
import { profileSchema, type FirmwareProfile } from '../../board-model/profileSchema.ts';

/**
 * Fields that are not ASSUMED firmware behaviour: identity, the Pi models and supply of the stack,
 * LED colours at boot, and the line format PROTOCOL.md section 1 fixes (9600 baud, 8N1).
 */
const SKIPPED = new Set(['format', 'version', 'name', 'description', 'piModels', 'leds.debugAtBoot', 'supply.nominalV', 'bus.baud', 'bus.bitsPerByte']);

/**
 * The profile's `defaults` object: the default values of the settings the board stores in its
 * config block (FIRMWARE.md section 2). The spec states them, and unlike the firmware's behaviour
 * they are observable and settable over the bus (GET_/SET_HBT_TIME, ..._PI_ON_STARTUP,
 * ..._ID_PREFIX): a session that reads one pins it, one that sets it makes it irrelevant. Diagnosis
 * still varies them (a real board may ship other defaults) but ranks them after every field of
 * ASSUMED behaviour (`setting: false`), which is what a divergence usually means.
 */
export const STORED_SETTING_DEFAULTS = 'defaults';

/** What the divergence suggests: numbers seen in it (recorded value, model value, their difference) and the command. */
export interface Hints {
  readonly numbers: readonly number[];
  readonly command?: string | undefined;
}

/** Grid points per decade of the first pass over a duration's range. */
export const GRID_PER_DECADE = 8;

/** One ASSUMED field: its dotted name and how to list alternatives to a current value. */
export interface ProfileField {
  readonly name: string;
  readonly path: readonly string[];
  /** `choice` (enum, boolean, literal set, order): few alternatives; `scale`: a log grid that diagnosis may refine; `count`: a ladder. */
  readonly kind: 'choice' | 'scale' | 'count';
  /** A default of a stored setting (under STORED_SETTING_DEFAULTS) rather than ASSUMED behaviour. */
  readonly setting: boolean;
  alternatives(current: unknown, hints: Hints): unknown[];
  /** A few values that show whether the field matters to a session at all (numbers only; choices try every alternative). */
  screen?(current: unknown, hints: Hints): unknown[];
  /** For `scale` fields: `steps` log-spaced values strictly between a and b, within bounds. */
  between?(a: number, b: number, steps: number): number[];
}

type Schema = z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } } };

function defOf(schema: unknown): Schema['_zod']['def'] {
  return (schema as Schema)._zod.def;
}

/** Lowest or highest number `valid` accepts, by bisection from `inside` toward `outside` (1e-3 precision). */
function edge(valid: (v: number) => boolean, inside: number, outside: number): number {
  if (valid(outside)) return outside;
  let ok = inside;
  let bad = outside;
  for (let i = 0; i < 80 && Math.abs(bad - ok) > 1e-3; i++) {
    const mid = (ok + bad) / 2;
    if (valid(mid)) ok = mid;
    else bad = mid;
  }
  return ok;
}

function uniq(values: number[], current: number, valid: (v: number) => boolean): number[] {
  const out = new Set<number>();
  for (const v of values) {
    const r = Math.round(v * 1000) / 1000;
    if (Number.isFinite(r) && r !== current && valid(r)) out.add(r);
  }
  return [...out];
}

/** `steps` + 1 log-spaced values from lo to hi (both included). */
function logSteps(lo: number, hi: number, steps: number): number[] {
  return Array.from({ length: steps + 1 }, (_, i) => lo * (hi / lo) ** (i / steps));
}

function logSpaced(lo: number, hi: number, perDecade: number): number[] {
  const out: number[] = [];
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  const n = Math.max(1, Math.ceil((b - a) * perDecade));
  for (let i = 0; i <= n; i++) out.push(10 ** (a + ((b - a) * i) / n));
  return out;
}

function numberField(name: string, path: string[], schema: unknown, example: number): Omit<ProfileField, 'setting'> {
  const valid = (v: number) => (schema as z.ZodType).safeParse(v).success;
  const integer = !valid(example + 0.5);
  const lo = edge(valid, example, -1e9);
  const hi = edge(valid, example, 1e9);
  const timeLike = /Ms$|ByteTimes$/.test(name) || name.startsWith('settingUnitMs.');
  const round = (v: number) => (integer ? Math.round(v) : v);
  const scaled = (v: number) => uniq([round(v)], Number.NaN, valid);
  if (!timeLike && !integer) {
    // A physical quantity (V, A, ohm, a fraction): near its assumed value, and what the divergence suggests.
    const factors = [0.5, 0.7, 0.8, 0.9, 0.95, 1.05, 1.1, 1.25, 1.5, 2];
    return {
      name, path, kind: 'scale',
      screen: (current) => uniq([(current as number) * 0.5, (current as number) * 2], current as number, valid),
      alternatives: (current, hints) => uniq([...factors.map((f) => (current as number) * f), ...hints.numbers], current as number, valid),
      between: (a, b, steps) => logSteps(Math.max(1e-6, Math.min(a, b)), Math.max(a, b), steps + 1).slice(1, -1).flatMap(scaled),
    };
  }
  if (timeLike) {
    const bottom = lo > 0 ? lo : Math.max(1e-3, Math.min(1, example / 1000));
    const top = hi < 1e9 ? hi : Math.max(example * 1000, 60_000);
    return {
      name, path, kind: 'scale',
      screen: (current, hints) => {
        const c = current as number;
        return uniq([c / 10, c / 2, c * 2, c * 10, ...hints.numbers.map((h) => c + h)].map(round), c, valid);
      },
      alternatives: (current, hints) => {
        const c = current as number;
        const fromHints = hints.numbers.flatMap((h) => [h, c + h, c - h, c * Math.abs(h)]);
        const grid = logSpaced(bottom, top, GRID_PER_DECADE);
        return uniq([...(lo <= 0 ? [0] : []), ...fromHints, ...grid, c * 0.5, c * 0.8, c * 1.25, c * 2].map(round), c, valid);
      },
      between: (a, b, steps) => logSteps(Math.max(bottom, Math.min(a, b)), Math.max(a, b), steps + 1).slice(1, -1).flatMap(scaled),
    };
  }
  return {
    name, path, kind: 'count',
    screen: (current, hints) => {
      const c = current as number;
      return uniq([lo, hi, c - 1, c + 1, ...hints.numbers], c, valid);
    },
    alternatives: (current, hints) => {
      const c = current as number;
      const powers: number[] = [];
      for (let p = 1; p <= hi * 2 && p < 1e7; p *= 2) powers.push(p, p - 1);
      return uniq([...hints.numbers, lo, hi, c - 1, c + 1, c * 2, Math.floor(c / 2), ...powers], c, valid);
    },
  };
}

function orders(current: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < current.length; i++) {
    const without = current.filter((_, j) => j !== i);
    if (current[i] !== 'address') out.push(without); // a check left out
    for (let j = 0; j <= without.length; j++) {
      if (j === i) continue;
      out.push([...without.slice(0, j), current[i]!, ...without.slice(j)]);
    }
  }
  const seen = new Set([current.join()]);
  return out.filter((o) => !seen.has(o.join()) && (seen.add(o.join()), true));
}

function leaf(name: string, path: string[], schema: unknown, example: unknown): Omit<ProfileField, 'setting'> | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'default':
      return leaf(name, path, def['innerType'], example);
    case 'boolean':
      return { name, path, kind: 'choice', alternatives: (c) => [!c] };
    case 'enum': {
      const options = Object.values(def['entries'] as Record<string, string>);
      return { name, path, kind: 'choice', alternatives: (c) => options.filter((o) => o !== c) };
    }
    case 'literal': {
      const values = def['values'] as unknown[];
      return values.length > 1 ? { name, path, kind: 'choice', alternatives: (c) => values.filter((v) => v !== c) } : undefined;
    }
    case 'number':
      return typeof example === 'number' ? numberField(name, path, schema, example) : undefined;
    case 'array': {
      if (defOf(def['element']).type === 'enum') return { name, path, kind: 'choice', alternatives: (c) => orders(c as string[]) };
      if (name !== 'notImplemented') return undefined;
      return {
        name, path, kind: 'choice',
        alternatives: (c, hints) => {
          const list = c as string[];
          if (hints.command === undefined) return [];
          return [list.includes(hints.command) ? list.filter((x) => x !== hints.command) : [...list, hints.command]];
        },
      };
    }
    default:
      return undefined;
  }
}

function walk(schema: unknown, example: unknown, path: string[], out: ProfileField[]): void {
  const name = path.join('.');
  if (SKIPPED.has(name)) return;
  const def = defOf(schema);
  if (def.type === 'object') {
    for (const [key, child] of Object.entries(def['shape'] as Record<string, unknown>)) {
      walk(child, (example as Record<string, unknown> | undefined)?.[key], [...path, key], out);
    }
    return;
  }
  const field = leaf(name, path, schema, example);
  if (field) out.push({ ...field, setting: path[0] === STORED_SETTING_DEFAULTS });
}

/** Every ASSUMED field of the profile schema that diagnosis can vary, bounds taken from `example`'s schema. */
export function profileFields(example: FirmwareProfile): ProfileField[] {
  const out: ProfileField[] = [];
  walk(profileSchema, example, [], out);
  return out;
}

/** The value of a field in a profile. */
export function getField(profile: FirmwareProfile, path: readonly string[]): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], profile);
}

/** A nested patch object setting one field: `{ errorLog: { size: 16 } }`. */
export function patchOf(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}
