/**
 * The session file format (docs/session-format.md): versioned JSON Lines. Line 1 is a header,
 * then one event per chunk of bytes in either direction, then optionally an end trailer. A file
 * without a trailer is a recording that was cut off (crash, kill, unplug, power loss): it is
 * still valid up to its last whole line, and parseSession says so instead of failing.
 */
import { z } from 'zod';
import { describeValue } from '../../board-model/ConfigError.ts';
import { toCompactHex } from '../../bus-protocol/hex.ts';
import { safeExcerpt } from '../../bus-protocol/safeText.ts';

/** The `format` tag of line 1. */
export const SESSION_FORMAT = 'pistack-session';

/** The format version this code writes and reads. */
export const SESSION_VERSION = 1;

/** How a recording ended: the host closed it, the tool failed, the link went away, or the user stopped it (Ctrl-C). */
export const SESSION_END_KINDS = ['closed', 'error', 'disconnected', 'interrupted'] as const;

/** One of SESSION_END_KINDS. */
export type SessionEndKind = (typeof SESSION_END_KINDS)[number];

/** Who sent a chunk: `host` = written by the host toward the bus, `bus` = received from the bus. */
export type SessionDirection = 'host' | 'bus';

const HEX_BYTES = /^(?:[0-9a-fA-F]{2})+$/;

const time = z.number({ error: 'is not a time in ms' }).min(0, { error: 'is negative (times are ms since the start)' });
const text = (what: string) => z.string({ error: `is not ${what}` });

const boardId = z.number({ error: 'is not a board ID' }).int({ error: 'is not a whole number' }).min(0, { error: 'is not a board ID 0..254' }).max(254, { error: 'is not a board ID 0..254' });
const version = z.number({ error: 'is not a version number' }).int({ error: 'is not a whole number' }).min(0).max(255, { error: 'is not a u8 version' });

/** A board whose state the recorder knew: its ID, what is plugged into Pi 0 and Pi 1 (model name or null), their load (A) when known. */
const contextBoard = z.strictObject({
  id: boardId,
  pis: z.tuple([z.string().nullable(), z.string().nullable()], { error: 'is not [Pi 0, Pi 1] (a model name or null each)' }).optional(),
  loadA: z.tuple([z.number().min(0).nullable(), z.number().min(0).nullable()], { error: 'is not [Pi 0, Pi 1] load in A (or null each)' }).optional(),
});

/** Zod schema of a session file's header line (line 1). */
export const headerSchema = z.strictObject({
  /** File format tag, "pistack-session". */
  format: z.literal(SESSION_FORMAT, { error: `is not "${SESSION_FORMAT}" (is this a session file?)` }),
  /** Layout version (1). */
  version: z.literal(SESSION_VERSION, {
    error: (issue) =>
      typeof issue.input === 'number' && issue.input > SESSION_VERSION
        ? `is newer than this tool reads (version ${SESSION_VERSION}): update pistack-rig`
        : `is not a supported version (this tool reads version ${SESSION_VERSION})`,
  }),
  /** Baud rate of the link, bit/s. */
  baud: z.number({ error: 'is not a baud rate' }).int({ error: 'is not a whole number of bit/s' }).positive({ error: 'is not a baud rate above 0' }),
  /** The port recorded, e.g. "/dev/ttyUSB0 @ 9600 baud" or "sim: (...)". */
  port: text('a port description').min(1, { error: 'is empty' }),
  /** The program that recorded, e.g. "pistack scan". */
  tool: text('a tool name').min(1, { error: 'is empty' }),
  /** Its version. */
  toolVersion: text('a version string'),
  /** Wall-clock start of the recording, ISO 8601 with offset. */
  startedAt: z.iso.datetime({ offset: true, error: 'is not an ISO 8601 time such as "2026-01-31T12:00:00.000Z"' }),
  /** Time base of the events' t (ms): wall time on real links, virtual time on sim:. */
  clock: z.enum(['wall', 'virtual'], { error: 'is neither "wall" nor "virtual"' }),
  // Optional context (all recorders since issue 12 item 4): what conform needs to set up the same situation.
  /** The command line that recorded, e.g. "pistack status --port /dev/ttyUSB0 --id 3". */
  command: text('a command line').optional(),
  /** Board IDs the recording talked to (0..254). */
  ids: z.array(boardId, { error: 'is not a list of board IDs' }).optional(),
  /** Firmware version read from the board (GET_SW_VERSION), when the recorder read it. */
  firmwareVersion: version.optional(),
  /** Hardware version read from the board (GET_HW_VERSION), when the recorder read it. */
  hardwareVersion: version.optional(),
  /** Firmware profile name of a simulated or served board (e.g. "v4-reference"). */
  profile: text('a profile name').min(1, { error: 'is empty' }).optional(),
  /** Stack state the recorder knew: boards with the Pis plugged in and their load (A), supply volts. */
  stack: z.strictObject({ boards: z.array(contextBoard), supplyVolts: z.number().min(0).optional() }, { error: 'is not {"boards": [...], "supplyVolts"?}' }).optional(),
  /** The replay tolerance in use when recording (the --tolerance file format). */
  tolerance: z.record(z.string(), z.unknown(), { error: 'is not a tolerance object (as a --tolerance file)' }).optional(),
});

