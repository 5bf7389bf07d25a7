/** Readable text of a simulator run: the timeline of notable events, the summary, the verdicts. */
import { formatDuration } from '../board-model/duration.ts';
import type { SimEvent } from '../board-model/events.ts';
import type { RunResult } from '../board-model/sim/runScenario.ts';

const CORE = new Set(['t', 'type', 'id', 'pi', 'board']);

function details(e: SimEvent): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(e)) {
    if (CORE.has(k) || v === undefined || (k === 'why' && typeof v === 'string')) continue;
    parts.push(`${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  // A host-timeout's explanation (board-model/noReplyCause.ts) reads as words after its cause.
  return typeof e['why'] === 'string' ? `${parts.join(' ')}: ${e['why']}` : parts.join(' ');
}

function who(e: SimEvent): string {
  if (e.id === undefined) return 'stack';
  return e.pi === undefined ? `board ${e.id}` : `board ${e.id} Pi ${e.pi}`;
}

/** Compact list of IDs: "0-15", "1, 3, 5-7". */
export function idRanges(ids: number[]): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

/**
 * Timeline lines. Events of one type at the same instant that differ only by board (e.g. every
 * MCU booting at 0 s) are merged into one line naming the boards.
 */
export function timelineLines(events: readonly SimEvent[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < events.length; ) {
    const e = events[i]!;
    let j = i;
    const text = details(e);
    while (
      j + 1 < events.length && events[j + 1]!.t === e.t && events[j + 1]!.type === e.type && events[j + 1]!.pi === e.pi &&
      events[j + 1]!.id !== undefined && e.id !== undefined && details(events[j + 1]!) === text
    ) j++;
    const subject = j > i ? `boards ${idRanges(events.slice(i, j + 1).map((x) => x.id!))}${e.pi === undefined ? '' : ` Pi ${e.pi}`}` : who(e);
    lines.push(`${formatDuration(e.t).padStart(13)}  ${subject.padEnd(16)}  ${e.type}${text ? `  ${text}` : ''}`);
    i = j + 1;
  }
  return lines;
}

/** Summary lines: per Pi (those that ever had power), per board with errors or extra boots, the bus. */
export function summaryLines(result: RunResult): string[] {
  const s = result.summary;
  const lines = ['Summary'];
  const active = s.pis.filter((p) => p.energyWh > 0 || p.powerCycles > 0 || p.unsafePowerLosses > 0);
  lines.push(`  Pis: ${s.pis.length} (${active.length} powered at some point)`);
  if (active.length > 0) {
    lines.push(`    ${'board/pi'.padEnd(9)} ${'cycles'.padStart(6)} ${'unsafe'.padStart(6)} ${'uptime'.padStart(12)} ${'energy Wh'.padStart(10)}`);
    for (const p of active) {
      lines.push(`    ${`${p.id}/${p.pi}`.padEnd(9)} ${String(p.powerCycles).padStart(6)} ${String(p.unsafePowerLosses).padStart(6)} ${formatDuration(p.uptimeS * 1000).padStart(12)} ${p.energyWh.toFixed(3).padStart(10)}`);
    }
  }
  const totalUnsafe = s.pis.reduce((n, p) => n + p.unsafePowerLosses, 0);
  const totalCycles = s.pis.reduce((n, p) => n + p.powerCycles, 0);
  lines.push(`  Power cycles: ${totalCycles}   unsafe power losses: ${totalUnsafe}`);
  const notable = s.boards.filter((b) => b.boots !== 1 || b.errorsLogged > 0);
  lines.push(`  Boards: ${s.boards.length}${notable.length ? '' : ' (each booted once, no errors logged)'}`);
  for (const b of notable) lines.push(`    board ${b.id}: ${b.boots} boots, ${b.errorsLogged} errors logged`);
  const bus = s.bus;
  lines.push(`  Bus: ${bus.frames} frames, ${bus.replies} replies, ${bus.crcErrors} CRC errors, ${bus.collisions} collisions, ${bus.timeouts} timeouts`);
  lines.push(...unsentLines(result));
  if (result.eventsTruncated > 0) lines.push(`  Events: the first ${result.events.length.toLocaleString('en')} kept, ${result.eventsTruncated.toLocaleString('en')} more counted but not listed`);
  return lines;
}

/** Lines about steps the run could not carry out (none when every step ran) and events not kept. */
export function unsentLines(result: RunResult): string[] {
  const u = result.unsent;
  const lines: string[] = [];
  if (u.count > 0) {
    const ref = (r: NonNullable<typeof u.first>): string => `steps[${r.index}] at ${formatDuration(r.atMs)} ${r.step}`;
    const range = u.first && u.last && u.count > 1 ? `first ${ref(u.first)}, last ${ref(u.last)}` : u.first ? ref(u.first) : '';
    lines.push(`  Steps not sent: ${u.count} (the bus was busy or the run ended first: ${range})`);
  }
  if (result.pollsSkipped > 0) lines.push(`  Polls skipped: ${result.pollsSkipped} (the previous poll was still waiting for replies)`);
  return lines;
}

/** Expectation verdict lines. */
export function expectationLines(result: RunResult): string[] {
  if (result.expectations.length === 0) return [];
  const failed = result.expectations.filter((e) => !e.passed).length;
  const lines = [`Expectations: ${result.expectations.length - failed} passed, ${failed} failed`];
  for (const e of result.expectations) lines.push(`  ${e.passed ? 'PASS' : 'FAIL'}  ${e.message}`);
  return lines;
}
