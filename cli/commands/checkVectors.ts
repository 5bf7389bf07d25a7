/**
 * `pistack check-vectors`: the codec on its own test data. Checks every PROTOCOL.md section 9 vector
 * both ways, the CRC check value (both its `crc` and its `hex`), and shows the stream parser resynchronising on garbage.
 * Exit code 1 on any mismatch.
 */
import type { Command } from 'commander';
import {
  BYTE_TIME_9600_MS, FrameParser, crc8, fromHex, hexByte, safeExcerpt, toHex, type CommandName, type ParserEvent, type ParserStats,
} from '../../bus-protocol/index.ts';
import { decodeFrames } from '../decodeFrames.ts';
import { CliError, printJson, printLines, withJson } from '../output.ts';
import { loading } from '../simFiles.ts';
import { checkVector, crcCheckHexValue, loadVectors, VECTORS_URL, type VectorCheck } from '../vectors.ts';

interface DemoOptions {
  vectors?: string;
  json?: boolean;
}

/** One chunk of the parser demo stream: bytes and the silence before them (ms). */
interface DemoChunk {
  readonly hex: string;
  readonly silenceMs: number;
  readonly what: string;
}

/** The demo stream: garbage, a cut frame, a corrupted CRC, and good frames between them. */
export const PARSER_DEMO: readonly DemoChunk[] = [
  { hex: 'AA 55 02 00 03 AD', silenceMs: 0, what: 'line noise glued to GET_SW_VERSION' },
  { hex: '11 00 04 01', silenceMs: 0, what: 'PI_ON that lost its CRC byte' },
  { hex: '15 00 05 00 1E 19', silenceMs: 10, what: 'SET_HBT_TIME after 10 ms of silence' },
  { hex: '00 FF 04 04 89', silenceMs: 0, what: 'OK reply with a corrupted CRC' },
  { hex: '01 FF 04 12 47', silenceMs: 0, what: 'error reply glued right after it' },
];

/** A parser demo event with its description. */
export interface DemoEvent {
  readonly kind: 'frame' | 'discard';
  readonly hex: string;
  readonly reason?: string;
  readonly text: string;
}

/** Run the parser demo stream through a FrameParser with 9600-baud arrival times. */
export function runParserDemo(chunks: readonly DemoChunk[] = PARSER_DEMO): { events: DemoEvent[]; stats: ParserStats } {
  const parser = new FrameParser();
  const raw: ParserEvent[] = [];
  let t = 0;
  for (const chunk of chunks) {
    const bytes = fromHex(chunk.hex);
    t += chunk.silenceMs + bytes.length * BYTE_TIME_9600_MS;
    raw.push(...parser.push(bytes, t));
  }
  raw.push(...parser.flush());
  const events = raw.map((e): DemoEvent => {
    if (e.kind === 'discard') return { kind: 'discard', hex: toHex(e.bytes), reason: e.reason, text: `discarded (${e.reason})` };
    const decoded = decodeFrames(e.bytes);
    return { kind: 'frame', hex: toHex(e.bytes), text: decoded.frames[0]?.text ?? decoded.error ?? '' };
  });
  return { events, stats: parser.stats };
}

function describeVector(check: VectorCheck): string {
  const v = check.vector;
  const decoded = decodeFrames(fromHex(v.hex), (v.command ?? undefined) as CommandName | undefined);
  return decoded.frames[0]?.text ?? decoded.error ?? '';
}

/** Register `check-vectors` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('check-vectors')
    .description('check the PROTOCOL.md test vectors both ways, the CRC check value, and show the parser resynchronising')
    .option('--vectors <FILE>', 'vector file to check (default: the built-in fixtures/frames/vectors.json)');
  withJson(cmd).action(function (this: Command, options: DemoOptions) {
    const file = loading(() => loadVectors(options.vectors ?? VECTORS_URL));
    const checks = file.vectors.map(checkVector);
    const crc = crc8(new TextEncoder().encode(file.crcCheck.ascii));
    const parser = runParserDemo();
    const bad = checks.filter((c) => !c.encodeOk || !c.decodeOk);
    const crcHex = crcCheckHexValue(file);
    const crcOk = crc === file.crcCheck.crc && crc === crcHex;

    if (options.json) {
      printJson(this, {
        vectors: checks.map((c) => ({ name: c.vector.name, hex: c.vector.hex, encoded: c.encoded, encodeOk: c.encodeOk, decoded: c.decoded, decodeOk: c.decodeOk })),
        crcCheck: { ascii: file.crcCheck.ascii, expected: file.crcCheck.crc, expectedHex: file.crcCheck.hex, actual: crc, ok: crcOk },
        parser,
        ok: bad.length === 0 && crcOk,
      });
    } else {
      // names, hex and ascii come from the file: shown as safe excerpts (a crafted file cannot drive the terminal)
      const names = checks.map((c) => safeExcerpt(c.vector.name));
      const hexes = checks.map((c) => safeExcerpt(c.vector.hex));
      const nameWidth = names.reduce((w, n) => Math.max(w, n.length), 0);
      const hexWidth = hexes.reduce((w, h) => Math.max(w, h.length), 0);
      const lines = [`PROTOCOL.md section 9 test vectors (${checks.length}), encoded and decoded:`];
      checks.forEach((c, i) => {
        const status = c.encodeOk && c.decodeOk ? 'OK      ' : 'MISMATCH';
        lines.push(`  ${status}  ${names[i]!.padEnd(nameWidth)}  ${hexes[i]!.padEnd(hexWidth)}  ${describeVector(c)}`);
        if (!c.encodeOk) lines.push(`            encode gave ${safeExcerpt(c.encoded)}, expected ${hexes[i]}`);
        if (!c.decodeOk) lines.push(`            decode gave ${safeExcerpt(c.decoded)}, expected ${safeExcerpt(JSON.stringify(c.vector.fields))}`);
      });
      const hexNote = crcHex === file.crcCheck.crc ? '' : `, but "hex" says ${hexByte(crcHex)}`;
      lines.push('', `CRC-8/MAXIM check value of "${safeExcerpt(file.crcCheck.ascii)}": ${hexByte(crc)} (expected ${hexByte(file.crcCheck.crc)}${hexNote}) ${crcOk ? 'OK' : 'MISMATCH'}`);
      lines.push('', 'Stream parser on a noisy 9600-baud stream:');
      for (const chunk of PARSER_DEMO) lines.push(`  in        ${chunk.hex.padEnd(18)}  ${chunk.what}`);
      for (const e of parser.events) lines.push(`  ${e.kind === 'frame' ? 'found  ' : 'dropped'}   ${e.hex.padEnd(18)}  ${e.text}`);
      const s = parser.stats;
      lines.push(`  ${s.frames} frames, ${s.discardedBytes} of ${s.bytesIn} bytes discarded (length ${s.discards.length}, crc ${s.discards.crc}, gap ${s.discards.gap})`);
      lines.push('', bad.length === 0 && crcOk ? `All ${checks.length} vectors and the CRC check value match.` : `${bad.length} of ${checks.length} vectors mismatch${crcOk ? '' : ', and the CRC check value is wrong'}.`);
      printLines(this, lines);
    }
    if (bad.length > 0 || !crcOk) throw new CliError(`check-vectors: ${bad.length} vector mismatch(es)${crcOk ? '' : ', CRC check value wrong'}`);
  });
}
