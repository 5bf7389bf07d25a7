/**
 * The stack description: which boards sit on the bus (DIP switch, ID prefix, firmware
 * profile) and what is plugged into each of their two power ports. Loaded from JSON,
 * validated, normalised (a port given as a model name becomes { model, daemon: true }).
 */
import { z } from 'zod';
import { ConfigError, describeValue, parseJsonText, validate, withoutSchemaKey } from './ConfigError.ts';
import { defectSchema } from './defects.ts';
import { intIn, nonEmpty, nonNegative, prefixField, seedField } from './fields.ts';
import type { FirmwareProfile } from './profileSchema.ts';
import { BUILTIN_PROFILES, V4_REFERENCE } from './profiles.ts';
import { hexByte } from '../bus-protocol/hex.ts';

/** The `format` tag of a stack description file. */
export const STACK_FORMAT = 'pistack-stack';

/** The master (host) address of PROTOCOL.md section 2; a board must not have this ID. */
export const MASTER_ADDRESS = 0xff;

/** Board ID from the prefix (high nibble kept) and the 4-bit DIP switch: (prefix & 0xF0) | (dip & 0x0F). PROTOCOL.md section 4. */
export function boardId(prefix: number, dip: number): number {
  return (prefix & 0xf0) | (dip & 0x0f);
}

/** Where a stack's profile and Pi model names are looked up. */
export interface StackOptions {
  /** Profiles a board's `profile` may name (default BUILTIN_PROFILES). */
  readonly profiles?: Readonly<Record<string, FirmwareProfile>>;
  /** Profile of boards that name none, and source of the default supply voltage (default V4_REFERENCE). */
  readonly defaultProfile?: FirmwareProfile;
}

function known(names: Iterable<string>): string {
  return [...names].join(', ');
}

function makeStackSchema(profiles: Readonly<Record<string, FirmwareProfile>>, fallback: FirmwareProfile, fallbackName: string) {
  const port = z.preprocess(
    (v) => (typeof v === 'string' ? { model: v } : v),
    z
      .strictObject({
        /** Pi model name, a key of the board profile's piModels. */
        model: nonEmpty,
        /** The heartbeat daemon is installed (false: the Pi never heartbeats). F6. */
        daemon: z.boolean().default(true),
        /** Overrides the model's heartbeatStaysHighAfterSelfShutdown quirk. F6. */
        selfShutdownLeavesHeartbeatHigh: z.boolean().optional(),
      })
      .nullable(),
  );
  const board = z
    .strictObject({
      /** DIP switch, the low nibble of the ID (0..15). */
      dip: intIn(0, 15),
      /** Initial ID prefix in the config block (high nibble, multiple of 16). */
      prefix: prefixField.default(0),
      /** Overrides the profile's hardware version (2 or 3). */
      hardwareVersion: z.literal([2, 3]).optional(),
      /** Name of the board's firmware profile (default: the stack's default profile). */
      profile: nonEmpty.optional(),
      /** What is plugged into Pi 0 and Pi 1: a model name, null for an empty port, or a port object. */
      pis: z.array(port).length(2).transform((p) => [p[0] ?? null, p[1] ?? null] as [typeof p[number], typeof p[number]]),
      /**
       * Manufacturing defects of this board (board-model/defects.ts), for bench tests: `switch-stuck`
       * (pi, state on/off), `wrong-scale` (reading, pi, factor), `dead-sensor` (reading, pi), `dip-stuck`
       * (bit, value), `weak-regulator` (outputResistanceOhm, currentLimitA), `no-termination` (noise).
       */
      defects: z.array(defectSchema).optional(),
    })
    .superRefine((b, ctx) => {
      const profile = b.profile === undefined ? fallback : profiles[b.profile];
      if (profile === undefined) {
        const names = known(new Set([...Object.keys(profiles), fallbackName]));
        ctx.addIssue({ code: 'custom', path: ['profile'], message: `unknown profile ${describeValue(b.profile)} (known: ${names})`, input: b.profile });
        return;
      }
      b.pis.forEach((p, i) => {
        if (p !== null && profile.piModels[p.model] === undefined) {
          const message = `unknown Pi model ${describeValue(p.model)} (known in profile ${profile.name}: ${known(Object.keys(profile.piModels))})`;
          ctx.addIssue({ code: 'custom', path: ['pis', i, 'model'], message, input: p.model });
        }
      });
    });
  return z.strictObject({
    /** File format tag, "pistack-stack" (optional in files). */
    format: z.literal(STACK_FORMAT).default(STACK_FORMAT),
    /** Name for reports (default: the source). */
    name: nonEmpty.optional(),
    /** Shared input supply (V). F1: the profile's supply.nominalV, 12. */
    supplyVolts: nonNegative.default(fallback.supply.nominalV),
    /** The boards on the bus, in any order (at most 256). */
    boards: z.array(board).max(256),
    /** Seed of the simulation's random streams (u32). */
    seed: seedField.optional(),
  });
}