/** The optional context fields of a header (docs/session-format.md, "Context"). */
export const CONTEXT_FIELDS = ['command', 'ids', 'firmwareVersion', 'hardwareVersion', 'profile', 'stack', 'tolerance'] as const;

const eventSchema = z.strictObject({
  t: time,
  dir: z.enum(['host', 'bus'], { error: 'is neither "host" nor "bus"' }),
  hex: text('hex bytes').regex(HEX_BYTES, { error: 'is not hex bytes' }),
  note: text('text').optional(),
});

const endSchema = z.strictObject({
  end: z.enum(SESSION_END_KINDS, { error: `is not one of ${SESSION_END_KINDS.map((k) => `"${k}"`).join(', ')}` }),
  t: time,
  reason: text('text').optional(),
});

/** Line 1 of a session file. */
export type SessionHeader = z.output<typeof headerSchema>;

/** One chunk of bytes as a line: `t` in ms since the start, bytes as compact hex, an optional decoded note. */
export type SessionEvent = z.output<typeof eventSchema>;

/** The optional last line: how and when (ms since the start) the recording ended. */
export type SessionEnd = z.output<typeof endSchema>;

/** A parsed event with its bytes and the line it came from. */
export interface RecordedEvent {
  readonly line: number;
  readonly t: number;
  readonly dir: SessionDirection;
  readonly bytes: Uint8Array;
  readonly note?: string;
}

/** A parsed session file. `complete` is false when the trailer is missing (see `warnings`). */
export interface Session {
  readonly source: string;
  readonly header: SessionHeader;
  readonly events: RecordedEvent[];
  readonly end: SessionEnd | undefined;
  readonly complete: boolean;
  /** Problems that do not make the file unusable, e.g. the missing trailer of a crashed recording. */
  readonly warnings: string[];
}

/** A session file is not valid; `line` is 1-based, `detail` says what is wrong there. */
export class SessionFormatError extends Error {
  override name = 'SessionFormatError';
  readonly kind = 'session-format' as const;
  constructor(readonly source: string, readonly line: number, readonly detail: string) {
    super(`${source}: line ${line}: ${detail}`);
  }
}

/** What a recorder knew of the situation it recorded (every field optional). */
export type SessionContext = Partial<Pick<SessionHeader, (typeof CONTEXT_FIELDS)[number]>>;

/** A header for a new recording; `toolVersion` is the package version of the recorder, `context` what it knew. */
export function makeSessionHeader(fields: { port: string; clock: 'wall' | 'virtual'; toolVersion: string; baud?: number; startedAt?: Date; context?: SessionContext }): SessionHeader {
  const context = Object.fromEntries(Object.entries(fields.context ?? {}).filter(([, v]) => v !== undefined)) as SessionContext;
  return {
    format: SESSION_FORMAT, version: SESSION_VERSION, baud: fields.baud ?? 9600, port: fields.port, tool: 'pistack-rig',
    toolVersion: fields.toolVersion, startedAt: (fields.startedAt ?? new Date()).toISOString(), clock: fields.clock, ...context,
  };
}

/** Times are written to the microsecond: enough for 9600 baud, short lines. */
function roundMs(t: number): number {
  return Math.round(t * 1000) / 1000;
}

/** The header as one line of JSON (with its newline). */
export function formatHeaderLine(header: SessionHeader): string {
  const { format, version, baud, port, tool, toolVersion, startedAt, clock } = header;
  const context = Object.fromEntries(CONTEXT_FIELDS.filter((k) => header[k] !== undefined).map((k) => [k, header[k]]));
  return `${JSON.stringify({ format, version, baud, port, tool, toolVersion, startedAt, clock, ...context })}\n`;
}

/** An event as one line of JSON (with its newline). */
export function formatEventLine(event: { t: number; dir: SessionDirection; bytes: Uint8Array; note?: string | undefined }): string {
  const line: SessionEvent = { t: roundMs(event.t), dir: event.dir, hex: toCompactHex(event.bytes) };
  if (event.note !== undefined) line.note = event.note;
  return `${JSON.stringify(line)}\n`;
}

