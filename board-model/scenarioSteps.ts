/**
 * The `steps` of a scenario file: host commands sent on the bus and faults injected, each at
 * a virtual time. Validated against the command table (PROTOCOL.md section 5), the fault
 * table (faults.ts) and the scenario's stack, and normalised (times in ms, spec names).
 */
import { z } from 'zod';
import { COMMANDS, COMMAND_NAMES, fieldSize, parseCommandName, takesPi } from '../bus-protocol/commands.ts';
import type { CommandName } from '../bus-protocol/commands.ts';
import { check, describeValue } from './ConfigError.ts';
import type { ConfigIssue } from './ConfigError.ts';
import { formatDuration, parseDuration } from './duration.ts';
import { FAULTS, FAULT_NAMES } from './faults.ts';
import type { FaultName } from './faults.ts';
import { durationField, intIn, u8 } from './fields.ts';
import type { FirmwareProfile } from './profileSchema.ts';
import { boardId } from './stack.ts';
import type { Stack } from './stack.ts';
import { hexByte } from '../bus-protocol/hex.ts';

/** Send one command to board `id` at atMs (ms); args holds pi and the command's other request fields. */
export interface HostStep {
  readonly kind: 'host';
  readonly atMs: number;
  readonly command: CommandName;
  readonly id: number;
  readonly args: Readonly<Record<string, number>>;
}

/** Inject a fault at atMs (ms) into stack.boards[board] (whose starting ID is id) and Pi `pi`, as the fault needs. */
export interface FaultStep {
  readonly kind: 'fault';
  readonly atMs: number;
  readonly fault: FaultName;
  readonly board?: number;
  readonly id?: number;
  readonly pi?: 0 | 1;
  /** V, 0..1, DIP, ms or a model name, per FAULTS[fault].value. */
  readonly value?: number | string;
}

/** Highest input supply voltage a step may set (V): the top of the input's measurable range, FIRMWARE.md section 1 (divider full scale, PROTOCOL.md section 7). */
export const MAX_SUPPLY_VOLTS = 30.8;

/** One normalised scenario step. */
export type ScenarioStep = HostStep | FaultStep;

/** What steps are checked against: the stack, and the profiles its boards use. */
export interface StepContext {
  readonly stack: Stack;
  readonly profiles: Readonly<Record<string, FirmwareProfile>>;
  readonly defaultProfile: FirmwareProfile;
  /** The scenario's explicit duration (ms): no step may come after it. */
  readonly durationMs?: number | undefined;
}

/** Zod schema of a host step (a command sent on the bus), before the command table checks its values. */
export const hostSchema = z.strictObject({
  /** Virtual time of the step (a duration from the start). */
  at: durationField,
  /** Command to send, by name in any case, "-" or "_" (PROTOCOL.md section 5), e.g. "pi-on". */
  host: z.string(),
  /** Target board ID (0..254). */
  id: u8,
  /** Pi number (0 or 1) for commands that address one Pi. */
  pi: u8.optional(),
  /** The command's value (a number), or an object of its request fields. */
  value: z.unknown().optional(),
});
/** Zod schema of a fault step, before the fault table checks its target and value. */
export const faultSchema = z.strictObject({
  /** Virtual time of the step (a duration from the start). */
  at: durationField,
  /** The fault to inject (faults.ts). */
  fault: z.enum(FAULT_NAMES),
  /** The board, by its starting ID (0..254), for faults on one board. */
  id: u8.optional(),
  /** The board, by its index in the stack's boards (0..255), instead of id. */
  board: intIn(0, 255).optional(),
  /** The Pi (0 or 1), for faults on one Pi. */
  pi: z.literal([0, 1]).optional(),
  /** The fault's value, per fault: volts (V), a fraction 0..1, a DIP setting, ms or a Pi model name. */
  value: z.unknown().optional(),
});

