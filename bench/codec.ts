/**
 * Codec throughput: CRC-8 (table vs bitwise), encode + decode of every command, and the stream
 * parser on a mixed stream with 10 % garbage. Run: `npx tsx bench/codec.ts [--json] [--ms N]`.
 * Figures only, no assertions: wall time is machine-dependent.
 */
import {
  COMMANDS, COMMAND_NAMES, FrameParser, crc8, crc8Bitwise, decodeRequest, decodeResponse, encodeErrorResponse, encodeOkResponse, encodeRequest,
  type CommandName, type FieldSpec,
} from '../bus-protocol/index.ts';

/** One measured figure. */
export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly iterations: number;
  readonly ms: number;
}

/** Deterministic pseudo-random bytes (xorshift32), so every run measures the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** Run `fn` repeatedly for about `ms` milliseconds after a warm-up; returns iterations and elapsed ms. */
function measure(fn: () => void, ms: number): { iterations: number; ms: number } {
  const warmUntil = performance.now() + Math.min(200, ms / 4);
  while (performance.now() < warmUntil) fn();
  let iterations = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    fn();
    iterations++;
    now = performance.now();
  }
  return { iterations, ms: now - start };
}

function valuesFor(fields: readonly FieldSpec[], next: () => number): Record<string, number | Uint8Array> {
  const out: Record<string, number | Uint8Array> = {};
  for (const f of fields) {
    if (f.type === 'bytes') out[f.name] = Uint8Array.from({ length: 32 }, () => next() & 0xff);
    else if (f.type === 'u8') out[f.name] = f.name === 'pi' ? next() & 1 : next() & 0xff;
    else if (f.type === 'u16') out[f.name] = next() & 0xffff;
    else out[f.name] = next();
  }
  return out;
}

/** Every command once as request and once as OK reply, plus an error reply: the codec mix. */
function frameMix(next: () => number): Array<{ name: CommandName; request: Record<string, number | Uint8Array>; reply: Record<string, number | Uint8Array> }> {
  return COMMAND_NAMES.map((name) => ({ name, request: valuesFor(COMMANDS[name].request, next), reply: valuesFor(COMMANDS[name].response, next) }));
}

/** A byte stream of valid frames with about 10 % garbage bytes inserted between them. */
function mixedStream(targetBytes: number, next: () => number): { stream: Uint8Array; frames: number } {
  const mix = frameMix(next);
  const parts: number[] = [];
  let frames = 0;
  let garbage = 0;
  while (parts.length < targetBytes) {
    const m = mix[next() % mix.length]!;
    const frame = next() & 1 ? encodeRequest(m.name, next() % 0xff, m.request as never) : encodeOkResponse(m.name, m.reply as never);
    parts.push(...frame);
    frames++;
    while (garbage < parts.length / 9) {
      parts.push(next() & 0xff);
      garbage++;
    }
  }
  return { stream: Uint8Array.from(parts), frames };
}

/** Run all benchmarks, each for about `ms` milliseconds. */
export function runBench(ms = 1000): BenchRow[] {
  const next = rng(0xc0ffee);
  const rows: BenchRow[] = [];
  const row = (name: string, unit: string, perIteration: number, m: { iterations: number; ms: number }) =>
    rows.push({ name, unit, value: (m.iterations * perIteration) / (m.ms / 1000), iterations: m.iterations, ms: m.ms });

  const big = Uint8Array.from({ length: 1 << 20 }, () => next() & 0xff);
  let sink = 0;
  row('crc8 table (1 MiB buffer)', 'MB/s', big.length / 1e6, measure(() => (sink ^= crc8(big)), ms));
  row('crc8 bitwise (1 MiB buffer)', 'MB/s', big.length / 1e6, measure(() => (sink ^= crc8Bitwise(big)), ms));

  const mix = frameMix(next);
  const roundTrip = () => {
    for (const m of mix) {
      const req = encodeRequest(m.name, 7, m.request as never);
      if (decodeRequest(req).kind !== 'frame') throw new Error(`request ${m.name} did not decode`);
      const reply = encodeOkResponse(m.name, m.reply as never);
      if (decodeResponse(reply, m.name).kind !== 'frame') throw new Error(`reply ${m.name} did not decode`);
    }
    if (decodeResponse(encodeErrorResponse(0x12)).kind !== 'frame') throw new Error('error reply did not decode');
  };
  row(`encode+decode (${2 * mix.length + 1}-frame mix)`, 'frames/s', 2 * mix.length + 1, measure(roundTrip, ms));

  const { stream, frames } = mixedStream(256 * 1024, next);
  let found = 0;
  const parse = () => {
    const parser = new FrameParser();
    for (let at = 0; at < stream.length; at += 64) parser.push(stream.subarray(at, at + 64));
    parser.flush();
    found = parser.stats.frames;
  };
  const parsed = measure(parse, ms);
  row('parser, 10 % garbage (256 KiB stream)', 'MB/s', stream.length / 1e6, parsed);
  row(`parser frames found (${found} of ${frames} per pass)`, 'frames/s', found, parsed);
  if (sink === -1) console.log(sink); // keep the CRC results alive
  return rows;
}

function formatTable(rows: readonly BenchRow[]): string {
  const nameWidth = Math.max(...rows.map((r) => r.name.length));
  const values = rows.map((r) => (r.value >= 100 ? Math.round(r.value).toLocaleString('en-US') : r.value.toFixed(2)));
  const valueWidth = Math.max(...values.map((v) => v.length));
  const lines = [`${'benchmark'.padEnd(nameWidth)}  ${'rate'.padStart(valueWidth)}  unit`];
  rows.forEach((r, i) => lines.push(`${r.name.padEnd(nameWidth)}  ${values[i]!.padStart(valueWidth)}  ${r.unit}`));
  return lines.join('\n');
}

const args = process.argv.slice(2);
const msArg = args.indexOf('--ms');
const ms = msArg >= 0 ? Number(args[msArg + 1]) : 1000;
if (!Number.isFinite(ms) || ms <= 0) {
  console.error(`error: "--ms" must be a positive number of milliseconds, got ${args[msArg + 1]}`);
  process.exit(1);
}
const rows = runBench(ms);
if (args.includes('--json')) console.log(JSON.stringify({ node: process.version, ms, rows }, null, 2));
else console.log(`${formatTable(rows)}\n(node ${process.version}, about ${ms} ms per benchmark)`);
