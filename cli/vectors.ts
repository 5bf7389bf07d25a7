/** The PROTOCOL.md section 9 test vectors (fixtures/frames/vectors.json): schema, loader and a two-way check. */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseJsonText, validate } from '../board-model/ConfigError.ts';
import {
  HexParseError, MASTER_ADDRESS, STATUS, buildFrame, decodeRequest, decodeResponse, encodeErrorResponse, encodeOkResponse, encodeRequest,
  fromHex, parseCommandName, toHex, type CommandName,
} from '../bus-protocol/index.ts';
import { readText } from './simFiles.ts';

/** Default location of the vector file, next to the repository's other fixtures. */
export const VECTORS_URL = new URL('../fixtures/frames/vectors.json', import.meta.url);

const commandName = z.string().refine((s) => parseCommandName(s) === s, { message: 'not a command name of PROTOCOL.md section 5' });
const fields = z.record(z.string(), z.number().int().nonnegative());

/** Why `text` is not hex bytes, or undefined when it is. */
function hexProblem(text: string): string | undefined {
  try {
    fromHex(text);
    return undefined;
  } catch (e) {
    if (e instanceof HexParseError) return `not hex bytes: ${e.message}`;
    throw e;
  }
}

/** Spaced or compact hex bytes ("02 00 03 AD"); a bad one is named with the reason. */
const hexBytes = z.string().superRefine((text, ctx) => {
  const problem = hexProblem(text);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: text });
});

/** The check value as one hex byte ("A1"). */
const oneHexByte = z.string().superRefine((text, ctx) => {
  const problem = hexProblem(text) ?? (fromHex(text).length === 1 ? undefined : 'must be one byte in hex, e.g. "A1"');
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: text });
});

const requestVector = z.object({
  name: z.string(),
  direction: z.literal('request'),
  command: commandName,
  id: z.number().int().min(0).max(254),
  fields,
  hex: hexBytes,
});

const responseVector = z.object({
  name: z.string(),
  direction: z.literal('response'),
  status: z.enum(['ok', 'error']),
  /** The request this answers (names the payload fields); null when the vector names none. */
  command: commandName.nullable(),
  id: z.null(),
  fields,
  hex: hexBytes,
});

/** Schema of the whole vector file. */
export const vectorFileSchema = z.object({
  source: z.string(),
  note: z.string().optional(),
  crcCheck: z.object({ ascii: z.string(), crc: z.number().int().min(0).max(255), hex: oneHexByte }),
  vectors: z.array(z.discriminatedUnion('direction', [requestVector, responseVector])).min(1),
});

/** The parsed vector file. */
export type VectorFile = z.infer<typeof vectorFileSchema>;

/** One test vector (request or response). */
export type Vector = VectorFile['vectors'][number];

/**
 * Read and validate the vector file (a path or file URL). An unreadable file is a CliError naming
 * `--vectors`; bad JSON or a bad entry a ConfigError naming the file and the field.
 */
export function loadVectors(file: URL | string = VECTORS_URL): VectorFile {
  const path = typeof file === 'string' ? file : fileURLToPath(file);
  return validate(vectorFileSchema, parseJsonText(readText(path, '--vectors'), path), path);
}

/** The check value as the file's `crcCheck.hex` gives it (validated as one byte by the schema). */
export function crcCheckHexValue(file: VectorFile): number {
  return fromHex(file.crcCheck.hex)[0]!;
}

/** Outcome of checking one vector in both directions. */
export interface VectorCheck {
  readonly vector: Vector;
  /** What the encoder produced (spaced hex), or why it threw. */
  readonly encoded: string;
  readonly encodeOk: boolean;
  /** What the decoder produced (fields as JSON), or why it failed. */
  readonly decoded: string;
  readonly decodeOk: boolean;
}

function sameFields(a: Record<string, unknown>, b: Record<string, number>): boolean {
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((k) => a[k] === b[k]);
}

function encodeVector(v: Vector): Uint8Array {
  if (v.direction === 'request') {
    return encodeRequest(v.command as CommandName, v.id, v.fields as never);
  }
  if (v.status === 'error') return encodeErrorResponse(v.fields['code'] ?? -1);
  if (v.command === null) return buildFrame(STATUS.OK, MASTER_ADDRESS, []);
  return encodeOkResponse(v.command as CommandName, v.fields as never);
}

function decodeVector(v: Vector, bytes: Uint8Array): { fields: Record<string, unknown>; ok: boolean } | string {
  if (v.direction === 'request') {
    const r = decodeRequest(bytes);
    if (r.kind !== 'frame') return r.kind === 'invalid' ? r.message : `needs ${r.needed} more bytes`;
    if (r.length !== bytes.length) return `frame is ${r.length} bytes, vector has ${bytes.length}`;
    const ok = r.frame.command === v.command && r.frame.id === v.id;
    return { fields: r.frame.args, ok };
  }
  const r = decodeResponse(bytes, (v.command ?? undefined) as CommandName | undefined);
  if (r.kind !== 'frame') return r.kind === 'invalid' ? r.message : `needs ${r.needed} more bytes`;
  if (r.length !== bytes.length) return `frame is ${r.length} bytes, vector has ${bytes.length}`;
  const f = r.frame;
  return f.status === 'error' ? { fields: { code: f.code }, ok: v.status === 'error' } : { fields: f.payload, ok: v.status === 'ok' };
}

/** Encode the vector's fields and compare with its hex; decode its hex and compare with its fields. */
export function checkVector(v: Vector): VectorCheck {
  const expected = toHex(fromHex(v.hex));
  let encoded: string;
  try {
    encoded = toHex(encodeVector(v));
  } catch (e) {
    encoded = `threw ${(e as Error).message}`;
  }
  const d = decodeVector(v, fromHex(v.hex));
  const decodeOk = typeof d !== 'string' && d.ok && sameFields(d.fields, v.fields);
  return { vector: v, encoded, encodeOk: encoded === expected, decoded: typeof d === 'string' ? d : JSON.stringify(d.fields), decodeOk };
}