function hostStep(raw: unknown, path: string, issues: ConfigIssue[]): HostStep | undefined {
  const s = check(hostSchema, raw, path, issues);
  if (s === undefined) return undefined;
  const command = parseCommandName(s.host);
  if (command === undefined) {
    issues.push({ path: `${path}.host`, message: `unknown command ${describeValue(s.host)} (known: ${COMMAND_NAMES.join(', ')})` });
    return undefined;
  }
  const args: Record<string, number> = {};
  const before = issues.length;
  if (takesPi(command)) {
    if (s.pi === undefined) issues.push({ path: `${path}.pi`, message: `${command} needs a pi (0 or 1; other values test error 0x14)` });
    else args['pi'] = s.pi;
  } else if (s.pi !== undefined) issues.push({ path: `${path}.pi`, message: `${command} takes no pi` });
  const fields = COMMANDS[command].request.filter((f) => f.name !== 'pi');
  const maxOf = (type: (typeof fields)[number]['type']): number => 2 ** (8 * (fieldSize(type) ?? 1)) - 1;
  const want = fields.map((f) => `${f.name} 0..${maxOf(f.type)}`).join(', ');
  const value = typeof s.value === 'boolean' ? Number(s.value) : s.value;
  if (fields.length === 0) {
    if (value !== undefined) issues.push({ path: `${path}.value`, message: `${command} takes no value` });
  } else if (value === undefined) {
    issues.push({ path: `${path}.value`, message: `${command} needs a value (${fields.length > 1 ? `[${want}]` : want})` });
  } else {
    const values = fields.length === 1 ? [value] : Array.isArray(value) && value.length === fields.length ? value : undefined;
    const ok = values?.every((v, k) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= maxOf((fields[k] as (typeof fields)[number]).type));
    if (!values || !ok) {
      const form = fields.length > 1 ? `an array [${want}]` : want;
      issues.push({ path: `${path}.value`, message: `${command} needs ${form}, got ${describeValue(value)}` });
    } else fields.forEach((f, k) => (args[f.name] = values[k] as number));
  }
  return issues.length === before ? { kind: 'host', atMs: s.at, command, id: s.id, args } : undefined;
}

function faultValue(fault: FaultName, raw: unknown, profile: FirmwareProfile, path: string, issues: ConfigIssue[]): number | string | undefined {
  const kind = FAULTS[fault].value;
  const bad = (need: string): undefined => {
    issues.push({ path: `${path}.value`, message: `${fault} needs ${need}, got ${describeValue(raw)}` });
    return undefined;
  };
  const models = Object.keys(profile.piModels);
  if (raw === undefined) {
    if (FAULTS[fault].valueRequired) issues.push({ path: `${path}.value`, message: `${fault} needs a value (${kind})` });
    if (kind === 'fraction') return 1;
    if (kind === 'model') return models.includes('pi3b+') ? 'pi3b+' : models[0];
    return undefined;
  }
  switch (kind) {
    case 'none':
      issues.push({ path: `${path}.value`, message: `${fault} takes no value` });
      return undefined;
    case 'volts':
      return typeof raw === 'number' && raw >= 0 && raw <= MAX_SUPPLY_VOLTS ? raw : bad(`a voltage 0..${MAX_SUPPLY_VOLTS} V (the board input's range, FIRMWARE.md section 1)`);
    case 'probability':
    case 'fraction':
      return typeof raw === 'number' && raw >= 0 && raw <= 1 ? raw : bad(`a ${kind} 0..1`);
    case 'dip':
      return Number.isInteger(raw) && (raw as number) >= 0 && (raw as number) <= 15 ? (raw as number) : bad('a DIP setting 0..15');
    case 'duration':
      try {
        return parseDuration(raw as string | number);
      } catch (e) {
        issues.push({ path: `${path}.value`, message: (e as Error).message });
        return undefined;
      }
    case 'model':
      return typeof raw === 'string' && models.includes(raw) ? raw : bad(`a Pi model of profile ${profile.name} (${models.join(', ')})`);
  }
}

