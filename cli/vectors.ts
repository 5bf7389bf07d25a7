/** The PROTOCOL.md section 9 test vectors (fixtures/frames/vectors.json): schema, loader and a two-way check. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  MASTER_ADDRESS, STATUS, buildFrame, decodeRequest, decodeResponse, encodeErrorResponse, encodeOkResponse, encodeRequest,
  fromHex, parseCommandName, toHex, type CommandName,
} from '../bus-protocol/index.ts';

/** Default location of the vector file, next to the repository's other fixtures. */
export const VECTORS_URL = new URL('../fixtures/frames/vectors.json', import.meta.url);

const commandName = z.string().refine((s) => parseCommandName(s) === s, { message: 'not a command name of PROTOCOL.md section 5' });
const fields = z.record(z.string(), z.number().int().nonnegative());

const requestVector = z.object({
  name: z.string(),
  direction: z.literal('request'),
  command: commandName,
  id: z.number().int().min(0).max(254),
  fields,
  hex: z.string(),
});

const responseVector = z.object({
  name: z.string(),
  direction: z.literal('response'),
  status: z.enum(['ok', 'error']),
  /** The request this answers (names the payload fields); null when the vector names none. */
  command: commandName.nullable(),
  id: z.null(),
  fields,
  hex: z.string(),
});

/** Schema of the whole vector file. */
export const vectorFileSchema = z.object({
  source: z.string(),
  note: z.string().optional(),
  crcCheck: z.object({ ascii: z.string(), crc: z.number().int().min(0).max(255), hex: z.string() }),
  vectors: z.array(z.discriminatedUnion('direction', [requestVector, responseVector])).min(1),
});

/** The parsed vector file. */
export type VectorFile = z.infer<typeof vectorFileSchema>;

/** One test vector (request or response). */
export type Vector = VectorFile['vectors'][number];

/** Read and validate the vector file; throws a ZodError naming the bad entry. */
export function loadVectors(url: URL = VECTORS_URL): VectorFile {
  return vectorFileSchema.parse(JSON.parse(readFileSync(url, 'utf8')));
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