type StackSchema = ReturnType<typeof makeStackSchema>;

/** Zod schema of a stack file whose boards use the builtin profiles (v4-reference by default). */
export function stackFileSchema(): StackSchema {
  return makeStackSchema(BUILTIN_PROFILES, V4_REFERENCE, V4_REFERENCE.name);
}

/** Schemas made so far, by profile set and default profile: zod compiles each on first use. */
const SCHEMAS = new WeakMap<object, WeakMap<FirmwareProfile, StackSchema>>();

/** The stack schema for a profile set and default profile, made once (a fuzzer parses a stack per run). */
function stackSchema(profiles: Readonly<Record<string, FirmwareProfile>>, fallback: FirmwareProfile): StackSchema {
  let byFallback = SCHEMAS.get(profiles);
  if (byFallback === undefined) SCHEMAS.set(profiles, (byFallback = new WeakMap()));
  let schema = byFallback.get(fallback);
  if (schema === undefined) byFallback.set(fallback, (schema = makeStackSchema(profiles, fallback, fallback.name)));
  return schema;
}

/** A validated, normalised stack description. */
export type Stack = Omit<z.output<StackSchema>, 'name'> & { name: string };

/** One board of a stack. */
export type BoardSpec = Stack['boards'][number];

/** What is plugged into one power port (null: nothing). */
export type PortSpec = BoardSpec['pis'][number];

/**
 * Validate and normalise a stack description object. Board profiles are looked up in
 * options.profiles and Pi models in that profile. Throws a ConfigError with one line per
 * problem, e.g. `stack.json: boards[3].dip: must be 0..15, got 17`.
 */
export function parseStack(file: unknown, source: string, options: StackOptions = {}): Stack {
  const json = withoutSchemaKey(file);
  const profiles = options.profiles ?? BUILTIN_PROFILES;
  const fallback = options.defaultProfile ?? V4_REFERENCE;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigError(source, [{ path: '', message: `expected a stack description object, got ${describeValue(json)}` }]);
  }
  const stack = validate(stackSchema(profiles, fallback), json, source);
  return { ...stack, name: stack.name ?? source };
}

/** Parse a stack description's JSON text (line and column for bad JSON), then parseStack. */
export function stackFromText(text: string, source: string, options: StackOptions = {}): Stack {
  return parseStack(parseJsonText(text, source), source, options);
}

function pi3bPlus(): PortSpec {
  return { model: 'pi3b+', daemon: true };
}

/** The default stack: 16 boards, DIP 0..15, prefix 0, two Pi 3B+ with the daemon each, 12 V. */
export const DEFAULT_STACK: Stack = parseStack(
  { name: 'default', supplyVolts: 12, boards: Array.from({ length: 16 }, (_, dip) => ({ dip, prefix: 0, pis: ['pi3b+', 'pi3b+'] })) },
  'builtin default',
);

/** One board, DIP 0, two Pi 3B+, 12 V: the smallest useful stack. */
export const SINGLE_BOARD_STACK: Stack = { ...DEFAULT_STACK, name: 'single', boards: [{ dip: 0, prefix: 0, pis: [pi3bPlus(), pi3bPlus()] }] };

/** Built-in stacks by name (scenario files may name one instead of giving a stack). */
export const BUILTIN_STACKS: Readonly<Record<string, Stack>> = Object.freeze({ default: DEFAULT_STACK, single: SINGLE_BOARD_STACK });

function list(items: string[]): string {
  return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Problems the simulator allows but should report (FIRMWARE.md section 7): boards sharing an
 * ID (their replies collide) and a board whose ID is 0xFF, the master address.
 */
export function stackWarnings(stack: Stack): string[] {
  const byId = new Map<number, number[]>();
  stack.boards.forEach((b, i) => {
    const id = boardId(b.prefix, b.dip);
    byId.set(id, [...(byId.get(id) ?? []), i]);
  });
  const warnings: string[] = [];
  for (const [id, indexes] of [...byId].sort((a, b) => a[0] - b[0])) {
    const names = indexes.map((i) => `boards[${i}]`);
    if (indexes.length > 1) {
      warnings.push(`${list(names)} share ID ${hexByte(id)}: they all answer its requests and their replies collide`);
    }
    if (id === MASTER_ADDRESS) {
      warnings.push(`${list(names)} ${indexes.length > 1 ? 'have' : 'has'} ID 0xFF, the master address: it would read other boards' replies as requests`);
    }
  }
  return warnings;
}