/** Index in the stack of the board a fault step names by `board` (index) or `id` (starting ID). */
function targetBoard(s: { fault: FaultName; id?: number | undefined; board?: number | undefined }, path: string, boards: Stack['boards'], issues: ConfigIssue[]): number | undefined {
  if (s.id !== undefined && s.board !== undefined) {
    issues.push({ path, message: 'give "id" or "board", not both' });
  } else if (s.board !== undefined) {
    if (s.board < boards.length) return s.board;
    issues.push({ path: `${path}.board`, message: `no boards[${s.board}]: the stack has ${boards.length} boards` });
  } else if (s.id !== undefined) {
    const ids = boards.map((b) => boardId(b.prefix, b.dip));
    const matches = ids.flatMap((id, i) => (id === s.id ? [i] : []));
    if (matches.length === 1) return matches[0];
    const message =
      matches.length === 0
        ? `no board has ID ${hexByte(s.id)} (IDs in the stack: ${[...new Set(ids)].sort((a, b) => a - b).map(hexByte).join(', ') || 'none'})`
        : `ID ${hexByte(s.id)} is shared by ${matches.map((i) => `boards[${i}]`).join(' and ')}; name one with "board" instead`;
    issues.push({ path: `${path}.id`, message });
  } else {
    issues.push({ path, message: `${s.fault} needs "id" (the board's ID at the start) or "board" (its index in the stack)` });
  }
  return undefined;
}

function faultStep(raw: unknown, path: string, ctx: StepContext, issues: ConfigIssue[]): FaultStep | undefined {
  const s = check(faultSchema, raw, path, issues);
  if (s === undefined) return undefined;
  const { fault } = s;
  const target = FAULTS[fault].target;
  const before = issues.length;
  let board: number | undefined;
  if (target === 'stack') {
    for (const key of ['id', 'board', 'pi'] as const) {
      if (s[key] !== undefined) issues.push({ path: `${path}.${key}`, message: `${fault} acts on the whole stack; remove "${key}"` });
    }
  } else board = targetBoard(s, path, ctx.stack.boards, issues);
  if (target === 'pi' && s.pi === undefined) issues.push({ path: `${path}.pi`, message: `${fault} needs a pi (0 or 1)` });
  if (target === 'board' && s.pi !== undefined) issues.push({ path: `${path}.pi`, message: `${fault} acts on a whole board; remove "pi"` });
  const b = board === undefined ? undefined : ctx.stack.boards[board];
  const profile = (b?.profile === undefined ? undefined : ctx.profiles[b.profile]) ?? ctx.defaultProfile;
  const value = faultValue(fault, s.value, profile, path, issues);
  if (issues.length > before) return undefined;
  return {
    kind: 'fault',
    atMs: s.at,
    fault,
    ...(b === undefined ? {} : { board, id: boardId(b.prefix, b.dip) }),
    ...(s.pi === undefined ? {} : { pi: s.pi }),
    ...(value === undefined ? {} : { value }),
  };
}

/** Validate and normalise `steps`; problems go to `issues` (paths `steps[i].field`); steps must be in time order. */
export function parseSteps(raw: readonly unknown[], ctx: StepContext, issues: ConfigIssue[]): ScenarioStep[] {
  const steps: ScenarioStep[] = [];
  let last: { at: number; index: number } | undefined;
  raw.forEach((item, i) => {
    const path = `steps[${i}]`;
    const isObj = item !== null && typeof item === 'object' && !Array.isArray(item);
    const has = (k: string): boolean => isObj && k in (item as object);
    let step: ScenarioStep | undefined;
    if (has('host') && has('fault')) issues.push({ path, message: 'give "host" or "fault", not both' });
    else if (has('host')) step = hostStep(item, path, issues);
    else if (has('fault')) step = faultStep(item, path, ctx, issues);
    else issues.push({ path, message: `expected a step { at, host, id, ... } or { at, fault, ... }, got ${describeValue(item)}` });
    if (step !== undefined) steps.push(step);
    // Time checks use every step whose `at` parses, so one bad step does not hide an ordering mistake.
    const at = isObj ? durationField.safeParse((item as { at?: unknown }).at) : undefined;
    if (!at?.success) return;
    if (last !== undefined && at.data < last.at) {
      issues.push({ path: `${path}.at`, message: `${formatDuration(at.data)} is before steps[${last.index}] (${formatDuration(last.at)}); list steps in time order` });
    }
    if (ctx.durationMs !== undefined && at.data > ctx.durationMs) {
      issues.push({ path: `${path}.at`, message: `${formatDuration(at.data)} is after the end of the scenario (duration ${formatDuration(ctx.durationMs)})` });
    }
    last = { at: at.data, index: i };
  });
  return steps;
}
