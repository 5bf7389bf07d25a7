/**
 * The scope's traces as files: CSV (a spreadsheet: time_s and one column per trace, a row at
 * every change) and VCD (IEEE 1364 value change dump, which GTKWave and other logic-analyser
 * viewers open: wires for digital traces, reals for analog ones, markers as comments at their
 * time). Both cover [from, to] of virtual time and start with the value of every trace at
 * `from`. Browser-safe, pure.
 */
import type { Marker } from './TraceRecorder.ts';
import type { Trace } from './Trace.ts';

/** What to export. */
export interface ExportInput {
  /** Traces in column order. */
  readonly traces: readonly Trace[];
  /** First and last virtual time (ms). */
  readonly from: number;
  readonly to: number;
  /** Markers (VCD comments); those outside [from, to] are left out. */
  readonly markers?: readonly Marker[];
  /** VCD scope name and CSV comment line: "board 3". */
  readonly title: string;
}

/** VCD time unit: one microsecond (bus byte times are fractions of a millisecond). */
export const VCD_TIMESCALE = '1 us';

/** Virtual ms in VCD time units (integers). */
export function vcdTime(ms: number): number {
  return Math.round(ms * 1000);
}

/** A value as text: digital as 0/1, analog to 6 decimals without trailing zeros. */
function num(v: number): string {
  return String(Number(v.toFixed(6)));
}

/** Every change time of the traces in (from, to], sorted, without repeats. */
function changeTimes(traces: readonly Trace[], from: number, to: number): number[] {
  const times = new Set<number>();
  for (const trace of traces) {
    for (let i = trace.indexAfter(from); i < trace.length && trace.timeAt(i) <= to; i++) times.add(trace.timeAt(i));
  }
  return [...times].sort((a, b) => a - b);
}

/** A CSV column name: key and unit ("pi0_volts_V"). */
export function csvColumn(trace: Trace): string {
  return trace.info.unit === '' ? trace.info.key : `${trace.info.key}_${trace.info.unit}`;
}

/** CSV: a header row (time_s, then a column per trace), a row at `from` and at every change up to `to`; an empty cell where a trace has no value yet. */
export function toCsv(input: ExportInput): string {
  const { traces, from, to } = input;
  const lines = [['time_s', ...traces.map(csvColumn)].join(',')];
  const row = (t: number): string => [num(t / 1000), ...traces.map((tr) => {
    const v = tr.valueAt(t);
    return v === undefined ? '' : num(v);
  })].join(',');
  lines.push(row(from));
  for (const t of changeTimes(traces, from, to)) lines.push(row(t));
  return `${lines.join('\n')}\n`;
}

/** VCD identifier code of the i-th variable: printable ASCII 33..126, base 94. */
export function vcdId(i: number): string {
  let id = '';
  let n = i;
  do {
    id += String.fromCharCode(33 + (n % 94));
    n = Math.floor(n / 94) - 1;
  } while (n >= 0);
  return id;
}

/** A VCD name: letters, digits and underscores only. */
function vcdName(text: string): string {
  return text.replace(/[^A-Za-z0-9_]+/g, '_');
}

/** One value change line: "1!" for a wire, "r5.1 !" for a real, "x!" for an unknown wire. */
function change(trace: Trace, id: string, v: number | undefined): string {
  if (trace.info.kind === 'digital') return `${v === undefined ? 'x' : v === 0 ? '0' : '1'}${id}`;
  return `r${v === undefined ? 0 : num(v)} ${id}`;
}

/**
 * VCD: header ($version, $timescale 1 us, one $scope with a $var per trace: `wire 1` for
 * digital, `real 64` for analog, named by key and unit), `#from` with $dumpvars of every value,
 * then a `#time` for every change time (µs, increasing) with the traces that changed, and each
 * marker as a `$comment` at its time.
 */
export function toVcd(input: ExportInput): string {
  const { traces, from, to, title } = input;
  const ids = traces.map((_, i) => vcdId(i));
  const out: string[] = [
    '$version pistack viz scope $end',
    `$comment ${title.replace(/\$end/g, '')}; virtual time in microseconds $end`,
    `$timescale ${VCD_TIMESCALE} $end`,
    `$scope module ${vcdName(title)} $end`,
    ...traces.map((tr, i) => tr.info.kind === 'digital'
      ? `$var wire 1 ${ids[i]} ${vcdName(tr.info.key)} $end`
      : `$var real 64 ${ids[i]} ${vcdName(csvColumn(tr))} $end`),
    '$upscope $end',
    '$enddefinitions $end',
  ];
  const markers = (input.markers ?? []).filter((m) => m.t >= from && m.t <= to);
  let mi = 0;
  const comments = (upTo: number): void => {
    while (mi < markers.length && vcdTime(markers[mi]!.t) <= upTo) {
      const m = markers[mi++]!;
      out.push(`$comment ${m.kind} ${m.label}: ${m.detail.replace(/\$end/g, '')} $end`);
    }
  };
  const start = vcdTime(from);
  out.push(`#${start}`, '$dumpvars');
  const last = traces.map((tr) => tr.valueAt(from));
  traces.forEach((tr, i) => out.push(change(tr, ids[i]!, last[i])));
  out.push('$end');
  comments(start);
  let stamp = start;
  for (const t of changeTimes(traces, from, to)) {
    const at = vcdTime(t);
    const lines: string[] = [];
    traces.forEach((tr, i) => {
      const v = tr.valueAt(t);
      if (v === last[i]) return;
      last[i] = v;
      lines.push(change(tr, ids[i]!, v));
    });
    if (lines.length === 0) continue;
    comments(at - 1);
    if (at !== stamp) out.push(`#${at}`);
    stamp = at;
    out.push(...lines);
  }
  comments(vcdTime(to));
  if (vcdTime(to) > stamp) out.push(`#${vcdTime(to)}`);
  return `${out.join('\n')}\n`;
}