/** The end trailer as one line of JSON (with its newline). */
export function formatEndLine(end: SessionEnd): string {
  const line: SessionEnd = { end: end.end, t: roundMs(end.t) };
  if (end.reason !== undefined) line.reason = end.reason;
  return `${JSON.stringify(line)}\n`;
}

/** A whole session as file text (replays, fixtures, tests). */
export function formatSession(session: { header: SessionHeader; events: readonly RecordedEvent[]; end?: SessionEnd | undefined }): string {
  let out = formatHeaderLine(session.header);
  for (const event of session.events) out += formatEventLine(event);
  if (session.end) out += formatEndLine(session.end);
  return out;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Zod issues of one line as `"field": value problem` phrases. */
function problems(issues: readonly z.core.$ZodIssue[], value: Record<string, unknown>): string {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(`unknown field "${safeExcerpt(key)}"`);
      continue;
    }
    const key = String(issue.path[0] ?? '');
    const got = value[key];
    const shown = safeExcerpt(key);
    out.push(got === undefined ? `"${shown}" is missing` : `"${shown}": ${describeValue(got)} ${issue.message}`);
  }
  return out.join('; ');
}

function parseJsonLine(line: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, message: safeExcerpt(message.replace(/\s*(in JSON )?at position \d+.*$/, ''), 120) }; // quotes the line's bytes
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Parse and validate session file text. Throws SessionFormatError with the line number and the
 * problem, e.g. `session.jsonl: line 7: "hex": "02zz" is not hex bytes`. A missing trailer, and
 * a last line cut off mid-write, are tolerated and reported in `warnings`.
 */
export function parseSession(text: string, source: string): Session {
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  function fail(line: number, detail: string): never {
    throw new SessionFormatError(source, line, detail);
  }
  if (lines.length === 0 || lines.every((l) => l.trim() === '')) {
    fail(1, `empty file: expected a "${SESSION_FORMAT}" header`);
  }
  const warnings: string[] = [];
  let header: SessionHeader | undefined;
  const events: RecordedEvent[] = [];
  let end: SessionEnd | undefined;
  let endLine = 0;
  let lastT = 0;
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    if (end !== undefined) fail(n, `more data after the end trailer on line ${endLine}`);
    const json = parseJsonLine(raw);
    if (!json.ok) {
      // A crash mid-write leaves a partial last line: everything before it is still good.
      if (i === lines.length - 1 && !endsWithNewline && header !== undefined) {
        warnings.push(`${source}: line ${n}: incomplete last line ignored (the recording was cut off mid-write)`);
        break;
      }
      fail(n, `not JSON (${json.message})`);
    }
    const object = json.value;
    if (!isObject(object)) fail(n, `expected a JSON object, got ${describeValue(object)}`);
    if (header === undefined) {
      if (!('format' in object)) fail(n, `expected the session header ({"format": "${SESSION_FORMAT}", "version": ${SESSION_VERSION}, ...}), got ${describeValue(object)}`);
      const parsed = headerSchema.safeParse(object);
      if (!parsed.success) fail(n, problems(parsed.error.issues, object));
      header = parsed.data;
      continue;
    }
    if ('format' in object) fail(n, 'a second header (session files cannot be concatenated)');
    if ('end' in object) {
      const parsed = endSchema.safeParse(object);
      if (!parsed.success) fail(n, problems(parsed.error.issues, object));
      const trailer = parsed.data;
      if (trailer.t < lastT) fail(n, `"t": ${trailer.t} is before the last event (t ${lastT})`);
      end = trailer;
      endLine = n;
      continue;
    }
    if (!('dir' in object) && !('hex' in object)) fail(n, `neither an event ({"t", "dir", "hex"}) nor the end trailer ({"end", "t"}): ${describeValue(object)}`);
    const parsed = eventSchema.safeParse(object);
    if (!parsed.success) fail(n, problems(parsed.error.issues, object));
    const event = parsed.data;
    if (event.t < lastT) fail(n, `"t": ${event.t} is before the previous event (t ${lastT}); times never go back`);
    lastT = event.t;
    events.push({ line: n, t: event.t, dir: event.dir, bytes: hexToBytes(event.hex), ...(event.note === undefined ? {} : { note: event.note }) });
  }
  if (header === undefined) fail(1, 'no header');
  if (end === undefined) {
    warnings.push(`${source}: no end trailer: the recording stopped without closing (crash, kill or power loss); ${events.length} events up to t=${lastT} ms are intact`);
  }
  return { source, header, events, end, complete: end !== undefined, warnings };
}
